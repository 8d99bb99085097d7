"""float16 and bfloat16 arithmetic gives PyTorch's CPU results bit for bit: multi-step ops computed in
float32 and rounded once, Python numbers applied in float32 by mul/div (add/sub round them to the
tensor's dtype, as PyTorch does), alpha rounded to the dtype. Expected values were recorded from
PyTorch by tests/fixtures/half_math/record.py."""
import pathlib

import numpy as np
import pytest

import ember
from tests.fixtures.half_math.cases import cases, inputs

EXPECTED = np.load(pathlib.Path(__file__).parent / 'fixtures' / 'half_math' / 'expected.npz')

# within two units in the last place of PyTorch's result, not equal: PyTorch's fused CPU attention
# rounds its probabilities to the half type inside its blocked kernel; its float16 Huber and smooth-L1
# kernels use the CPU's native float16 vector instructions where it has them; its interpolation computes
# source positions in its own float32 order, which moves a weight by one float32 unit now and then (and its
# area mode and adaptive average pooling sum before dividing); its bfloat16 embedding bags sum in another order,
# and its bfloat16 batch norm accumulates the variance (and the running statistics) in an order that depends
# on the shape
CLOSE = {('float16', 'smooth_l1'), ('float16', 'huber'), ('float16', 'sdpa'), ('bfloat16', 'sdpa')} | \
    {(dt, case) for dt in ('float16', 'bfloat16')
     for case in ('interp_bilinear_ac', 'interp_bicubic', 'interp_area', 'adaptive_avg_pool2d')} | \
    {('bfloat16', 'embedding_bag_mean'), ('bfloat16', 'embedding_bag_sum')}
NEAR = {('bfloat16', 'batch_norm_running_stats')}     # a handful of values, each within two units


def _expected(dtype, case):
    raw = EXPECTED[f'{dtype}/{case}']
    if dtype == 'float16':
        return raw.astype(np.float32)
    return (raw.astype(np.uint32) << 16).view(np.float32)


def _within_two_ulps(got, want, dtype):
    """|got - want| at most two units in the last place of the half type, at the scale of ``want``
    (at least 1/4: attention outputs near zero come from cancelling terms of order one)."""
    eps = float(np.finfo(np.float16).eps) if dtype == 'float16' else 2.0 ** -7
    return bool((np.abs(got - want) <= 2 * eps * np.maximum(np.abs(want), 0.25)).all())


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
@pytest.mark.parametrize('case', sorted(cases(ember)))
def test_half_precision_results_equal_pytorchs(dtype, case):
    a = {k: ember.from_numpy(v).to(getattr(ember, dtype)) for k, v in inputs().items()}
    result = cases(ember)[case](a)
    assert result.dtype == getattr(ember, dtype)
    got = result.float().numpy()
    want = _expected(dtype, case)
    differ = (got != want) & ~(np.isnan(got) & np.isnan(want))
    if (dtype, case) in NEAR:
        assert _within_two_ulps(got, want, dtype)
    elif (dtype, case) in CLOSE:
        assert differ.mean() < 0.15 and _within_two_ulps(got, want, dtype)
    else:
        assert not differ.any(), f'{int(differ.sum())} of {got.size} elements differ from PyTorch'


def test_floor_division_of_floats_is_pythons():
    # 1.0 // 0.1 is 9.0 in Python and PyTorch: the exact quotient is just below 10
    x = ember.tensor([1.0, -1.0, 7.0, 5.0, 1e-8])
    assert (x // 0.1).tolist() == [9.0, -10.0, 69.0, 49.0, 0.0]
    assert (x // -0.1).tolist() == [-10.0, 9.0, -70.0, -50.0, -1.0]
    assert ember.div(x.double(), 0.1, rounding_mode='floor').tolist() == [9.0, -10.0, 69.0, 49.0, 0.0]
    z = x // 0
    assert z[:4].tolist() == [float('inf'), float('-inf'), float('inf'), float('inf')]


def test_half_results_keep_their_gradients():
    x = ember.tensor([0.5, -1.0, 2.0], dtype=ember.bfloat16, requires_grad=True)
    y = ember.nn.functional.silu(x) * 0.1
    y.sum().backward()
    assert y.dtype == x.grad.dtype == ember.bfloat16
    ref = ember.tensor([0.5, -1.0, 2.0], requires_grad=True)
    (ember.nn.functional.silu(ref) * 0.1).sum().backward()
    assert np.allclose(x.grad.float().numpy(), ref.grad.numpy(), rtol=1e-2)


@pytest.mark.parametrize('dtype, name', [('float16', 'Half'), ('bfloat16', 'BFloat16')])
def test_kernels_pytorch_lacks_in_half_precision_refuse_as_pytorch(dtype, name):
    x = ember.ones(2, 3, dtype=getattr(ember, dtype))
    with pytest.raises(NotImplementedError, match=f'"cdist" not implemented for \'{name}\''):
        ember.cdist(x, x)
    with pytest.raises(NotImplementedError, match=f'"pdist" not implemented for \'{name}\''):
        ember.nn.functional.pdist(x)
    with pytest.raises(NotImplementedError, match=f'"multi_margin_loss_cpu_kernel" not implemented for \'{name}\''):
        ember.nn.functional.multi_margin_loss(x, ember.tensor([0, 1]))
