"""Recurrent layers as functions: the cells and the multi-layer sequence drivers behind nn.RNN,
nn.LSTM and nn.GRU (PyTorch's ``torch.rnn_tanh``, ``torch.lstm``, ``torch.gru_cell``, ...).

The loops run over layers and time steps only; each layer's input projection for all time steps
is one matrix product done before the time loop, so a step costs one ``h @ W_hh.T`` plus the
elementwise gates, computed for LSTM and GRU in one fused pass per step. Where autograd records, that pass's
arrays carry PyTorch's CPU cell nodes (``_lstm_cell_steps``, ``_gru_cell_steps``) in ``lstm_cell``,
``gru_cell`` and nn.LSTM's steps (``gru_cell``'s and nn.GRU's deferred into the fused Primitive's node until a node
can be seen: ``_gru_gates``); unrecorded or observed calls take the fused Primitive (whose backward is written again
in ember ops when a graph of the gradient is wanted, so every order still works).
When nothing is recorded the time loop runs on arrays, calling the same kernels without an op per
step; a recorded float32 LSTM layer is one node (``_LSTMLayer``), as PyTorch's CPU kernel records it,
whose first-order backward repeats the steps' own formulas in their graph's order (the same bits).
Gate layouts follow PyTorch: LSTM rows are (i, f, g, o), GRU rows are (r, z, n) with
``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``.
"""
from itertools import islice

import numpy as np

from ember._device import CPU
from ember._tensor import Tensor
from ember.autograd import function as _function
from ember.autograd import _deferred_nodes, _saved_hooks, anomaly_mode as _anomaly, grad_mode
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.backend import quiet_fp_enter as _fp_enter, quiet_fp_leave as _fp_leave
from ember.ops.activation import _relu_array, relu
from ember.ops.dropout import dropout as _dropout
from ember.ops.linear import _linear_array, _linear_bias_array, linear as _linear
from ember._dtype import bfloat16, float32
from ember.ops.shape import Stack, cat, stack
from ember.ops.unary import _via_float64, sigmoid, tanh
from ember.ops.index import where
from ember.ops._registry import op

_tanh_array = _via_float64('tanh')    # the tanh op's float32 kernel (PyTorch's bits), on arrays

__all__ = ['rnn_tanh_cell', 'rnn_relu_cell', 'lstm_cell', 'gru_cell', 'rnn_tanh', 'rnn_relu', 'lstm', 'gru']


# ----------------------------------------------------------------------------------------------
# one step, from the gate pre-activations that the input contributed (``xg``)

def _rnn_step(xg, h, w_hh, b_hh, act):
    # (the hidden state's product first, as PyTorch's cells add: AddBackward0's edges in its order)
    return act(_linear(h, w_hh, b_hh) + xg)


def _lstm_gate_activations(xp, gates, H):
    """The activations (i, f, g, o) of an LSTM step's gate pre-activations (hidden size ``H``), on arrays."""
    sig = xp.tanh(gates * 0.5) * 0.5 + 0.5       # sigmoid without exp overflow
    return sig[..., :H], sig[..., H:2 * H], xp.tanh(gates[..., 2 * H:3 * H]), sig[..., 3 * H:]


def _lstm_gates_array(xp, gates, c_prev):
    """An LSTM step's elementwise half on arrays: the unprojected hidden o * tanh(c), the new cell c and the
    activations (i, f, g, o, tanh(c)) its backward reads."""
    i, f, g, o = _lstm_gate_activations(xp, gates, c_prev.shape[-1])
    c = f * c_prev + i * g
    tc = xp.tanh(c)
    return o * tc, c, (i, f, g, o, tc)


def _lstm_gates_grad_array(xp, acts, c_prev, dh, dc):
    """The gradients of :func:`_lstm_gates_array` on arrays: for the gate pre-activations and the previous
    cell, from those of the hidden state and the cell."""
    i, f, g, o, tc = acts
    dct = dc + dh * o * (1 - tc * tc)
    da = xp.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g * g),
                         dh * tc * o * (1 - o)], -1)
    return da, dct * f


def _gru_gates_array(xp, xg, hg, h_prev):
    """A GRU step's elementwise half on arrays: the new hidden state and the activations (r, z, n) its
    backward reads."""
    H = h_prev.shape[-1]
    rz = xp.tanh((xg[..., :2 * H] + hg[..., :2 * H]) * 0.5) * 0.5 + 0.5
    r, z = rz[..., :H], rz[..., H:]
    n = xp.tanh(xg[..., 2 * H:] + r * hg[..., 2 * H:])
    return n + z * (h_prev - n), (r, z, n)


