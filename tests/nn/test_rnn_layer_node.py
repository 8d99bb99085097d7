"""A recorded float32 LSTM layer is one node (ember/ops/rnn.py ``_LSTMLayer``, PyTorch's
``MkldnnRnnLayerBackward0``) and an unrecorded layer runs its steps on arrays: both give the numbers of the
graph of steps they replace, to the bit, for every output a loss may use; under create_graph the gradient
is differentiable again."""
import numpy as np
import pytest

import ember
from ember.ops import rnn as rnn_ops

CONFIGS = [
    ('LSTM', {}), ('LSTM', {'num_layers': 2}), ('LSTM', {'bidirectional': True}),
    ('LSTM', {'batch_first': True, 'bias': False}), ('LSTM', {'num_layers': 2, 'bidirectional': True}),
    ('GRU', {'bidirectional': True}), ('RNN', {'nonlinearity': 'relu', 'num_layers': 2}),
]
USES = ['out', 'h_n', 'c_n', 'all', 'given_state']


def _run(mode, kw, use, seed=0):
    ember.manual_seed(seed)
    m = getattr(ember.nn, mode)(5, 7, **kw)
    L = m.num_layers * (2 if m.bidirectional else 1)
    x = ember.randn(6, 3, 5) * 2
    if kw.get('batch_first'):
        x = x.transpose(0, 1).contiguous()
    x.requires_grad_()
    h0, c0 = ember.randn(L, 3, 7).requires_grad_(), ember.randn(L, 3, 7).requires_grad_()
    state = ((h0, c0) if mode == 'LSTM' else h0) if use == 'given_state' else None
    out, hidden = m(x, state)
    h_n, c_n = hidden if mode == 'LSTM' else (hidden, None)
    loss = 0
    if use in ('out', 'all', 'given_state'):
        loss = loss + (out * ember.randn(*out.shape)).sum()
    if use in ('h_n', 'all'):
        loss = loss + (h_n * ember.randn(*h_n.shape)).sum()
    if use in ('c_n', 'all') and c_n is not None:
        loss = loss + (c_n * ember.randn(*c_n.shape)).sum()
    if use == 'c_n' and c_n is None:
        return None
    loss.backward()
    grads = [x.grad] + [p.grad for p in m.parameters()]
    if use == 'given_state':
        grads += [h0.grad] + ([c0.grad] if mode == 'LSTM' else [])
    with ember.no_grad():
        unrecorded = m(x.detach(), state)[0]
    return [out.detach().numpy(), unrecorded.numpy()] + [g.numpy() for g in grads]


@pytest.mark.parametrize('mode,kw', CONFIGS)
@pytest.mark.parametrize('use', USES)
def test_layer_node_and_array_loop_give_the_steps_bits(mode, kw, use, monkeypatch):
    fast = _run(mode, kw, use)
    if fast is None:
        return
    # the reference: the graph of steps (one node per step), run through ember's step ops
    monkeypatch.setattr(rnn_ops, '_layer_node_applies', lambda *args: False)
    monkeypatch.setattr(rnn_ops, '_unrecorded', lambda *args: False)
    steps = _run(mode, kw, use)
    assert len(fast) == len(steps)
    for a, b in zip(fast, steps):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a.view(np.uint32), b.view(np.uint32))


def test_layer_is_one_node_with_three_outputs_as_pytorchs():
    m = ember.nn.LSTM(3, 4)
    out, (h, c) = m(ember.randn(5, 2, 3))
    layer = out.grad_fn
    assert layer.name() == 'MkldnnRnnLayerBackward0'
    assert h.grad_fn.name() == 'StackBackward0' and h.grad_fn.next_functions == ((layer, 1),)
    assert c.grad_fn.next_functions == ((layer, 2),)


def test_double_backward_through_the_layer_node(monkeypatch):
    def grads():
        ember.manual_seed(5)
        m = ember.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        x = ember.randn(5, 2, 3, requires_grad=True)
        out, (h, c) = m(x)
        g, = ember.autograd.grad((out ** 2).sum() + h.sum() + (c * c).sum(), x, create_graph=True)
        (g ** 2).sum().backward()
        return [g.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in m.parameters()]
    fast = grads()
    monkeypatch.setattr(rnn_ops, '_layer_node_applies', lambda *args: False)
    steps = grads()
    assert np.array_equal(fast[0], steps[0])     # the first-order gradient: the same bits
    for a, b in zip(fast[1:], steps[1:]):        # the second order: the same derivative, summed in another order
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
