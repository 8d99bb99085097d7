"""Recurrent layers as functions: the cells and the multi-layer sequence drivers behind nn.RNN,
nn.LSTM and nn.GRU (PyTorch's ``torch.rnn_tanh``, ``torch.lstm``, ``torch.gru_cell``, ...).

Everything is composed from ember ops, so gradients of any order come for free.  The loops run
over layers and time steps only; each layer's input projection for all time steps is one matrix
product done before the time loop, so a step costs one ``h @ W_hh.T`` plus elementwise gates.
Gate layouts follow PyTorch: LSTM rows are (i, f, g, o), GRU rows are (r, z, n) with
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``.
"""
from ember.ops.activation import relu
from ember.ops.linalg import addmm, matmul
from ember.ops.shape import cat, stack
from ember.ops.unary import sigmoid, tanh

__all__ = ['rnn_tanh_cell', 'rnn_relu_cell', 'lstm_cell', 'gru_cell', 'rnn_tanh', 'rnn_relu', 'lstm', 'gru']


def _linear(x, w, b=None):
    """x @ w.T + b for x of any rank (2-D inputs take the single addmm path)."""
    if x.ndim == 2 and b is not None:
        return addmm(b, x, w.t())
    y = matmul(x, w.t())
    return y if b is None else y + b


# ----------------------------------------------------------------------------------------------
# one step, from the gate pre-activations that the input contributed (``xg``)

def _rnn_step(xg, h, w_hh, b_hh, act):
    return act(xg + _linear(h, w_hh, b_hh))


def _lstm_step(xg, h, c, w_hh, b_hh, w_hr=None):
    gates = xg + _linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:
        h = _linear(h, w_hr)         # LSTM with projections: the hidden state is projected down
    return h, c


def _gru_step(xg, h, w_hh, b_hh):
    hg = _linear(h, w_hh, b_hh)
    x_r, x_z, x_n = xg.chunk(3, -1)
    h_r, h_z, h_n = hg.chunk(3, -1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return n + z * (h - n)           # (1 - z) * n + z * h with one op fewer


# ----------------------------------------------------------------------------------------------
# cells (PyTorch's torch.rnn_tanh_cell, torch.lstm_cell, torch.gru_cell)

def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _rnn_step(_linear(input, w_ih, b_ih), hx, w_hh, b_hh, tanh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _rnn_step(_linear(input, w_ih, b_ih), hx, w_hh, b_hh, relu)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step; ``hx`` is ``(h, c)``; returns ``(h', c')``."""
    h, c = hx
    return _lstm_step(_linear(input, w_ih, b_ih), h, c, w_hh, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step."""
    return _gru_step(_linear(input, w_ih, b_ih), hx, w_hh, b_hh)


# ----------------------------------------------------------------------------------------------
# multi-layer, optionally bidirectional sequences

def _unpack(params, has_biases, proj):
    """Flat parameter list -> one (w_ih, w_hh, b_ih, b_hh, w_hr) tuple per layer and direction,
    in PyTorch's ``_flat_weights`` order."""
    per = 2 + 2 * bool(has_biases) + bool(proj)
    groups = []
    for k in range(0, len(params), per):
        p = list(params[k:k + per])
        w_ih, w_hh = p[0], p[1]
        b_ih, b_hh = (p[2], p[3]) if has_biases else (None, None)
        w_hr = p[-1] if proj else None
        groups.append((w_ih, w_hh, b_ih, b_hh, w_hr))
    return groups


def _run_direction(mode, xs, h, c, weights, reverse, act):
    """One layer in one direction over the whole sequence xs (T, B, F)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    T = xs.shape[0]
    if mode == 'GRU':
        # GRU keeps b_hh inside the step: its n-gate bias is gated by r
        xg = _linear(xs.reshape(T * xs.shape[1], xs.shape[2]), w_ih, b_ih)
    else:
        bias = b_ih if b_hh is None else (b_hh if b_ih is None else b_ih + b_hh)
        xg = _linear(xs.reshape(T * xs.shape[1], xs.shape[2]), w_ih, bias)
        b_hh = None
    steps = xg.reshape(T, xs.shape[1], xg.shape[-1]).unbind(0)
    outs = [None] * T
    order = range(T - 1, -1, -1) if reverse else range(T)
    for t in order:
        if mode == 'LSTM':
            h, c = _lstm_step(steps[t], h, c, w_hh, b_hh, w_hr)
        elif mode == 'GRU':
            h = _gru_step(steps[t], h, w_hh, b_hh)
        else:
            h = _rnn_step(steps[t], h, w_hh, b_hh, act)
        outs[t] = h
    out = stack(outs, 0) if T else xs.new_zeros((0, xs.shape[1], h.shape[-1]))
    return out, h, c


def _dropout(x, p):
    from ember.ops.creation import empty_like
    keep = empty_like(x).bernoulli_(1 - p)
    return x * keep / (1 - p)


def _sequence(mode, input, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first,
              act=None):
    dirs = 2 if bidirectional else 1
    proj = mode == 'LSTM' and len(params) == num_layers * dirs * (5 if has_biases else 3)
    groups = _unpack(params, has_biases, proj)
    x = input.transpose(0, 1) if batch_first else input
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            c0 = cx[k] if cx is not None else None
            out, h, c = _run_direction(mode, x, hx[k], c0, groups[k], d == 1, act)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        x = outs[0] if dirs == 1 else cat(outs, 2)
        if dropout and train and layer < num_layers - 1:
            x = _dropout(x, dropout)
    output = x.transpose(0, 1) if batch_first else x
    return output, stack(h_n, 0), (stack(c_n, 0) if mode == 'LSTM' else None)


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """Elman RNN with tanh over a (T, B, F) sequence (B first when batch_first); returns (output, h_n)."""
    out, h, _ = _sequence('RNN', input, hx, None, params, has_biases, num_layers, dropout, train, bidirectional,
                          batch_first, tanh)
    return out, h


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """Elman RNN with ReLU; returns (output, h_n)."""
    out, h, _ = _sequence('RNN', input, hx, None, params, has_biases, num_layers, dropout, train, bidirectional,
                          batch_first, relu)
    return out, h


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """LSTM over a sequence; ``hx`` is ``(h0, c0)``; returns (output, h_n, c_n).

    ``params`` is the flat list of (w_ih, w_hh[, b_ih, b_hh][, w_hr]) per layer and direction.
    """
    h0, c0 = hx
    return _sequence('LSTM', input, h0, c0, params, has_biases, num_layers, dropout, train, bidirectional,
                     batch_first)


def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """GRU over a sequence; returns (output, h_n)."""
    out, h, _ = _sequence('GRU', input, hx, None, params, has_biases, num_layers, dropout, train, bidirectional,
                          batch_first)
    return out, h