class _LSTMGates(Primitive):
    """The elementwise half of an LSTM step, fused: from gate pre-activations (i, f, g, o) and the
    previous cell, the new cell c and the unprojected hidden o * tanh(c).

    One node per step instead of a dozen; the plain backward works on the saved activations,
    and under create_graph it recomputes them with ember ops so it can be differentiated again.
    """

    @staticmethod
    def forward(ctx, gates, c_prev):
        h, c, ctx.acts = _lstm_gates_array(ctx.xp, gates, c_prev)
        ctx.save_for_backward(gates, c_prev)
        return h, c

    @staticmethod
    def backward(ctx, dh, dc):
        gates, c_prev = ctx.saved_tensors
        if not grad_mode.is_grad_enabled():
            da, dc_prev = _lstm_gates_grad_array(ctx.xp, ctx.acts, c_prev._data, dh._data, dc._data)
            return Tensor._make(da, dh._device), Tensor._make(dc_prev, dh._device)
        a_i, a_f, a_g, a_o = gates.chunk(4, -1)
        i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)
        tc = tanh(f * c_prev + i * g)
        dct = dc + dh * o * (1 - tc * tc)
        da = cat([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g * g),
                  dh * tc * o * (1 - o)], -1)
        return da, dct * f


class _GRUGates(Primitive):
    """The elementwise half of a GRU step, fused: from the input's and the hidden state's gate
    contributions (r, z, n each) and the previous hidden state, the new hidden state.

    Named as the last step PyTorch records for it, ``(h - n) * z + n``'s addition (AddBackward0, alpha 1),
    in ``gru_cell`` as in each step of ``nn.GRU``."""
    node_name = 'AddBackward0'
    saved_attrs = {'alpha': _sa.const(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, xg, hg, h_prev):
        h, ctx.acts = _gru_gates_array(ctx.xp, xg, hg, h_prev)
        ctx.save_for_backward(xg, hg, h_prev)
        return h

    @staticmethod
    def backward(ctx, dh):
        xg, hg, h_prev = ctx.saved_tensors
        H = h_prev.shape[-1]
        if not grad_mode.is_grad_enabled():
            xp = ctx.xp
            r, z, n = ctx.acts
            d, hp, hn = dh._data, h_prev._data, hg._data[..., 2 * H:]
            dan = d * (1 - z) * (1 - n * n)
            dar = dan * hn * r * (1 - r)
            daz = d * (hp - n) * z * (1 - z)
            dev = dh._device
            return (Tensor._make(xp.concatenate([dar, daz, dan], -1), dev),
                    Tensor._make(xp.concatenate([dar, daz, dan * r], -1), dev), Tensor._make(d * z, dev))
        x_r, x_z, x_n = xg.chunk(3, -1)
        h_r, h_z, h_n = hg.chunk(3, -1)
        r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
        n = tanh(x_n + r * h_n)
        dan = dh * (1 - z) * (1 - n * n)
        dar = dan * h_n * r * (1 - r)
        daz = dh * (h_prev - n) * z * (1 - z)
        return cat([dar, daz, dan], -1), cat([dar, daz, dan * r], -1), dh * z


def _lstm_gates(gates, c):
    """The new hidden state and cell from the gate pre-activations and the previous cell: where autograd records,
    PyTorch's CPU cell's nodes, from one fused pass (_lstm_cell_steps); otherwise, and for op observers (profiler,
    ONNX capture), vmap and meta tensors, the one fused op."""
    if grad_mode._state.enabled and type(gates) is Tensor and type(c) is Tensor and \
            (gates._requires_grad or c._requires_grad) and gates.dtype == c.dtype and not _function._op_hooks and \
            gates._device.type != 'meta':
        from ember.ops._lstm_cell_steps import lstm_cell_steps
        return lstm_cell_steps(gates, c, _lstm_gate_activations)
    return _LSTMGates.apply(gates, c)


def _lstm_step(xg, h, c, w_hh, b_hh, w_hr=None):
    h, c = _lstm_gates(_linear(h, w_hh, b_hh) + xg, c)
    if w_hr is not None:
        h = _linear(h, w_hr)         # LSTM with projections: the hidden state is projected down
    return h, c


def _gru_gates(xg, hg, h):
    """The new hidden state from the input's and the hidden state's gate products and the previous state (``gru_cell``
    and each recorded step of nn.GRU). Where autograd records, PyTorch's CPU cell's nodes (_gru_cell_steps), deferred
    into the fused op's one node until a node can be seen (autograd/_deferred_nodes.py): recorded at once, they made a
    training step 2.3x slower at (20, 16, 64) -> 128, 1.4-1.6x at (35, 32, 128) -> 256. Recorded at once where the
    recording is watched (anomaly mode's forward stacks and saved-tensor hooks see each step's node); op observers
    (profiler, ONNX capture), vmap and meta tensors, and unrecorded calls, take the one fused op."""
    recorded = grad_mode._state.enabled and type(xg) is Tensor and type(hg) is Tensor and type(h) is Tensor and \
        (xg._requires_grad or hg._requires_grad or h._requires_grad) and not _function._op_hooks and \
        xg._device.type != 'meta'
    if not recorded:
        return _GRUGates.apply(xg, hg, h)
    from ember.ops import _gru_cell_steps as steps
    if _anomaly._enabled or _saved_hooks._pack_stack:
        return steps.gru_cell_steps(xg, hg, h, _gru_gates_array)
    first = next(_function._sequence)
    next(islice(_function._sequence, steps.STEP_NODES - 2, None))    # (the rest of the steps' numbers)
    out = _GRUGates.apply(xg, hg, h)
    node = out._grad_fn
    if node is not None:
        node._steps_seq = first
        _deferred_nodes.defer(node, steps.expand_fused_step)
    return out


def _gru_step(xg, h, w_hh, b_hh):
    return _gru_gates(xg, _linear(h, w_hh, b_hh), h)


# ----------------------------------------------------------------------------------------------
# cells (PyTorch's torch.rnn_tanh_cell, torch.lstm_cell, torch.gru_cell)

@op('ember')
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of an Elman RNN cell with tanh: ``h' = tanh(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)``, the
    computation of :class:`ember.nn.RNNCell`.

    Args:
        input (Tensor): the inputs, ``(batch, input_size)``.
        hx (Tensor): the hidden state, ``(batch, hidden_size)``.
        w_ih (Tensor): input-hidden weights, ``(hidden_size, input_size)``.
        w_hh (Tensor): hidden-hidden weights, ``(hidden_size, hidden_size)``.
        b_ih (Tensor, optional): input-hidden bias, ``(hidden_size,)``.
        b_hh (Tensor, optional): hidden-hidden bias, ``(hidden_size,)``.

    Example::

        >>> ember.rnn_tanh_cell(ember.ones(1, 1), ember.zeros(1, 2), ember.ones(2, 1), ember.ones(2, 2))
        tensor([[0.7616, 0.7616]])
    """
    return _rnn_step(_linear(input, w_ih, b_ih), hx, w_hh, b_hh, tanh)


@op('ember')
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of an Elman RNN cell with ReLU: ``h' = relu(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)``, the
    computation of :class:`ember.nn.RNNCell` with ``nonlinearity='relu'``.

    Args:
        input (Tensor): the inputs, ``(batch, input_size)``.
        hx (Tensor): the hidden state, ``(batch, hidden_size)``.
        w_ih (Tensor): input-hidden weights, ``(hidden_size, input_size)``.
        w_hh (Tensor): hidden-hidden weights, ``(hidden_size, hidden_size)``.
        b_ih (Tensor, optional): input-hidden bias, ``(hidden_size,)``.
        b_hh (Tensor, optional): hidden-hidden bias, ``(hidden_size,)``.

    Example::

        >>> x = ember.tensor([[-1.], [2.]])
        >>> ember.rnn_relu_cell(x, ember.zeros(2, 2), ember.ones(2, 1), ember.ones(2, 2), ember.tensor([0.5, 0.5]))
        tensor([[0.0000, 0.0000],
                [2.5000, 2.5000]])
    """
    return _rnn_step(_linear(input, w_ih, b_ih), hx, w_hh, b_hh, relu)


@op('ember')
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step; ``hx`` is ``(h, c)``; returns ``(h', c')``.

    >>> hx = (ember.zeros(1, 3), ember.zeros(1, 3))
    >>> h, c = ember.lstm_cell(ember.ones(1, 2), hx, ember.ones(12, 2), ember.ones(12, 3))
    >>> h
    tensor([[0.6083, 0.6083, 0.6083]])
    """
    if not isinstance(hx, (tuple, list)):
        from ember.ops._argparse import type_name
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not {type_name(hx)}")
    h, c = hx
    return _lstm_step(_linear(input, w_ih, b_ih), h, c, w_hh, b_hh)


@op('ember')
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One step of a gated recurrent unit, the computation of :class:`ember.nn.GRUCell`: reset and update gates
    and a candidate state from ``input`` and ``hx``, mixed into the new hidden state.

    Args:
        input (Tensor): the inputs, ``(batch, input_size)``.
        hx (Tensor): the hidden state, ``(batch, hidden_size)``.
        w_ih (Tensor): input-hidden weights of the three gates stacked, ``(3 * hidden_size, input_size)``.
        w_hh (Tensor): hidden-hidden weights, ``(3 * hidden_size, hidden_size)``.
        b_ih (Tensor, optional): input-hidden bias, ``(3 * hidden_size,)``.
        b_hh (Tensor, optional): hidden-hidden bias, ``(3 * hidden_size,)``.

    Example::

        >>> w_ih, w_hh = ember.full((6, 1), 0.1), ember.full((6, 2), 0.1)
        >>> ember.gru_cell(ember.ones(1, 1), ember.zeros(1, 2), w_ih, w_hh)
        tensor([[0.0473, 0.0473]])
    """
    xg = _linear(input, w_ih, b_ih)
    return _gru_gates(xg, _linear(hx, w_hh, b_hh), hx)


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


class _OneDnnLayer(Stack):
    # PyTorch's CPU LSTM runs each layer and direction as one oneDNN kernel for float32 and bfloat16
    # (without projections), so a layer's output shows that kernel's node (``grad_fn=<MkldnnRnnLayer
    # Backward0>`` when the tensor is printed); here it is the stack of the layer's steps
    node_name = 'MkldnnRnnLayerBackward0'


def _one_dnn_layer(mode, xs, proj):
    return mode == 'LSTM' and not proj and xs.dtype in (float32, bfloat16) and xs.device.type == 'cpu'


class _LSTMLayer(Primitive):
    """A float32 LSTM layer without projections in one direction over a whole sequence, recorded as the one
    node PyTorch's CPU kernel records (``MkldnnRnnLayerBackward0``, outputs: every step's hidden state, the
    last hidden state, the last cell), from the input's gate contributions ``xg`` (T, B, 4H).

    The forward runs the steps' own array kernels; the first-order backward runs each step's gradient
    formulas (the gates' and the hidden product's) in the order the graph of steps runs them, summing the
    hidden weight's gradient step by step as autograd would, so the numbers are the steps' to the bit,
    without a node, a tensor and a dispatch per step. Under ``create_graph`` the steps are recorded again
    from the saved inputs and differentiated, so every order works."""
    node_name = 'MkldnnRnnLayerBackward0'

    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, reverse):
        T = xg.shape[0]
        hs, cs, acts = [None] * T, [None] * T, [None] * T
        out = np.empty((T,) + h0.shape, h0.dtype)
        hd, cd = h0, c0
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            hg = _linear_array(hd, w_hh)
            hg = np.add(xg[t], hg, out=hg)
            hs[t], cs[t] = hd, cd
            hd, cd, acts[t] = _lstm_gates_array(np, hg, cd)
            out[t] = hd
        ctx.steps = (hs, cs, acts)
        ctx.reverse_order = reverse
        ctx.save_for_backward(xg, h0, c0, w_hh)
        ctx.set_materialize_grads(False)     # (an unused output's gradient is left out, as the steps' graph does)
        return out, hd, cd

    @staticmethod
    def backward(ctx, dout, dh, dc):
        xg, h0, c0, w_hh = ctx.saved_tensors
        reverse = ctx.reverse_order
        need = ctx.needs_input_grad
        if grad_mode._state.enabled:
            return _lstm_layer_grads_recorded(xg, h0, c0, w_hh, reverse, need[:4], (dout, dh, dc)) + (None,)
        hs, cs, acts = ctx.steps
        W = w_hh._data
        T = len(hs)
        dev = (dout if dout is not None else dh if dh is not None else dc)._device
        douts = dout._data if dout is not None else None
        gh = dh._data if dh is not None else None
        gc = dc._data if dc is not None else None
        dxg = np.empty(xg.shape, W.dtype) if need[0] else None
        dW = None
        for t in (range(T) if reverse else range(T - 1, -1, -1)):
            # the hidden state's gradient: its slice of the output's and the next step's (for the last
            # step, h_n's), added as autograd adds two arrivals; zeros where neither came
            if douts is not None:
                gh = douts[t] if gh is None else douts[t] + gh
            if gh is None:
                gh = np.zeros(hs[t].shape, W.dtype)
            if gc is None:
                gc = np.zeros(hs[t].shape, W.dtype)
            da, gc = _lstm_gates_grad_array(np, acts[t], cs[t], gh, gc)
            if dxg is not None:
                dxg[t] = da
            if need[3]:
                dw = da.T @ hs[t]                   # (the hidden product's weight gradient, (out, in))
                dW = dw if dW is None else np.add(dW, dw, out=dW)
            first = t == (T - 1 if reverse else 0)
            gh = da @ W if (not first or need[1]) else None
        return (Tensor._make(dxg, dev) if dxg is not None else None,
                Tensor._make(gh, dev) if need[1] else None,
                Tensor._make(gc, dev) if need[2] else None,
                Tensor._make(dW, dev) if need[3] else None, None)


