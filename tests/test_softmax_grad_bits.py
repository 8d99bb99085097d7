"""softmax's gradients against PyTorch 2.13's recorded bits (tests/fixtures/softmax_grad_bits/recorded.npz,
written by its record.py on an AVX-512 CPU, from both the AVX-512 and the AVX2 build, on one and two threads):
PyTorch's SoftmaxBackward computes ``output * (grad - sum(grad * output))`` with the dot product in its
kernel's vector order, which depends on the vector width PyTorch picks for the CPU and, for a last-dim row's
tail, on whether the rows are split between threads; half types are computed in float32."""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.ops.activation as activation
from ember import numerics
from ember.ops import _softmax_bits
from tests.fixtures.softmax_grad_bits.record import CAPABILITIES, CASES, DATA_CASES, SOFTMIN_CASES, THREADS, \
    data_inputs, digest, inputs

REC = np.load(Path(__file__).parent / 'fixtures' / 'softmax_grad_bits' / 'recorded.npz')


@pytest.fixture(params=CAPABILITIES)
def build(request, monkeypatch):
    """The recording's vector build ('native': the recording CPU's), ember's kernels set to its width."""
    capability = str(REC[f'{request.param}_cpu_capability'])
    monkeypatch.setattr(_softmax_bits, 'LANES', _softmax_bits.lanes_for(capability))
    return request.param


@pytest.fixture(params=THREADS)
def threads(request, monkeypatch):
    """ember's intra-op thread count set to the recording's (the softmax kernels read it)."""
    monkeypatch.setattr(activation, 'intra_op_threads', lambda: request.param)
    monkeypatch.setattr('ember._threads.intra_op_threads', lambda: request.param)
    return request.param


def _grad(case, forward=ember.softmax):
    x_np, g_np = inputs(case)
    assert np.array_equal(digest(x_np, g_np), REC[f'native_case{case}_in']), 'the seeded input changed: re-record'
    x = ember.from_numpy(x_np).requires_grad_()
    forward(x, CASES[case][1]).backward(ember.from_numpy(g_np))
    return x.grad.numpy()


@pytest.mark.parametrize('case', range(len(CASES)))
def test_softmax_grad_bits(case, build, threads):
    got = _grad(case)
    assert got.dtype == np.float32 and got.shape == CASES[case][0]
    assert np.array_equal(digest(got), REC[f'{build}_case{case}_grad_t{threads}']), \
        f'{CASES[case]}: not PyTorch\'s bits'


@pytest.mark.parametrize('case', range(len(DATA_CASES)))
def test_softmax_backward_data_bits(case, build, threads):
    """The backward kernel itself, float32 and the half types, on a given output."""
    shape, dim, dtype = DATA_CASES[case]
    g_np, y_np = data_inputs(case)
    assert np.array_equal(digest(g_np, y_np), REC[f'native_data{case}_in']), 'the seeded input changed: re-record'
    dt = getattr(ember, dtype)
    got = ember.ops.aten._softmax_backward_data(ember.from_numpy(g_np).to(dt), ember.from_numpy(y_np).to(dt), dim, dt)
    assert got.dtype == dt and tuple(got.shape) == shape
    assert np.array_equal(digest(got.float().numpy()), REC[f'{build}_data{case}_grad_t{threads}']), \
        f'{DATA_CASES[case]}: not PyTorch\'s bits'


@pytest.mark.parametrize('case', SOFTMIN_CASES)
def test_softmin_grad_bits(case, build, threads):
    """softmin is softmax of the negated input: its gradient the kernel's, negated."""
    for softmin in (ember.nn.functional.softmin, lambda x, d: nn.Softmin(d)(x)):
        assert np.array_equal(digest(_grad(case, softmin)), REC[f'{build}_softmin{case}_grad_t{threads}'])


@pytest.mark.parametrize('case', [0, 6, 12, 19])
def test_module_and_dtype_forms_take_the_same_kernel(case, build):
    """nn.Softmax, and softmax asked to compute in float32, run the same backward."""
    want = REC[f'{build}_case{case}_grad_t{activation.intra_op_threads()}'] if activation.intra_op_threads() <= 2 \
        else None
    got = _grad(case)
    if want is not None:
        assert np.array_equal(digest(got), want)
    assert np.array_equal(_grad(case, lambda x, d: nn.Softmax(d)(x)), got)
    assert np.array_equal(_grad(case, lambda x, d: ember.softmax(x, d, dtype=ember.float32)), got)


def test_half_gradient_runs_the_half_kernel():
    """A float16 softmax's backward is the kernel's on its (float16) output, rounded once."""
    x = ember.randn(40, 20).half().requires_grad_()
    y = ember.softmax(x, 1)
    g = ember.randn(40, 20).half()
    y.backward(g)
    want = ember.ops.aten._softmax_backward_data(g, y.detach(), 1, ember.float16)
    assert x.grad.dtype == ember.float16 and ember.equal(x.grad, want)


