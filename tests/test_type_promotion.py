"""Result dtypes and dtype errors of ops, recorded from PyTorch 2.x (the full pairwise promotion table
lives in test_properties.py)."""
import pytest

import ember as torch  # the cases below ran unchanged under PyTorch to record EXPECTED

T = torch.tensor


def _result(fn):
    try:
        v = fn()
        return str(v.dtype).replace('ember.', '') if hasattr(v, 'dtype') else repr(v)
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


def _operands():
    i = torch.tensor([1, 2])
    f = torch.tensor([1., 2.])
    b = torch.tensor([True, False])
    u = torch.tensor([1, 2], dtype=torch.uint8)
    h = torch.tensor([1., 2.], dtype=torch.float16)
    d = torch.tensor([1., 2.], dtype=torch.float64)
    return i, f, b, u, h, d


i, f, b, u, h, d = _operands()
CASES = {
 'i += 2.5': lambda: i.clone().add_(2.5),
 'i += f': lambda: i.clone().add_(f),
 'i *= 2': lambda: i.clone().mul_(2),
 'b += 1': lambda: b.clone().add_(1),
 'u += -1': lambda: u.clone().add_(-1),
 'f += d': lambda: f.clone().add_(d),
 'f += 1j': lambda: f.clone().add_(1j),
 'i /= 2': lambda: i.clone().div_(2),
 'i //= 2': lambda: i.clone().floor_divide_(2),
 'b |= i': lambda: b.clone().bitwise_or_(i),
 'i |= b': lambda: i.clone().bitwise_or_(b),
 'h += d': lambda: h.clone().add_(d),
 'i / i': lambda: i / i,
 'i // i': lambda: i // i,
 'i % 2.5': lambda: i % 2.5,
 'i ** 2': lambda: i ** 2,
 'i ** 2.0': lambda: i ** 2.0,
 'i ** -1': lambda: i ** -1,
 '2 ** i': lambda: 2 ** i,
 '2.0 ** i': lambda: 2.0 ** i,
 'b * b': lambda: b * b,
 'b + b': lambda: b + b,
 'b - b': lambda: b - b,
 '-b': lambda: -b,
 'i == f': lambda: i == f,
 'f < 1': lambda: f < 1,
 'sum(i)': lambda: i.sum(),
 'sum(b)': lambda: b.sum(),
 'sum(u)': lambda: u.sum(),
 'prod(u)': lambda: u.prod(),
 'cumsum(u)': lambda: u.cumsum(0),
 'mean(i)': lambda: i.mean(),
 'sqrt(i)': lambda: i.sqrt(),
 'exp(b)': lambda: b.exp(),
 'abs(i)': lambda: i.abs(),
 'neg(u)': lambda: -u,
 'max(i)': lambda: i.max(),
 'where(b, i, 2.5)': lambda: torch.where(b, i, 2.5),
 'where(b, 1, 2)': lambda: torch.where(b, 1, 2),
 'where(b, 1.0, 2)': lambda: torch.where(b, 1.0, 2),
 'clamp(i, 0.5)': lambda: torch.clamp(i, 0.5),
 'clamp(i, 0)': lambda: torch.clamp(i, 0),
 'maximum(i, f)': lambda: torch.maximum(i, f),
 'atan2(i, i)': lambda: torch.atan2(i, i),
 'lerp(f, d, 0.5)': lambda: torch.lerp(f, d, 0.5),
 'cat([i, f])': lambda: torch.cat([i, f]),
 'stack([u, b])': lambda: torch.stack([u, b]),
 'matmul(i, f)': lambda: torch.matmul(i, f),
 'mm(f2, d2)': lambda: torch.mm(f.reshape(1, 2), d.reshape(2, 1)),
 'dot(f, d)': lambda: torch.dot(f, d),
 'i.float() + 5': lambda: i.float() + 5,
 'tensor(2.5) * i': lambda: torch.tensor(2.5) * i,
 'tensor(2) * f16': lambda: torch.tensor(2, dtype=torch.int64) * h,
 'tensor(2.5, f64) * f16': lambda: torch.tensor(2.5, dtype=torch.float64) * h,
 'softmax(i)': lambda: torch.softmax(i, 0),
 'log_softmax(i)': lambda: torch.log_softmax(i, 0),
 'addcmul(i, f, f)': lambda: torch.addcmul(i, f, f),
 'xlogy(i, 2)': lambda: torch.xlogy(i, 2),
 'hypot(f, d)': lambda: torch.hypot(f, d),
 'remainder(i, 2)': lambda: torch.remainder(i, 2),
 'fmod(i, 2.5)': lambda: torch.fmod(i, 2.5),
 'float_power(i, 2)': lambda: torch.float_power(i, 2),
 'square(i)': lambda: torch.square(i),
 'square(b)': lambda: torch.square(b),
 'norm(f)': lambda: torch.norm(f),
 'var(f)': lambda: torch.var(f),
 'logsumexp(i)': lambda: torch.logsumexp(i, 0),
 'sign(b)': lambda: torch.sign(b),
 'round(i)': lambda: torch.round(i),
 'floor(i)': lambda: torch.floor(i),
}

