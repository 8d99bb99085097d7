"""RNN, LSTM and GRU over a PackedSequence.

The packed data and its batch sizes go to the functional forms (``ember.lstm(data, batch_sizes,
...)``), which work in the packed (sorted) order; here the initial and final hidden states are
put in the caller's batch order, as in PyTorch.
"""
from ember.nn.utils.rnn import PackedSequence
from ember.ops import rnn as _R


def is_packed(input):
    return isinstance(input, PackedSequence)


def _unchecked_lstm_input(module, data):
    """PyTorch's LSTM checks a packed input only with a given hidden state; without one, a wrong
    dtype or feature count fails in its first layer's input product."""
    w = module._flat_weights[0]
    if data.dtype is not w.dtype:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_scalar_type_name(data.dtype)} and "
                           f"{_scalar_type_name(w.dtype)}")
    if data.dim() == 2 and data.size(1) != module.input_size:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({data.size(0)}x{data.size(1)} and "
                           f"{module.input_size}x{w.size(0)})")
    module._check_input(data, data.new_zeros(0))


def packed_forward(module, input, hx):
    """``module(input, hx)`` for a PackedSequence ``input``: returns (PackedSequence, hidden)."""
    data, batch_sizes, sorted_indices, unsorted_indices = input
    batch = int(batch_sizes[0])
    lstm = module.mode == 'LSTM'
    if lstm and hx is None:
        _unchecked_lstm_input(module, data)
    else:
        module._check_input(data, batch_sizes)
    directions = 2 if module.bidirectional else 1
    real_hidden = module.proj_size if getattr(module, 'proj_size', 0) > 0 else module.hidden_size
    h_size = (module.num_layers * directions, batch, real_hidden)
    if hx is None:
        h0 = data.new_zeros(h_size)
        hx = (h0, data.new_zeros((h_size[0], batch, module.hidden_size))) if lstm else h0
    else:
        if sorted_indices is not None:      # the caller's order -> the packed (sorted) order
            hx = tuple(h.index_select(1, sorted_indices) for h in hx) if lstm else hx.index_select(1, sorted_indices)
        if lstm:
            module._check_hidden_size(hx[0], h_size, 'Expected hidden[0] size {}, got {}')
            module._check_hidden_size(hx[1], (h_size[0], batch, module.hidden_size), 'Expected hidden[1] size {}, got {}')
        else:
            module._check_hidden_size(hx, h_size)
    weights, bias, num_layers, dropout, training, bidirectional, _ = module._args()
    fn = {'LSTM': _R.lstm, 'GRU': _R.gru, 'RNN_TANH': _R.rnn_tanh, 'RNN_RELU': _R.rnn_relu}[module.mode]
    out_data, *hidden = fn(data, batch_sizes, hx, weights, bias, num_layers, dropout, training, bidirectional)
    hidden = tuple(hidden) if lstm else hidden[0]
    if unsorted_indices is not None:        # back to the caller's order
        hidden = tuple(h.index_select(1, unsorted_indices) for h in hidden) if lstm else \
            hidden.index_select(1, unsorted_indices)
    return PackedSequence(out_data, batch_sizes, sorted_indices, unsorted_indices), hidden
