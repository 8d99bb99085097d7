"""``FlopCounterMode``: count the floating-point operations of the code run inside a ``with`` block, per
module, as PyTorch's counter reports them.

PyTorch counts at its dispatcher: each ``aten.mm``, ``aten.addmm``, ``aten.bmm``, ``aten.convolution`` and
``aten.convolution_backward`` call adds the FLOPs of a formula over the call's shapes. ember's ops are not
ATen calls, so the counter translates: while the block runs, a counting observer sees every op call (the
profiler's kind of hook, ``ember/autograd/_op_observers.py``), and the ops that do matrix products or convolutions are described
as the ATen calls PyTorch makes for them (``F.linear`` on a 3-D input is one ``aten.addmm`` over the
flattened input; ``matmul`` of a 3-D by a 2-D tensor is one ``aten.mm``; an ``einsum`` is a ``aten.bmm`` per
pair of operands, left to right). Their backward is counted when the engine runs their graph node, as the
calls PyTorch's backward formulas make (two ``aten.mm`` for a linear layer's input and weight, one
``aten.convolution_backward``). Ops PyTorch does not count on a CPU (``mv``, ``dot``, attention's fused
kernel) count nothing here either. Custom operators (``ember.library``) count with the formula registered
for them, and the ops inside their kernels are not counted, as in PyTorch.
"""
import math
import warnings
from collections import defaultdict

from ember.autograd import _op_observers as _observe
from ember.utils._pytree import tree_map
from ember.utils.module_tracker import ModuleTracker

__all__ = ['FlopCounterMode', 'register_flop_formula']


def _aten(name):
    from ember.ops import aten
    return getattr(aten, name)


def _shape(value):
    from ember._tensor import Tensor
    return tuple(value.shape) if isinstance(value, Tensor) else value


def shape_wrapper(formula):
    """``formula`` over shapes, callable with tensors: every tensor argument (and ``out_val``) becomes its
    shape, and the result's shape is passed as ``out_shape``."""
    def with_shapes(*args, out_val=None, **kwargs):
        args, kwargs, out_shape = tree_map(_shape, (args, kwargs, out_val))
        return formula(*args, out_shape=out_shape, **kwargs)
    with_shapes.__name__ = getattr(formula, '__name__', 'formula')
    with_shapes.__doc__ = getattr(formula, '__doc__', None)
    return with_shapes


flop_registry = {}


def _check_target(target):
    from ember.export._aten import OpOverloadPacket as AtenPacket
    from ember.library._namespaces import _AtenOp
    from ember.library._ops import OpOverloadPacket
    if not isinstance(target, (_AtenOp, AtenPacket, OpOverloadPacket)):
        raise ValueError(f"register_flop_formula(targets): expected each target to be OpOverloadPacket (i.e. "
                         f"ember.ops.mylib.foo), JitFunction, or HigherOrderOperator, got {target} which is of type "
                         f"{type(target)}")
    if isinstance(target, (_AtenOp, AtenPacket)) and target._name not in _COUNTABLE_ATEN:
        raise NotImplementedError(f"FlopCounterMode: ember cannot count the calls of {target}: it counts "
                                  f"{', '.join('aten.' + n for n in sorted(_COUNTABLE_ATEN))} and custom operators")


def register_flop_formula(targets, get_raw=False):
    """Register a FLOP formula for an operator (or a list of them), used by every :class:`FlopCounterMode`.

    The formula receives the operator's arguments as shapes (each tensor replaced by its shape) and the
    output's shape as ``out_shape``; with ``get_raw=True`` it receives the arguments as they are and the
    output as ``out_val``.

    Args:
        targets: ``ember.ops.<namespace>.<name>`` (a custom operator, or one of the ATen operators ember
            describes its matrix products and convolutions as), or a list of them.
        get_raw (bool): pass the raw arguments instead of shapes. Default: ``False``.

    Returns:
        a decorator that registers the function and returns it (wrapped to take shapes unless ``get_raw``).

    Example::

        >>> @ember.library.custom_op('flops_doc::scale', mutates_args=())
        ... def scale(x: ember.Tensor) -> ember.Tensor:
        ...     return x * 2
        >>> @register_flop_formula(ember.ops.flops_doc.scale)
        ... def scale_flops(x_shape, out_shape=None):
        ...     return math.prod(x_shape)
        >>> with FlopCounterMode(display=False) as counter:
        ...     y = ember.ops.flops_doc.scale(ember.ones(3, 4))
        >>> counter.get_total_flops()
        12
    """
    def register_fun(formula):
        _install_defaults()
        wrapped = formula if get_raw else shape_wrapper(formula)
        for target in (targets if isinstance(targets, (list, tuple)) else [targets]):
            _check_target(target)
            if target in flop_registry:
                raise RuntimeError(f"duplicate registrations for {target}")
            flop_registry[target] = wrapped
        return wrapped
    return register_fun


