"""``y += a * x`` on float32 NumPy arrays in one pass, through the saxpy of the BLAS that NumPy ships.

NumPy has no multiply-add ufunc: ``y -= lr * g`` is two passes (the product into a temporary, then the
sum), which for an optimizer step over every parameter is most of the step's time. The OpenBLAS inside
NumPy's wheels has saxpy, which reads ``x`` and ``y`` once and writes ``y`` once (about half the time of
the two ufuncs on a 784x512 layer). It is reached with ctypes, looked up once; where it cannot be found
(another NumPy build, another BLAS) :func:`axpy_` returns False and the caller keeps its NumPy formula.

saxpy's kernels use fused multiply-adds on the machines that have them, so the sum rounds once or twice
depending on the machine. Rounding once is what PyTorch's ``add(alpha=)`` kernel does; :func:`rounds_once`
checks it once against ember's exact ``fma32`` (the optimizers' default, bit-exact path), and ``exact=True``
calls use saxpy only where that check passed; other calls take either rounding (the optimizers with
``ember.numerics.set_pytorch_bits(False)``).
"""
import ctypes
import glob
import os

import numpy as np

from ember.backend import _denormals

# the CBLAS saxpy of NumPy's own OpenBLAS, with 64-bit integers: NumPy 2 wheels (scipy-openblas64), then
# NumPy 1.2x wheels (openblas64_); names with no 64-bit suffix are not tried (their integer width is unknown)
_SYMBOLS = ('scipy_cblas_saxpy64_', 'cblas_saxpy64_')
_FOUND = []     # [saxpy or None] once looked up
_ONCE = []      # [whether saxpy rounds every element once] once checked


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
        fn(n, float(a), _byref(_view(x)), 1, _byref(_view(got)), 1)
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
    fn = _FOUND[0] if _FOUND else saxpy()
    if fn is None or exact and (not (_ONCE[0] if _ONCE else rounds_once()) or _denormals.FLUSHING[0]):
        return False
    # (a pointer by byref of a one-byte view of each buffer: several times cheaper than ndarray.ctypes)
    fn(y.size, float(a), _byref(_view(x)) if x.flags.writeable else x.ctypes.data, 1, _byref(_view(y)), 1)
    return True


_byref = ctypes.byref
_view = ctypes.c_char.from_buffer
