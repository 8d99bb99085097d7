"""A GRU step's elementwise half recorded as PyTorch's CPU cell records it, computed in one fused pass.

PyTorch's ``GRUCell`` (``gru_cell`` and each step of ``nn.GRU`` on the CPU) chunks the two gate products with
``unsafe_chunk`` and takes in-place steps on the pieces::

    r = h_r.add_(i_r).sigmoid_()              AddBackward0, SigmoidBackward0
    z = h_z.add_(i_z).sigmoid_()              AddBackward0, SigmoidBackward0
    n = i_n.add(h_n.mul_(r)).tanh_()          MulBackward0, AddBackward0, TanhBackward0
    h = (hx - n).mul_(z).add_(n)              SubBackward0, MulBackward0, AddBackward0

ember computes the activations at once (``rnn._gru_gates_array``: the fused kernel's values) and records each
step's node over arrays it already holds (``record_step``), so the graph is PyTorch's: its nodes, edges and saved
tensors, each node's backward its op's own (so hooks on them and every order of derivatives work).

Run node by node, those ten backwards cost a training step about twice the fused node's. So where the backward
records nothing, no node of the cell has a hook and no gradient can reach its inner nodes from outside (none has
since a recorded backward of the cell, as a gradient penalty takes), the last step's node computes the cell's gradients at once
(the fused node's arithmetic, its bits) and each node hands on its share: the gradients leaving the cell (to
``hx`` and the gate products' pieces) are those, and between the cell's own nodes the incoming gradient is passed
along in place of one (each node's inputs there have its shape, and only the cell's nodes read them).

Even recorded that way, the ten nodes cost an nn.GRU training step 1.4-2.3x below hidden 512, so ``gru_cell`` and
nn.GRU's steps record the fused node and defer these nodes into it (``autograd/_deferred_nodes.py``):
:func:`expand_fused_step` records them from its arrays when a node can first be seen.
"""
import weakref

from ember._tensor import Tensor
from ember.autograd import _saved_hooks, grad_mode
from ember.autograd import function as _function
from ember.autograd._recorded_steps import record_step
from ember.ops.arith import Add, Mul, Sub
from ember.ops.tensor_extras import unsafe_chunk
from ember.ops.unary import Sigmoid, Tanh


class _CellGrads:
    """The cell's gradients for one backward pass, worked out by the last step's node (None: node by node).

    ``exposed``: whether a gradient can reach the cell's inner nodes from outside the cell, which the all-at-once
    gradients leave out. Only their outputs, which the cell keeps to itself, lead there: as saved tensors that a
    recorded (create_graph) backward of the cell put into its graph (a gradient penalty, double backward), or that
    a saved-tensor pack hook was handed."""
    __slots__ = ('nodes', 'acts', 'h_prev', 'h_n', 'grads', 'exposed')

    def __init__(self, acts, h_prev, h_n):
        self.nodes, self.acts, self.h_prev, self.h_n, self.grads = [], acts, h_prev, h_n, None
        self.exposed = bool(_saved_hooks._pack_stack)

    def start(self, g):
        """At the last step's node: the cell's gradients from the hidden state's ``g``, if nothing needs the
        nodes one by one (a recorded backward, a hook on one of them, gradients reaching the inner nodes)."""
        self.grads = None
        if grad_mode._state.enabled:
            self.exposed = True     # (this backward's graph holds the inner outputs, its own backward reaches them)
            return
        if self.exposed or any(n._hooks or n._pre_hooks for n in self.nodes):
            return
        r, z, n = self.acts
        d = g._data
        dan = d * (1 - z) * (1 - n * n)
        dar = dan * self.h_n * r * (1 - r)
        daz = d * (self.h_prev - n) * z * (1 - z)
        make = Tensor._make
        dev = g._device
        self.grads = {'a_r': make(dar, dev), 'a_z': make(daz, dev), 'a_n': make(dan, dev),
                      'reset': make(dan * r, dev), 'diff': make(d * z, dev)}


def _cell_node(base):
    """``base``'s Primitive whose recorded node, when its cell's gradients were worked out at once, hands on its
    share of them (``role``) instead of running ``base``'s backward."""
    def backward(ctx, g):
        cell, role = ctx.cell, ctx.role
        if role == 'h':
            cell.start(g)
            return base.backward(ctx, g)
        grads = cell.grads
        if grads is None:
            return base.backward(ctx, g)
        if role in ('a_r', 'a_z'):          # both inputs are pieces of the gate products
            return grads[role], grads[role], None
        if role in ('a_n', 'reset', 'diff'):    # the first input leaves the cell, the second is the cell's own
            return grads[role], g, None
        return (g,) if base in (Sigmoid, Tanh) else (g, g, None)     # (only the cell's nodes read these)
    return type(base.__name__, (base,), {'node_name': base.node_name, 'saved_attrs': vars(base).get('saved_attrs'),
                                         'backward': staticmethod(backward)})


_ADD, _SUB, _MUL, _SIGMOID, _TANH = (_cell_node(c) for c in (Add, Sub, Mul, Sigmoid, Tanh))