def _lstm_layer_steps(xg, h0, c0, w_hh, reverse):
    """:class:`_LSTMLayer`'s value as the graph of steps (the form it differentiates under create_graph)."""
    steps = xg.unbind(0)
    outs = [None] * len(steps)
    h, c = h0, c0
    for t in (range(len(steps) - 1, -1, -1) if reverse else range(len(steps))):
        h, c = _lstm_step(steps[t], h, c, w_hh, None)
        outs[t] = h
    return stack(outs, 0), h, c


def _lstm_layer_grads_recorded(xg, h0, c0, w_hh, reverse, needs, grads):
    from ember.ops._one_node import composite_grads
    given = [k for k, g in enumerate(grads) if g is not None]

    def value(*tensors):
        res = _lstm_layer_steps(*tensors, reverse)
        return tuple(res[k] for k in given)
    return composite_grads(value, (xg, h0, c0, w_hh), needs, tuple(grads[k] for k in given))


def _layer_node_applies(xg, h, c, w_hh, w_hr, mask):
    """Whether a recorded LSTM layer runs as :class:`_LSTMLayer`: float32 without projections or packed
    steps (PyTorch's one-kernel layer), plain CPU tensors, no op observer watching."""
    if _function._op_hooks or mask is not None or w_hr is not None or c is None or xg.__class__ is not Tensor \
            or xg._device is not CPU or xg._data.dtype != np.float32:
        return False
    plain = _plain_classes()
    return all(t.__class__ in plain and t._device is CPU and t._data.dtype == np.float32 for t in (h, c, w_hh))


