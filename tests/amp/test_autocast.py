"""autocast (ember/amp/autocast_mode.py, ember/_autocast.py): per-op output dtypes and values under CPU
autocast against PyTorch 2.13's recorded results, state functions, nesting, caching, custom_fwd/bwd."""
import warnings

import numpy as np
import pytest

import ember
from tests.amp import _cases as C
from tests.amp._recorded import RECORDED

LOW_DTYPES = ['float16'] + (['bfloat16'] if ember._dtype.HAS_BFLOAT16 else [])
OPS = sorted(C.op_cases(ember))


def _check(out, expected, dtype_name):
    dtype, values = expected
    assert str(out.dtype) == 'ember.' + dtype
    tol = 3e-2 if dtype_name == 'bfloat16' else 4e-3
    np.testing.assert_allclose(out.detach().double().reshape(-1)[:6].tolist(), values, rtol=tol, atol=tol)


@pytest.mark.parametrize('dtype_name', LOW_DTYPES)
@pytest.mark.parametrize('name', OPS)
def test_op_dtype_and_value_under_autocast_match_pytorch(name, dtype_name):
    fn = C.op_cases(ember)[name]
    dtype = getattr(ember, dtype_name)
    with ember.autocast('cpu', dtype=dtype):
        from_f32, from_low = fn(ember.float32), fn(dtype)
    expected_f32, expected_low = RECORDED['ops'][(dtype_name, name)]
    _check(from_f32, expected_f32, dtype_name)
    _check(from_low, expected_low, dtype_name)


@pytest.mark.parametrize('dtype_name', LOW_DTYPES)
def test_float64_is_never_cast(dtype_name):
    with ember.autocast('cpu', dtype=getattr(ember, dtype_name)):
        for name, fn in C.float64_cases(ember).items():
            assert str(fn().dtype) == 'ember.' + RECORDED['float64'][(dtype_name, name)]


def test_outside_autocast_nothing_is_cast():
    a = ember.ones(2, 2)
    assert (a @ a).dtype == ember.float32
    with ember.autocast('cpu', dtype=ember.float16, enabled=False):
        assert (a @ a).dtype == ember.float32
    with ember.autocast('cpu', dtype=ember.float16):
        with ember.autocast('cpu', enabled=False):
            assert (a @ a).dtype == ember.float32
        assert (a @ a).dtype == ember.float16
    assert (a @ a).dtype == ember.float32


def test_state_functions_follow_the_regions():
    assert not ember.is_autocast_enabled('cpu') and not ember.is_autocast_enabled()
    with ember.autocast('cpu', dtype=ember.float16, cache_enabled=False):
        assert ember.is_autocast_enabled('cpu') and not ember.is_autocast_enabled('cuda')
        assert ember.get_autocast_dtype('cpu') is ember.float16 and not ember.is_autocast_cache_enabled()
        with pytest.warns(DeprecationWarning, match=r"is_autocast_cpu_enabled\(\) is deprecated"):
            assert ember.is_autocast_cpu_enabled()
    assert not ember.is_autocast_enabled('cpu') and ember.is_autocast_cache_enabled()
    assert ember.get_autocast_dtype('cuda') is ember.float16
    assert ember.autocast_increment_nesting() == 1 and ember.autocast_decrement_nesting() == 0


def test_autocast_as_decorator():
    @ember.autocast('cpu', dtype=ember.float16)
    def f(a):
        return a @ a
    assert f(ember.ones(2, 2)).dtype == ember.float16
    assert not ember.is_autocast_enabled('cpu')


def test_weight_casts_are_cached_within_the_region_and_gradients_reach_float32_weights():
    w = ember.ones(3, 3, requires_grad=True)
    x = ember.ones(2, 3)
    with ember.autocast('cpu', dtype=ember.float16):
        y1 = ember.nn.functional.linear(x, w)
        (cached,) = [entry[1] for entry in ember._autocast.state.cache.values()]
        y2 = ember.nn.functional.linear(x, w)
        assert len(ember._autocast.state.cache) == 1 and cached.dtype == ember.float16
    assert len(ember._autocast.state.cache) == 0          # cleared when the outermost region exits
    (y1.sum() + y2.sum()).backward()
    assert w.grad.dtype == ember.float32 and w.grad.tolist() == [[4.0] * 3] * 3


