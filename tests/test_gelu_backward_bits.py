"""F.gelu's input gradient gives PyTorch's CPU bits: recorded gradients (tests/fixtures/gelu_backward_bits)
compared bit for bit, and PyTorch itself when it is installed."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.fixtures.gelu_backward_bits.cases import all_cases, contiguous, grad_for, strided

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'gelu_backward_bits' / 'expected.npz')
SEEDS = {name: seed for seed, name in enumerate(sorted(all_cases()))}


def _bits(a):
    return np.asarray(a, np.float32).view(np.uint32)


@pytest.fixture(autouse=True)
def _one_thread():
    # the recorded gradients come from one thread: with more, ATen cuts large tensors into parts whose
    # vector blocks restart (tested against PyTorch with two below)
    before = ember.get_num_threads()
    ember.set_num_threads(1)
    yield
    ember.set_num_threads(before)


def _grad(x, g, approximate='none', dtype='float32', retain=False):
    xe = ember.from_numpy(x).to(getattr(ember, dtype)).requires_grad_()
    y = F.gelu(xe, approximate=approximate)
    ge = ember.from_numpy(g).to(getattr(ember, dtype))
    if retain:     # the second backward recomputes what the first one used up
        y.backward(ge, retain_graph=True)
        xe.grad = None
    y.backward(ge)
    return xe.grad.float().numpy()


@pytest.mark.parametrize('retain', [False, True])
@pytest.mark.parametrize('name', sorted(contiguous()))
def test_float32_exact_contiguous_matches_recorded(name, retain):
    x = contiguous()[name]
    got = _grad(x, grad_for(x, SEEDS[name]), retain=retain)
    assert np.array_equal(_bits(got), _bits(RECORDED[f'float32/none/{name}']))


@pytest.mark.parametrize('name', sorted(strided()))
def test_float32_exact_strided_and_single_match_recorded(name):
    # ATen's own kernel: vector blocks where input and gradient are dense along the run, scalar elsewhere
    x = strided()[name]
    got = _grad(x, grad_for(x, SEEDS[name]))
    assert np.array_equal(_bits(got), _bits(RECORDED[f'float32/none/{name}']))


@pytest.mark.parametrize('dtype', ['bfloat16', 'float16'])
@pytest.mark.parametrize('name', sorted(all_cases()))
def test_half_exact_matches_recorded(name, dtype):
    # computed in float32 and rounded once: bfloat16 like float32 (oneDNN where contiguous), float16 by
    # ATen's half-precision kernel everywhere
    x = all_cases()[name]
    got = _grad(x, grad_for(x, SEEDS[name]), dtype=dtype)
    want = RECORDED[f'{dtype}/none/{name}']
    # NaNs compared as NaNs: their payloads come from the half-precision conversions, not from GELU
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(_bits(got)[~nan], _bits(want)[~nan])


@pytest.mark.parametrize('dtype', ['float32', 'bfloat16', 'float16'])
@pytest.mark.parametrize('name', sorted(all_cases()))
def test_tanh_form_matches_recorded(name, dtype):
    # ATen's kernel for every layout: SLEEF's tanhf in the vector blocks, the C library's in the scalar loop
    x = all_cases()[name]
    got = _grad(x, grad_for(x, SEEDS[name]), approximate='tanh', dtype=dtype)
    want = RECORDED[f'{dtype}/tanh/{name}']
    nan = np.isnan(want)      # (NaN payloads of half precision: see above)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(_bits(got)[~nan], _bits(want)[~nan])


def test_double_steps_give_the_fused_steps():
    # the kernel's double sums rounded to float32 against every fused step through fma32
    from ember.ops import _gelu_bwd_onednn
    x = np.random.default_rng(9).integers(0, 2 ** 32, 200_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    x = x[~np.isnan(x)]     # (the reference keeps no NaN payloads; the kernel keeps PyTorch's: tested below)
    assert np.array_equal(_bits(_gelu_bwd_onednn.derivative(x)), _bits(_gelu_bwd_onednn.exact_derivative(x)))


def test_without_autograd_graph_kept():
    # gelu under no_grad keeps nothing; the functional backward recomputes the derivative from x
    from ember.ops import _gelu_bwd_onednn
    x = contiguous()['n1000']
    g = grad_for(x, SEEDS['n1000'])
    got = _gelu_bwd_onednn.gelu_backward(g, x)
    assert np.array_equal(_bits(got), _bits(RECORDED['float32/none/n1000']))


def test_matches_pytorch_on_random_bits():
    torch = pytest.importorskip('torch')
    from ember.ops import _gelu_bwd_onednn
    rng = np.random.default_rng(5)
    x = rng.integers(0, 2 ** 32, 300_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    g = rng.standard_normal(x.size).astype(np.float32)
    want = torch.ops.aten.gelu_backward(torch.from_numpy(g), torch.from_numpy(x)).numpy()
    assert np.array_equal(_bits(_gelu_bwd_onednn.gelu_backward(g, x)), _bits(want))


@pytest.mark.parametrize('threads', [1, 2])
def test_strided_matches_pytorch(threads):
    # larger than ATen's grain: with two threads the work is cut in two, and each part's runs restart
    torch = pytest.importorskip('torch')
    from ember.ops import _gelu_bwd_aten, _gelu_tanh_bwd
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        rng = np.random.RandomState(3)
        grid = (rng.standard_normal((300, 257)) * 3).astype(np.float32)
        g = rng.standard_normal((300, 257)).astype(np.float32)
        for x, gx in ((grid[:, :200], g[:, :200]), (grid.T, g.T), (grid[:, ::3], np.ascontiguousarray(g[:, ::3])),
                      (grid[:, :100], np.ascontiguousarray(g[:, :100])), (grid, g)):
            if not x.flags.c_contiguous:    # (the exact form of a contiguous input is oneDNN's)
                want = torch.ops.aten.gelu_backward(torch.from_numpy(gx), torch.from_numpy(x)).numpy()
                got = _gelu_bwd_aten.gelu_backward(gx, x, lambda: threads)
                assert np.array_equal(_bits(got), _bits(want)), x.shape
            want = torch.ops.aten.gelu_backward(torch.from_numpy(gx), torch.from_numpy(x), approximate='tanh')
            got = _gelu_tanh_bwd.gelu_backward(gx, x, lambda: threads)
            assert np.array_equal(_bits(got), _bits(want.numpy())), x.shape
    finally:
        torch.set_num_threads(before)


def test_tanh_form_matches_pytorch_on_random_bits():
    torch = pytest.importorskip('torch')
    from ember.ops import _gelu_tanh_bwd
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.integers(0, 2 ** 32, 100_000, dtype=np.uint64).astype(np.uint32).view(np.float32),
                        (rng.standard_normal(100_000) * 4).astype(np.float32)])
    g = rng.standard_normal(x.size).astype(np.float32)
    want = torch.ops.aten.gelu_backward(torch.from_numpy(g), torch.from_numpy(x), approximate='tanh').numpy()
    assert np.array_equal(_bits(_gelu_tanh_bwd.gelu_backward(g, x, lambda: 1)), _bits(want))


def test_fast_sleef_tanh_gives_the_step_by_step_bits():
    # float64's tanh rounded away from float32 midpoints, steps near them and for tiny inputs
    from ember.ops import _sleef_tanhf
    rng = np.random.default_rng(11)
    x = np.concatenate([np.exp(rng.uniform(np.log(1e-30), np.log(9.0), 300_000)).astype(np.float32),
                        rng.integers(0, 2 ** 32, 100_000, dtype=np.uint64).astype(np.uint32).view(np.float32)])
    x.view(np.uint32)[::2] ^= np.uint32(0x80000000)    # (negatives too)
    assert np.array_equal(_bits(_sleef_tanhf.tanhf(x)), _bits(_sleef_tanhf.tanhf_steps(x)))