EXPECTED = {'i += 2.5': "RuntimeError: result type Float can't be cast to the desired output type Long",
 'i += f': "RuntimeError: result type Float can't be cast to the desired output type Long",
 'i *= 2': 'int64',
 'b += 1': "RuntimeError: result type Long can't be cast to the desired output type Bool",
 'u += -1': 'uint8',
 'f += d': 'float32',
 'f += 1j': "RuntimeError: result type ComplexFloat can't be cast to the desired output type Float",
 'i /= 2': "RuntimeError: result type Float can't be cast to the desired output type Long",
 'i //= 2': 'int64',
 'b |= i': "RuntimeError: result type Long can't be cast to the desired output type Bool",
 'i |= b': 'int64',
 'h += d': 'float16',
 'i / i': 'float32',
 'i // i': 'int64',
 'i % 2.5': 'float32',
 'i ** 2': 'int64',
 'i ** 2.0': 'float32',
 'i ** -1': 'RuntimeError: Integers to negative integer powers are not allowed.',
 '2 ** i': 'int64',
 '2.0 ** i': 'float32',
 'b * b': 'bool',
 'b + b': 'bool',
 'b - b': 'RuntimeError: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or '
          '`logical_xor()` operator instead.',
 '-b': 'RuntimeError: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a '
       'mask, use the `~` or `logical_not()` operator instead.',
 'i == f': 'bool',
 'f < 1': 'bool',
 'sum(i)': 'int64',
 'sum(b)': 'int64',
 'sum(u)': 'int64',
 'prod(u)': 'int64',
 'cumsum(u)': 'int64',
 'mean(i)': 'RuntimeError: mean(): could not infer output dtype. Input dtype must be either a floating point or '
            'complex dtype. Got: Long',
 'sqrt(i)': 'float32',
 'exp(b)': 'float32',
 'abs(i)': 'int64',
 'neg(u)': 'uint8',
 'max(i)': 'int64',
 'where(b, i, 2.5)': 'float32',
 'where(b, 1, 2)': 'int64',
 'where(b, 1.0, 2)': 'float32',
 'clamp(i, 0.5)': 'float32',
 'clamp(i, 0)': 'int64',
 'maximum(i, f)': 'float32',
 'atan2(i, i)': 'float32',
 'lerp(f, d, 0.5)': 'RuntimeError: expected dtype float for `end` but got dtype double',
 'cat([i, f])': 'float32',
 'stack([u, b])': 'uint8',
 'matmul(i, f)': 'RuntimeError: dot : expected both vectors to have same dtype, but found Long and Float',
 'mm(f2, d2)': 'RuntimeError: expected m1 and m2 to have the same dtype, but got: float != double',
 'dot(f, d)': 'RuntimeError: dot : expected both vectors to have same dtype, but found Float and Double',
 'i.float() + 5': 'float32',
 'tensor(2.5) * i': 'float32',
 'tensor(2) * f16': 'float16',
 'tensor(2.5, f64) * f16': 'float16',
 'softmax(i)': 'NotImplementedError: "softmax_lastdim_kernel_impl" not implemented for \'Long\'',
 'log_softmax(i)': 'NotImplementedError: "log_softmax_lastdim_kernel_impl" not implemented for \'Long\'',
 'addcmul(i, f, f)': 'float32',
 'xlogy(i, 2)': 'float32',
 'hypot(f, d)': 'float64',
 'remainder(i, 2)': 'int64',
 'fmod(i, 2.5)': 'float32',
 'float_power(i, 2)': 'float64',
 'square(i)': 'int64',
 'square(b)': 'int64',
 'norm(f)': 'float32',
 'var(f)': 'float32',
 'logsumexp(i)': 'float32',
 'sign(b)': 'bool',
 'round(i)': 'int64',
 'floor(i)': 'int64'}

DEFAULT_FLOAT64_CASES = {'i * 2.5': lambda: i * 2.5, 'tensor(2.5)': lambda: torch.tensor(2.5), 'i / i': lambda: i / i,
        'arange(3.)': lambda: torch.arange(3.), 'f + 1.5': lambda: f + 1.5, 'mean(i.float)': lambda: i.float().mean(),
        'zeros': lambda: torch.zeros(2), 'linspace': lambda: torch.linspace(0, 1, 3), 'sqrt(i)': lambda: i.sqrt(),
        'f + 1j': lambda: f + 1j, 'tensor(1j)': lambda: torch.tensor(1j), 'rand': lambda: torch.rand(2)}

