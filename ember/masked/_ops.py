"""Masked reductions and normalizations: the ``mask`` says which elements of ``input`` take part.

Each function replaces the masked-out elements by the identity of its operation (0 for sums, 1 for
products, -inf for maxima ...) and runs the ordinary ember op, so gradients flow to the masked-in
elements only. Where no element of a slice is masked in, a reduction without an identity (mean,
var, std, median) gives nan, as PyTorch's. The mask broadcasts to the input's shape; a
``MaskedTensor`` input brings its own mask.
"""
import builtins
import math

import ember
from ember._dtype import bool as _bool, float32, int64, uint8, int8, int16, int32

__all__ = ['sum', 'prod', 'cumsum', 'cumprod', 'amax', 'amin', 'argmax', 'argmin', 'mean', 'median', 'logsumexp',
           'logaddexp', 'norm', 'var', 'std', 'softmax', 'log_softmax', 'softmin', 'normalize']

_SMALL_INTS = (uint8, _bool, int8, int16, int32)


def _is_masked(x):
    from ember.masked.maskedtensor import MaskedTensor
    return isinstance(x, MaskedTensor)


def _canonical_dim(dim, ndim):
    """``dim`` as a sorted tuple of non-negative dims (all of them for None or ())."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    ndim = builtins.max(ndim, 1)
    dims = []
    for d in ((dim,) if isinstance(dim, int) else dim):
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= ndim or d < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
        dims.append(d % ndim)
    return tuple(sorted(dims))


def _input_mask(input, mask):
    """``mask`` broadcast to the shape of ``input``, as bool."""
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the "
                             "input)")
        mask = ember.broadcast_to(mask.clone(), input.shape)
    return mask.to(dtype=_bool)


def _identity(op, input, ord=None):
    """The value that does not change ``op``'s result when added to its operands (None if undefined)."""
    dt = input.dtype
    if op in ('sum', 'cumsum'):
        return ember.tensor(0, dtype=dt)
    if op in ('prod', 'cumprod'):
        return ember.tensor(1, dtype=dt)
    if op in ('amax', 'argmax', 'logaddexp', 'logsumexp'):
        if dt.is_floating_point or (dt.is_complex and op == 'logsumexp'):
            return ember.tensor(-math.inf, dtype=dt)
        if dt.is_signed or dt == uint8:
            return ember.tensor(ember.iinfo(dt).min, dtype=dt)
    elif op in ('amin', 'argmin'):
        if dt.is_floating_point:
            return ember.tensor(math.inf, dtype=dt)
        if dt.is_signed or dt == uint8:
            return ember.tensor(ember.iinfo(dt).max, dtype=dt)
    elif op == 'norm':
        return ember.tensor(math.inf if ord == -math.inf else 0, dtype=dt)
    elif op == 'median':
        return ember.tensor(math.nan, dtype=dt if dt.is_floating_point else float32)
    elif op in ('mean', 'var', 'std'):
        return None
    raise NotImplementedError(f"identity of {op} on {dt} input")


def _combine(op, input, mask, ord=None):
    """``input`` (its data, for a MaskedTensor) with the masked-out elements replaced by ``op``'s identity."""
    if _is_masked(input):
        input, mask = input.get_data(), input.get_mask()
    if mask is None:
        return input
    return ember.where(_input_mask(input, mask), input, _identity(op, input, ord))


def _sum_dtype(input, dtype):
    if dtype is None:
        return int64 if input.dtype in _SMALL_INTS else input.dtype
    return dtype