# ---------------------------------------------------------------- PyTorch's formulas, over shapes

def mm_flop(a_shape, b_shape, *args, out_shape=None, **kwargs):
    """FLOPs of ``a @ b`` for matrices: two per multiply-add."""
    m, k = a_shape
    n = b_shape[1]
    return 2 * m * n * k


def addmm_flop(self_shape, a_shape, b_shape, out_shape=None, **kwargs):
    """FLOPs of ``self + a @ b`` (the addition is not counted)."""
    return mm_flop(a_shape, b_shape)


def bmm_flop(a_shape, b_shape, out_shape=None, **kwargs):
    """FLOPs of a batched matrix product."""
    b, m, k = a_shape
    n = b_shape[2]
    return 2 * b * m * n * k


def baddbmm_flop(self_shape, a_shape, b_shape, out_shape=None, **kwargs):
    """FLOPs of ``self + bmm(a, b)`` (the addition is not counted)."""
    return bmm_flop(a_shape, b_shape)


def conv_flop_count(x_shape, w_shape, out_shape, transposed=False):
    """FLOPs of a convolution: for each point of the output's spatial shape (the input's, when
    transposed), the kernel's multiply-adds for every pair of input and output channels of each sample
    (bias not counted)."""
    batch = x_shape[0]
    spatial = (x_shape if transposed else out_shape)[2:]
    c_out, c_in, *kernel = w_shape
    return math.prod(spatial) * math.prod(kernel) * batch * c_out * c_in * 2


def conv_flop(x_shape, w_shape, _bias, _stride, _padding, _dilation, transposed, *args, out_shape=None, **kwargs):
    """FLOPs of ``aten.convolution``."""
    return conv_flop_count(x_shape, w_shape, out_shape, transposed=transposed)


def conv_backward_flop(grad_out_shape, x_shape, w_shape, _bias, _stride, _padding, _dilation, transposed,
                       _output_padding, _groups, output_mask, out_shape, **kwargs):
    """FLOPs of ``aten.convolution_backward``: the input's gradient is a transposed convolution of the
    output's gradient with the weight; the weight's, a convolution of the input with the output's gradient
    (batch and channel dimensions swapped)."""
    def swap(shape):
        return [shape[1], shape[0]] + list(shape[2:])
    flops = 0
    if output_mask[0]:
        flops += conv_flop_count(grad_out_shape, w_shape, out_shape[0], not transposed)
    if output_mask[1]:
        if transposed:
            flops += conv_flop_count(swap(grad_out_shape), swap(x_shape), swap(out_shape[1]), transposed=False)
        else:
            flops += conv_flop_count(swap(x_shape), swap(grad_out_shape), swap(out_shape[1]), transposed=False)
    return flops


_DEFAULT_FORMULAS = {'mm': mm_flop, 'addmm': addmm_flop, 'bmm': bmm_flop, 'baddbmm': baddbmm_flop,
                     'convolution': conv_flop, 'convolution_backward': conv_backward_flop}
# the ATen operators ember's ops are described as (and so the ones a formula can be registered for)
_COUNTABLE_ATEN = frozenset(_DEFAULT_FORMULAS)


def _install_defaults():
    if not _defaults_installed:        # on first use: naming ATen ops needs the ops loaded
        for name, formula in _DEFAULT_FORMULAS.items():
            flop_registry.setdefault(_aten(name), shape_wrapper(formula))
        _defaults_installed.append(True)


_defaults_installed = []


# ---------------------------------------------------------------- ember's ops as PyTorch's ATen calls

def _fold(shape):
    """A matrix of the rows of ``shape`` (all leading dimensions flattened)."""
    return (math.prod(shape[:-1]), shape[-1])