EXPECTED_WITH_DEFAULT_FLOAT64 = {'i * 2.5': 'float64',
 'tensor(2.5)': 'float64',
 'i / i': 'float64',
 'arange(3.)': 'float64',
 'f + 1.5': 'float32',
 'mean(i.float)': 'float32',
 'zeros': 'float64',
 'linspace': 'float64',
 'sqrt(i)': 'float64',
 'f + 1j': 'complex64',
 'tensor(1j)': 'complex128',
 'rand': 'float64'}


@pytest.mark.parametrize('name', list(CASES))
def test_result_dtype_or_error_matches_pytorch(name):
    global i, f, b, u, h, d
    i, f, b, u, h, d = _operands()  # in-place cases must not leak into others
    assert _result(CASES[name]) == EXPECTED[name]


@pytest.mark.parametrize('name', list(DEFAULT_FLOAT64_CASES))
def test_default_dtype_float64(name):
    global i, f, b, u, h, d
    i, f, b, u, h, d = _operands()
    torch.set_default_dtype(torch.float64)
    try:
        assert _result(DEFAULT_FLOAT64_CASES[name]) == EXPECTED_WITH_DEFAULT_FLOAT64[name]
    finally:
        torch.set_default_dtype(torch.float32)


def test_failed_in_place_op_leaves_the_tensor_unchanged():
    x = torch.tensor([1, 2])
    v = x._version_counter.value
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x += 2.5
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        x.div_(2)
    assert x.tolist() == [1, 2] and x._version_counter.value == v


def test_python_ints_wrap_into_small_integer_dtypes():
    u8 = torch.tensor([1, 2], dtype=torch.uint8)
    assert (u8 + -1).tolist() == [0, 1]
    assert (u8 * 300).tolist() == [44, 88]
    assert (u8 == 257).tolist() == [True, False]
    assert (torch.tensor([1], dtype=torch.int8) + 200).tolist() == [-55]
    u8 += -1
    assert u8.tolist() == [0, 1] and u8.dtype is torch.uint8


def test_integer_division_modes():
    a = torch.tensor([7, -7, 6])
    assert (a / 2).tolist() == [3.5, -3.5, 3.0] and (a / 2).dtype is torch.float32
    assert (a // 2).tolist() == [3, -4, 3] and (a // 2).dtype is torch.int64
    assert torch.div(a, 2, rounding_mode='trunc').tolist() == [3, -3, 3]
    assert torch.div(a, 2, rounding_mode='floor').dtype is torch.int64
    assert torch.div(a.float(), 2, rounding_mode='trunc').tolist() == [3.0, -3.0, 3.0]
    with pytest.raises(RuntimeError, match="div expected rounding_mode to be one of None, 'trunc', or 'floor'"):
        torch.div(a, 2, rounding_mode='round')


def test_promote_types_and_result_type():
    assert torch.promote_types(torch.uint8, torch.int8) is torch.int16
    assert torch.promote_types(torch.int32, torch.float16) is torch.float16
    assert torch.promote_types(torch.bool, torch.bool) is torch.bool
    assert torch.promote_types(torch.float64, torch.complex64) is torch.complex128


def test_integer_powers_with_negative_exponent_tensors_follow_pytorch():
    # PyTorch computes these in integers (NumPy refuses): 1 ** e = 1, (-1) ** e = +-1, every other base 0
    base = torch.tensor([0, 1, -1, 2, -2, 3, -1, 0])
    exponent = torch.tensor([-1, -1, -1, -2, -1, -3, -2, 0])
    assert (base ** exponent).tolist() == [0, 1, -1, 0, 0, 0, 1, 1]
    assert (2 ** exponent).tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    assert ((-1) ** exponent).tolist() == [-1, -1, -1, 1, -1, -1, 1, 1]
    assert (base.to(torch.int8) ** exponent.to(torch.int8)).dtype == torch.int8
    assert (2.0 ** exponent).tolist() == [0.5, 0.5, 0.5, 0.25, 0.5, 0.125, 0.25, 1.0]


def test_numpy_scalars_count_as_python_numbers():
    # x / np.sqrt(d) is common in attention code: in PyTorch a NumPy scalar does not promote a float32
    # tensor to float64 (NumPy's own rules would), nor an integer tensor past the default float dtype
    import numpy as np
    x = torch.tensor([2.0])
    for value in (np.float64(3), np.float32(3), np.int64(3), np.float16(3)):
        assert (x * value).dtype == torch.float32 and (value * x).dtype == torch.float32
        assert (x / value).dtype == torch.float32 and (value / x).dtype == torch.float32
    assert (torch.tensor([2]) * np.float64(1.5)).tolist() == [3.0]
    assert (torch.tensor([2]) * np.float64(1.5)).dtype == torch.float32
    assert (torch.tensor([2]) + np.int64(3)).dtype == torch.int64
    y = torch.tensor([1.0], requires_grad=True)
    (y * np.float64(4)).sum().backward()
    assert y.grad.dtype == torch.float32 and y.grad.tolist() == [4.0]
