"""``y += a * x`` on float32 NumPy arrays in one pass, through the saxpy of the BLAS that NumPy ships.

NumPy has no multiply-add ufunc: ``y -= lr * g`` is two passes (the product into a temporary, then the
sum), which for an optimizer step over every parameter is most of the step's time. The OpenBLAS inside
NumPy's wheels has saxpy, which reads ``x`` and ``y`` once and writes ``y`` once (about half the time of
the two ufuncs on a 784x512 layer), reached through ember/backend/_numpy_blas.py; where it cannot be found
(another NumPy build, another BLAS) :func:`axpy_` returns False and the caller keeps its NumPy formula.

saxpy's kernels use fused multiply-adds on the machines that have them, so the sum rounds once or twice
depending on the machine. Rounding once is what PyTorch's ``add(alpha=)`` kernel does; :func:`rounds_once`
checks it once against ember's exact ``fma32`` (the optimizers' default, bit-exact path), and ``exact=True``
calls use saxpy only where that check passed; other calls take either rounding (the optimizers with
``ember.numerics.set_pytorch_bits(False)``).
"""
import ctypes

import numpy as np

from ember.backend import _denormals, _numpy_blas
from ember.backend._numpy_blas import pointer as _pointer

_ARGTYPES = (ctypes.c_int64, ctypes.c_float, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64)
_ONCE = []      # [whether saxpy rounds every element once] once checked


def _works(fn):
    """A check on numbers whose results are exact either way: the symbol takes the arguments it was given."""
    y = np.arange(37, dtype=np.float32)
    x = np.full(37, 0.5, np.float32)
    fn(37, 2.0, x.ctypes.data, 1, y.ctypes.data, 1)
    return bool((y == np.arange(37, dtype=np.float32) + 1).all())


def saxpy():
    """The saxpy function, or None where NumPy's BLAS has none that can be reached."""
    return _numpy_blas.function('saxpy', _ARGTYPES, _works)


def _check_rounds_once(fn):
    """saxpy against ``fma32_to`` on inputs where one and two roundings differ: every length up to a few
    vector widths (each kernel's tail), misaligned starts, results in float32's subnormal range, and
    lengths that BLAS splits between its threads."""
    from ember._random.exact import fma32_to
    rng = np.random.default_rng(0)
    lengths = list(range(1, 160)) + [1000, 4099, 20011, 65537]
    for i, n in enumerate(lengths):
        start = i % 4
        y = rng.standard_normal(n + start).astype(np.float32)[start:]
        x = rng.standard_normal(n + start).astype(np.float32)[start:]
        a = np.float32((-1e-3, 0.9, -1 / 3, 7.25)[i % 4])
        if i % 5 == 0:      # sums near zero, some subnormal
            x = (x * np.float32(1e-30)).astype(np.float32)
            y = (-a * x + rng.standard_normal(n).astype(np.float32) * np.float32(1e-38)).astype(np.float32)
        want = fma32_to(x, a, y, np.empty_like(y))
        got = y.copy()
        fn(n, float(a), _pointer(x), 1, _pointer(got), 1)
        if not np.array_equal(want.view(np.uint32), got.view(np.uint32)):
            return False
    return True


def rounds_once():
    """Whether saxpy gives ``fma32(a, x, y)``, PyTorch's bits, on this machine (False without saxpy)."""
    if not _ONCE:
        fn = saxpy()
        _ONCE.append(fn is not None and _check_rounds_once(fn))
    return _ONCE[0]


def axpy_(y, a, x, exact=False):
    """``y += a * x`` in place when ``y`` and ``x`` are same-shaped, C-contiguous float32 NumPy arrays
    (``y`` writable) and saxpy is available; returns whether it was done. ``exact``: only where saxpy
    rounds once (:func:`rounds_once`) and denormals are not being flushed (BLAS's worker threads would
    not flush them as the calling thread does)."""
    if type(y) is not np.ndarray or type(x) is not np.ndarray or y.dtype != np.float32 or \
            x.dtype != np.float32 or x.shape != y.shape or not y.size:
        return False
    if not (y.flags.c_contiguous and x.flags.c_contiguous and y.flags.writeable) or \
            (x is not y and np.may_share_memory(x, y)):    # (NumPy buffers overlapping operands; saxpy would not)
        return False
    fn = saxpy()
    if fn is None or exact and (not (_ONCE[0] if _ONCE else rounds_once()) or _denormals.FLUSHING[0]):
        return False
    fn(y.size, float(a), _pointer(x), 1, _pointer(y), 1)
    return True