def _run_direction(mode, xs, h, c, weights, reverse, act, mask=None):
    """One layer in one direction over the whole sequence xs (T, B, F).

    ``mask`` (T, B, 1), for packed sequences, says which steps are real: elsewhere the state is
    carried over unchanged, so each sequence ends (or, reversed, starts) at its own length.
    """
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    T = xs.shape[0]
    if mask is None and _one_dnn_layer(mode, xs, w_hr is not None):
        # oneDNN's LSTM layer takes the two biases added: their sum goes into the input projection
        bias = b_ih if b_hh is None else (b_hh if b_ih is None else b_ih + b_hh)
        xg = _linear(xs.reshape(T * xs.shape[1], xs.shape[2]), w_ih, bias)
        b_hh = None
    else:
        # PyTorch's own steps add the input's projection (its bias b_ih) to the hidden state's (b_hh), as the
        # cells do; GRU's n-gate bias b_hh must stay inside the step anyway (r gates it)
        xg = _linear(xs.reshape(T * xs.shape[1], xs.shape[2]), w_ih, b_ih)
    if T and _unrecorded(xg, h, c, w_hh, b_hh, w_hr, mask):
        return _run_direction_arrays(mode, T, xg, h, c, w_hh, b_hh, w_hr, reverse, act, mask)
    if T and mode == 'LSTM' and _layer_node_applies(xg, h, c, w_hh, w_hr, mask):
        return _LSTMLayer.apply(xg.reshape(T, xs.shape[1], xg.shape[-1]), h, c, w_hh, reverse)
    steps = xg.reshape(T, xs.shape[1], xg.shape[-1]).unbind(0)
    outs = [None] * T
    order = range(T - 1, -1, -1) if reverse else range(T)
    for t in order:
        h_prev, c_prev = h, c
        if mode == 'LSTM':
            h, c = _lstm_step(steps[t], h, c, w_hh, b_hh, w_hr)
        elif mode == 'GRU':
            h = _gru_step(steps[t], h, w_hh, b_hh)
        else:
            h = _rnn_step(steps[t], h, w_hh, b_hh, act)
        if mask is not None:
            h = where(mask[t], h, h_prev)
            c = None if c is None else where(mask[t], c, c_prev)
        outs[t] = h
    if not T:
        out = xs.new_zeros((0, xs.shape[1], h.shape[-1]))
    elif mask is None and _one_dnn_layer(mode, xs, w_hr is not None):
        out = _OneDnnLayer.apply(0, *outs)
    else:
        out = stack(outs, 0)
    return out, h, c


