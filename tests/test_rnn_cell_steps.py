"""The LSTM and GRU cells record PyTorch's nodes over one fused pass (ember/ops/_lstm_cell_steps.py,
_gru_cell_steps.py): their values and gradients are the fused op's, in a plain backward (the same bits) and where
gradients reach the cell's inner nodes from outside (a gradient penalty differentiates the cell's own backward)."""
import numpy as np
import pytest

import ember
from ember.ops import rnn
from ember.ops.linear import linear


def _args(cell, dtype, rng, B=4, I=5, H=3):
    n = 4 if cell == 'lstm' else 3
    mk = lambda *s: ember.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
    return mk(B, I), mk(B, H), mk(B, H), mk(n * H, I), mk(n * H, H), mk(n * H), mk(n * H)


def _hidden(cell, fused, x, h, c, wi, wh, bi, bh):
    if cell == 'lstm':
        if fused:
            return rnn._LSTMGates.apply(linear(h, wh, bh) + linear(x, wi, bi), c)
        return ember.lstm_cell(x, (h, c), wi, wh, bi, bh)
    if fused:
        return rnn._GRUGates.apply(linear(x, wi, bi), linear(h, wh, bh), h), None
    return ember.gru_cell(x, h, wi, wh, bi, bh), None


@pytest.mark.parametrize('cell', ['lstm', 'gru'])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_steps_give_the_fused_ops_bits(cell, dtype):
    def run(fused):
        rng = np.random.default_rng(0)
        args = _args(cell, dtype, rng)
        h, c = _hidden(cell, fused, *args)
        outs = [h] if c is None else [h, c]
        ember.autograd.backward(outs, [ember.tensor(rng.standard_normal(o.shape).astype(dtype)) for o in outs])
        return [o.detach().numpy() for o in outs] + [a.grad.numpy() for a in args if a.grad is not None]
    for a, b in zip(run(True), run(False), strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize('cell', ['lstm', 'gru'])
def test_gradient_penalty_reaches_the_inner_nodes(cell):
    def run(fused):
        args = _args(cell, np.float64, np.random.default_rng(1))
        h, _ = _hidden(cell, fused, *args)
        loss = (h ** 2).sum()
        g, = ember.autograd.grad(loss, args[1], create_graph=True)
        (loss + (g ** 2).sum()).backward()
        return [a.grad.numpy() for a in args if a.grad is not None]
    for a, b in zip(run(True), run(False), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)


def test_lstm_sequence_steps_record_the_cells_nodes():
    m = ember.nn.LSTM(3, 2).double()
    out, _ = m(ember.randn(4, 1, 3, dtype=ember.float64))
    step = out.grad_fn.next_functions[0][0]
    assert out.grad_fn.name() == 'StackBackward0'
    assert step.name() == 'MulBackward0' and len(step.next_functions) == 2
    ember.autograd.gradcheck(lambda x: m(x)[0], ember.randn(3, 1, 3, dtype=ember.float64, requires_grad=True))