def _mm_calls(a, b, needs):
    """The forward ``aten.mm`` call of ``a @ b`` and the backward calls: ``grad @ b.T`` for ``a`` and
    ``a.T @ grad`` for ``b``, each when that input needs a gradient."""
    (m, k), n = a, b[1]
    forward = [('mm', (a, b), (m, n))]
    backward = []
    if needs[0]:
        backward.append(('mm', ((m, n), (n, k)), (m, k)))
    if needs[1]:
        backward.append(('mm', ((k, m), (m, n)), (k, n)))
    return forward, backward


def _bmm_calls(batch, m, k, n, needs):
    forward = [('bmm', ((batch, m, k), (batch, k, n)), (batch, m, n))]
    backward = []
    if needs[0]:
        backward.append(('bmm', ((batch, m, n), (batch, n, k)), (batch, m, k)))
    if needs[1]:
        backward.append(('bmm', ((batch, k, m), (batch, m, n)), (batch, k, n)))
    return forward, backward


def _matmul_calls(a, b, out, needs):
    """matmul of N-D tensors: one ``aten.mm`` when one side is a matrix (the other's rows folded), else a
    ``aten.bmm`` over the broadcast batch; products with a vector count nothing (``mv``, ``dot``)."""
    if len(a) < 2 or len(b) < 2:
        return [], []
    m, k, n = a[-2], a[-1], b[-1]
    batch = math.prod(out[:-2])
    if len(b) == 2:
        return _mm_calls((batch * m, k), (k, n), needs)
    if len(a) == 2:     # folded the other way: (b^T a^T)^T
        forward, backward = _mm_calls((batch * n, k), (k, m), needs[::-1])
        return forward, backward
    return _bmm_calls(batch, m, k, n, needs)


def _einsum_calls(terms, rhs, shapes, needs):
    """``einsum`` as PyTorch computes it: operands contracted pairwise from the left, each pair one
    ``aten.bmm`` (letters found in one operand only and not needed later are summed beforehand)."""
    if len(shapes) < 2:
        return [], []
    size = {}
    for t, shape in zip(terms, shapes):
        size.update(zip(t, shape))
    forward, backward = [], []
    acc, acc_needs = terms[0], needs[0]
    for i in range(1, len(terms)):
        other = terms[i]
        later = set(rhs).union(*terms[i + 1:])
        left = {c for c in acc if c in other or c in later}
        right = {c for c in other if c in acc or c in later}
        batch = {c for c in left & right if c in later}
        summed = (left & right) - batch
        kept = (left | right) - summed
        dims = [math.prod(size[c] for c in group) for group in
                (batch, left - right, summed, right - left)]
        f, bw = _bmm_calls(*dims, (acc_needs, needs[i]))
        forward += f
        backward += bw
        acc, acc_needs = ''.join(sorted(kept)), acc_needs or needs[i]
    return forward, backward


def _conv_calls(args, out, needs):
    x, w, bias, stride, pads, dilation, transposed, output_padding, groups = args
    conv_args = (x, w, bias, stride, pads, dilation, transposed, output_padding, groups)
    forward = [('convolution', conv_args, out)]
    mask = [needs[0], needs[1], bias is not None and needs[2]]
    backward = [('convolution_backward', (out,) + conv_args + (mask,), [x, w, bias])] \
        if mask[0] or mask[1] else []
    return forward, backward


def _calls(cls_name, args, out, needs):
    """(forward calls, backward calls) of one ember op, each call ``(aten name, shape arguments,
    output shape)``, or None for an op PyTorch counts nothing for."""
    shapes = [_shape(a) for a in args]
    if cls_name == 'Mm':
        return _mm_calls(shapes[0], shapes[1], needs)
    if cls_name == 'MmT':                                  # linear without bias
        return _mm_calls(_fold(shapes[0]), shapes[1], needs)
    if cls_name == 'Addmm':                                # linear with bias
        x, wt = _fold(shapes[1]), shapes[2]
        forward, backward = _mm_calls(x, wt, needs[1:])
        if len(shapes[1]) == 2 or args[1].is_contiguous():
            # PyTorch's fused path (aten.addmm) takes 2-D or contiguous inputs; others go through matmul
            forward = [('addmm', (shapes[0], x, wt), (x[0], wt[1]))]
        return forward, backward
    if cls_name in ('Bmm', 'BatchedMatmul', 'BatchedMatmulT', 'BatchedMatvec'):
        return _matmul_calls(shapes[0], shapes[1], out, needs)
    if cls_name.startswith('Einsum'):       # (Einsum and the subclasses naming its node)
        return _einsum_calls(args[0], args[1], shapes[2:], needs[2:])
    if cls_name == 'Convolution':
        return _conv_calls(shapes, out, needs)
    return None


