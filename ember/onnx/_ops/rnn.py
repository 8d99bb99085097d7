"""ONNX translations: the fused gate steps of LSTM and GRU layers.

ember runs a recurrent layer as a loop over time steps, so the captured graph (and the exported
one) is unrolled: one input projection per layer and direction, then per step a MatMul with the
hidden weights and the gates below. The gate order is PyTorch's (LSTM: i, f, g, o; GRU: r, z, n).
"""
from ._core import converts


def _chunks(b, name, hidden, n):
    return b.op('Split', [name, b.ints([hidden] * n)], n, axis=-1)


@converts('_LSTMGates')
def _lstm_gates(b, c):
    hidden = c.args[1].shape[-1]
    a_i, a_f, a_g, a_o = _chunks(b, c.x(0), hidden, 4)
    i, f, o = (b.op('Sigmoid', [a]) for a in (a_i, a_f, a_o))
    g = b.op('Tanh', [a_g])
    cell = b.op('Add', [b.op('Mul', [f, c.x(1)]), b.op('Mul', [i, g])], [c.outs[1] or b.fresh('cell')])
    b.op('Mul', [o, b.op('Tanh', [cell])], [c.outs[0] or b.fresh('hidden')])


@converts('_GRUGates')
def _gru_gates(b, c):
    hidden = c.args[2].shape[-1]
    x_r, x_z, x_n = _chunks(b, c.x(0), hidden, 3)
    h_r, h_z, h_n = _chunks(b, c.x(1), hidden, 3)
    r = b.op('Sigmoid', [b.op('Add', [x_r, h_r])])
    z = b.op('Sigmoid', [b.op('Add', [x_z, h_z])])
    n = b.op('Tanh', [b.op('Add', [x_n, b.op('Mul', [r, h_n])])])
    # h' = (1 - z) n + z h = n + z (h - n)
    b.op('Add', [n, b.op('Mul', [z, b.op('Sub', [c.x(2), n])])], [c.out])