_ARRAY_LOOP_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_PLAIN_CLASSES = []     # Tensor and Parameter (a layer's weights), filled on first use


def _plain_classes():
    if not _PLAIN_CLASSES:
        from ember.nn.parameter import Parameter     # NOTE: imported here because ember.nn builds on ember.ops
        _PLAIN_CLASSES.extend((Tensor, Parameter))
    return _PLAIN_CLASSES


def _unrecorded(xg, *tensors):
    """Whether a layer's steps can run on arrays: nothing to record (grad mode off or nothing requiring
    grad), no op observer watching (profiler, dispatch modes, captures), plain CPU tensors or parameters of
    xg's dtype (float32 or float64; half types keep the ops' float32 arithmetic)."""
    if _function._op_hooks or xg.__class__ is not Tensor or xg._device is not CPU:
        return False
    dt = xg._data.dtype
    if dt not in _ARRAY_LOOP_DTYPES:
        return False
    recording = grad_mode._state.enabled
    if recording and xg._requires_grad:
        return False
    plain = _plain_classes()
    for t in tensors:
        if t is None:
            continue
        if t.__class__ not in plain or t._device is not CPU or (recording and t._requires_grad):
            return False
        if t._data.dtype != dt and t._data.dtype != np.bool_:
            return False
    return True


