"""The float32 normal kernel's log and sin/cos written step by step, as PyTorch's AVX2 code
reads: every fused multiply-add through the general ``fma32`` (one rounding, midpoints repaired).
Slow but plain; ``ember._random.avx_math`` computes the same values faster and is checked against
this (on samples in the tests, on all 2**24 inputs by ``scripts/check_avx_math.py``).
Inputs are float32 arrays in the ranges the kernel feeds them (``log`` on (0, 1], ``sincos`` on
[0, 2π)).
"""
from functools import partial

import numpy as np

from ember._random.exact import fma32 as _fma32

# every fused step below stays far from float32's subnormal range
fma32 = partial(_fma32, normal_range=True)

_f = np.float32
_SQRTHF = _f(0.707106781186547524)
_LOG_P = [_f(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                          1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                          3.3333331174E-1)]
_LOG_Q1 = _f(-2.12194440e-4)
_LOG_Q2 = _f(0.693359375)
_MIN_NORM = _f(1.17549435e-38)

_DP = [_f(-0.78515625), _f(-2.4187564849853515625e-4), _f(-3.77489497744594108e-8)]
_SIN_P = [_f(-1.9515295891E-4), _f(8.3321608736E-3), _f(-1.6666654611E-1)]
_COS_P = [_f(2.443315711809948E-005), _f(-1.388731625493765E-003), _f(4.166664568298827E-002)]
_FOPI = _f(1.27323954473516)


def log_ps(x):
    """Natural log of positive float32 values."""
    x = np.maximum(x, _MIN_NORM)
    bits = x.view(np.int32)
    e = ((bits >> 23) - 127).astype(np.float32) + _f(1)
    x = ((bits & np.int32(~0x7f800000)) | np.int32(0x3f000000)).view(np.float32)   # mantissa in [0.5, 1)
    small = x < _SQRTHF
    x = (x - _f(1)) + np.where(small, x, _f(0))
    e = e - small.astype(np.float32)
    z = x * x
    y = np.full(x.shape, _LOG_P[0], np.float32)
    for p in _LOG_P[1:]:
        y = fma32(y, x, p)
    y = y * x
    y = fma32(y, z, e * _LOG_Q1)
    y = y - z * _f(0.5)
    return fma32(e, _LOG_Q2, x + y)


def sincos_ps(x):
    """(sin, cos) of non-negative float32 values below 8192."""
    j = (x * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    for dp in _DP:
        x = fma32(y, dp, x)
    sin_neg = (j & 4) != 0
    cos_neg = (~(j - 2) & 4) != 0
    use_sin_poly = (j & 2) == 0
    z = x * x
    c = fma32(fma32(_COS_P[0], z, _COS_P[1]), z, _COS_P[2])
    c = fma32(c * z, z, -(z * _f(0.5))) + _f(1)
    s = fma32(fma32(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2])
    s = fma32(s * z, x, x)
    sin = np.where(use_sin_poly, s, c)
    cos = np.where(use_sin_poly, c, s)
    return np.where(sin_neg, -sin, sin), np.where(cos_neg, -cos, cos)
