"""float32 gradients of softmax against PyTorch 2.13's recorded bits (tests/fixtures/softmax_grad_bits/
recorded.npz, written by its record.py on an AVX-512 CPU, from both the AVX-512 and the AVX2 build):
PyTorch's SoftmaxBackward computes ``output * (grad - sum(grad * output))`` with the dot product in its
kernel's vector order, which depends on the vector width PyTorch picks for the CPU."""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember import numerics
from ember.ops import _softmax_bits
from tests.fixtures.softmax_grad_bits.record import CAPABILITIES, CASES, digest, inputs

REC = np.load(Path(__file__).parent / 'fixtures' / 'softmax_grad_bits' / 'recorded.npz')


@pytest.fixture(params=CAPABILITIES)
def build(request, monkeypatch):
    """The recording's vector build ('native': the recording CPU's), ember's kernels set to its width."""
    capability = str(REC[f'{request.param}_cpu_capability'])
    monkeypatch.setattr(_softmax_bits, 'LANES', _softmax_bits.lanes_for(capability))
    return request.param


def _grad(case, forward=ember.softmax):
    x_np, g_np = inputs(case)
    assert np.array_equal(digest(x_np, g_np), REC[f'native_case{case}_in']), 'the seeded input changed: re-record'
    x = ember.from_numpy(x_np).requires_grad_()
    forward(x, CASES[case][1]).backward(ember.from_numpy(g_np))
    return x.grad.numpy()


@pytest.mark.parametrize('case', range(len(CASES)))
def test_softmax_grad_bits(case, build):
    got = _grad(case)
    assert got.dtype == np.float32 and got.shape == CASES[case][0]
    assert np.array_equal(digest(got), REC[f'{build}_case{case}_grad']), f'{CASES[case]}: not PyTorch\'s bits'


@pytest.mark.parametrize('case', [0, 6, 12, 19])
def test_module_and_dtype_forms_take_the_same_kernel(case, build):
    """nn.Softmax, and softmax asked to compute in float32, run the same backward."""
    want = REC[f'{build}_case{case}_grad']
    assert np.array_equal(digest(_grad(case, lambda x, d: nn.Softmax(d)(x))), want)
    assert np.array_equal(digest(_grad(case, lambda x, d: ember.softmax(x, d, dtype=ember.float32))), want)


def test_capabilities_differ():
    """The AVX2 and AVX-512 builds give different bits on most cases (why the width is chosen per CPU)."""
    differ = [not np.array_equal(REC[f'native_case{c}_grad'], REC[f'avx2_case{c}_grad']) for c in range(len(CASES))]
    assert str(REC['native_cpu_capability']) == 'AVX512' and sum(differ) >= len(CASES) // 2


def test_grad_without_pytorch_bits_stays_close():
    """With PyTorch's bits off the gradient takes NumPy's formula: close to the exact one."""
    want = _grad(6)
    with numerics.pytorch_bits(False):
        got = _grad(6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_matches_live_pytorch():
    """The same cases against the installed PyTorch on this CPU (its gradients, not just their digests)."""
    torch = pytest.importorskip('torch')
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for case, (_, dim, _, _) in enumerate(CASES):
            x_np, g_np = inputs(case)
            t = torch.from_numpy(x_np).requires_grad_()
            torch.softmax(t, dim).backward(torch.from_numpy(g_np))
            np.testing.assert_array_equal(_grad(case), t.grad.numpy(), strict=True)
    finally:
        torch.set_num_threads(threads)     # (later tests see PyTorch as they found it)
