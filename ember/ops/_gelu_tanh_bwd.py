"""GELU's tanh-form gradient with the bits of ATen's CPU kernel (float32, and float16/bfloat16 widened).

PyTorch computes ``approximate='tanh'``'s backward in ATen's own kernel for every layout (oneDNN takes only
the exact form). With ``u = beta * (x + kappa * x**3)``, ``t = tanh(u)``:

    grad * (0.5 * (1 + t) + ((0.5 * x) * (1 - t * t)) * (beta * (1 + 3 * kappa * x**2)))

where the compiler fuses ``x + kappa * x**3``, ``1 - t * t`` and ``1 + (3 * kappa) * x**2`` into single
roundings (in the vector and the scalar loops alike) and leaves the last sum unfused. The vector loop's
``tanh`` is SLEEF's (``_sleef_tanhf``), the scalar loop's the C library's ``tanhf``; which elements take
which loop is decided as for the exact form (``_gelu_bwd_aten.vector_mask``).
"""
import math

import numpy as np

from ember.ops import _chunk_threads, _gelu_bwd_aten, _libm_float32, _sleef_tanhf

_f = np.float32
_BETA = _f(math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5)
_KAPPA = _f(0.044715)
_THREE_KAPPA = _f(3) * _KAPPA
_ONE, _HALF = _f(1), _f(0.5)
_QUIET_BIT = np.uint32(0x00400000)
_CHUNK = 1 << 14

def _gradient(g, x, tanh, out=None):
    x_sq = x * x
    inner = _BETA * _sleef_tanhf.fused(x_sq * x, _KAPPA, x)
    t = tanh(inner)
    left_derivative = _HALF * (_ONE + t)
    tanh_derivative = _sleef_tanhf.fused(-t, t, _ONE)
    inner_derivative = _BETA * _sleef_tanhf.fused(x_sq, _THREE_KAPPA, _ONE)
    return np.multiply(g, left_derivative + ((_HALF * x) * tanh_derivative) * inner_derivative, out=out)


def _vector_nans(g, x, out):
    """The NaNs of the vector loop: the gradient's own (quieted) where it is NaN, else all bits set where
    x is NaN (SLEEF's tanh gives that, and the sums pass it on as their first operand)."""
    nan_x = np.isnan(x)
    if nan_x.any():
        out.view(np.uint32)[nan_x] = 0xFFFFFFFF
    nan_g = np.isnan(g)
    if nan_g.any():
        out.view(np.uint32)[nan_g] = g.view(np.uint32)[nan_g] | _QUIET_BIT
    return out


def gelu_backward(g, x, threads, half=False):
    """``g * GELU'(x)`` (tanh form) for float32 arrays of one shape, a C-contiguous array (``threads``,
    ``half``: see ``_gelu_bwd_aten.gelu_backward``)."""
    vec = _gelu_bwd_aten.vector_mask(g, x, threads, _gelu_bwd_aten.HALF_BLOCK if half else _gelu_bwd_aten.BLOCK)
    xf = np.ascontiguousarray(x).reshape(-1)
    gf = np.ascontiguousarray(g).reshape(-1)
    out = np.empty_like(xf)
    if not xf.size:
        return out.reshape(x.shape)
    with np.errstate(all='ignore'):
        if vec.all():
            def chunk(s, e):      # (a piece at a time, in cache; on ember's threads where allowed)
                _vector_nans(gf[s:e], xf[s:e], _gradient(gf[s:e], xf[s:e], _sleef_tanhf.tanhf, out[s:e]))
            _chunk_threads.for_element_chunks(xf.size, _CHUNK, chunk)
        else:
            if vec.any():
                xv, gv = xf[vec], gf[vec]
                out[vec] = _vector_nans(gv, xv, _gradient(gv, xv, _sleef_tanhf.tanhf))
            scalar = ~vec
            out[scalar] = _gradient(gf[scalar], xf[scalar], _libm_float32.tanhf)
    return out.reshape(x.shape)
