"""An LSTM step's elementwise half recorded as PyTorch's CPU cell records it, computed in one fused pass.

PyTorch's ``LSTMCell`` (``lstm_cell`` on the CPU) chunks the gate pre-activations with ``unsafe_chunk`` and
composes out-of-place ops on the pieces::

    i, f, g, o = gates.unsafe_chunk(4, 1)         UnsafeSplitBackward0 (one node, four outputs)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                                                  SigmoidBackward0 x3, TanhBackward0
    c = f * c_prev + i * g                        MulBackward0, MulBackward0, AddBackward0
    h = o * c.tanh()                              TanhBackward0, MulBackward0

ember computes the activations at once (``rnn._lstm_gate_activations``: the fused kernel's values) and records
each step's node over arrays it already holds (``record_step``), so the graph is PyTorch's: its nodes, edges and
saved tensors, each node's backward its op's own (hooks on them, retain_grad and every order of derivatives
work). Run node by node, those backwards take the fused node's formulas factor by factor in the same order
(Mul: ``g * other``, Sigmoid: ``(g * y) * (1 - y)``, Tanh: ``g * (1 - y * y)``; the engine adds the cell's
outside gradient and its share through ``tanh(c)``), so the gradients keep the fused node's bits.
"""
from ember._tensor import Tensor
from ember.autograd._recorded_steps import record_step
from ember.ops.arith import Add, Mul
from ember.ops.tensor_extras import unsafe_chunk
from ember.ops.unary import Sigmoid, Tanh


def _step(cls, args, out, saved=(), **kept):
    """``cls``'s recorded output over ``out`` where an argument requires grad; otherwise a plain tensor (PyTorch
    records no node for a step none of whose inputs is differentiable)."""
    for a in args:
        if a._requires_grad:
            return record_step(cls, args, out, saved=saved, **kept)
    return Tensor._make(out, args[0]._device)


def _mul(a, b, out):
    # (Mul's forward saves each operand only where the other needs its gradient)
    return _step(Mul, (a, b), out, saved=(b._data if a._requires_grad else None,
                                          a._data if b._requires_grad else None))


def lstm_cell_steps(gates, c_prev, activations):
    """The new hidden state and cell from the gate pre-activations ``gates`` ((i, f, g, o) along the last dim)
    and the previous cell, with PyTorch's nodes; ``activations`` is the fused pass's first half
    (``(xp, gates, hidden_size) -> (i, f, g, o)``)."""
    xp = c_prev._xp
    i, f, g, o = activations(xp, gates._data, c_prev.shape[-1])
    cd = c_prev._data
    # (the fused kernel's products and sums, each a recorded step's output: c = f * c_prev + i * g, h = o * tanh(c))
    fc, ig = f * cd, i * g
    c = fc + ig
    tc = xp.tanh(c)
    a_i, a_f, a_g, a_o = unsafe_chunk(gates, 4, -1)   # (dim 1 of PyTorch's batched cell; an unbatched one's only)
    i_t = _step(Sigmoid, (a_i,), i, saved=(i,))
    f_t = _step(Sigmoid, (a_f,), f, saved=(f,))
    g_t = _step(Tanh, (a_g,), g, saved=(g,))
    o_t = _step(Sigmoid, (a_o,), o, saved=(o,))
    c_t = _step(Add, (_mul(f_t, c_prev, fc), _mul(i_t, g_t, ig)), c, alpha=1)
    h_t = _mul(o_t, _step(Tanh, (c_t,), tc, saved=(tc,)), o * tc)
    return h_t, c_t