def test_capabilities_and_threads_change_the_bits():
    """The AVX2 and AVX-512 builds differ on most cases, one and two threads on the tails (why both are inputs)."""
    def differ(a, b):
        return sum(not np.array_equal(REC[a.format(c)], REC[b.format(c)]) for c in range(len(CASES)))
    assert str(REC['native_cpu_capability']) == 'AVX512'
    assert differ('native_case{}_grad_t1', 'avx2_case{}_grad_t1') >= len(CASES) // 2
    assert differ('native_case{}_grad_t1', 'native_case{}_grad_t2') >= 3


def test_grad_without_pytorch_bits_stays_close():
    """With PyTorch's bits off the gradient takes NumPy's formula: close to the exact one."""
    want = _grad(6)
    with numerics.pytorch_bits(False):
        got = _grad(6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_backward_data_checks_as_pytorch():
    g, y = ember.randn(3, 4), ember.softmax(ember.randn(3, 4), 1)
    op = ember.ops.aten._softmax_backward_data
    with pytest.raises(RuntimeError, match=r"^expected scalar type Float but found Half$"):
        op(g, y, 1, ember.float16)          # (the half-to-float case PyTorch's CPU kernel refuses)
    with pytest.raises(RuntimeError, match=r"^expected scalar type Float but found Half$"):
        op(g, y.half(), 1, ember.float32)
    with pytest.raises(NotImplementedError, match='"softmax_backward_lastdim_kernel_impl" not implemented for \'Int\''):
        op(g.int(), y.int(), 1, ember.int32)
    with pytest.raises(NotImplementedError, match='"softmax_backward_kernel_impl" not implemented for \'Bool\''):
        op(g.bool(), y.bool(), 0, ember.bool)
    with pytest.raises(RuntimeError, match=r"^Expected tensor for argument #1 'grad' to have same size as tensor for "
                                           r"argument #2 'output'; but \[2, 4\] does not equal \[3, 4\] \(while "
                                           r"checking arguments for softmax_backward\)$"):
        op(g[:2], y, 1, ember.float32)
    with pytest.raises(IndexError, match=r'expected to be in range of \[-2, 1\], but got 2'):
        op(g, y, 2, ember.float32)
    assert op(g.half(), y.half(), 1, ember.float32).dtype == ember.float16     # (the gradient's dtype)
    assert op(g.double(), y.double(), 1, ember.float16).dtype == ember.float64


def test_backward_data_is_differentiable():
    """With a gradient to record, the formula runs as ember ops (PyTorch's op has a derivative too)."""
    g = ember.randn(3, 4, requires_grad=True)
    y = ember.softmax(ember.randn(3, 4), 1)
    out = ember.ops.aten._softmax_backward_data(g, y, 1, ember.float32)
    out.sum().backward()
    assert ember.allclose(g.grad, y * (1 - y.sum(1, keepdim=True)), atol=1e-6)


def test_matches_live_pytorch():
    """The same cases against the installed PyTorch on this CPU, one and two threads (its gradients, not just
    their digests)."""
    torch = pytest.importorskip('torch')
    before = torch.get_num_threads()
    try:
        for threads in THREADS:
            torch.set_num_threads(threads)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(activation, 'intra_op_threads', lambda: threads)
                for case, (_, dim, _, _) in enumerate(CASES):
                    x_np, g_np = inputs(case)
                    t = torch.from_numpy(x_np).requires_grad_()
                    torch.softmax(t, dim).backward(torch.from_numpy(g_np))
                    np.testing.assert_array_equal(_grad(case), t.grad.numpy(), strict=True)
    finally:
        torch.set_num_threads(before)     # (later tests see PyTorch as they found it)


def test_other_dim_sum_rounds_once_where_the_double_sum_meets_a_midpoint():
    """Along another dim each step is one fused multiply-add: 1 + 2**-23 plus 2**-24 (1 - 2**-23) is just
    below the midpoint of 1 + 2**-23 and 1 + 2**-22, so it rounds down, where a double sum would round onto
    the midpoint and then to the even neighbour; the gradient there is then 0, not -2**-23."""
    g = ember.tensor([[1 + 2 ** -23], [1 + 2 ** -23]], dtype=ember.float32)
    y = ember.tensor([[1.0], [2 ** -24 * (1 - 2 ** -23)]], dtype=ember.float32)
    got = ember.ops.aten._softmax_backward_data(g, y, 0, ember.float32)
    assert got.numpy().tobytes() == np.zeros((2, 1), np.float32).tobytes()


def test_safe_softmax_backward_is_the_kernel():
    """Attention's math path takes the safe softmax (a fully masked row gives zeros): its backward runs
    the same kernel on its output."""
    from ember.ops.attention import SafeSoftmax
    x_np = np.asarray(np.random.default_rng(5).standard_normal((6, 40)), np.float32)
    x_np[2] = -np.inf
    g = ember.from_numpy(np.asarray(np.random.default_rng(6).standard_normal((6, 40)), np.float32))
    x = ember.from_numpy(x_np).requires_grad_()
    y = SafeSoftmax.apply(x, 1)
    y.backward(g)
    want = ember.ops.aten._softmax_backward_data(g, y.detach(), 1, ember.float32)
    assert x.grad.numpy().tobytes() == want.numpy().tobytes() and not x.grad[2].any()
