"""``y += a * x`` on float32 NumPy arrays in one pass, through the saxpy of the BLAS that NumPy ships.

NumPy has no multiply-add ufunc: ``y -= lr * g`` is two passes (the product into a temporary, then the
sum), which for an optimizer step over every parameter is most of the step's time. The OpenBLAS inside
NumPy's wheels has saxpy, which reads ``x`` and ``y`` once and writes ``y`` once (about half the time of
the two ufuncs on a 784x512 layer). It is reached with ctypes, looked up once; where it cannot be found
(another NumPy build, another BLAS) :func:`axpy_` returns False and the caller keeps its NumPy formula.

saxpy's kernels use fused multiply-adds on the machines that have them, so the sum rounds once or twice
depending on the machine: callers use it only where either rounding is acceptable (the optimizers with
``ember.numerics.set_pytorch_bits(False)``).
"""
import ctypes
import glob
import os

import numpy as np

# the CBLAS saxpy of NumPy's own OpenBLAS, with 64-bit integers: NumPy 2 wheels (scipy-openblas64), then
# NumPy 1.2x wheels (openblas64_); names with no 64-bit suffix are not tried (their integer width is unknown)
_SYMBOLS = ('scipy_cblas_saxpy64_', 'cblas_saxpy64_')
_FOUND = []     # [saxpy or None] once looked up


def _libraries():
    """NumPy's bundled OpenBLAS files: numpy.libs beside the package (Linux, Windows), numpy/.dylibs (macOS)."""
    root = os.path.dirname(np.__file__)
    return sorted(glob.glob(os.path.join(root + '.libs', '*openblas*')) +
                  glob.glob(os.path.join(root, '.dylibs', '*openblas*')))


def _works(fn):
    """A check on numbers whose results are exact either way: the symbol takes the arguments it was given."""
    y = np.arange(37, dtype=np.float32)
    x = np.full(37, 0.5, np.float32)
    fn(37, 2.0, x.ctypes.data, 1, y.ctypes.data, 1)
    return bool((y == np.arange(37, dtype=np.float32) + 1).all())


def _lookup():
    for path in _libraries():
        try:
            lib = ctypes.CDLL(path)     # (already loaded by NumPy: the same library, the same thread settings)
        except OSError:
            continue
        for name in _SYMBOLS:
            fn = getattr(lib, name, None)
            if fn is None:
                continue
            fn.argtypes = (ctypes.c_int64, ctypes.c_float, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                           ctypes.c_int64)
            fn.restype = None
            if _works(fn):
                return fn
    return None


def saxpy():
    """The saxpy function, or None where NumPy's BLAS has none that can be reached."""
    if not _FOUND:
        try:
            _FOUND.append(_lookup())
        except Exception:   # noqa: BLE001 - any failure to reach the library: NumPy's formulas serve
            _FOUND.append(None)
    return _FOUND[0]


def axpy_(y, a, x):
    """``y += a * x`` in place when ``y`` and ``x`` are same-shaped, C-contiguous float32 NumPy arrays
    (``y`` writable) and saxpy is available; returns whether it was done."""
    if type(y) is not np.ndarray or type(x) is not np.ndarray or y.dtype != np.float32 or \
            x.dtype != np.float32 or x.shape != y.shape or not y.size:
        return False
    if not (y.flags.c_contiguous and x.flags.c_contiguous and y.flags.writeable) or \
            (x is not y and np.may_share_memory(x, y)):    # (NumPy buffers overlapping operands; saxpy would not)
        return False
    fn = _FOUND[0] if _FOUND else saxpy()
    if fn is None:
        return False
    # (a pointer by byref of a one-byte view of each buffer: several times cheaper than ndarray.ctypes)
    fn(y.size, float(a), _byref(_view(x)) if x.flags.writeable else x.ctypes.data, 1, _byref(_view(y)), 1)
    return True


_byref = ctypes.byref
_view = ctypes.c_char.from_buffer
