"""RNN, LSTM and GRU over a PackedSequence.

The packed batch is laid out as a padded one (in its sorted order) and run with a mask, so each
sequence's state stops at its own length (or, in the reverse direction, starts there); the real
steps of the output are packed again. The initial and final hidden states are in the caller's
batch order, as in PyTorch.
"""
import numpy as np

from ember._dtype import int64
from ember.nn.utils.rnn import PackedSequence, _PackPadded, _packed_positions, _padded_from_packed
from ember.ops import rnn as _R
from ember.ops.creation import tensor


def is_packed(input):
    return isinstance(input, PackedSequence)


def packed_forward(module, input, hx):
    """``module(input, hx)`` for a PackedSequence ``input``: returns (PackedSequence, hidden)."""
    data, batch_sizes, sorted_indices, unsorted_indices = input
    bs = np.asarray(batch_sizes.tolist(), dtype=np.int64)
    steps, batch = len(bs), int(bs[0])
    padded = _padded_from_packed(data, batch_sizes, 0.0, steps)             # (T, B, F), sorted order
    lengths = (bs[None, :] > np.arange(batch)[:, None]).sum(1)
    mask = tensor((np.arange(steps)[:, None] < lengths[None, :])[..., None], device=data.device)
    module._check_input(padded)
    lstm = module.mode == 'LSTM'
    directions = 2 if module.bidirectional else 1
    real_hidden = module.proj_size if getattr(module, 'proj_size', 0) > 0 else module.hidden_size
    h_size = (module.num_layers * directions, batch, real_hidden)
    if hx is None:
        h0 = padded.new_zeros(h_size)
        hx = (h0, padded.new_zeros((h_size[0], batch, module.hidden_size))) if lstm else h0
    else:
        if sorted_indices is not None:      # the caller's order -> the packed (sorted) order
            hx = tuple(h.index_select(1, sorted_indices) for h in hx) if lstm else hx.index_select(1, sorted_indices)
        if lstm:
            module._check_hidden_size(hx[0], h_size, 'Expected hidden[0] size {}, got {}')
            module._check_hidden_size(hx[1], (h_size[0], batch, module.hidden_size), 'Expected hidden[1] size {}, got {}')
        else:
            module._check_hidden_size(hx, h_size)
    weights, bias, num_layers, dropout, training, bidirectional, _ = module._args()
    if lstm:
        out, h, c = _R._sequence('LSTM', padded, hx[0], hx[1], weights, bias, num_layers, dropout, training,
                                 bidirectional, False, mask=mask)
        hidden = (h, c)
    else:
        mode, act = {'GRU': ('GRU', None), 'RNN_TANH': ('RNN', _R.tanh), 'RNN_RELU': ('RNN', _R.relu)}[module.mode]
        out, hidden, _ = _R._sequence(mode, padded, hx, None, weights, bias, num_layers, dropout, training,
                                      bidirectional, False, act, mask=mask)
    out_data = _PackPadded.apply(out, _packed_positions(bs, batch))
    if unsorted_indices is not None:        # back to the caller's order
        hidden = tuple(h.index_select(1, unsorted_indices) for h in hidden) if lstm else \
            hidden.index_select(1, unsorted_indices)
    return PackedSequence(out_data, batch_sizes, sorted_indices, unsorted_indices), hidden