def gru_cell_steps(xg, hg, h_prev, gates_array):
    """The new hidden state from the input's and the hidden state's gate products ``xg``, ``hg`` (r, z, n
    along the last dim) and the previous state, with PyTorch's nodes; ``gates_array`` is the fused pass
    (``(xp, xg, hg, h_prev) -> (h, (r, z, n))``)."""
    i_r, i_z, i_n = unsafe_chunk(xg, 3, -1)    # (along dim 1 of PyTorch's batched cell; an unbatched one's only)
    h_r, h_z, h_n = unsafe_chunk(hg, 3, -1)
    h, (r, z, n) = gates_array(i_r._xp, xg._data, hg._data, h_prev._data)
    cell = _CellGrads((r, z, n), h_prev._data, h_n._data)

    def step(cls, role, args, out, **kept):
        t = record_step(cls, args, out, cell=cell, role=role, **kept)
        cell.nodes.append(t._grad_fn)
        return t

    # (the sums the fused pass took inside its activations, as each recorded step's own output)
    r_t = step(_SIGMOID, 'r', (step(_ADD, 'a_r', (h_r, i_r), h_r._data + i_r._data, alpha=1),), r, saved=(r,))
    z_t = step(_SIGMOID, 'z', (step(_ADD, 'a_z', (h_z, i_z), h_z._data + i_z._data, alpha=1),), z, saved=(z,))
    reset = h_n._data * r
    reset_t = step(_MUL, 'reset', (h_n, r_t), reset, saved=(r, h_n._data))
    n_t = step(_TANH, 'n', (step(_ADD, 'a_n', (i_n, reset_t), i_n._data + reset, alpha=1),), n, saved=(n,))
    diff = h_prev._data - n
    diff_t = step(_SUB, 'diff', (h_prev, n_t), diff, alpha=1)
    mixed_t = step(_MUL, 'mixed', (diff_t, z_t), diff * z, saved=(z, diff))
    return step(_ADD, 'h', (mixed_t, n_t), h, alpha=1)


# gru_cell and nn.GRU's steps: one fused node each (rnn._GRUGates), the cell's nodes deferred until a node can be seen
# (autograd/_deferred_nodes.py); the sequence numbers of the nodes the expansion makes are reserved when the
# fused node is (so backward orders them as if they had been recorded then): two pieces' splits and nine steps
STEP_NODES = 11


def expand_fused_step(node):
    """Turn the fused node of a GRU step (``rnn._GRUGates``'s, made right after ``STEP_NODES`` sequence
    numbers were reserved, the first kept as ``node._steps_seq``) into the nodes :func:`gru_cell_steps` records:
    ``node`` becomes the last one (the addition making the hidden state, which it is named after already), keeping
    its hooks, and the others are returned. Once backward freed the fused node's saved tensors, the nodes are
    made over zeros of the inputs' shapes and freed too."""
    freed = node._freed
    xg, hg, h_prev = _fused_inputs(node) if freed else [s.tensor for s in node._saved]
    acts = node.acts
    first = node._steps_seq
    mark = next(_function._sequence)
    # (the last step's output tensor is dropped, the fused node's output being that hidden state)
    last = gru_cell_steps(xg, hg, h_prev, lambda xp, xg, hg, h_prev: (h_prev, acts))._grad_fn
    cell = last.cell
    made = cell.nodes[:-1]
    for n in cell.nodes:
        for nxt, _ in n.next_functions:     # the gate products' splits
            if nxt is not None and nxt._seq > mark and nxt not in made and \
                    type(nxt) is not _function.AccumulateGrad:
                made.append(nxt)
    made.sort(key=lambda n: n._seq)
    for k, n in enumerate(made):
        n._seq = first + k
        if freed:
            n._release()
    if freed:
        cell.exposed = True     # (node by node, so that a second backward fails where it reads the freed tensors)
    own = {k: v for k, v in vars(node).items() if k in ('_seq', '_hooks', '_pre_hooks', '_metadata')}
    vars(node).clear()
    vars(node).update(vars(last))
    vars(node).update(own)
    node.__class__ = last.__class__
    cell.nodes[-1] = node
    return made


def _fused_inputs(node):
    """Stand-ins for the fused node's inputs (xg, hg, h_prev) once their arrays were freed: zeros of their shapes,
    with their edges (a node's output, a leaf's accumulator, or none)."""
    r = node.acts[0]
    xp = node.xp
    device = next(m[2] for m in node._input_meta if m is not None)
    shapes = (r.shape[:-1] + (3 * r.shape[-1],),) * 2 + (r.shape,)
    out = []
    for (fn, nr), shape in zip(node.next_functions, shapes):
        t = Tensor._make(xp.zeros(shape, r.dtype), device)
        if type(fn) is _function.AccumulateGrad:
            t._requires_grad = True
            t._grad_acc = weakref.ref(fn)
        elif fn is not None:
            t._requires_grad, t._grad_fn, t._output_nr = True, fn, nr
        out.append(t)
    return out