def test_linear_bias_gradient_of_bfloat16_sums_in_float32():
    # the bias gradient of autocast's bfloat16 linear is the batch sum of a bfloat16 gradient: accumulated in
    # float32 and rounded once (as the sum op and PyTorch do), never summed in bfloat16 step by step
    ember.manual_seed(0)
    g = ember.randn(16, 64).bfloat16() / 7
    b = ember.zeros(64, requires_grad=True)
    w = ember.randn(64, 64, requires_grad=True)
    with ember.autocast('cpu', dtype=ember.bfloat16):
        y = ember.nn.functional.linear(ember.randn(16, 64), w, b)
    y.backward(g)
    expected = (g.float().sum(0)).bfloat16().float()
    assert b.grad.tolist() == expected.tolist()
    assert b.grad.tolist() != g.numpy().sum(0).astype(np.float32).tolist()   # NumPy's bfloat16 sum differs here


def test_errors_and_warnings():
    with pytest.raises(ValueError, match=r"^Expected `device_type` of type `str`, got: `<class 'int'>`$"):
        ember.autocast(1)
    with pytest.raises(RuntimeError, match=r"^User specified an unsupported autocast device_type 'meta'$"):
        ember.autocast('meta')
    with pytest.warns(UserWarning, match=r"^In CPU autocast, but the target dtype is not supported. Disabling "
                                         r"autocast.\nCPU Autocast only supports dtypes of "):
        region = ember.autocast('cpu', dtype=ember.float32)
    assert not region._enabled
    with pytest.raises(TypeError, match=r"^autocast\(\)\(func\) requires a callable, but got int"):
        ember.autocast('cpu', dtype=ember.float16)(3)
    assert ember.amp.is_autocast_available('cpu') and not ember.amp.is_autocast_available('meta')


@pytest.mark.skipif(ember.cuda.is_available(), reason='checks the behaviour without a GPU')
def test_cuda_autocast_without_a_gpu_warns_and_stays_off():
    with pytest.warns(UserWarning, match="^CUDA is not available or torch_xla is imported. Disabling autocast.$"):
        region = ember.autocast('cuda')
    with region:
        assert not ember.is_autocast_enabled('cuda')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ember.cuda.amp.autocast()
    assert [type(w.message) for w in caught] == [FutureWarning, UserWarning]
    assert str(caught[0].message) == ("`ember.cuda.amp.autocast(args...)` is deprecated. Please use "
                                      "`ember.amp.autocast('cuda', args...)` instead.")


def test_cpu_amp_autocast_is_the_cpu_region():
    with pytest.warns(FutureWarning, match=r"ember.cpu.amp.autocast\(args...\)` is deprecated"):
        region = ember.cpu.amp.autocast(dtype=ember.float16)
    with region:
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float16


@pytest.mark.skipif(ember._dtype.HAS_BFLOAT16, reason='only without ml_dtypes')
def test_cpu_default_dtype_needs_bfloat16():
    with pytest.raises(RuntimeError, match="ml_dtypes"):
        ember.autocast('cpu')


class _MyMM(ember.autograd.Function):
    @staticmethod
    @ember.amp.custom_fwd(device_type='cpu', cast_inputs=ember.float32)
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.inner = ember.is_autocast_enabled('cpu')
        return a.mm(b)

    @staticmethod
    @ember.amp.custom_bwd(device_type='cpu')
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ctx.backward_autocast = ember.is_autocast_enabled('cpu')
        return grad.mm(b.t()), a.t().mm(grad)


class _Plain(ember.autograd.Function):
    @staticmethod
    @ember.amp.custom_fwd(device_type='cpu')
    def forward(ctx, a):
        return a.mm(a)

    @staticmethod
    @ember.amp.custom_bwd(device_type='cpu')
    def backward(ctx, grad):
        ctx.backward_autocast = ember.is_autocast_enabled('cpu')
        return grad


def test_custom_fwd_casts_inputs_and_runs_without_autocast():
    a = ember.ones(2, 2, dtype=ember.float16, requires_grad=True)
    b = ember.ones(2, 2, requires_grad=True)
    with ember.autocast('cpu', dtype=ember.float16):
        out = _MyMM.apply(a, b)
    assert out.dtype == ember.float32 and out.grad_fn.inner is False
    out.sum().backward()
    assert out.grad_fn.backward_autocast is False
    assert a.grad.dtype == ember.float16 and b.grad.dtype == ember.float32


def test_custom_bwd_restores_the_forward_autocast_state():
    a = ember.ones(2, 2, requires_grad=True)
    with ember.autocast('cpu', dtype=ember.float16):
        out = _Plain.apply(a)
    assert out.dtype == ember.float16
    out.float().sum().backward()
    assert out.grad_fn.backward_autocast is True
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        ember.amp.custom_fwd(device_type=None)
