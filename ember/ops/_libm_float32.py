"""The C library's float32 ``erff``, ``expf`` and ``tanhf`` of many elements, as PyTorch's scalar loops
call them (the elements its vectorised loops leave: run tails, and every element of an operand pair
whose layouts share no dense run).

Each element is one call through ctypes (about a microsecond), so a call with more than
``PER_ELEMENT_LIMIT`` elements would stall a training step (a transposed input's GELU backward went
through half a million of them): past that many, ``expf`` is NumPy's float64 exp rounded to float32,
with the C library asked only about the elements whose float64 value lies near a float32 rounding
midpoint (glibc's expf rounds within 0.502 units of the last place, so elsewhere both agree), and
``erff``/``tanhf`` are float64 values rounded, which glibc's older float versions (not correctly
rounded) miss by a unit or two on a few per cent of elements. Without a C library to call, the float64
values rounded serve throughout.
"""
import math

import numpy as np

PER_ELEMENT_LIMIT = 32768     # (about 40 ms of calls at most)
_f = np.float32
_FUNCTIONS = {}      # name -> the C library's function (None without one), looked up on first use
_MIDPOINT_WINDOW = 2.0 ** -6     # in float32 units of the last place: where the C library decides


def _libm(name):
    if name not in _FUNCTIONS:
        import ctypes           # (here: finding the library imports tempfile and more, kept off ``import ember``)
        import ctypes.util
        try:
            fn = getattr(ctypes.CDLL(ctypes.util.find_library('m')), name)
            fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        except (OSError, AttributeError, TypeError):
            fn = None
        _FUNCTIONS[name] = fn
    return _FUNCTIONS[name]


def _per_element(fn, x):
    return np.array([fn(v) for v in x.tolist()], _f)


def _near_midpoints(wide, rounded):
    """Where float64 ``wide`` lies within the window of a midpoint between float32 neighbours."""
    with np.errstate(all='ignore'):
        ulp = np.spacing(np.abs(rounded)).astype(np.float64)
        residual = np.abs(wide - rounded.astype(np.float64)) / ulp
        return np.abs(residual - 0.5) < _MIDPOINT_WINDOW


def _rounded(fn64, name, x, guarded):
    wide = fn64(x.astype(np.float64))
    with np.errstate(over='ignore'):
        out = wide.astype(_f)
    c = _libm(name)
    if guarded and c is not None:
        near = _near_midpoints(wide, out)
        if near.any():
            out[near] = _per_element(c, x[near])
    return out


def _erf64(x):
    from ember.ops import _erf
    return _erf.erf(x)


def erff(x):
    """The C library's ``erff`` of each element of float32 array ``x`` (see the module's note)."""
    c = _libm('erff')
    if c is not None and x.size <= PER_ELEMENT_LIMIT:
        return _per_element(c, x)
    if c is None and x.size <= PER_ELEMENT_LIMIT:
        return np.array([math.erf(v) for v in x.tolist()], _f)
    return _rounded(_erf64, 'erff', x, False)


def expf(x):
    """The C library's ``expf`` of each element of float32 array ``x`` (see the module's note)."""
    c = _libm('expf')
    if c is not None and x.size <= PER_ELEMENT_LIMIT:
        return _per_element(c, x)
    return _rounded(np.exp, 'expf', x, True)


def tanhf(x):
    """The C library's ``tanhf`` of each element of float32 array ``x`` (see the module's note)."""
    c = _libm('tanhf')
    if c is not None and x.size <= PER_ELEMENT_LIMIT:
        return _per_element(c, x)
    return _rounded(np.tanh, 'tanhf', x, False)