def sum(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The sum of the masked-in elements of ``input`` over ``dim`` (all dims by default); 0 where none is.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dims to reduce.

    Keyword args:
        keepdim (bool): keep the reduced dims with size 1.
        dtype (ember.dtype, optional): the result's dtype (small integer types sum as int64).
        mask (Tensor, optional): bool, broadcastable to ``input``: True where an element takes part.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.sum(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([-4.,  0.])
    """
    dtype = _sum_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    return ember.sum(_combine('sum', input, mask), dims, bool(keepdim), dtype=dtype)


def prod(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The product of the masked-in elements over ``dim``; 1 where none is (arguments as :func:`sum`).

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.prod(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([3., 1.])
    """
    dtype = _sum_dtype(input, dtype)
    dims = _canonical_dim(dim, input.ndim)
    result = _combine('prod', input, mask).to(dtype=dtype)
    for d in reversed(dims):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def cumsum(input, dim, *, dtype=None, mask=None):
    """Cumulative sum along ``dim`` where masked-out elements count as 0.

    Example::

        >>> ember.masked.cumsum(ember.tensor([1., 2., 3.]), 0, mask=ember.tensor([True, False, True]))
        tensor([1., 1., 4.])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return ember.cumsum(_combine('sum', input, mask), d, dtype=dtype).to(dtype=dtype)


def cumprod(input, dim, *, dtype=None, mask=None):
    """Cumulative product along ``dim`` where masked-out elements count as 1.

    Example::

        >>> ember.masked.cumprod(ember.tensor([2., 5., 3.]), 0, mask=ember.tensor([True, False, True]))
        tensor([2., 2., 6.])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return ember.cumprod(_combine('prod', input, mask), d, dtype=dtype).to(dtype=dtype)


def amax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The largest masked-in element over ``dim``; -inf (the dtype's minimum for integers) where none is.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.amax(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([-1., -inf])
    """
    dtype = input.dtype if dtype is None else dtype
    combined = _combine('amax', input, mask)
    return ember.amax(combined, _canonical_dim(dim, combined.ndim), bool(keepdim)).to(dtype=dtype)


def amin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The smallest masked-in element over ``dim``; inf (the dtype's maximum for integers) where none is.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.amin(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([-3., inf])
    """
    dtype = input.dtype if dtype is None else dtype
    combined = _combine('amin', input, mask)
    return ember.amin(combined, _canonical_dim(dim, combined.ndim), bool(keepdim)).to(dtype=dtype)


def argmax(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the largest masked-in element along ``dim`` (the result is cast to ``dtype``, by
    default the input's).

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.argmax(x, 1, mask=ember.tensor([[True, False, True], [True, True, False]]))
        tensor([2., 1.])
    """
    dtype = input.dtype if dtype is None else dtype
    return ember.argmax(_combine('argmax', input, mask), dim, bool(keepdim)).to(dtype=dtype)


def argmin(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The index of the smallest masked-in element along ``dim`` (cast to ``dtype`` as :func:`argmax`).

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.argmin(x, 1, mask=ember.tensor([[False, True, True], [True, True, False]]))
        tensor([1., 0.])
    """
    dtype = input.dtype if dtype is None else dtype
    return ember.argmin(_combine('argmin', input, mask), dim, bool(keepdim)).to(dtype=dtype)


def mean(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The mean of the masked-in elements over ``dim``; nan where none is.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.mean(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([-2., nan])
    """
    source = 'Optional'
    if dtype is None:
        dtype, source = input.dtype, 'Input'
    if not (dtype.is_floating_point or dtype.is_complex):
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a floating point or "
                         f"complex dtype. Got: {dtype}")
    if mask is None:
        # NOTE: as PyTorch: without an explicit mask the count is every element, also for a MaskedTensor
        count = sum(ember.ones(input.shape, dtype=int64), dim, keepdim=keepdim)
        total = sum(input, dim, keepdim=keepdim, dtype=dtype)
    else:
        inmask = _input_mask(input, mask)
        count = inmask.sum(dim=_canonical_dim(dim, input.ndim), keepdim=bool(keepdim))
        total = sum(input, dim, keepdim=keepdim, dtype=dtype, mask=inmask)
    return total / count


def median(input, dim=-1, *, keepdim=False, dtype=None, mask=None):
    """The median of the masked-in elements along ``dim``; nan where none is (integer inputs must have
    a masked-in element in every slice).

    Example::

        >>> x = ember.tensor([[4., 1., 3., 2.], [0., 1., 2., 3.]])
        >>> ember.masked.median(x, 1, mask=ember.tensor([[True, False, True, True], [False, False, False, False]]))
        tensor([3., nan])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=float32)
    out = ember.nanmedian(_combine('median', input, mask), d, keepdim).values
    if is_float:
        return out
    if not ember.isnan(out).any():
        return out.to(dtype=dtype)
    raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")


def logsumexp(input, dim=None, *, keepdim=False, dtype=None, mask=None):
    """``log(sum(exp(x)))`` of the masked-in elements over ``dim``; -inf where none is.

    Example::

        >>> x = ember.tensor([[0., 1., 2.], [0., 1., 2.]])
        >>> ember.masked.logsumexp(x, 1, mask=ember.tensor([[True, True, False], [False, False, False]]))
        tensor([1.3133,   -inf])
    """
    dtype = input.dtype if dtype is None else dtype
    dims = _canonical_dim(dim, input.ndim)
    return ember.logsumexp(_combine('logsumexp', input, mask), dims, keepdim=keepdim).to(dtype=dtype)


def logaddexp(input, other, *, dtype=None, input_mask=None, other_mask=None):
    """``log(exp(input) + exp(other))`` where masked-out elements of each count as -inf.

    Example::

        >>> mask = ember.tensor([True, False, True])
        >>> ember.masked.logaddexp(ember.tensor([-100., -200., -300.]), ember.tensor([-1., -2., -3.]),
        ...                        input_mask=mask, other_mask=mask)
        tensor([-1., -inf, -3.])
    """
    dtype = input.dtype if dtype is None else dtype
    return ember.logaddexp(_combine('logaddexp', input, input_mask),
                           _combine('logaddexp', other, other_mask)).to(dtype=dtype)


def norm(input, ord=2.0, dim=None, *, keepdim=False, dtype=None, mask=None):
    """The vector ``ord``-norm of the masked-in elements over ``dim`` (masked-out ones count as 0, as inf
    for ``ord=-inf``).

    Example::

        >>> x = ember.tensor([[3., 9., 4.], [1., 1., 1.]])
        >>> ember.masked.norm(x, 2.0, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([5., 0.])
    """
    dtype = input.dtype if dtype is None else dtype
    combined = _combine('norm', input, mask, ord)
    return ember.linalg.vector_norm(combined, ord, _canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def _std_var(input, dim, unbiased, correction_opt, keepdim, dtype, mask, take_sqrt):
    if unbiased is not None and correction_opt is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    correction = 1.0
    if unbiased is not None:
        correction = 1.0 if unbiased else 0.0
    if correction_opt is not None:
        correction = float(correction_opt)
    if dtype is None:
        dtype = input.dtype
        if not (dtype.is_floating_point or dtype.is_complex):
            dtype = float32
    compute = dtype if (dtype.is_floating_point or dtype.is_complex) else float32
    if mask is None:
        count = sum(ember.ones(input.shape, dtype=int64), dim, keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype)
        inmask = None
    else:
        inmask = _input_mask(input, mask)
        count = inmask.sum(dim=_canonical_dim(dim, input.ndim), keepdim=True)
        sample_total = sum(input, dim, keepdim=True, dtype=dtype, mask=inmask)
    data = input.get_data() if _is_masked(input) else input
    x = data - sample_total / count
    total = sum(x * x.conj(), dim, keepdim=keepdim, dtype=compute, mask=inmask)
    if not keepdim:
        count = count.reshape(total.shape)
    if correction != 0:
        real = compute.to_real() if compute.is_complex else compute
        count = ember.clamp_min(count.to(real) - correction, 0)
    out = (total / count).to(dtype=dtype)
    return ember.sqrt(out) if take_sqrt else out


def var(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The variance of the masked-in elements over ``dim`` (``correction`` 1 by default, or 0 when
    ``unbiased=False``); nan where no element is masked in.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.var(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([2., nan])
    """
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=False)


def std(input, dim=None, unbiased=None, *, correction=None, keepdim=False, dtype=None, mask=None):
    """The standard deviation of the masked-in elements over ``dim`` (as :func:`var`, square-rooted).

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.std(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([1.4142,    nan])
    """
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=True)


def softmax(input, dim, *, dtype=None, mask=None):
    """Softmax along ``dim`` over the masked-in elements; masked-out ones get 0 (nan where none is).

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.softmax(x, 1, mask=ember.tensor([[True, False, True], [False, False, False]]))
        tensor([[0.1192, 0.0000, 0.8808],
                [   nan,    nan,    nan]])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return ember.nn.functional.softmax(_combine('amax', input, mask), d, dtype=dtype)


def log_softmax(input, dim, *, dtype=None, mask=None):
    """Log-softmax along ``dim`` over the masked-in elements; masked-out ones get -inf.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.log_softmax(x, 1, mask=ember.tensor([[True, False, True], [True, True, True]]))
        tensor([[-2.1269,    -inf, -0.1269],
                [-2.4076, -1.4076, -0.4076]])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return ember.nn.functional.log_softmax(_combine('amax', input, mask), d, dtype=dtype)


def softmin(input, dim, *, dtype=None, mask=None):
    """Softmin along ``dim`` over the masked-in elements; masked-out ones get 0.

    Example::

        >>> x = ember.tensor([[-3., -2., -1.], [0., 1., 2.]])
        >>> ember.masked.softmin(x, 1, mask=ember.tensor([[True, False, True], [True, True, True]]))
        tensor([[0.8808, 0.0000, 0.1192],
                [0.6652, 0.2447, 0.0900]])
    """
    dtype = input.dtype if dtype is None else dtype
    d = _canonical_dim(dim, input.ndim)[0]
    return ember.nn.functional.softmin(_combine('amin', input, mask), d, dtype=dtype)


def normalize(input, ord, dim, *, eps=1e-12, dtype=None, mask=None):
    """``input`` divided by the masked ``ord``-norm along ``dim`` (at least ``eps``); masked-out
    elements become 0.

    Example::

        >>> x = ember.tensor([[3., 9., 4.], [1., 1., 1.]])
        >>> ember.masked.normalize(x, 2.0, 1, mask=ember.tensor([[True, False, True], [True, True, True]]))
        tensor([[0.6000, 0.0000, 0.8000],
                [0.5774, 0.5774, 0.5774]])
    """
    dtype = input.dtype if dtype is None else dtype
    combined = _combine('sum', input, mask)
    nrm = norm(input, ord, dim, keepdim=True, dtype=dtype, mask=mask)
    return combined / ember.maximum(nrm, ember.full([], eps, dtype=nrm.dtype))
