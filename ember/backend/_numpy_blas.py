"""Functions of the BLAS that NumPy itself ships, for the few one-pass kernels NumPy's ufuncs lack.

NumPy's wheels bundle OpenBLAS (numpy.libs beside the package on Linux and Windows, numpy/.dylibs on
macOS) and call it for matrix products only. Its level-1 and extension routines (saxpy: ``y += a * x``
in one pass; somatcopy: a transposed copy several times faster than NumPy's strided loop) are reached
here with ctypes, looked up once, already loaded by NumPy (the same library, the same thread settings).
Only CBLAS names with the 64-bit integer suffix are tried (NumPy 2 wheels, then NumPy 1.2x wheels):
for an unsuffixed name the integer width is unknown. Where none is found (another NumPy build, another
BLAS) :func:`function` returns None and callers keep their NumPy formulas.
"""
import ctypes
import os

import numpy as np

_PREFIXES = ('scipy_cblas_', 'cblas_')
_FOUND = {}     # name -> function or None
_LIBRARIES = []


def _libraries():
    if not _LIBRARIES:
        import glob     # (here: not worth its import at ``import ember``)
        root = os.path.dirname(np.__file__)
        paths = sorted(glob.glob(os.path.join(root + '.libs', '*openblas*')) +
                       glob.glob(os.path.join(root, '.dylibs', '*openblas*')))
        found = []
        for path in paths:
            try:
                found.append(ctypes.CDLL(path))
            except OSError:
                continue
        _LIBRARIES.append(found)
    return _LIBRARIES[0]


def function(name, argtypes, works):
    """NumPy's BLAS's ``cblas_<name>`` (64-bit integers) with ``argtypes``, once ``works(fn)`` has
    checked it on a small case; None where there is none."""
    if name not in _FOUND:
        fn = None
        try:
            for lib in _libraries():
                for prefix in _PREFIXES:
                    candidate = getattr(lib, f'{prefix}{name}64_', None)
                    if candidate is None:
                        continue
                    candidate.argtypes, candidate.restype = argtypes, None
                    if works(candidate):
                        fn = candidate
                        break
                if fn is not None:
                    break
        except Exception:   # noqa: BLE001 - any failure to reach the library: NumPy's formulas serve
            fn = None
        _FOUND[name] = fn
    return _FOUND[name]


# a pointer to an array's buffer: byref of a one-byte view (several times cheaper than ndarray.ctypes);
# a read-only buffer cannot be viewed so and takes ndarray.ctypes
_byref = ctypes.byref
_view = ctypes.c_char.from_buffer
_address = ctypes.addressof


def pointer(a):
    """A ctypes argument for the start of ``a``'s buffer (``a`` a NumPy array)."""
    return _byref(_view(a)) if a.flags.writeable else a.ctypes.data


_ROW_MAJOR, _TRANSPOSE = 101, 112       # CBLAS's enum values
_OMATCOPY_ARGS = {np.dtype(np.float32): ('somatcopy', ctypes.c_float), np.dtype(np.float64): ('domatcopy', ctypes.c_double)}


def _omatcopy(dtype):
    name, scalar = _OMATCOPY_ARGS[dtype]
    argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64, scalar, ctypes.c_void_p, ctypes.c_int64,
                ctypes.c_void_p, ctypes.c_int64)

    def works(fn):
        a = np.arange(15, dtype=dtype).reshape(5, 3)
        b = np.zeros((3, 5), dtype)
        fn(_ROW_MAJOR, _TRANSPOSE, 5, 3, 1.0, a.ctypes.data, 3, b.ctypes.data, 5)
        return bool((b == a.T).all())
    return function(name, argtypes, works)


def transpose_into(a, out):
    """``out[...] = a.T`` for a C-contiguous 2-D float32/float64 ``a`` and a C-contiguous ``out`` of the
    transposed shape and the same dtype, by BLAS's omatcopy; returns whether it was done."""
    fn = _omatcopy(a.dtype) if a.dtype in _OMATCOPY_ARGS else None
    if fn is None:
        return False
    rows, cols = a.shape
    fn(_ROW_MAJOR, _TRANSPOSE, rows, cols, 1.0, pointer(a), cols, pointer(out), rows)
    return True



_NO_TRANSPOSE = 111
# bit patterns a copy through floating-point arithmetic would change: signalling and quiet NaNs,
# subnormals, infinities and signed zeros
_TRICKY_WORDS = np.array([0x7ff0000000000001, 0xfff4000000000000, 0x7ff8000000000001, 0x0000000000000001,
                          0x800fffffffffffff, 0x8000000000000000, 0x7ff0000000000000, 0x3ff0000000000001],
                         np.uint64)
_ROW_COPY = []


def _row_copy():
    if not _ROW_COPY:
        argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_double, ctypes.c_void_p,
                    ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64)

        def works(fn):
            a = np.tile(_TRICKY_WORDS, 6).reshape(6, 8)
            b = np.zeros((6, 3), np.uint64)
            fn(_ROW_MAJOR, _NO_TRANSPOSE, 6, 3, 1.0, a.ctypes.data, 8, b.ctypes.data, 3)
            return bool((b == a[:, :3]).all())
        _ROW_COPY.append(function('domatcopy', argtypes, works))
    return _ROW_COPY[0]


def copy_rows(src, dst, rows, cols, src_row, dst_row):
    """Copy ``rows`` rows of ``cols`` 8-byte items from ``src`` to ``dst`` (C-contiguous writeable arrays
    holding them, 8-byte aligned), a row every ``src_row`` items in ``src`` and every ``dst_row`` in
    ``dst``, bit for bit, by BLAS's domatcopy with a scale of 1 (found at first use to copy NaN and
    subnormal patterns unchanged): NumPy's strided copy of such short runs makes a call per run.
    Returns whether it was done."""
    fn = _row_copy()
    if fn is None:
        return False
    try:
        s, d = _view(src), _view(dst)
    except (TypeError, ValueError, BufferError):     # read-only or not contiguous
        return False
    if (_address(s) | _address(d)) & 7:
        return False
    fn(_ROW_MAJOR, _NO_TRANSPOSE, rows, cols, 1.0, _byref(s), src_row, _byref(d), dst_row)
    return True