# ---------------------------------------------------------------- counting while the mode is active

_active = []        # the counters whose ``with`` block is running
_muted = [0]        # > 0 inside an op whose work is counted as a whole (a backward formula, a custom op)


def _count(calls):
    for counter in _active:
        for name, call_args, out in calls:
            counter._count_flops(_aten(name), out, call_args, {})


class _Counting(_observe.OpObserver):
    """Counts each op's FLOPs (and its backward's, when its node runs) while any counter is active."""

    @staticmethod
    def op(proceed, cls, args, kwargs):
        result = proceed(cls, *args, **kwargs)
        from ember._tensor import Tensor
        first = result[0] if isinstance(result, tuple) and result else result
        if not isinstance(first, Tensor):
            return result
        node = first._grad_fn
        needs = node.needs_input_grad if node is not None and getattr(node, '_fn', None) is cls else \
            (False,) * len(args)
        calls = _calls(cls.__name__, args, _shape(first), needs)
        if calls is None:
            return result
        forward, backward = calls
        if not _muted[0] and getattr(cls, '_sac_kind', None) != 'replaying':
            # (an op selective checkpointing replays returns the outputs it kept: nothing is computed)
            _count(forward)
        if backward and node is not None and getattr(node, '_fn', None) is cls:
            node._flop_backward = backward
        return result

    @staticmethod
    def node(proceed, node, args, kwargs):
        backward = getattr(node, '_flop_backward', None)
        if backward is None:
            return proceed(node, *args, **kwargs)
        _muted[0] += 1
        try:
            result = proceed(node, *args, **kwargs)
        finally:
            _muted[0] -= 1
        if not _muted[0]:
            _count(backward)
        return result

    @staticmethod
    def custom_op(proceed, op_def, args, kwargs):
        from ember.library._ops import OpOverloadPacket
        if op_def.composite is not None and not op_def.kernels:
            return proceed(op_def, *args, **kwargs)      # decomposes into ops that are counted themselves
        pos, kw = op_def.bind(args, kwargs)
        _muted[0] += 1
        try:
            out = proceed(op_def, *args, **kwargs)
        finally:
            _muted[0] -= 1
        if not _muted[0]:
            for counter in _active:
                counter._count_flops(OpOverloadPacket(op_def), out, pos, kw)
        return out


_COUNTING = _Counting()


# ---------------------------------------------------------------- the table

_SUFFIXES = ['', 'K', 'M', 'B', 'T']


