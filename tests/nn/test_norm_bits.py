"""float32 batch norm and group norm against PyTorch 2.13's recorded bits
(tests/fixtures/norm_bits/recorded.npz, written by its record.py).

PyTorch's contiguous CPU batch-norm kernel rounds in an order a NumPy reference reproduces bit for bit
(``_pytorch_order`` below, checked against the recording): per-channel sums of the float32 inputs in
double, the mean rounded to float32; the float32 squares of ``x - mean`` summed in double and rounded to
float32 before the division by the count (in float32); ``invstd = 1 / sqrt(var + eps)`` in double (eval:
all in float32 from the running variance); then ``alpha = invstd * w``, ``beta = b - mean * alpha`` and
``y = x * alpha + beta`` with fused multiply-adds (its vectorised build contracts them). ember's
float32 forward follows that order (``ops/_batch_norm_arrays.train_forward_bits``), and the running
statistics PyTorch's update (``m * mean + (1 - m) * running``; ``fma(m, var_sum / (n - 1), (1 - m) *
running)`` for the variance), so those are pinned exactly; the input gradient (its own order) and group
norm (PyTorch's vectorised Welford cascade) within one to three float32 ulps of the output's largest
magnitude. Inputs of spatial size below 8 take ember's op-by-op path (also within a few ulps).
"""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember._random.exact import fma32
from tests.fixtures.norm_bits.record import SHAPES

REC = np.load(Path(__file__).parents[1] / 'fixtures' / 'norm_bits' / 'recorded.npz')
CASES = range(len(SHAPES))


def _pytorch_order(x, w, b, rm, rv, eps, train):
    """PyTorch's contiguous batch-norm forward (spatial size above one), rounding step by step."""
    f32 = np.float32
    c = x.shape[1]
    rows = np.moveaxis(x, 1, 0).reshape(c, -1)
    if train:
        n = rows.shape[1]
        mean = (np.cumsum(rows, axis=1, dtype=np.float64)[:, -1] / n).astype(f32)
        squares = np.square(rows - mean[:, None])                        # float32
        var_sum = np.cumsum(squares, axis=1, dtype=np.float64)[:, -1].astype(f32)
        invstd = (1 / np.sqrt((var_sum / f32(n)).astype(np.float64) + eps)).astype(f32)
    else:
        mean, invstd = rm, f32(1) / np.sqrt(rv + f32(eps))
    alpha = invstd * w
    beta = fma32(-mean, alpha, b)
    shape = (1, c) + (1,) * (x.ndim - 2)
    return fma32(x, alpha.reshape(shape), beta.reshape(shape))


def _case(i):
    return {k: REC[f'{i}_{k}'] for k in ('x', 'w', 'b', 'rm', 'rv', 'g')}


@pytest.mark.parametrize('i', CASES)
def test_the_documented_order_is_pytorchs(i):
    a = _case(i)
    spatial = int(np.prod(SHAPES[i][2:]))
    if spatial > 1:     # (a spatial size of one takes PyTorch's channels-last kernel: per-thread float sums)
        got = _pytorch_order(a['x'], a['w'], a['b'], a['rm'], a['rv'], 1e-5, train=True)
        np.testing.assert_array_equal(got, REC[f'{i}_bn_train'])
    np.testing.assert_array_equal(_pytorch_order(a['x'], a['w'], a['b'], a['rm'], a['rv'], 1e-5, train=False),
                                  REC[f'{i}_bn_eval'])


def _close(got, want, ulps):
    # within ``ulps`` float32 steps of the largest magnitude involved (these outputs are of order one)
    scale = np.spacing(np.float32(np.abs(want).max()))
    assert np.abs(got.astype(np.float64) - want).max() <= ulps * scale


@pytest.mark.parametrize('i', CASES)
def test_batch_norm_forward_and_running_stats_are_pytorchs(i):
    a = {k: ember.tensor(v) for k, v in _case(i).items()}
    x = a['x'].clone().requires_grad_()
    rm, rv = a['rm'].clone(), a['rv'].clone()
    y = F.batch_norm(x, rm, rv, a['w'], a['b'], training=True, momentum=0.1, eps=1e-5)
    y.backward(a['g'])
    ev = F.batch_norm(a['x'], a['rm'], a['rv'], a['w'], a['b'], training=False, eps=1e-5).numpy()
    _close(x.grad.numpy(), REC[f'{i}_bn_train_gx'], 3)
    if int(np.prod(SHAPES[i][2:])) >= 8:        # the array path: PyTorch's order, its bits
        np.testing.assert_array_equal(y.detach().numpy(), REC[f'{i}_bn_train'], strict=True)
        np.testing.assert_array_equal(rm.numpy(), REC[f'{i}_bn_running_mean'], strict=True)
        np.testing.assert_array_equal(rv.numpy(), REC[f'{i}_bn_running_var'], strict=True)
        np.testing.assert_array_equal(ev, REC[f'{i}_bn_eval'], strict=True)
    else:
        _close(y.detach().numpy(), REC[f'{i}_bn_train'], 2)
        _close(rm.numpy(), REC[f'{i}_bn_running_mean'], 1)
        _close(rv.numpy(), REC[f'{i}_bn_running_var'], 1)
        _close(ev, REC[f'{i}_bn_eval'], 1)


@pytest.mark.parametrize('i', [i for i in CASES if f'{i}_gn' in REC.files])
def test_group_norm_is_within_a_few_ulps_of_pytorch(i):
    a = {k: ember.tensor(v) for k, v in _case(i).items()}
    _close(F.group_norm(a['x'], 2, a['w'], a['b'], eps=1e-5).numpy(), REC[f'{i}_gn'], 2)
