"""float32 gradients of log_softmax and cross_entropy against PyTorch 2.13's recorded bits
(tests/fixtures/log_softmax_grad_bits/recorded.npz, written by its record.py on an AVX-512 CPU): PyTorch's
LogSoftmaxBackward takes SLEEF's exp of the saved log-probabilities and one fused multiply-add, with the
sum over the softmax dim in its kernel's order."""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import numerics
from ember.ops import _softmax_bits
from tests.fixtures.log_softmax_grad_bits.record import (CE_CASES, LSM_CASES, REDUCTIONS, ce_inputs, digest,
                                                         loss_grad, lsm_inputs)

REC = np.load(Path(__file__).parent / 'fixtures' / 'log_softmax_grad_bits' / 'recorded.npz')


@pytest.fixture
def recorded_width(monkeypatch):
    """ember's softmax kernels set to the vector width of the CPU the digests were recorded on."""
    monkeypatch.setattr(_softmax_bits, 'LANES', _softmax_bits.lanes_for(str(REC['cpu_capability'])))


def _log_softmax_grad(case):
    x_np, g_np = lsm_inputs(case)
    assert np.array_equal(digest(x_np, g_np), REC[f'lsm{case}_in']), 'the seeded input changed: re-record'
    x = ember.from_numpy(x_np).requires_grad_()
    ember.log_softmax(x, LSM_CASES[case][1]).backward(ember.from_numpy(g_np))
    return x.grad.numpy()


def _cross_entropy_grad(case, reduction):
    x_np, target, weight, kwargs = ce_inputs(case)
    assert np.array_equal(digest(x_np, target, weight), REC[f'ce{case}_in']), 'the seeded input changed'
    x = ember.from_numpy(x_np).requires_grad_()
    loss = F.cross_entropy(x, ember.tensor(target), None if weight is None else ember.from_numpy(weight),
                           reduction=reduction, **kwargs)
    loss.backward(ember.from_numpy(loss_grad(case, tuple(loss.shape))) if reduction == 'none' else None)
    return x.grad.numpy()


@pytest.mark.parametrize('case', range(len(LSM_CASES)))
def test_log_softmax_grad_bits(case, recorded_width):
    got = _log_softmax_grad(case)
    assert got.dtype == np.float32
    assert np.array_equal(digest(got), REC[f'lsm{case}_grad']), f'{LSM_CASES[case]}: not PyTorch\'s bits'


@pytest.mark.parametrize('case', range(len(CE_CASES)))
@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_cross_entropy_grad_bits(case, reduction, recorded_width):
    got = _cross_entropy_grad(case, reduction)
    assert got.dtype == np.float32
    assert np.array_equal(digest(got), REC[f'ce{case}_{reduction}']), f'{CE_CASES[case]}: not PyTorch\'s bits'


def test_grad_without_pytorch_bits_stays_close():
    """With PyTorch's bits off the gradient takes NumPy's formula: close to the recorded one, not exact."""
    want = _log_softmax_grad(0)
    with numerics.pytorch_bits(False):
        got = _log_softmax_grad(0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_matches_live_pytorch():
    """The same cases against the installed PyTorch (its gradients, not just their digests)."""
    torch = pytest.importorskip('torch')
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for case, (_, dim, _, _) in enumerate(LSM_CASES):
            x_np, g_np = lsm_inputs(case)
            t = torch.from_numpy(x_np).requires_grad_()
            torch.log_softmax(t, dim).backward(torch.from_numpy(g_np))
            np.testing.assert_array_equal(_log_softmax_grad(case), t.grad.numpy(), strict=True)
    finally:
        torch.set_num_threads(threads)     # (later tests see PyTorch as they found it)


@pytest.mark.parametrize('case', [c for c, (_, options) in enumerate(CE_CASES)
                                  if not options.get('label_smoothing') and not options.get('probs')])
@pytest.mark.parametrize('reduction', REDUCTIONS)
def test_fused_cross_entropy_grad_bits(case, reduction, recorded_width):
    """Under an op observer (the profiler) cross_entropy runs as one fused op: the same gradient bits."""
    with ember.profiler.profile():
        got = _cross_entropy_grad(case, reduction)
    assert np.array_equal(digest(got), REC[f'ce{case}_{reduction}']), f'{CE_CASES[case]}: not PyTorch\'s bits'


def test_gradient_at_the_targets_scaled_by_a_power_of_two_is_the_fused_step():
    # cross_entropy's gradient at each row's target is fma(-e, c, c); for c a power of two (a mean over 64 rows
    # gives -1/64) it is taken as c * (1 - e): every such c from 2**-101 to 2**127 against fma32, on spread, tiny
    # and next-to-one exps, e = 1 (a +0, not -0) and e = 0; other numbers keep the fused step
    from ember._random.exact import fma32
    from ember.ops import _log_softmax_grad_bits as grad_bits
    rng = np.random.default_rng(15)
    e = np.concatenate([rng.random(300), rng.random(300) * 10.0 ** rng.integers(-45, 0, 300), [0.0, 1.0, 0.5],
                        1 - rng.integers(0, 300, 100) * 2.0 ** -24]).astype(np.float32)
    with np.errstate(divide='ignore'):      # (e = 0: -inf, whose exp is 0 again)
        output = np.log(e.astype(np.float64)).astype(np.float32).reshape(-1, 1)
    at = (np.arange(e.size), np.zeros(e.size, np.intp))
    exps = _softmax_bits.sleef_expf(output)[:, 0]
    for exponent in range(-101, 128):
        for c in (np.float32(2.0 ** exponent), np.float32(-2.0 ** exponent)):
            assert grad_bits._scales_exactly(c)
            got = grad_bits.log_softmax_backward_one_per_row(output, at, c)[:, 0]
            assert got.tobytes() == fma32(-exps, c, c).tobytes(), c
    for c in (np.float32(-1 / 3), np.float32(0), np.float32(2.0 ** -102), np.float32(0.1)):
        assert not grad_bits._scales_exactly(c)