def _suffix(number):
    # one digit more than a whole group before switching: 1.01B prints as 1010M
    return _SUFFIXES[max(0, min(len(_SUFFIXES) - 1, (len(str(number)) - 2) // 3))]


def _with_suffix(number, suffix):
    return f'{number / 1000 ** _SUFFIXES.index(suffix):.3f}{suffix}'


def _percent(part, whole):
    return '0%' if whole == 0 else f'{part / whole:.2%}'


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def _format_table(rows, header):
    """A plain-text table as PyTorch's counter prints it: the first column left-aligned, the others
    right-aligned, a column of plain numbers printed in their shortest form (``600.000`` as ``600``)."""
    columns = [list(col) for col in zip(*rows)]
    for j, col in enumerate(columns[1:], 1):
        if all(_is_number(v) for v in col):
            columns[j] = [format(float(v), 'g') for v in col]
    columns = [[v.strip() for v in col] for col in columns]
    widths = [max([len(h) + 2] + [len(v) for v in col]) for h, col in zip(header, columns)]

    def line(cells):
        return '  '.join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(cells, widths)))
    out = [line(header), '  '.join('-' * w for w in widths)]
    out += [line(cells) for cells in zip(*columns)]
    return '\n'.join(out)


class FlopCounterMode:
    """A context manager that counts the floating-point operations run inside its ``with`` block, in total
    and per module.

    Counted, as PyTorch counts them: matrix products (``mm``, ``addmm``, ``bmm``; ``nn.Linear``,
    ``matmul``, ``einsum``) and convolutions, forward and backward, two FLOPs per multiply-add. Modules
    are named by class and attribute path (``'Sequential.0'``); ``'Global'`` holds everything.

    Args:
        mods: no longer needed (every module is tracked); passing it warns.
        depth (int): how many levels of modules the table shows. Default: 2.
        display (bool): print the table when the block ends. Default: ``True``.
        custom_mapping (dict, optional): formulas for operators, used instead of the built-in ones
            (keys ``ember.ops.aten.mm``-style or custom operators; values formulas over shapes, or
            functions marked ``_get_raw = True`` that receive the raw arguments).

    Example::

        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> with FlopCounterMode(display=False) as counter:
        ...     net(ember.randn(5, 4)).sum().backward()
        >>> counter.get_total_flops()
        1120
        >>> print(counter.get_table())
        Module          FLOP    % Total
        ------------  ------  ---------
        Sequential      1120    100.00%
        - aten.addmm     480     42.86%
        - aten.mm        640     57.14%
        Sequential.0     640     57.14%
        - aten.addmm     320     28.57%
        - aten.mm        320     28.57%
        Sequential.2     480     42.86%
        - aten.addmm     160     14.29%
        - aten.mm        320     28.57%
    """

    def __init__(self, mods=None, depth=2, display=True, custom_mapping=None):
        self.flop_counts = defaultdict(lambda: defaultdict(int))
        self.depth = depth
        self.display = display
        if mods is not None:
            warnings.warn("mods argument is not needed anymore, you can stop passing it", stacklevel=2)
        _install_defaults()
        custom = {}
        for target, formula in (custom_mapping or {}).items():
            _check_target(target)
            custom[target] = formula if getattr(formula, '_get_raw', False) else shape_wrapper(formula)
        self.flop_registry = {**flop_registry, **custom}
        self.mod_tracker = ModuleTracker()

    def get_total_flops(self):
        """All FLOPs counted (those of ``'Global'``)."""
        return sum(self.flop_counts['Global'].values())

    def get_flop_counts(self):
        """The counts as ``{module name: {operator: FLOPs}}`` (``'Global'`` for everything)."""
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def get_table(self, depth=None):
        """The counts as a printable table, modules down to ``depth`` levels (the counter's by default)."""
        if depth is None:
            depth = self.depth
        if depth is None:
            depth = 999999
        total = self.get_total_flops()
        suffix = _suffix(total)
        global_subsumed = False

        def rows_of(name):
            nonlocal global_subsumed
            module_total = sum(self.flop_counts[name].values())
            global_subsumed |= module_total >= total
            rows = [[name, _with_suffix(module_total, suffix), _percent(module_total, total)]]
            for op, flops in self.flop_counts[name].items():
                rows.append([f' - {op}', _with_suffix(flops, suffix), _percent(flops, total)])
            return rows

        rows = []
        for name in sorted(self.flop_counts):
            if name != 'Global' and name.count('.') + 1 <= depth:
                rows += rows_of(name)
        # 'Global' shows only when some FLOPs happened outside every module
        if 'Global' in self.flop_counts and not global_subsumed:
            rows = rows_of('Global') + rows
        if not rows:
            rows = [['Global', '0', '0%']]
        return _format_table(rows, ['Module', 'FLOP', '% Total'])

    def __enter__(self):
        self.flop_counts.clear()
        self.mod_tracker.__enter__()
        if not _active:
            _observe.add(_COUNTING)
        _active.append(self)
        return self

    def __exit__(self, *exc):
        if self not in _active:
            raise AssertionError("Internal error: FlopCounter.__exit__ called but mode is None")
        _active.remove(self)
        if not _active:
            _observe.remove(_COUNTING)
        self.mod_tracker.__exit__()
        if self.display:
            print(self.get_table(self.depth))
        return False

    def _count_flops(self, func_packet, out, args, kwargs):
        formula = self.flop_registry.get(func_packet)
        if formula is not None:
            flops = formula(*args, **kwargs, out_val=out)
            for parent in set(self.mod_tracker.parents):
                self.flop_counts[parent][func_packet] += flops
        return out
