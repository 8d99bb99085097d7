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
