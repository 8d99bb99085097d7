"""Shared pieces of the linear-algebra families: shape checks, PyTorch's error texts, ``out=``."""
import numpy as np

from ember.ops.linalg import LinAlgError, _check_square


def check_matrix(name, A, what='A'):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {what} must have at least 2 dimensions.")


# float16/bfloat16 (and the float8 dtypes) on the CPU: PyTorch's LAPACK kernels have none, each refusing in its
# own words
_LOW_PRECISION_KERNELS = {'linalg.svd': 'linalg_svd_cpu', 'linalg.det': 'lu_cpu', 'linalg.eigh': 'linalg_eigh_cpu', 'linalg.qr': 'geqrf_cpu'}
_LOW_PRECISION_REFUSED = {'linalg.inv', 'linalg.slogdet', 'logdet', 'linalg.matrix_norm'}


def check_float(name, A):
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_scalar_type_name(A.dtype)}")
    if A.dtype.itemsize <= 2 and A.dtype.is_floating_point:
        from ember._tensor import _scalar_type_name
        if name in _LOW_PRECISION_REFUSED:       # (its own check, on any device)
            raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_scalar_type_name(A.dtype)}")
        if A._xp is np:
            if name in _LOW_PRECISION_KERNELS and (A.numel() or name != 'linalg.det'):  # (no LU of an empty matrix)
                raise NotImplementedError(f'"{_LOW_PRECISION_KERNELS[name]}" not implemented for '
                                          f"'{_scalar_type_name(A.dtype)}'")
            if name == 'torch.linalg.lstsq':
                raise RuntimeError("This function doesn't handle types other than float and double")


def refuse_low_precision(kernel, A):
    """PyTorch's CPU kernel ``kernel`` (LAPACK's) has no float16/bfloat16 version: its NotImplementedError. Called
    where PyTorch dispatches to that kernel, after its shape checks (some kernels are not reached for an empty
    matrix: their callers test that). CUDA tensors pass: their kernels are another library's."""
    if A._xp is np:
        from ember.ops._half import refuse_half
        refuse_half(kernel, A)
        from ember.ops import _float8
        _float8.check_kernel(kernel, A._data.dtype)


def check_epsilon_type(A):
    """PyTorch's default tolerance (machine epsilon of ``A``'s real type) exists for float and double only: its
    error for other types, where matrix_rank and pinv compute that tolerance from Python-number arguments."""
    if A.dtype.itemsize < 4 or not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError("This function doesn't handle types other than float and double")


def check_square(name, A):
    _check_square(name, A)
    check_float(name, A)


def batch_prefix(A, b):
    """PyTorch names the failing matrix of a batch: ``(Batch element 3): ``."""
    return f"(Batch element {b}): " if A.ndim > 2 else ""


def matrices(a):
    """The raw array as a stack of matrices (one loop over the batch on error paths only)."""
    a = np.asarray(a.get() if hasattr(a, 'get') else a)
    return a.reshape((-1,) + a.shape[-2:])


def named(name, fields):
    from ember.ops.reduce import _named
    return _named(name, fields)


def info_tensor(info, device):
    """LAPACK-style ``info``: an int32 tensor with the batch shape (0 means success)."""
    from ember._tensor import Tensor
    from ember.backend import move, to_numpy
    return Tensor._make(move(to_numpy(info).astype(np.int32), device), device)


def eye_like(A, n=None, m=None):
    from ember.ops.creation import eye
    n = A.shape[-1] if n is None else n
    return eye(n, m if m is not None else n, dtype=A.dtype, device=A.device)


__all__ = ['LinAlgError', 'check_matrix', 'check_square', 'check_float', 'refuse_low_precision', 'check_epsilon_type',
           'batch_prefix', 'matrices', 'write_out', 'named', 'info_tensor', 'eye_like']
