"""NaN, infinities and values past int64 through quantization and fake quantization: each of PyTorch's CPU
kernels turns them into its own integers (values recorded from PyTorch 2.13)."""
import warnings

import pytest

import ember

NAN, INF = float('nan'), float('inf')
INT_MIN, INT_MAX = -2 ** 31, 2 ** 31 - 1


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')     # the deprecation of quantized tensor creation
        yield


@pytest.mark.parametrize('dtype,expected', [
    (ember.quint8, [255, 255, 0, 13, 0, 255]),                # FBGEMM's 8-bit kernel: NaN becomes the maximum
    (ember.qint8, [127, 127, -128, 13, -7, 127]),
    (ember.qint32, [INT_MIN, INT_MAX, INT_MIN, 13, -7, 3003]),  # converted to an integer first: NaN is the minimum
])
def test_quantize_per_tensor(dtype, expected):
    x = ember.tensor([NAN, INF, -INF, 1.0, -1.0, 300.0])
    for n in (1, 6, 17):        # vectorised and scalar tails alike
        assert ember.quantize_per_tensor(x.repeat(n), 0.1, 3, dtype).int_repr().tolist() == expected * n


@pytest.mark.parametrize('dtype,expected', [
    (ember.quint8, [[0, 255, 0], [9, 0, 255]]),         # clamped as floats, converted to int32, cut to 8 bits
    (ember.qint8, [[0, 127, -128], [9, -1, 127]]),
    (ember.qint32, [[INT_MIN, INT_MAX, INT_MIN], [9, -1, 1504]]),
])
def test_quantize_per_channel(dtype, expected):
    x = ember.tensor([[NAN, INF, -INF], [1.0, -1.0, 300.0]])
    q = ember.quantize_per_channel(x, ember.tensor([0.1, 0.2]), ember.tensor([3, 4]), 0, dtype)
    assert q.int_repr().tolist() == expected
    q[0, 1] = NAN       # a written value is quantized with its channel's parameters by the per-tensor kernel
    assert q.int_repr().tolist()[0][1] == (expected[1][2] if dtype is not ember.qint32 else INT_MIN)


def test_sub_byte_values_past_int64_and_per_channel_refusal():
    x = ember.tensor([1e20, -1e20, 1e18, 3e38])
    assert ember.quantize_per_tensor(x, 0.1, 3, ember.quint4x2).int_repr().tolist() == [0, 0]
    assert ember.quantize_per_tensor(x, 0.1, 3, ember.quint8).int_repr().tolist() == [255, 0, 255, 255]
    with pytest.raises(NotImplementedError) as info:
        ember.quantize_per_channel(ember.ones(2, 4), ember.tensor([0.1, 0.2]), ember.tensor([3, 4]), 0, ember.quint4x2)
    assert str(info.value) == '"quantize_tensor_per_channel_affine" not implemented for \'QUInt4x2\''


def test_dynamic_quantization_of_nan_refused():
    with pytest.raises(RuntimeError) as info:
        ember.quantize_per_tensor_dynamic(ember.tensor([NAN, 1.0]), ember.quint8, False)
    assert str(info.value) == 'In ChooseQuantizationParams, min should be less than or equal to max'


def test_fake_quantize_per_tensor():
    x = ember.tensor([NAN, INF, -INF, 1.0, -1.0, 300.0, 1e20, -1e20], requires_grad=True)
    y = ember.fake_quantize_per_tensor_affine(x, 0.1, 3, 0, 255)
    # (float32 values, as printed by float(): the kernel clamps in floating point, NaN to quant_min)
    assert y.tolist() == pytest.approx([-0.3, 25.2, -0.3, 1.0, -0.3, 25.2, 25.2, -0.3])
    y.sum().backward()
    assert x.grad.tolist() == [0., 0., 0., 1., 0., 0., 0., 0.]
    t = ember.fake_quantize_per_tensor_affine(x.detach(), ember.tensor(0.1), ember.tensor(3, dtype=ember.int32),
                                              -128, 127)
    assert t.tolist()[:5] == pytest.approx([-13.1, 12.4, -13.1, 1.0, -1.0])


@pytest.mark.parametrize('zero_point', [ember.tensor([3], dtype=ember.int32), ember.tensor([3.0])])
def test_fake_quantize_per_channel_takes_quant_min_for_anything_without_an_int64(zero_point):
    x = ember.tensor([[NAN, INF, -INF, 1e20, -1e20, 1e18, 1.0, 300.0]], requires_grad=True)
    y = ember.fake_quantize_per_channel_affine(x, ember.tensor([0.1]), zero_point, 0, 0, 255)
    assert y.tolist()[0] == pytest.approx([-0.3] * 6 + [1.0, 25.2])
    y.sum().backward()
    assert x.grad.tolist() == [[0.] * 6 + [1., 0.]]


def test_fill_quantizes_with_the_tensors_own_kernel():
    q = ember.quantize_per_tensor(ember.ones(4), 0.1, 3, ember.quint8)
    assert q.fill_(0.55).int_repr().tolist() == [8] * 4
    assert q.fill_(ember.tensor(0.25)).int_repr().tolist() == [6] * 4
    assert q.fill_(NAN).int_repr().tolist() == [255] * 4          # the per-tensor kernel's NaN
    c = ember.quantize_per_channel(ember.ones(2, 4), ember.tensor([0.1, 0.2]), ember.tensor([3, 4]), 0, ember.quint8)
    assert c.fill_(0.55).int_repr().tolist() == [[8] * 4, [7] * 4]
    assert c.fill_(1e9).int_repr().tolist() == [[255] * 4] * 2
    assert c.fill_(NAN).int_repr().tolist() == [[0] * 4] * 2       # the per-channel kernel's NaN
    wide = ember.quantize_per_tensor(ember.ones(4), 0.1, 3, ember.qint32)
    assert wide.fill_(NAN).int_repr().tolist() == [INT_MIN] * 4
    for call, exc, message in [
            (lambda: q.fill_(ember.ones(2)), RuntimeError,
             'fill_ only supports 0-dimension value tensor but got tensor with 1 dimensions.'),
            (lambda: q.fill_(1j), RuntimeError, 'Quantized copy only works with kFloat as source Tensor'),
            (lambda: ember.quantize_per_tensor(ember.ones(4), 0.1, 3, ember.quint4x2).fill_(0.25), NotImplementedError,
             '"Copy" not implemented for \'QUInt4x2\'')]:
        with pytest.raises(exc) as info:
            call()
        assert str(info.value) == message
