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


# ONNX's gate order from PyTorch's: LSTM (i, f, g, o) -> (i, o, f, c); GRU (r, z, n) -> (z, r, h)
_GATES = {'LSTM': [0, 3, 1, 2], 'GRU': [1, 0, 2], 'RNN': [0]}


def _reordered(b, name, mode, hidden):
    order = _GATES[mode]
    if len(order) == 1:
        return name
    pieces = b.op('Split', [name, b.ints([hidden] * len(order))], len(order), axis=0)
    return b.op('Concat', [pieces[i] for i in order], axis=0)


def _stacked(b, names):
    """Per-direction tensors as one with a leading direction axis, as ONNX's recurrent ops take them."""
    axis = b.ints([0])
    parts = [b.op('Unsqueeze', [n, axis]) for n in names]
    return parts[0] if len(parts) == 1 else b.op('Concat', parts, axis=0)


@converts('RecurrentLayers')
def _recurrent_layers(b, c):
    """One ONNX LSTM/GRU/RNN node per layer (both directions in it), PyTorch's weights reordered to
    ONNX's gate order in the graph (so that parameters given as inputs work too); the sequence length
    and the batch may vary."""
    mode, x, h0, c0, params, has_biases, num_layers, dropout, train, bidirectional, batch_first = c.args[:11]
    act = c.args[11] if len(c.args) > 11 else None
    dirs = 2 if bidirectional else 1
    hidden = h0.shape[-1]
    per = 4 if has_biases else 2
    seq = c.x(1)
    if batch_first:
        seq = b.op('Transpose', [seq], perm=[1, 0, 2])
    op_type = {'LSTM': 'LSTM', 'GRU': 'GRU'}.get(mode, 'RNN')
    attrs = {'hidden_size': hidden, 'direction': 'bidirectional' if dirs == 2 else 'forward'}
    if op_type == 'GRU':
        attrs['linear_before_reset'] = 1   # PyTorch applies r to (W_hn h + b_hn)
    if op_type == 'RNN':
        attrs['activations'] = ['Relu' if act is not None and act.__name__ == 'relu' else 'Tanh'] * dirs
    last_h, last_c = [], []
    for layer in range(num_layers):
        groups = [params[(layer * dirs + d) * per:(layer * dirs + d + 1) * per] for d in range(dirs)]
        w = _stacked(b, [_reordered(b, c.name(g[0]), mode, hidden) for g in groups])
        r = _stacked(b, [_reordered(b, c.name(g[1]), mode, hidden) for g in groups])
        bias = ''
        if has_biases:
            bias = _stacked(b, [b.op('Concat', [_reordered(b, c.name(g[2]), mode, hidden),
                                                _reordered(b, c.name(g[3]), mode, hidden)], axis=0) for g in groups])
        rows = [b.ints([layer * dirs]), b.ints([(layer + 1) * dirs]), b.ints([0])]
        inputs = [seq, w, r, bias, '', b.op('Slice', [c.x(2)] + rows)]
        if op_type == 'LSTM':
            inputs.append(b.op('Slice', [c.x(3)] + rows))
        outs = b.op(op_type, inputs, 3 if op_type == 'LSTM' else 2, **attrs)
        # Y (seq, dirs, batch, hidden) -> (seq, batch, dirs * hidden)
        seq = b.op('Reshape', [b.op('Transpose', [outs[0]], perm=[0, 2, 1, 3]), b.ints([0, 0, -1])])
        last_h.append(outs[1])
        if op_type == 'LSTM':
            last_c.append(outs[2])
    b.op('Transpose', [seq], [c.outs[0]], perm=[1, 0, 2]) if batch_first else b.op('Identity', [seq], [c.outs[0]])
    if c.outs[1]:
        b.op('Concat', last_h, [c.outs[1]], axis=0)
    if len(c.outs) > 2 and c.outs[2]:
        b.op('Concat', last_c, [c.outs[2]], axis=0)