def _run_direction_arrays(mode, T, xg, h, c, w_hh, b_hh, w_hr, reverse, act, mask):
    """:func:`_run_direction`'s time loop when nothing is recorded: the same array kernels the step ops
    run (the same products, gate formulas and activations, so the same bits), called directly instead of
    through an op and a tensor per step."""
    steps = xg._data
    steps = steps.reshape(T, steps.shape[0] // T, steps.shape[-1])
    hd, cd = h._data, (c._data if c is not None else None)
    w = w_hh._data
    bd = b_hh._data if b_hh is not None else None
    wr = w_hr._data if w_hr is not None else None
    md = mask._data if mask is not None else None
    out = np.empty((T,) + hd.shape, hd.dtype)
    quiet = _fp_enter()
    try:
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            hg = _linear_bias_array(hd, w, bd) if bd is not None else _linear_array(hd, w)
            if mode == 'LSTM':
                hg = np.add(steps[t], hg, out=hg)    # (xg + h W^T, as the step's addition: the same sum)
                hn, cn, _ = _lstm_gates_array(np, hg, cd)
                if wr is not None:
                    hn = _linear_array(hn, wr)
            elif mode == 'GRU':
                hn, _ = _gru_gates_array(np, steps[t], hg, hd)
                cn = None
            else:
                hn, cn = np.add(steps[t], hg, out=hg), None
                hn = _relu_array(hn) if act is relu else _tanh_array(np, hn)
            if md is not None:
                hn = np.where(md[t], hn, hd)
                cn = None if cn is None else np.where(md[t], cn, cd)
            hd, cd = hn, cn
            out[t] = hd
    finally:
        _fp_leave(quiet)
    dev = h._device
    return (Tensor._make(out, dev), Tensor._make(hd, dev), (Tensor._make(cd, dev) if cd is not None else None))


def _sequence(mode, input, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first,
              act=None, mask=None, packed_rows=None):
    dirs = 2 if bidirectional else 1
    proj = mode == 'LSTM' and len(params) == num_layers * dirs * (5 if has_biases else 3)
    groups = _unpack(params, has_biases, proj)
    x = input.transpose(0, 1) if batch_first else input
    # each layer's and direction's first state as PyTorch takes it: selected for its oneDNN LSTM layers, else
    # one unbind (UnbindBackward0)
    if mask is None and _one_dnn_layer(mode, x, proj):
        h0s, c0s = [hx[k] for k in range(len(groups))], [cx[k] for k in range(len(groups))]
    else:
        h0s, c0s = hx.unbind(0), (cx.unbind(0) if cx is not None else None)
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, h, c = _run_direction(mode, x, h0s[k], c0s[k] if c0s is not None else None, groups[k], d == 1,
                                       act, mask)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        x = outs[0] if dirs == 1 else cat(outs, 2)
        if dropout and train and layer < num_layers - 1:
            x = _dropout(x, dropout, True) if packed_rows is None else _dropout_packed(x, dropout, packed_rows)
    if batch_first:
        # PyTorch turns GRU and RNN outputs back in place (TransposeBackward1), LSTM's out of place
        output = x.transpose(0, 1) if mode == 'LSTM' else x.transpose_(0, 1)
    else:
        output = x
    return output, stack(h_n, 0), (stack(c_n, 0) if mode == 'LSTM' else None)


def _dropout_packed(x, p, rows):
    """Dropout between the layers of a packed batch: PyTorch drops out the packed data (the real steps in
    packed order), so the random draws go to those elements in that order; padding stays zero."""
    from ember.nn.utils.rnn import _PackPadded
    from ember.ops.creation import tensor
    T, B, F = x.shape
    kept = _dropout(_PackPadded.apply(x, rows), p, True)
    index = tensor(rows, device=x.device)
    return x.new_zeros((T * B, F)).index_add(0, index, kept).reshape(T, B, F)


def _packed(mode, data, batch_sizes, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional, act=None):
    """A packed batch (``data`` with its ``batch_sizes``, longest sequence first): returns the packed output
    data, h_n and c_n. Recorded, it runs as PyTorch's packed layers do, so the graph is theirs
    (:func:`_packed_recorded`); unrecorded, as a padded batch with a mask (one array loop per layer)."""
    if grad_mode._state.enabled and any(t is not None and t._requires_grad for t in (data, hx, cx, *params)):
        return _packed_recorded(mode, data, batch_sizes.tolist(), hx, cx, params, has_biases, num_layers, dropout,
                                train, bidirectional, act)
    return _packed_masked(mode, data, batch_sizes, hx, cx, params, has_biases, num_layers, dropout, train,
                          bidirectional, act)


def _packed_recorded(mode, data, bs, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional, act):
    """PyTorch's packed layers: each layer's input projection over all the packed rows, then per time step the
    rows of the sequences still running (the projection's step rows, slices of the state); a sequence's final
    state is set aside (sliced off) when it ends, and the layer's h_n is those pieces concatenated, last-ending
    first. The reversed direction starts from the shortest sequences' rows and concatenates the others' initial
    states in as their sequences begin. A layer's output is its steps' outputs concatenated (the directions' side
    by side).
    NOTE: PyTorch takes each step's rows of the projection by a slice (SliceBackward0 per step); here one split
    (SplitWithSizesBackward0) takes them all: the engine would sum every slice's full-size gradient into the
    projection's, quadratic in the steps (a packed LSTM step at 35 x 32, 64 -> 128 took 1.6x the masked
    version's time; with the split, 0.77x). The graphs agree to three levels below the output."""
    dirs = 2 if bidirectional else 1
    proj = mode == 'LSTM' and len(params) == num_layers * dirs * (5 if has_biases else 3)
    groups = _unpack(params, has_biases, proj)
    h0s, c0s = hx.unbind(0), (cx.unbind(0) if cx is not None else None)
    h_n, c_n = [], []
    x = data
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            run = _packed_reversed if d == 1 else _packed_forward
            out, h, c = run(mode, x, bs, h0s[k], c0s[k] if c0s is not None else None, groups[k], act)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        x = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout and train and layer < num_layers - 1:
            x = _dropout(x, dropout, True)
    return x, stack(h_n, 0), (stack(c_n, 0) if mode == 'LSTM' else None)


def _packed_step(mode, xg, h, c, weights, act):
    _, w_hh, _, b_hh, w_hr = weights
    if mode == 'LSTM':
        return _lstm_step(xg, h, c, w_hh, b_hh, w_hr)
    if mode == 'GRU':
        return _gru_step(xg, h, w_hh, b_hh), None
    return _rnn_step(xg, h, w_hh, b_hh, act), None


def _packed_forward(mode, x, bs, h, c, weights, act):
    steps = _linear(x, weights[0], weights[2]).split(bs)
    outs, ended_h, ended_c = [], [], []
    last = bs[0] if bs else 0
    for n, xg in zip(bs, steps):
        if n < last:        # sequences ended: their final states set aside
            ended_h.append(h[n:last])
            h = h[:n]
            if c is not None:
                ended_c.append(c[n:last])
                c = c[:n]
        h, c = _packed_step(mode, xg, h, c, weights, act)
        outs.append(h)
        last = n
    ended_h.append(h)
    h_n = cat(ended_h[::-1], 0) if len(ended_h) > 1 else ended_h[0]
    c_n = None
    if c is not None:
        ended_c.append(c)
        c_n = cat(ended_c[::-1], 0) if len(ended_c) > 1 else ended_c[0]
    return cat(outs, 0), h_n, c_n


def _packed_reversed(mode, x, bs, h0, c0, weights, act):
    steps = _linear(x, weights[0], weights[2]).split(bs)
    outs = []
    last = bs[-1] if bs else 0
    h = h0[:last]
    c = None if c0 is None else c0[:last]
    for n, xg in zip(reversed(bs), reversed(steps)):
        if n > last:        # sequences beginning (backwards): their initial states join
            h = cat([h, h0[last:n]], 0)
            if c is not None:
                c = cat([c, c0[last:n]], 0)
        h, c = _packed_step(mode, xg, h, c, weights, act)
        outs.append(h)
        last = n
    return cat(outs[::-1], 0), h, c


def _packed_masked(mode, data, batch_sizes, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional,
                   act=None):
    """A packed batch run as a padded one with a mask, so each sequence's state stops at its own length (or,
    reversed, starts there); returns the packed output data, h_n and c_n."""
    import numpy as np
    # NOTE: imported here because ember.nn builds on ember.ops
    from ember.nn.utils.rnn import _PackedSteps, _packed_positions, _padded_from_packed
    from ember.ops.creation import tensor
    bs = np.asarray(batch_sizes.tolist(), dtype=np.int64)
    steps, batch = len(bs), int(bs[0])
    padded = _padded_from_packed(data, batch_sizes, 0.0, steps)             # (T, B, F)
    lengths = (bs[None, :] > np.arange(batch)[:, None]).sum(1)
    mask = tensor((np.arange(steps)[:, None] < lengths[None, :])[..., None], device=data.device)
    rows = _packed_positions(bs, batch)
    out, h, c = _sequence(mode, padded, hx, cx, params, has_biases, num_layers, dropout, train, bidirectional,
                          False, act, mask=mask, packed_rows=rows)
    return _PackedSteps.apply(out, rows), h, c


def _run(mode, act, args):
    """Either of PyTorch's overloads: ``(input, hx, params, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)`` or the packed ``(data, batch_sizes, hx, params, has_biases, ...,
    bidirectional)``, told apart by the fourth argument (the parameter list in the packed form)."""
    if isinstance(args[3], (list, tuple)):
        data, batch_sizes, hx, params, *rest = args
        h0, c0 = hx if mode == 'LSTM' else (hx, None)
        return _packed(mode, data, batch_sizes, h0, c0, params, *rest, act=act)
    input, hx, params, *rest = args
    h0, c0 = hx if mode == 'LSTM' else (hx, None)
    return _sequence(mode, input, h0, c0, params, *rest, act)


@op('ember')
def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """Elman RNN with tanh over a (T, B, F) sequence (B first when batch_first); returns (output, h_n).

    Also called as ``rnn_tanh(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
    bidirectional)`` on a packed batch, returning the packed output data. ``params`` is the flat list
    of (w_ih, w_hh[, b_ih, b_hh]) per layer and direction, as ``nn.RNN._flat_weights``.

    Example:
        >>> x, h0 = ember.ones(3, 1, 2), ember.zeros(1, 1, 1)
        >>> w_ih, w_hh = ember.full((1, 2), 0.5), ember.ones(1, 1)
        >>> out, h = ember.rnn_tanh(x, h0, [w_ih, w_hh], False, 1, 0.0, False, False, False)
        >>> out.flatten()
        tensor([0.7616, 0.9427, 0.9597])
    """
    out, h, _ = _run('RNN', tanh, (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                                   batch_first))
    return out, h


@op('ember')
def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """Elman RNN with ReLU; returns (output, h_n). Takes the padded or the packed form, as :func:`rnn_tanh`.

    Example:
        >>> x, h0 = ember.ones(3, 1, 2), ember.zeros(1, 1, 1)
        >>> w_ih, w_hh = ember.full((1, 2), 0.5), ember.ones(1, 1)
        >>> ember.rnn_relu(x, h0, [w_ih, w_hh], False, 1, 0.0, False, False, False)[0].flatten()
        tensor([1., 2., 3.])
    """
    out, h, _ = _run('RNN', relu, (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                                   batch_first))
    return out, h


@op('ember')
def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """LSTM over a sequence; ``hx`` is ``(h0, c0)``; returns (output, h_n, c_n).

    ``params`` is the flat list of (w_ih, w_hh[, b_ih, b_hh][, w_hr]) per layer and direction. Takes
    the padded or the packed form, as :func:`rnn_tanh`.

    Example:
        >>> x, h0, c0 = ember.ones(2, 1, 1), ember.zeros(1, 1, 1), ember.zeros(1, 1, 1)
        >>> out, h, c = ember.lstm(x, (h0, c0), [ember.ones(4, 1), ember.ones(4, 1)], False, 1, 0.0,
        ...                        False, False, False)
        >>> out.flatten()
        tensor([0.3696, 0.6505])
    """
    return _run('LSTM', None, (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first))


@op('ember')
def gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    """GRU over a sequence; returns (output, h_n). Takes the padded or the packed form, as :func:`rnn_tanh`.

    Example:
        >>> x, h0 = ember.ones(2, 1, 1), ember.zeros(1, 1, 1)
        >>> ember.gru(x, h0, [ember.ones(3, 1), ember.ones(3, 1)], False, 1, 0.0, False, False, False)[0].flatten()
        tensor([0.2048, 0.3468])
    """
    out, h, _ = _run('GRU', None, (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
                                   batch_first))
    return out, h
