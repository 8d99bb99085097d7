"""Rows for ember/ops/rnn.py: the cells and the sequence drivers (float64, tiny shapes).

The sequence ops return (output, h_n[, c_n]); each row checks all of them at once by flattening
them into one tensor; the grad_fn tests call the op itself (``called``) and compare each output's node.
"""
import ember
import ember.ops.rnn as R
from tests.opinfo import OpInfo, Sample


def _cell(rng, gates, batched=True):
    b = (2,) if batched else ()
    return [rng.standard_normal(b + (3,)), rng.standard_normal(b + (2,)) * 0.5,
            rng.standard_normal((gates * 2, 3)) * 0.5, rng.standard_normal((gates * 2, 2)) * 0.5,
            rng.standard_normal(gates * 2) * 0.1, rng.standard_normal(gates * 2) * 0.1]


def _cell_samples(gates):
    def samples(rng):
        x, h, w_ih, w_hh, b_ih, b_hh = _cell(rng, gates)
        xu, hu, *ws = _cell(rng, gates, batched=False)
        return [Sample(x, h, w_ih, w_hh, b_ih, b_hh), Sample(xu, hu, ws[0], ws[1])]
    return samples


def _lstm_cell_samples(rng):
    x, h, w_ih, w_hh, b_ih, b_hh = _cell(rng, 4)
    return [Sample(x, (h, rng.standard_normal(h.shape)), w_ih, w_hh, b_ih, b_hh)]


def _flat(outs):
    return ember.cat([o.reshape(-1) for o in outs if o is not None])


def _params(rng, gates, in_size, hidden, layers, dirs, bias, proj=0):
    h_out = proj or hidden
    ps = []
    for layer in range(layers):
        n_in = in_size if layer == 0 else h_out * dirs
        for _ in range(dirs):
            ps += [rng.standard_normal((gates * hidden, n_in)) * 0.5,
                   rng.standard_normal((gates * hidden, h_out)) * 0.5]
            if bias:
                ps += [rng.standard_normal(gates * hidden) * 0.1, rng.standard_normal(gates * hidden) * 0.1]
            if proj:
                ps += [rng.standard_normal((proj, hidden)) * 0.5]
    return ps


def _seq_samples(gates, lstm=False, stacked=False):
    """One layer with biases (plus a projected LSTM); or, stacked, two bidirectional layers."""
    configs = [(2, 2, False, True, 0)] if stacked else \
        [(1, 1, True, False, 0)] + ([(1, 1, False, False, 1)] if lstm else [])

    def samples(rng):
        out = []
        for layers, dirs, bias, batch_first, proj in configs:
            T, B, I, H = 2, 1, 2, 2
            x = rng.standard_normal((B, T, I) if batch_first else (T, B, I))
            h0 = rng.standard_normal((layers * dirs, B, proj or H)) * 0.5
            hx = (h0, rng.standard_normal((layers * dirs, B, H)) * 0.5) if lstm else h0
            out.append(Sample(x, hx, _params(rng, gates, I, H, layers, dirs, bias, proj), bias, layers, 0.0, False,
                              dirs == 2, batch_first))
        return out
    return samples


OPS = [
    OpInfo('rnn_tanh_cell', R.rnn_tanh_cell, _cell_samples(1)),
    OpInfo('rnn_relu_cell', R.rnn_relu_cell, _cell_samples(1)),
    OpInfo('gru_cell', R.gru_cell, _cell_samples(3)),
    OpInfo('lstm_cell', lambda *a: _flat(R.lstm_cell(*a)), _lstm_cell_samples, called=R.lstm_cell),
    OpInfo('rnn_tanh', lambda *a: _flat(R.rnn_tanh(*a)), _seq_samples(1), called=R.rnn_tanh),
    OpInfo('rnn_relu', lambda *a: _flat(R.rnn_relu(*a)), _seq_samples(1), called=R.rnn_relu),
    OpInfo('gru', lambda *a: _flat(R.gru(*a)), _seq_samples(3), called=R.gru),
    OpInfo('lstm', lambda *a: _flat(R.lstm(*a)), _seq_samples(4, lstm=True), called=R.lstm),
    # stacked bidirectional layers: first order only (second order on these sizes takes seconds)
    OpInfo('rnn_tanh_stacked', lambda *a: _flat(R.rnn_tanh(*a)), _seq_samples(1, stacked=True), gradgrad=False,
           noncontig=False),
    OpInfo('gru_stacked', lambda *a: _flat(R.gru(*a)), _seq_samples(3, stacked=True), gradgrad=False,
           noncontig=False),
    OpInfo('lstm_stacked', lambda *a: _flat(R.lstm(*a)), _seq_samples(4, lstm=True, stacked=True),
           gradgrad=False, noncontig=False),
]
