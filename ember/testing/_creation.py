"""``make_tensor``: a random tensor of a dtype, drawn as PyTorch draws it (same values after the
same seed)."""
import functools
import math
import warnings


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    r"""A tensor of ``shape`` with values drawn uniformly from ``[low, high)``.

    Defaults for ``low``/``high``: bool ``[0, 2)``, unsigned integers ``[0, 10)``, signed integers
    ``[-9, 10)``, floating and complex ``[-9, 9)``; given bounds are clamped to the dtype's range.

    Args:
        shape (int or Sequence[int]): the shape, as ints or one sequence.
        dtype (ember.dtype): the dtype of the result.
        device (str or ember.device): the device of the result.
        low (float, optional): the inclusive lower bound.
        high (float, optional): the exclusive upper bound.
        requires_grad (bool): whether autograd records ops on the result (floating/complex only).
        noncontiguous (bool): make the result non-contiguous (when it has more than one element).
        exclude_zero (bool): replace zeros by 1 (integers) or the dtype's ``tiny``.
        memory_format (ember.memory_format, optional): the result's memory format.

    Returns:
        Tensor

    Example::

        >>> from ember.testing import make_tensor
        >>> _ = ember.manual_seed(0)
        >>> make_tensor((3,), dtype=ember.float32, device='cpu')
        tensor([-0.0674,  4.8280, -7.4074])
    """
    import ember
    integral = dtype is ember.bool or not (dtype.is_floating_point or dtype.is_complex)

    def bounds(lowest, highest, default_low, default_high):
        lo = default_low if low is None else low
        hi = default_high if high is None else high
        if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={lo} and high={hi}")
        if lo == hi and not integral:
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
                          "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
                          FutureWarning, stacklevel=3)
        elif lo >= hi:
            raise ValueError(f"`low` must be less than `high`, but got {lo} >= {hi}")
        elif hi < lowest or lo >= highest:
            raise ValueError(f"The value interval specified by `low` and `high` is [{lo}, {hi}), but {dtype} only "
                             f"supports [{lowest}, {highest})")
        lo, hi = min(max(lo, lowest), highest), min(max(hi, lowest), highest)
        return (math.ceil(lo), math.ceil(hi)) if integral else (lo, hi)

    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    shape = tuple(shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
                         f"noncontiguous={noncontiguous} and memory_format={memory_format}")
    if requires_grad and integral:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral dtypes, but got "
                         f"dtype={dtype}")
    noncontiguous = noncontiguous and functools.reduce(lambda a, b: a * b, shape, 1) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])
    if dtype is ember.bool:
        lo, hi = bounds(0, 2, 0, 2)
        result = ember.randint(lo, hi, shape, device=device, dtype=dtype)
    elif integral:
        info = ember.iinfo(dtype)
        lo, hi = bounds(info.min, info.max + (dtype is not ember.int64), 0 if info.min == 0 else -9, 10)
        result = ember.randint(lo, hi, shape, device=device, dtype=dtype)
    else:
        info = ember.finfo(dtype)
        lo, hi = bounds(info.min, info.max, -9, 9)
        result = ember.empty(shape, device=device, dtype=dtype)
        target = ember.view_as_real(result) if dtype.is_complex else result
        # uniform_ needs high - low to be finite: draw half the range and double it otherwise
        if hi - lo >= ember.finfo(target.dtype).max:
            target.uniform_(lo / 2, hi / 2).mul_(2)
        else:
            target.uniform_(lo, hi)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if integral else ember.finfo(dtype).tiny
    if not integral:
        result.requires_grad = requires_grad
    return result
