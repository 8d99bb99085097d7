"""Composite ops that PyTorch computes in float32 for float16/bfloat16 inputs (rounding once at the end)."""
from ember import _dtype
from ember._tensor import _scalar_type_name

_HALF = (_dtype.float16, _dtype.bfloat16)


def in_float32(fn, first, *others):
    """``fn(first, *others)``, run on float32 copies of the half-precision tensors when ``first`` is
    float16/bfloat16 and the result cast back: differentiable, since the casts are."""
    dt = first.dtype
    if dt not in _HALF:
        return fn(first, *others)
    up = [t.float() if getattr(t, 'dtype', None) == dt else t for t in (first,) + others]
    out = fn(*up)
    if isinstance(out, tuple):
        return tuple(o.to(dt) if getattr(o, 'dtype', None) == _dtype.float32 else o for o in out)
    return out.to(dt)


def is_half_array(a):
    """Whether array ``a`` holds float16 or bfloat16 (ml_dtypes' bfloat16 is NumPy kind 'V'): reductions
    over such arrays must accumulate in float32, as PyTorch's CPU kernels do (NumPy would sum bfloat16 in
    bfloat16)."""
    dt = a.dtype
    return dt.itemsize == 2 and dt.kind in 'fV'


def refuse_half(kernel, *tensors):
    """PyTorch's error for a CPU kernel it has no float16/bfloat16 version of."""
    for t in tensors:
        if t is not None and t.dtype in _HALF:
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_type_name(t.dtype)}\'')
