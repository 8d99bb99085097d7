"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp, cumulative ops, sort/topk."""
import builtins
import collections
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember._dtype import BAREBONES, get_default_dtype, to_dtype
from ember._dtype import FLOAT8_NUMS, _FLOAT
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd.function import Primitive, unrecorded_unary
from ember.autograd._opmath import ALWAYS
from ember.ops import _argparse, _float8
from ember.ops._numpy_keywords import NOT_GIVEN, take, take_required
from ember.ops._cascade_sum import CASCADE_NUMS as _CASCADE_NUMS, cascade_sum
from ember.ops._half import is_half_array
from ember.ops._util import python_reads, require_tensor, wrap_dim, wrap_dims
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember import _user_warnings
from ember.numerics import ENABLED as _PYTORCH_BITS


def _dims(dim, ndim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return None
    dims = wrap_dims(dim, ndim)
    # a 0-d tensor takes dim 0 or -1 as PyTorch's: the reduction of its one element (every dim)
    return None if ndim == 0 else dims


def _keep_shape(in_shape, dims):
    """The shape with reduced dims kept as 1 (how a gradient is broadcast back)."""
    if dims is None:
        return (1,) * len(in_shape)
    return tuple(1 if i in dims else s for i, s in enumerate(in_shape))


def _expand_back(g, in_shape, dims, keepdim):
    if not grad_mode._state.enabled:
        # NOTE: a first-order backward builds no graph: broadcast the array directly (one view,
        # no op dispatch); with create_graph the differentiable path below is taken
        data = g._data
        if data.size == 1 and type(data) is np.ndarray and data.dtype.kind != 'V':
            # one value for every position (a full reduction): the read-only zero-stride view made
            # directly, a few times cheaper than np.broadcast_to's checks (a size-1 array is contiguous)
            view = np.ndarray(in_shape, data.dtype, data, 0, (0,) * len(in_shape))
            view.flags.writeable = False
            return Tensor._make(view, g._device)
        if not keepdim:
            data = data.reshape(_keep_shape(in_shape, dims))
        return Tensor._make(g._xp.broadcast_to(data, in_shape), g._device)
    if not keepdim:
        g = g.reshape(_keep_shape(in_shape, dims))
    return g.expand(in_shape)


_add_reduce = np.add.reduce


def _array_results():
    """Whether NumPy's ufuncs take ``out=...`` (NumPy 2): a full reduction then returns a 0-d array
    directly, without the NumPy scalar ``Function.apply`` would convert."""
    try:
        return type(_add_reduce(np.zeros(1), None, None, out=...)) is np.ndarray
    except TypeError:
        return False


_ARRAY_RESULTS = _array_results()


class Sum(Primitive):
    node_name = 'SumBackward0'
    saved_attrs = {'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims, keepdim, np_dtype):
        if ctx.needs_input_grad[0]:   # (an unrecorded call's ctx is dropped: nothing to keep)
            ctx.args = (x.shape, dims, keepdim)
        return _sum_array(ctx.xp, x, dims, keepdim, np_dtype)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.args
        return _expand_back(g, shape, dims, keepdim), None, None, None


def _sum_array(xp, x, dims, keepdim, np_dtype):
    if np_dtype is None and (x.dtype.kind in 'biuV' or x.dtype.itemsize <= 2):
        if x.dtype.kind in 'Vf':
            if x.dtype.itemsize == 1:     # PyTorch refuses a float8 sum
                _float8.check('sum', x.dtype)
            # NumPy would accumulate bfloat16 (ml_dtypes) in bfloat16, and float16 too along an outer
            # axis; PyTorch accumulates both in float32
            return xp.sum(x, axis=dims, keepdims=keepdim, dtype=np.float32).astype(x.dtype)
        np_dtype = np.int64
    if type(x) is np.ndarray and x.dtype.num in _CASCADE_NUMS and (np_dtype is None or np_dtype == x.dtype) and x.size \
            and _PYTORCH_BITS[0]:
        # PyTorch's order of additions: its bits (callers may pass one axis as an int: Linear's bias grad);
        # without them (ember.numerics.set_pytorch_bits(False)) NumPy's own pairwise sum, 2-5x faster
        return cascade_sum(x, (dims,) if isinstance(dims, int) else dims, keepdim)
    if type(x) is np.ndarray:   # the ufunc itself: ndarray.sum goes through a Python wrapper first
        if _ARRAY_RESULTS and not keepdim:
            return _add_reduce(x, dims, np_dtype, out=...)
        return _add_reduce(x, dims, np_dtype, None, keepdim)
    # the array's own method: the same reduction as xp.sum without its dispatch (a microsecond per call)
    return x.sum(axis=dims, keepdims=keepdim, dtype=np_dtype)


def _sum_all(x):
    """Sum's forward of a whole CPU array when nothing is recorded."""
    return _sum_array(np, x, None, False, None)


class SumDim(Sum):
    _profile_name = 'aten::sum'
    node_name = 'SumBackward1'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 2),
                   'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily


@op('ember', 'Tensor')
def sum(input, dim=NOT_GIVEN, keepdim=False, *, dtype=None, out=None):
    """The sum of all elements, or along ``dim``.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dimension(s) to reduce; all when omitted.
        keepdim (bool): keep the reduced dimensions with size 1 (default False).
        dtype (ember.dtype, optional): the dtype to accumulate and return in (integers and bools
            sum as int64 by default).
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[1., 2.], [3., 4.]])
        >>> ember.sum(a)
        tensor(10.)
        >>> ember.sum(a, dim=0)
        tensor([4., 6.])
        >>> a.sum(1, keepdim=True)
        tensor([[3.],
                [7.]])
    """
    if (dim is NOT_GIVEN or dim is None) and dtype is None and out is None and keepdim is False \
            and input.__class__ is Tensor:
        _result = unrecorded_unary(_sum_all, input)   # (Sum's forward, when nothing is recorded)
        if _result is not None:
            return _result
    if not isinstance(input, Tensor):     # (sum([1., 2.]) after `from torch import *`: PyTorch's TypeError)
        require_tensor(input)
    if keepdim.__class__ is not bool or (keepdim and dim is NOT_GIVEN):
        _argparse.refuse_from_stack()   # (PyTorch's parser takes a bool keepdim, with a dim only: its error)
    if dtype is None and out.__class__ is Tensor:
        dtype = out.dtype     # (PyTorch computes in out's dtype: sum(x, 1, out=int64 tensor) casts x first)
    dt = to_dtype(dtype).np_dtype if dtype is not None else None
    if dim is NOT_GIVEN:    # (PyTorch's overload without a dim; dim=None given binds the dim one: SumBackward1)
        _result = Sum.apply(input, None, keepdim, dt)
        return _result if out is None else write_out('sum', _result, out)
    dims = _dims(dim, input.ndim)
    _result = SumDim.apply(input, dims, keepdim, dt)
    if dims is None and dim is not None:
        _show_dims_given(_result, dim)
    return _result if out is None else write_out('sum', _result, out)


def _show_dims_given(result, dim):
    """A reduction over every dim that was asked for by a list (``dim=[]``) or by a 0-dim input's dim runs as
    ``dim=None``; its node shows the dims given, as PyTorch's does."""
    _sa.show_as_given(result, 'dim', _sa.int_list(dim))


@op('ember', 'Tensor')
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Returns the sum of all elements, treating ``nan`` as zero (along ``dim`` when given).

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the dtype to compute in and return.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([1., 2., float('nan'), 4.])
        >>> ember.sum(a)
        tensor(nan)
        >>> ember.nansum(a)
        tensor(7.)
        >>> ember.nansum(ember.tensor([[1., float('nan')], [3., 4.]]), dim=0)
        tensor([4., 4.])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('nansum', 'axis', axis, dim, None), take('nansum', 'keepdims', keepdims, keepdim, False)
    if isinstance(input, Tensor) and input.dtype.is_floating_point:
        if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('nansum', input._data.dtype)
        dt = to_dtype(dtype).np_dtype if dtype is not None else None
        dims = _dims(dim, input.ndim)
        _result = Nansum.apply(input, dims, keepdim, dt)
        if dims is None and dim is not None:
            _show_dims_given(_result, dim)
    elif isinstance(input, Tensor) and input.dtype.category < _FLOAT:    # no NaNs: sum's integer result
        _result = sum(input, dim, keepdim, dtype=dtype)
    else:
        if isinstance(input, Tensor) and input.dtype.is_complex and input.device.type == 'cpu':
            raise RuntimeError("nansum on CPU does not support complex inputs")
        from ember.ops.index import where
        _result = sum(where(input.isnan(), 0.0, input), dim, keepdim, dtype=dtype)
    return _result if out is None else write_out('nansum', _result, out)


def _nan_to_zero_in_layout(x):
    """``x`` with NaNs made 0, laid out with ``x``'s own strides: PyTorch's nansum adds a strided or
    narrowed view in its memory order (gaps included), which a compacted copy would change."""
    item = x.itemsize
    if x.flags.c_contiguous or x.flags.f_contiguous or not x.size or builtins.any(st < 0 or st % item for st in x.strides):
        return np.where(np.isnan(x), x.dtype.type(0), x)
    span = builtins.sum((n - 1) * st for n, st in zip(x.shape, x.strides)) // item + 1
    out = np.lib.stride_tricks.as_strided(np.empty(span, x.dtype), x.shape, x.strides)
    np.copyto(out, x)
    out[np.isnan(out)] = 0
    return out


class Nansum(Sum):
    node_name = 'NansumBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 2), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims, keepdim, np_dtype):
        ctx.save_for_backward(x)
        xp = ctx.xp
        if type(x) is np.ndarray and x.dtype.num in _CASCADE_NUMS:
            return Sum.forward(ctx, _nan_to_zero_in_layout(x), dims, keepdim, np_dtype)
        return Sum.forward(ctx, xp.where(xp.isnan(x), x.dtype.type(0), x), dims, keepdim, np_dtype)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.index import where
        x, = ctx.saved_tensors
        shape, dims, keepdim = ctx.args
        return where(x.isnan(), 0.0, _expand_back(g, shape, dims, keepdim)), None, None, None


class Mean(Primitive):
    node_name = 'MeanBackward0'
    saved_attrs = {'self_sym_numel': _sa.input_numel(), 'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.args = (x.shape, dims, keepdim)
        n = x.size if dims is None else math.prod(x.shape[d] for d in dims)
        ctx.n = n
        if n == 0:  # the mean of nothing is NaN, quietly (NumPy would warn)
            return ctx.xp.full(ctx.xp.sum(x, axis=dims, keepdims=keepdim).shape, ctx.xp.nan, x.dtype)
        acc = None
        if x.dtype.itemsize < 4:
            if x.dtype.num in FLOAT8_NUMS:     # PyTorch refuses float8 here
                _float8.check('mean', x.dtype)
            elif x.dtype.kind == 'V':   # bfloat16 (ml_dtypes) accumulates in float32 like PyTorch, then rounds back
                acc = np.float32
        if type(x) is np.ndarray and x.dtype.num in _CASCADE_NUMS and x.size and _PYTORCH_BITS[0]:
            # PyTorch's sum, then one division
            return cascade_sum(x, dims, keepdim) / x.dtype.type(n)
        return x.mean(axis=dims, keepdims=keepdim, dtype=acc).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.args
        return _expand_back(g / ctx.n, shape, dims, keepdim), None, None


class MeanDim(Mean):
    _profile_name = 'aten::mean'
    node_name = 'MeanBackward1'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 2),
                   'self_sym_numel': _sa.input_numel(), 'self_sym_sizes': _sa.input_sizes()}  # grad_fn._saved_*, read lazily


@op('ember', 'Tensor')
def mean(input, dim=NOT_GIVEN, keepdim=False, *, dtype=None, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """The mean of all elements, or along ``dim`` (floating-point and complex inputs only).

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dimension(s) to reduce; all when omitted.
        keepdim (bool): keep the reduced dimensions with size 1 (default False).
        dtype (ember.dtype, optional): the dtype to compute and return in.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[1., 2.], [3., 5.]])
        >>> a.mean()
        tensor(2.7500)
        >>> a.mean(dim=1)
        tensor([1.5000, 4.0000])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('mean', 'axis', axis, dim, NOT_GIVEN), take('mean', 'keepdims', keepdims, keepdim, False)
    if keepdim.__class__ is not bool or (keepdim and dim is NOT_GIVEN):
        _argparse.refuse_from_stack()   # (PyTorch's parser takes a bool keepdim, with a dim only: its error)
    if dtype is not None:
        input = input.to(dtype)
    try:
        category = input.dtype.category
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if category < 2:
        which = 'Input' if dtype is None else 'Optional'
        raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either a floating point or "
                           f"complex dtype. Got: {_name(input.dtype)}")
    if dim is NOT_GIVEN:    # (PyTorch's overload without a dim; dim=None given binds the dim one: MeanBackward1)
        _result = Mean.apply(input, None, keepdim)
        return _result if out is None else write_out('mean', _result, out)
    dims = _dims(dim, input.ndim)
    _result = MeanDim.apply(input, dims, keepdim)
    if dims is None and dim is not None:
        _show_dims_given(_result, dim)
    return _result if out is None else write_out('mean', _result, out)


@op('ember', 'Tensor')
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Computes the mean of all non-``nan`` elements (along ``dim`` when given): ``nan`` values are ignored rather
    than propagated. A slice of only ``nan`` gives ``nan``.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the dtype to compute in and return.
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([[float('nan'), 1., 2.], [1., 2., 3.]])
        >>> x.mean()
        tensor(nan)
        >>> x.nanmean()
        tensor(1.8000)
        >>> x.nanmean(dim=0)
        tensor([1.0000, 1.5000, 2.5000])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('nanmean', 'axis', axis, dim, None), take('nanmean', 'keepdims', keepdims, keepdim, False)
    if dtype is not None:
        dtype = to_dtype(dtype)
        if dtype.category < 2:
            raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be either a floating "
                               f"point or complex dtype. Got: {_name(dtype)}")
        input = input.to(dtype)
    elif input.dtype.category < 2:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_name(input.dtype)}")
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('nanmean', input._data.dtype)
    mask = ~input.isnan()
    result = nansum(input, dim, keepdim) / sum(mask, dim, keepdim)   # (as PyTorch: NansumBackward0 under the division)
    return result if out is None else write_out('nanmean', result, out)


def _name(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


class Prod(Primitive):
    node_name = 'ProdBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.args = (x.shape, dim, keepdim)
        low = getattr(ctx, '_opmath_dtype', None)
        if low is not None and ctx.xp is np:
            out = _half_prod(x, dim, keepdim, low)
        else:
            out = ctx.xp.prod(x, axis=dim, keepdims=keepdim, dtype=np.int64 if x.dtype.kind in 'biu' else None)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dim, keepdim = ctx.args
        dims = None if dim is None else (dim,)
        # product of all other elements: exclusive cumprods from both sides (exact with zeros)
        if dim is None:
            flat = x.reshape(-1)
            others = _prod_others(flat, 0).reshape(shape)
        else:
            others = _prod_others(x, dim)
        return _expand_back(g, shape, dims, keepdim) * others, None, None


def _in_order(a, axis, low):
    """The product along ``axis`` one element after another, rounding to ``low`` at each step (NumPy's own
    float16 reduction keeps a float32 accumulator)."""
    a = np.moveaxis(a, axis, 0)
    if a.shape[0] == 0:
        return np.ones(a.shape[1:], low)
    acc = a[0].copy()
    for i in range(1, a.shape[0]):
        acc = np.multiply(acc, a[i], dtype=low)
    return acc


def _half_prod(x, dim, keepdim, low):
    """A float16/bfloat16 product as PyTorch's CPU kernel rounds it: in the half type, step by step. Along a
    row shorter than 64, one element after another; a longer row is multiplied in four 16-lane accumulators
    per 64 elements, which are combined as (a0 * a1) * (a2 * a3), then lane after lane, then the rest of
    the row. Across rows (an outer dimension), each output is a product in order along the reduced one.
    (``x`` arrives in float32; the result goes back as float32 holding half-type values.)"""
    h = x.astype(low)
    if dim is not None and dim != x.ndim - 1:
        out = _in_order(h, dim, low)
        return (np.expand_dims(out, dim) if keepdim else out).astype(np.float32)
    rows = h.reshape(-1) if dim is None else h
    n = rows.shape[-1] // 64 * 64
    if n == 0:
        out = _in_order(rows, -1, low)
    else:
        acc = _in_order(rows[..., :n].reshape(*rows.shape[:-1], n // 64, 4, 16), -3, low)
        lanes = np.multiply(np.multiply(acc[..., 0, :], acc[..., 1, :], dtype=low),
                            np.multiply(acc[..., 2, :], acc[..., 3, :], dtype=low), dtype=low)
        out = _in_order(np.concatenate([lanes, rows[..., n:]], axis=-1), -1, low)
    out = np.asarray(out, low)
    if keepdim:
        out = out.reshape([1] * x.ndim) if dim is None else np.expand_dims(out, -1)
    return out.astype(np.float32)


class ProdDim(Prod):
    _profile_name = 'aten::prod'
    node_name = 'ProdBackward1'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'keepdim': _sa.item('args', 2), 'result': _sa.saved(1),
                   'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


def _prod_others(x, dim):
    from ember.ops.creation import ones
    from ember.ops.shape import cat, narrow
    n = x.shape[dim]
    if n == 0:
        return x
    one_shape = list(x.shape)
    one_shape[dim] = 1
    one = ones(*one_shape, dtype=x.dtype, device=x.device)
    left = cat([one, narrow(x, dim, 0, n - 1).cumprod(dim)], dim) if n > 1 else one
    rev = x.flip(dim)
    right = cat([one, narrow(rev, dim, 0, n - 1).cumprod(dim)], dim).flip(dim) if n > 1 else one
    return left * right


@op('ember', 'Tensor')
def prod(input, dim=NOT_GIVEN, keepdim=False, *, dtype=None, out=None):
    """The product of all elements, or along ``dim``.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to reduce; all when omitted.
        keepdim (bool): keep the reduced dimension with size 1 (default False).
        dtype (ember.dtype, optional): the dtype to compute and return in.

    Example::

        >>> ember.prod(ember.tensor([[1., 2.], [3., 4.]]), dim=1)
        tensor([ 2., 12.])
    """
    if keepdim.__class__ is not bool or dim is None or (keepdim and dim is NOT_GIVEN):
        _argparse.refuse_from_stack()   # (PyTorch's parser takes a bool keepdim, with an int dim only: its error)
    if dtype is None and out.__class__ is Tensor:
        dtype = out.dtype     # (PyTorch computes in out's dtype: sum(x, 1, out=int64 tensor) casts x first)
    if dtype is not None:
        input = input.to(dtype)
    if dim is NOT_GIVEN:
        _result = Prod.apply(input, None, False)
        return _result if out is None else write_out('prod', _result, out)
    dim = wrap_dim(dim, input.ndim)
    # a 0-d tensor's dim 0: the product of its one element (the whole-tensor product)
    _result = ProdDim.apply(input, dim if input.ndim else None, keepdim)
    return _result if out is None else write_out('prod', _result, out)


# --------------------------------------------------------------- max / min
_RESULT_TYPES = {}


def _named(name, fields=('values', 'indices')):
    """PyTorch's ``torch.return_types.<name>``: a named tuple printed one field per line."""
    cls = _RESULT_TYPES.get(name)
    if cls is None:
        base = collections.namedtuple(name, fields)

        def __repr__(self):
            body = ',\n'.join(f'{f}={v!r}' for f, v in zip(self._fields, self))
            return f"ember.return_types.{name}(\n{body})"
        cls = _RESULT_TYPES[name] = type(name, (base,), {'__repr__': __repr__, '__slots__': ()})
        cls.__module__ = 'ember.return_types'
    return cls


class _ExtremeAll(Primitive):
    """max()/min() over all elements: ties share the gradient evenly (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, x, take_max):
        if x.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                               "reduction dim with the 'dim' argument.")
        out = ctx.xp.max(x) if take_max else ctx.xp.min(x)
        if x.dtype.kind in 'fV' and ctx.xp.isnan(x).any():
            out = ctx.xp.asarray(ctx.xp.nan, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return ctx.xp.asarray(out)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        from ember.ops.index import where
        mask = x == out
        return where(mask, g / mask.sum().to(g.dtype), 0.0), None   # where, not a 0/1 product: 0 * inf is NaN


class MaxAll(_ExtremeAll):
    _profile_name = 'aten::max'
    node_name = 'MaxBackward1'
    saved_attrs = {'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class MinAll(_ExtremeAll):
    _profile_name = 'aten::min'
    node_name = 'MinBackward1'
    saved_attrs = {'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class _ExtremeDim(Primitive):
    @staticmethod
    def forward(ctx, x, dim, keepdim, take_max):
        xp = ctx.xp
        if x.shape[dim] == 0:
            raise IndexError(f"max(): Expected reduction dim {dim} to have non-zero size.")
        idx = xp.argmax(x, axis=dim) if take_max else xp.argmin(x, axis=dim)
        if x.dtype.kind in 'fV':
            nan = xp.isnan(x)
            if nan.any():
                idx = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim), idx)
        idx = xp.expand_dims(idx, dim)
        vals = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            vals, idx = vals.squeeze(dim), idx.squeeze(dim)
        ctx.args = (x.shape, dim, keepdim)
        ctx.save_for_backward(idx)
        ctx.mark_non_differentiable(idx)
        return vals, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, g, gi):
        idx, = ctx.saved_tensors
        shape, dim, keepdim = ctx.args
        from ember.ops.creation import zeros
        if not keepdim:
            g, idx = g.unsqueeze(dim), idx.unsqueeze(dim)
        return zeros(*shape, dtype=g.dtype, device=g.device).scatter(dim, idx, g), None, None, None


class MaxDim(_ExtremeDim):
    _profile_name = 'aten::max'
    node_name = 'MaxBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'indices': _sa.saved(0), 'keepdim': _sa.item('args', 2),
                   'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily


class MinDim(_ExtremeDim):
    _profile_name = 'aten::min'
    node_name = 'MinBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.as_int64), 'indices': _sa.saved(0), 'keepdim': _sa.item('args', 2),
                   'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily


def _extreme(input, dim, keepdim, other, take_max):
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from ember.ops.arith import maximum, minimum
        return maximum(input, other) if take_max else minimum(input, other)
    if dim is None:
        return (MaxAll if take_max else MinAll).apply(input, take_max)
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return _named('max' if take_max else 'min')(input.clone(), Tensor._make(input._xp.zeros((), np.int64)))
    v, i = (MaxDim if take_max else MinDim).apply(input, dim, keepdim, take_max)
    return _named('max' if take_max else 'min')(v, i)


@op('ember', 'Tensor')
def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """The largest element; along ``dim``, the largest values and their indices; with a second
    tensor, the element-wise maximum (as ``ember.maximum``).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to reduce.
        keepdim (bool): keep the reduced dimension with size 1 (default False).
        other (Tensor, optional): the second tensor of the element-wise maximum.
        out (Tensor or tuple, optional): the output tensor(s).

    Returns:
        A tensor, or with ``dim`` a named tuple ``(values, indices)``.

    Example::

        >>> a = ember.tensor([[1., 5.], [4., 2.]])
        >>> ember.max(a)
        tensor(5.)
        >>> ember.max(a, dim=1)
        ember.return_types.max(
        values=tensor([5., 4.]),
        indices=tensor([1, 0]))
    """
    _result = _extreme(input, dim, keepdim, other, True)
    return _result if out is None else write_out('max', _result, out)


@op('ember', 'Tensor')
def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """The smallest element; along ``dim``, the smallest values and their indices; with a second
    tensor, the element-wise minimum (as ``ember.minimum``).

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to reduce.
        keepdim (bool): keep the reduced dimension with size 1 (default False).
        other (Tensor, optional): the second tensor of the element-wise minimum.
        out (Tensor or tuple, optional): the output tensor(s).

    Returns:
        A tensor, or with ``dim`` a named tuple ``(values, indices)``.

    Example::

        >>> a = ember.tensor([[1., 5.], [4., 2.]])
        >>> ember.min(a, dim=0)
        ember.return_types.min(
        values=tensor([1., 2.]),
        indices=tensor([0, 1]))
    """
    _result = _extreme(input, dim, keepdim, other, False)
    return _result if out is None else write_out('min', _result, out)


class _AmaxAmin(Primitive):
    @staticmethod
    def forward(ctx, x, dims, keepdim, take_max):
        out = (ctx.xp.amax if take_max else ctx.xp.amin)(x, axis=dims, keepdims=True)
        ctx.save_for_backward(x, out)
        ctx.args = (x.shape, dims, keepdim)
        reduced = dims if dims is not None else range(x.ndim)
        return out if keepdim else out.reshape([s for i, s in enumerate(x.shape) if i not in reduced])

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, keepdim = ctx.args
        # NOTE: a product with the 0/1 mask, as PyTorch's amax/amin formula (so inf * 0 is NaN there too)
        mask = (x == out).to(g.dtype)
        count = mask.sum(dims if dims is not None else None, keepdim=True)
        return _expand_back(g, shape, dims, keepdim) * mask / count, None, None, None


class Amax(_AmaxAmin):
    node_name = 'AmaxBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.all_dims_as_empty), 'keepdim': _sa.item('args', 2),
                   'result': _sa.reduced_result(1),
                   'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class Amin(_AmaxAmin):
    node_name = 'AminBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.all_dims_as_empty), 'keepdim': _sa.item('args', 2),
                   'result': _sa.reduced_result(1),
                   'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


def _check_nonempty(name, input, dims):
    if input.numel():
        return
    if dims is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


@op('ember', 'Tensor')
def amax(input, dim=(), keepdim=False, *, out=None):
    """Returns the maximum value of each slice of ``input`` over the dimension(s) ``dim``.

    Unlike :func:`ember.max` with a dimension, ``amax`` returns no indices, reduces several dimensions at once,
    and spreads the gradient evenly among equal maxima.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0.25, 1.5, -2.0], [3.0, -0.5, 1.0]])
        >>> ember.amax(a, 1)
        tensor([1.5000, 3.0000])
        >>> ember.amax(a)
        tensor(3.)
    """
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    dims = _dims(dim, input.ndim)
    _check_nonempty('amax', input, dims)
    _result = Amax.apply(input, dims, keepdim, True)
    return _result if out is None else write_out('amax', _result, out)


@op('ember', 'Tensor')
def amin(input, dim=(), keepdim=False, *, out=None):
    """Returns the minimum value of each slice of ``input`` over the dimension(s) ``dim``.

    Unlike :func:`ember.min` with a dimension, ``amin`` returns no indices, reduces several dimensions at once,
    and spreads the gradient evenly among equal minima.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0.25, 1.5, -2.0], [3.0, -0.5, 1.0]])
        >>> ember.amin(a, 1)
        tensor([-2.0000, -0.5000])
        >>> ember.amin(a, (0, 1))
        tensor(-2.)
    """
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    dims = _dims(dim, input.ndim)
    _check_nonempty('amin', input, dims)
    _result = Amin.apply(input, dims, keepdim, False)
    return _result if out is None else write_out('amin', _result, out)


@op('ember', 'Tensor')
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """Computes the minimum and maximum values of ``input`` in one call.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        dim (int, optional): the dimension to reduce. Default: all of them.
        keepdim (bool, optional): whether the output keeps ``dim``. Default: ``False``.
        out (tuple of Tensors, optional): the ``(min, max)`` output tensors.

    Returns:
        A named tuple ``(min, max)``.

    Example::

        >>> ember.aminmax(ember.tensor([1, -3, 5]))
        ember.return_types.aminmax(
        min=tensor(-3),
        max=tensor(5))
        >>> ember.aminmax(ember.tensor([[1., 2.], [-4., 8.]]), dim=-1, keepdim=True)
        ember.return_types.aminmax(
        min=tensor([[ 1.],
                [-4.]]),
        max=tensor([[2.],
                [8.]]))
    """
    d = () if dim is None else dim
    from ember.ops import _one_node
    pair = _one_node.one_node(Aminmax, lambda x: (amin(x, d, keepdim), amax(x, d, keepdim)), (input,),
                              dim, keepdim)
    _result = _named('aminmax', ('min', 'max'))(*pair)
    return _result if out is None else write_out('aminmax', _result, out)


class Aminmax(Primitive):
    """``aminmax``'s one node for both results, as PyTorch's: each result's gradient shared evenly by the
    elements equal to it, as ``amin``'s and ``amax``'s."""
    node_name = 'AminmaxBackward0'
    saved_attrs = {'dim': _sa.item('args', 0, lambda v: None if v is None else _sa.as_int64(v)),
                   'keepdim': _sa.item('args', 1), 'self': _sa.saved(0), 'min': _sa.saved(1), 'max': _sa.saved(2)}

    @staticmethod
    def forward(ctx, x, dim, keepdim, value):
        ctx.args = (dim, keepdim)
        ctx.save_for_backward(x, *value)
        return value

    @staticmethod
    def backward(ctx, gmin, gmax):
        x, low, high = ctx.saved_tensors
        dim, keepdim = ctx.args
        dims = _dims(() if dim is None else dim, x.ndim)
        gx = None
        for g, r in ((gmin, low), (gmax, high)):
            if g is None:
                continue
            mask = (x == _expand_back(r, x.shape, dims, keepdim)).to(g.dtype)
            part = _expand_back(g, x.shape, dims, keepdim) * mask / mask.sum(dims, keepdim=True)
            gx = part if gx is None else gx + part
        return gx, None, None, None


def _arg(input, dim, keepdim, take_max):
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    xp = input._xp
    data = input._data
    fn = xp.argmax if take_max else xp.argmin
    if dim is None:
        if data.size == 0:
            raise IndexError(f"arg{'max' if take_max else 'min'}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = fn(data.reshape(-1))
        if data.dtype.kind in 'fV' and xp.isnan(data).any():
            r = xp.argmax(xp.isnan(data.reshape(-1)))
        out = xp.asarray(r, dtype=np.int64)
        if keepdim:
            out = out.reshape((1,) * data.ndim)
        return Tensor._make(out, input._device)
    dim = wrap_dim(dim, data.ndim)
    if data.ndim == 0:
        return Tensor._make(xp.zeros((), np.int64), input._device)
    if data.shape[dim] == 0:
        raise IndexError(f"arg{'max' if take_max else 'min'}(): Expected reduction dim {dim} to have non-zero size.")
    r = fn(data, axis=dim)
    if data.dtype.kind in 'fV':
        nan = xp.isnan(data)
        if nan.any():
            r = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim), r)
    if keepdim:
        r = xp.expand_dims(r, dim)
    return Tensor._make(r.astype(np.int64), input._device)


@op('ember', 'Tensor')
def argmax(input, dim=None, keepdim=False, *, out=None):
    """The index of the largest element (of the flattened tensor, or along ``dim``); the first one
    when several are equal.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to reduce; the flattened tensor when omitted.
        keepdim (bool): keep the reduced dimension with size 1 (default False).

    Example::

        >>> a = ember.tensor([[1., 5.], [4., 2.]])
        >>> ember.argmax(a)
        tensor(1)
        >>> ember.argmax(a, dim=1)
        tensor([1, 0])
    """
    _result = _arg(input, dim, keepdim, True)
    return _result if out is None else write_out('argmax', _result, out)


@op('ember', 'Tensor')
def argmin(input, dim=None, keepdim=False, *, out=None):
    """The index of the smallest element (of the flattened tensor, or along ``dim``); the first
    one when several are equal.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to reduce; the flattened tensor when omitted.
        keepdim (bool): keep the reduced dimension with size 1 (default False).

    Example::

        >>> ember.argmin(ember.tensor([[1., 5.], [4., 2.]]), dim=0)
        tensor([0, 1])
    """
    _result = _arg(input, dim, keepdim, False)
    return _result if out is None else write_out('argmin', _result, out)


# ---------------------------------------------------------------- var / std
class Var(Primitive):
    node_name = 'VarBackward0'
    saved_attrs = {'correction': _sa.item('args', 2, _sa.as_given), 'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 3), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.args = (x.shape, dims, correction, keepdim)
        n = x.size if dims is None else math.prod(x.shape[d] for d in dims)
        ctx.denom = builtins.max(n - correction, 0)
        ctx.save_for_backward(x)
        return _moment(ctx.xp, x, dims, correction, keepdim, ctx.xp.var)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        shape, dims, correction, keepdim = ctx.args
        centered = x - x.mean(dims, keepdim=True)
        # (no degrees of freedom left: PyTorch's infinite factor, so NaN or inf gradients, not an exception)
        return _expand_back(g, shape, dims, keepdim) * centered * (2.0 / ctx.denom if ctx.denom else math.inf), \
            None, None, None


class Std(Primitive):
    node_name = 'StdBackward0'
    saved_attrs = {'correction': _sa.item('args', 2, _sa.as_given), 'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 3), 'self': _sa.saved(0), 'result': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.args = (x.shape, dims, correction, keepdim)
        n = x.size if dims is None else math.prod(x.shape[d] for d in dims)
        ctx.denom = builtins.max(n - correction, 0)
        out = _moment(ctx.xp, x, dims, correction, keepdim, ctx.xp.std)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, correction, keepdim = ctx.args
        from ember.ops.index import where
        centered = x - x.mean(dims, keepdim=True)
        # a constant slice has std 0: PyTorch defines its gradient as 0 rather than inf/nan
        zero = out == 0
        scaled = where(zero, 0.0, g / where(zero, 1.0, out))
        return (_expand_back(scaled, shape, dims, keepdim) * centered / ctx.denom), None, None, None


def _moment(xp, x, dims, correction, keepdim, fn):
    """var/std in float64 for half and single precision: rounded once, like PyTorch's (Welford) result."""
    wide = x.astype(np.float64) if x.dtype in (np.float16, np.float32) else x
    n = x.size if dims is None else math.prod(x.shape[d] for d in dims)
    out_dtype = x.real.dtype        # a complex input's variance is real
    if n - correction > 0:
        return fn(wide, axis=dims, ddof=correction, keepdims=keepdim).astype(out_dtype, copy=False)
    import warnings
    with warnings.catch_warnings():  # the caller already gave PyTorch's warning
        warnings.simplefilter('ignore')
        with np.errstate(divide='ignore', invalid='ignore'):
            return fn(wide, axis=dims, ddof=correction, keepdims=keepdim).astype(out_dtype, copy=False)


def _var_args(name, input, dim, unbiased, correction, keepdim, out_overloads=True):
    if isinstance(dim, bool):  # var(x, unbiased) positional form
        unbiased, dim = dim, NOT_GIVEN
    # PyTorch's node shows the correction as None when the call binds its correction overload with none given:
    # neither unbiased nor a dim without a correction keyword (std(x, None) binds the dim overload: 1)
    unbiased_given = unbiased is not NOT_GIVEN
    if correction is NOT_GIVEN or correction is None:
        by_correction = not unbiased_given and (dim is NOT_GIVEN or correction is None)
        correction = _sa.OmittedInt(1) if by_correction else (1 if unbiased or not unbiased_given else 0)
    elif unbiased_given:   # no overload of PyTorch's takes both
        _argparse.refuse_from_stack()       # the parser's error for the call as the user made it
        got = ', '.join(['Tensor'] + ([type(dim).__name__] if dim is not NOT_GIVEN else [])
                        + [type(unbiased).__name__, f'correction={type(correction).__name__}'])
        out = ', *, Tensor out = None' if out_overloads else ''
        out_kw = ', Tensor out = None' if out_overloads else ''
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        f" * (Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False{out})\n"
                        f" * (Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = "
                        f"False{out_kw})\n * (Tensor input, bool unbiased = True)\n")
    try:
        category = input.dtype.category
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if category < 2:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dims(None if dim is NOT_GIVEN else dim, input.ndim)
    return dims, correction, keepdim


def _check_dof(name, input, dims, correction):
    # PyTorch's reduction factor: input numel over output numel (0 for a tensor without elements)
    n = input.numel() if dims is None or not input.numel() else int(np.prod([input.shape[d] for d in dims]))
    if n - correction <= 0:
        _user_warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                            "reduction factor (input numel divided by output numel).", UserWarning)


@op('ember', 'Tensor')
def var(input, dim=NOT_GIVEN, unbiased=NOT_GIVEN, keepdim=False, *, correction=NOT_GIVEN, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Computes the variance of ``input`` (over ``dim`` when given): ``sum((x - mean)**2) / max(0, N -
    correction)``.

    ``correction=1`` (the default, Bessel's correction) gives the unbiased sample variance; ``correction=0`` the
    population variance. ``unbiased`` is the older spelling (``True`` means ``correction=1``).

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.
        unbiased (bool, optional): whether to use Bessel's correction. Default: ``True``.

    Keyword args:
        correction (int): difference between the sample size and sample degrees of freedom. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0.25, 1.0, -2.0], [3.0, -0.5, 1.5]])
        >>> ember.var(a)
        tensor(2.9604)
        >>> ember.var(a, dim=1, keepdim=True)
        tensor([[2.4375],
                [3.0833]])
        >>> ember.var(a, correction=0)
        tensor(2.4670)
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('var', 'axis', axis, dim, NOT_GIVEN), take('var', 'keepdims', keepdims, keepdim, False)
    dims, c, keepdim = _var_args('var', input, dim, unbiased, correction, keepdim)
    _check_dof('var', input, dims, c)
    _result = Var.apply(input, dims, c, keepdim)
    if dims is None and dim is not NOT_GIVEN and dim is not None and not isinstance(dim, bool):
        _show_dims_given(_result, dim)
    return _result if out is None else write_out('var', _result, out)


@op('ember', 'Tensor')
def std(input, dim=NOT_GIVEN, unbiased=NOT_GIVEN, keepdim=False, *, correction=NOT_GIVEN, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Computes the standard deviation of ``input`` (over ``dim`` when given): the square root of
    :func:`ember.var`.

    ``correction=1`` (the default, Bessel's correction) gives the sample standard deviation; ``correction=0``
    the population one. ``unbiased`` is the older spelling.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.
        unbiased (bool, optional): whether to use Bessel's correction. Default: ``True``.

    Keyword args:
        correction (int): difference between the sample size and sample degrees of freedom. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0.25, 1.0, -2.0], [3.0, -0.5, 1.5]])
        >>> ember.std(a)
        tensor(1.7206)
        >>> ember.std(a, dim=0)
        tensor([1.9445, 1.0607, 2.4749])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('std', 'axis', axis, dim, NOT_GIVEN), take('std', 'keepdims', keepdims, keepdim, False)
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    dims, c, keepdim = _var_args('std', input, dim, unbiased, correction, keepdim)
    _check_dof('std', input, dims, c)
    _result = Std.apply(input, dims, c, keepdim)
    if dims is None and dim is not NOT_GIVEN and dim is not None and not isinstance(dim, bool):
        _show_dims_given(_result, dim)
    return _result if out is None else write_out('std', _result, out)


@op('ember')
def var_mean(input, dim=NOT_GIVEN, unbiased=NOT_GIVEN, keepdim=False, *, correction=NOT_GIVEN, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Computes the variance and mean of ``input`` (over ``dim`` when given) in one call; see :func:`ember.var`.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.
        unbiased (bool, optional): whether to use Bessel's correction. Default: ``True``.

    Keyword args:
        correction (int): difference between the sample size and sample degrees of freedom. Default: ``1``.

    Returns:
        A tuple ``(var, mean)``.

    Example::

        >>> ember.var_mean(ember.tensor([[1., 2.], [3., 5.]]), dim=1)
        (tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('var_mean', 'axis', axis, dim, NOT_GIVEN), take('var_mean', 'keepdims', keepdims, keepdim, False)
    _var_args('var_mean', input, dim, unbiased, correction, keepdim, False)
    return _moment_and_mean(VarMean, 'var', input, dim, unbiased, keepdim, correction)


@op('ember')
def std_mean(input, dim=NOT_GIVEN, unbiased=NOT_GIVEN, keepdim=False, *, correction=NOT_GIVEN, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Computes the standard deviation and mean of ``input`` (over ``dim`` when given) in one call; see
    :func:`ember.std`.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.
        unbiased (bool, optional): whether to use Bessel's correction. Default: ``True``.

    Keyword args:
        correction (int): difference between the sample size and sample degrees of freedom. Default: ``1``.

    Returns:
        A tuple ``(std, mean)``.

    Example::

        >>> ember.std_mean(ember.tensor([[1., 2.], [3., 5.]]), dim=1)
        (tensor([0.7071, 1.4142]), tensor([1.5000, 4.0000]))
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('std_mean', 'axis', axis, dim, NOT_GIVEN), take('std_mean', 'keepdims', keepdims, keepdim, False)
    _var_args('std_mean', input, dim, unbiased, correction, keepdim, False)
    return _moment_and_mean(StdMean, 'std', input, dim, unbiased, keepdim, correction)


def _moment_and_mean(node, name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var_mean(x, unbiased) positional form
        unbiased, dim = dim, NOT_GIVEN
    dims, c, keep = _var_args(name, input, dim, unbiased, correction, keepdim)
    if input.dtype.is_floating_point and dims == _dims(None if dim is NOT_GIVEN else dim, input.ndim) \
            and keep == keepdim:
        _check_dof(name, input, dims, c)
        results = node.apply(input, dims, c, keepdim)
        if dims is None and dim is not NOT_GIVEN and dim is not None:
            _show_dims_given(results[0], dim)
        return results
    moment = var if name == 'var' else std
    return moment(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


_SERIAL_WELFORD = 32768     # PyTorch's internal::GRAIN_SIZE: longer reductions are split between threads


def _welford_mean(ctx, x, dims, keepdim):
    """var_mean's and std_mean's mean. PyTorch takes it from the same Welford pass as the moment,
    in double for float32 inputs (``mean += (x - mean) / n``, value after value), rounded once to
    float32, not ``mean``'s float sum: reproduced (:func:`_welford_rounded`) while a reduction is
    shorter than the 32768 values PyTorch splits between threads; longer ones take the double mean,
    rounded (the same but where it lands within a few double ulps of a float32 midpoint)."""
    if type(x) is np.ndarray and x.dtype == np.float32 and x.size and getattr(ctx, '_opmath_dtype', None) is None:
        reduced = tuple(range(x.ndim)) if dims is None else tuple(d % x.ndim for d in dims)
        count = int(np.prod([x.shape[d] for d in reduced]))
        ctx.n = count
        if count >= _SERIAL_WELFORD:
            return x.mean(axis=dims, keepdims=keepdim, dtype=np.float64).astype(np.float32)
        # PyTorch's iterator visits the reduced elements by ascending stride (the smallest innermost)
        order = sorted(reduced, key=lambda d: -x.strides[d])
        kept = [d for d in range(x.ndim) if d not in reduced]
        out_shape = tuple(1 if d in reduced else n for d, n in enumerate(x.shape) if keepdim or d not in reduced)
        return _welford_rounded(np.transpose(x, order + kept), count, len(order)).reshape(out_shape)
    return Mean.forward(ctx, x, dims, keepdim)


_UNIT = 2.0 ** -53          # a double's unit roundoff


def _tree_sum(rows):
    """The sum of ``rows`` (n, outputs) over axis 0 in groups of 16, level after level, and the most
    additions any value takes on its way (its rounding error is at most that many units roundoff of
    the sum of magnitudes)."""
    depth = 0
    while rows.shape[0] > 16:
        groups = rows.shape[0] // 16
        summed = rows[:groups * 16].reshape(groups, 16, -1).sum(axis=1)
        if rows.shape[0] > groups * 16:
            summed = np.concatenate([summed, rows[groups * 16:].sum(axis=0, keepdims=True)])
        rows, depth = summed, depth + 16
    return rows.sum(axis=0), depth + 16


def _welford_rounded(steps, count, visited=1):
    """The double Welford mean of each column of ``steps`` (its first ``visited`` axes the values in
    visiting order, the others the outputs), rounded to float32, without its ``count`` steps where they
    cannot change the float32 result. Step ``k`` (``m += (x_k - m) / k``) errs by at most
    ``u (|m_k| + 2 |x_k - m_{k-1}| / k)`` (u: a double's unit roundoff) and the recurrence never
    amplifies an earlier error, so the Welford value lies within ``u * sum_k (...)`` of the exact
    mean; that sum is bounded from block sums (``|m_k| <= (|S_j| + sum of |x_i|, j < i <= k) / k``
    with ``S_j`` the prefix sum at the block's start, every double sum's own rounding added). Where
    the exact mean give or take the bound rounds to one float32 on both sides, that is the Welford
    value's rounding; the other outputs (rare: a double mean within about ``1e-13`` relative of a
    float32 rounding boundary) take the steps one by one."""
    by_output = steps.transpose(tuple(range(visited, steps.ndim)) + tuple(range(visited)))
    if by_output.flags.c_contiguous:            # each output's values one run in memory (a last-dim reduction)
        wide = by_output.astype(np.float64).reshape(-1, count).T
    else:
        wide = np.empty(steps.shape, np.float64)
        np.copyto(wide, steps)
        wide = wide.reshape(count, -1)
    magnitude = np.abs(wide)
    block = 16 if count >= 64 else count
    blocks = count // block
    weights = np.empty((2, count))
    weights[0] = 1.0                                     # sum |x_k|
    np.divide(1.0, np.arange(1, count + 1), out=weights[1])      # sum |x_k| / k
    with np.errstate(invalid='ignore', over='ignore'):
        total_abs, scaled_abs = np.einsum('wk,ko->wo', weights, magnitude)     # (no BLAS threads for a vector)
        covered = blocks * block
        block_abs = magnitude[:covered].reshape(blocks, block, -1).sum(axis=1)     # (blocks, outputs)
        block_sums = wide[:covered].reshape(blocks, block, -1).sum(axis=1)
        tail = count - covered
        total, depth = _tree_sum(block_sums)
        if tail:
            total = total + wide[covered:].sum(axis=0)
        depth += block + 1                               # (additions on any value's way to the total)
        starts = np.abs(np.cumsum(block_sums, axis=0) - block_sums)        # |S_j| at each block's start
        harmonic = weights[1, :covered].reshape(blocks, block).sum(axis=1)
        prefix_means = np.einsum('b,bo->o', harmonic, starts + block_abs)   # >= sum_k |S_k| / k over the blocks
        if tail:
            prefix_means = prefix_means + weights[1, covered:].sum() * total_abs
        mean = total / count
    slack = 3.1 * count * _UNIT * total_abs               # the double sums' own rounding, bounded
    with np.errstate(invalid='ignore', over='ignore'):
        drift = 1.02 * _UNIT * (3.0003 * (prefix_means + count * slack) + 2.0001 * scaled_abs + slack)
        bound = 1.05 * (drift + depth * _UNIT * total_abs / count + 3 * _UNIT * np.abs(mean)) + 1e-300
        low, high = (mean - bound).astype(np.float32), (mean + bound).astype(np.float32)
        result = mean.astype(np.float32)
    unsure = np.flatnonzero((low.view(np.int32) != high.view(np.int32)) | ~np.isfinite(bound))
    if unsure.size:
        values = steps.reshape(count, -1)[:, unsure].astype(np.float64)
        exact = np.zeros(unsure.size)
        with np.errstate(invalid='ignore', over='ignore'):
            for k in range(count):
                exact += (values[k] - exact) / (k + 1)
        result[unsure] = exact.astype(np.float32)
    return result


class VarMean(Primitive):
    """``var`` and ``mean`` from one node, as PyTorch records them."""
    node_name = 'VarMeanBackward0'
    saved_attrs = {'correction': _sa.item('args', 2, _sa.as_given), 'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 3), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once
    _moment = Var

    @classmethod
    def _forward(cls, ctx, x, dims, correction, keepdim):
        m = _welford_mean(ctx, x, dims, keepdim)     # first: the moment's forward sets what its backward reads
        n = ctx.n
        v = cls._moment.forward(ctx, x, dims, correction, keepdim)
        ctx.n = n
        ctx.materialize_grads = False   # an unused output adds nothing (its gradient stays None, as PyTorch's)
        return v, m

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        return VarMean._forward(ctx, x, dims, correction, keepdim)

    @staticmethod
    def backward(ctx, gv, gm):
        return VarMean._backward(Var, ctx, gv, gm)

    @staticmethod
    def _backward(moment, ctx, gv, gm):
        shape, dims, correction, keepdim = ctx.args
        gx = None if gv is None else moment.backward(ctx, gv)[0]
        if gm is not None:
            gmx = _expand_back(gm / ctx.n, shape, dims, keepdim)
            gx = gmx if gx is None else gx + gmx
        return gx, None, None, None


class StdMean(VarMean):
    node_name = 'StdMeanBackward0'
    saved_attrs = {'correction': _sa.item('args', 2, _sa.as_given), 'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 3), 'self': _sa.saved(0), 'result0': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        m = _welford_mean(ctx, x, dims, keepdim)
        n = ctx.n
        s = Std.forward(ctx, x, dims, correction, keepdim)
        ctx.n = n
        ctx.materialize_grads = False   # (as VarMean's)
        return s, m

    @staticmethod
    def backward(ctx, gs, gm):
        return VarMean._backward(Std, ctx, gs, gm)


# --------------------------------------------------------------------- norm
class VectorNorm(Primitive):
    _profile_name = 'aten::linalg_vector_norm'
    node_name = 'LinalgVectorNormBackward0'
    saved_attrs = {'dim': _sa.item('args', 2, _sa.int_list), 'keepdim': _sa.item('args', 3), 'ord': _sa.item('args', 1),
                   'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        out = norm_value(ctx.xp, x, p, dims)
        ctx.args = (x.shape, p, dims, keepdim, out.shape)
        if not keepdim:
            out = out.reshape([s for i, s in enumerate(x.shape) if dims is not None and i not in dims])
        out = out.astype(x.real.dtype, copy=False)     # a complex input's norm is real
        # NOTE: save the returned array itself: it then comes back as the output with its history,
        # which double backward needs (a reshaped copy would be a constant)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, p, dims, keepdim, kept = ctx.args
        if p == 0:      # the count of nonzeros: PyTorch gives it no gradient (the input is left unused)
            return None, None, None, None
        x, out = ctx.saved_tensors
        if not keepdim:
            g, out = g.reshape(kept), out.reshape(kept)
        return norm_grad(x, out, g, p, dims), None, None, None


class Norm(VectorNorm):
    """The legacy ``norm(self, p)`` of the whole tensor, the step PyTorch's own composites take
    (``norm_except_dim``): its node and saved attributes; :class:`VectorNorm`'s computation."""
    _profile_name = 'aten::norm'
    _profile_chain = ('aten::linalg_vector_norm',)     # (PyTorch's norm runs it)
    node_name = 'NormBackward0'
    saved_attrs = {'p': _sa.item('args', 1), 'result': _sa.saved(1), 'self': _sa.saved(0)}  # read lazily


def check_legacy_norm_input(input):
    """PyTorch's errors where its legacy ``norm`` is handed an integer or float8 tensor."""
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('norm', input._data.dtype)
    if input.dtype.category < 2:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_name(input.dtype)} instead.")


def legacy_norm(input, p, dim=None, keepdim=False):
    """``input``'s ``p``-norm over ``dim`` (all of it when None) as PyTorch's legacy ``at::norm`` records it
    (NormBackward0/1), for the composites of PyTorch's that end in it; a float or complex input."""
    check_legacy_norm_input(input)
    if dim is None:
        return Norm.apply(input, p, None, False)
    from ember.ops.distance import NormScalarOptDim      # (pairwise_distance's step too)
    return NormScalarOptDim.apply(input, p, _dims(dim, input.ndim), keepdim)


def norm_value(xp, x, p, dims):
    """The ``p``-norm of array ``x`` over ``dims`` (all when None), the reduced axes kept."""
    count = x.size if dims is None else math.prod(x.shape[d] for d in dims)
    if p == 2 and xp is np and x.dtype.kind == 'f' and count > 1:
        # (x * x is |x| * |x| exactly for real x: one pass fewer, the same sum)
        total = _add_reduce(x * x, dims, None, None, True)
        return np.sqrt(total, out=total)
    a = xp.abs(x)
    if p != 0 and count == 1:
        return a    # nothing to reduce: the norm is |x| itself for every order, exactly, as PyTorch's
    if p == 2:
        return xp.sqrt(xp.sum(a * a, axis=dims, keepdims=True))
    if p == math.inf:
        return xp.max(a, axis=dims, keepdims=True)
    if p == -math.inf:
        return xp.min(a, axis=dims, keepdims=True)
    if p == 0:
        return xp.sum(a != 0, axis=dims, keepdims=True).astype(x.dtype)
    if p == 1:
        return xp.sum(a, axis=dims, keepdims=True)
    return xp.sum(a ** p, axis=dims, keepdims=True) ** (1.0 / p)


def norm_grad(x, out, g, p, dims):
    """The gradient of the ``p``-norm ``out`` of tensor ``x`` over ``dims`` given its gradient ``g``
    (both with the reduced axes kept), in differentiable ops."""
    from ember.ops.index import where
    # a zero norm (all-zero slice) gets a zero gradient, as in PyTorch
    safe_out = where(out == 0, 1.0, out)
    # (grouped as PyTorch's formula groups them: its rounding)
    if p == 2:
        grad = g * (x / safe_out)
    elif p == 1:
        grad = x.sgn() * g
    elif p in (math.inf, -math.inf):
        mask = (x.abs() == out).to(g.dtype)
        grad = x.sgn() * mask * g / mask.sum(dims, keepdim=True)
    elif p == 0:
        grad = x * 0
    else:
        # |x| read as 1 where x == 0 (the factor is then multiplied by a zero): finite there for every p
        safe_abs = where(x == 0, 1.0, x.abs())
        if p < 1:       # (the norm to a positive power: a zero norm gives a zero gradient)
            grad = x.sgn() * safe_abs.pow(p - 1) * g * out.pow(1 - p)
        elif p < 2:
            grad = x.sgn() * safe_abs.pow(p - 1) * (g / safe_out.pow(p - 1))
        else:
            grad = x * safe_abs.pow(p - 2) * (g / safe_out.pow(p - 1))
    return grad


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('norm', input._data.dtype)
    if input.dtype.category < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_name(input.dtype)}")
    return VectorNorm.apply(input, ord, _dims(dim, input.ndim), keepdim)


@op('Tensor', name='norm')
def _norm_method(input, p='fro', dim=None, keepdim=False, dtype=None):
    """The vector (``p``) or matrix (``'fro'``, ``'nuc'``) norm over ``dim``, as ``ember.norm``.

    Example::

        >>> ember.tensor([3., 4.]).norm()
        tensor(5.)
    """
    return norm(input, p, dim, keepdim, dtype=dtype)


@op('ember')
def norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None):
    """The matrix or vector norm of ``input`` (deprecated in PyTorch in favour of :func:`ember.linalg.vector_norm`
    and :func:`ember.linalg.matrix_norm`).

    Args:
        input (Tensor): the input tensor.
        p (int, float, inf, -inf, 'fro' or 'nuc', optional): the order of the norm. ``'fro'`` over all elements
            is the 2-norm; ``'nuc'`` is the nuclear norm. Default: ``'fro'``.
        dim (int or tuple of ints, optional): the dimensions to reduce; all when ``None``. Default: ``None``.
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the dtype to compute and return in. Default: ``None``.

    Example::

        >>> x = ember.tensor([[3., -4.], [0., 1.]])
        >>> ember.norm(x)
        tensor(5.0990)
        >>> ember.norm(x, p=1, dim=1)
        tensor([7., 1.])
        >>> ember.norm(x, float('inf'))
        tensor(4.)
    """
    if p == 'fro' or p is None:
        p = 2
    try:
        if isinstance(p, str):      # 'nuc', or an order only matrix_norm can refuse, as PyTorch's norm hands it on
            from ember.ops.linalg_norms import matrix_norm
            result = matrix_norm(input, p, tuple(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) else dim,
                                 keepdim, dtype=dtype)
        else:
            result = vector_norm(input, p, dim, keepdim, dtype=dtype)
    except AttributeError:
        python_reads(input, 'layout')       # (PyTorch's norm, Python code, reads input.layout first)
        raise
    return result if out is None else write_out('norm', result, out)


class LogSumExp(Primitive):
    _profile_name = 'aten::logsumexp'
    node_name = 'LogsumexpBackward0'
    saved_attrs = {'dim': _sa.item('args', 1, _sa.int_list), 'keepdim': _sa.item('args', 2), 'result': _sa.saved(1),
                   'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        if x.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('logsumexp', x.dtype)
        m = xp.max(x, axis=dims, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype)
        if is_half_array(x):
            # float16/bfloat16 as PyTorch's CPU kernel: each step rounded to the half type, the sum
            # accumulated in float32 (not the whole op in float32)
            total = xp.sum(xp.exp(x - m).astype(np.float32), axis=dims, keepdims=True).astype(x.dtype)
            out = xp.log(total) + m
        else:
            out = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
        ctx.args = (x.shape, dims, keepdim, out.shape)
        if not keepdim:
            out = out.reshape([s for i, s in enumerate(x.shape) if i not in dims])
        ctx.save_for_backward(x, out)  # the returned array: double backward sees its history
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, keepdim, kept = ctx.args
        if not keepdim:
            out = out.reshape(kept)
        return _expand_back(g, shape, dims, keepdim) * (x - out).exp(), None, None


@op('ember', 'Tensor')
def logsumexp(input, dim, keepdim=False, *, out=None):
    r"""Computes ``log(sum(exp(input)))`` over the given dimensions, stably.

    The largest value is subtracted before exponentiating, so large inputs do not overflow. Also
    available as ``ember.special.logsumexp``.

    Args:
        input (Tensor): the input tensor.
        dim (int or Tuple[int]): the dimension(s) to reduce.
        keepdim (bool, optional): keep the reduced dimensions with size one. Default: ``False``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([[0., 0.], [1000., 1000.]])
        >>> ember.logsumexp(x, dim=1)
        tensor([6.9315e-01, 1.0007e+03])
    """
    if keepdim.__class__ is not bool:     # (PyTorch's parser takes a bool only: its error for the call)
        _argparse.refuse_from_stack()
    if input.dtype.category < 2:
        input = input.to(get_default_dtype())
    if input.ndim == 0:          # dim 0 or -1 of a 0-d tensor: its one element, as a one-element vector's
        wrap_dims(dim, 0)
        _result = LogSumExp.apply(input.reshape(1), (0,), False)
        return _result if out is None else write_out('logsumexp', _result, out)
    _result = LogSumExp.apply(input, wrap_dims(dim, input.ndim), keepdim)
    return _result if out is None else write_out('logsumexp', _result, out)


# ------------------------------------------------------------- cumulative ops
class Cumsum(Primitive):
    node_name = 'CumsumBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dim, np_dtype):
        ctx.dim = dim
        if np_dtype is None and x.dtype.kind in 'biu':
            np_dtype = np.int64
        if x.dtype == np.float32 and (np_dtype is None or np_dtype == np.float32) and ctx.xp is np and \
                getattr(ctx, '_opmath_dtype', None) is None:
            # PyTorch's CPU kernel carries a float32 running sum in double, rounding each output once
            return np.cumsum(x, axis=dim, dtype=np.float64).astype(np.float32, order='C')   # (contiguous)
        return ctx.xp.ascontiguousarray(ctx.xp.cumsum(x, axis=dim, dtype=np_dtype))   # contiguous, as PyTorch's

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dim).cumsum(ctx.dim).flip(ctx.dim), None, None


@op('ember', 'Tensor', inplace=True)
def cumsum(input, dim, *, dtype=None, out=None):
    """Returns the cumulative sum of ``input`` along ``dim``: ``out_i = input_1 + input_2 + ... + input_i``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to do the operation over.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the dtype to cast ``input`` to before the sum (integer and bool
            inputs otherwise give ``int64``).
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([0.5, -1.0, 2.0, 0.25])
        >>> ember.cumsum(a, dim=0)
        tensor([ 0.5000, -0.5000,  1.5000,  1.7500])
        >>> ember.cumsum(ember.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([[1, 3],
                [3, 7]])
    """
    if dtype is None and out.__class__ is Tensor:
        dtype = out.dtype     # (PyTorch computes in out's dtype: sum(x, 1, out=int64 tensor) casts x first)
    dt = to_dtype(dtype).np_dtype if dtype is not None else None
    if input.ndim == 0:
        _result = input.clone()
        return _result if out is None else write_out('cumsum', _result, out)
    _result = Cumsum.apply(input, wrap_dim(dim, input.ndim), dt)
    return _result if out is None else write_out('cumsum', _result, out)


class Cumprod(Primitive):
    node_name = 'CumprodBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = ctx.xp.ascontiguousarray(ctx.xp.cumprod(x, axis=dim, dtype=np.int64 if x.dtype.kind in 'biu' else None))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx.dim
        if not bool((x._data == 0).any()):
            # d out_j / d x_i = out_j / x_i for j >= i: exact (and analytic) while x has no zeros
            return (g * out).flip(d).cumsum(d).flip(d) / x, None
        return _cumprod_grad_with_zeros(x, out, g, d), None


def _shift(t, dim, k, fill):
    """``t`` moved k places up along ``dim``, the first k places set to ``fill``."""
    from ember.ops.creation import full
    from ember.ops.shape import cat, narrow
    n = t.shape[dim]
    k = builtins.min(k, n)
    pad_shape = list(t.shape)
    pad_shape[dim] = k
    pad = full(pad_shape, fill, dtype=t.dtype, device=t.device)
    return cat([pad, narrow(t, dim, 0, n - k)], dim) if k < n else pad


def _cumprod_grad_with_zeros(x, out, g, d):
    """cumprod's input gradient without dividing by x, so zeros are handled exactly.

    grad_i = L_i * s_i with L_i the product of the elements before i (an exclusive cumprod)
    and s_i = g_i + x_{i+1} s_{i+1}, a linear recurrence solved by a parallel prefix scan
    (log2(n) rounds of whole-tensor ops), so it is vectorised and differentiable again.
    """
    n = x.shape[d]
    # scan from the end: b_i = h_i + a_i b_{i-1} with h = flip(g), a_i = flip(x)_{i-1}
    b = g.flip(d)
    a = _shift(x.flip(d), d, 1, 0.0)
    k = 1
    while k < n:
        b = b + a * _shift(b, d, k, 0.0)
        a = a * _shift(a, d, k, 0.0)
        k *= 2
    before = _shift(out, d, 1, 1.0)
    return before * b.flip(d)


@op('ember', 'Tensor', inplace=True)
def cumprod(input, dim, *, dtype=None, out=None):
    """Returns the cumulative product of ``input`` along ``dim``: ``out_i = input_1 * input_2 * ... * input_i``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to do the operation over.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the dtype to cast ``input`` to before the product (integer and
            bool inputs otherwise give ``int64``).
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.cumprod(ember.tensor([0.5, -1.0, 2.0, 0.25]), dim=0)
        tensor([ 0.5000, -0.5000, -1.0000, -0.2500])
        >>> ember.cumprod(ember.tensor([[1, 2, 3], [4, 5, 6]]), dim=1)
        tensor([[  1,   2,   6],
                [  4,  20, 120]])
    """
    if dtype is None and out.__class__ is Tensor:
        dtype = out.dtype     # (PyTorch computes in out's dtype: sum(x, 1, out=int64 tensor) casts x first)
    if dtype is not None:
        input = input.to(dtype)
    if input.ndim == 0:
        _result = input.clone()
        return _result if out is None else write_out('cumprod', _result, out)
    _result = Cumprod.apply(input, wrap_dim(dim, input.ndim))
    return _result if out is None else write_out('cumprod', _result, out)


def _accumulate(xp, name, a, axis):
    """Running maximum/minimum along ``axis`` (NumPy's ufunc.accumulate; a log-step scan where the
    array module has no accumulate)."""
    fn = getattr(xp, name)
    if xp is np:
        return fn.accumulate(a, axis=axis)
    try:
        return fn.accumulate(a, axis=axis)
    except (AttributeError, NotImplementedError, TypeError):
        a = xp.moveaxis(a, axis, -1)
        n, k = a.shape[-1], 1
        while k < n:  # Hillis-Steele: after the round with shift k, each entry covers 2k elements
            a = xp.concatenate([a[..., :k], fn(a[..., k:], a[..., :-k])], axis=-1)
            k *= 2
        return xp.moveaxis(a, -1, axis)


def _cum_extreme(input, dim, take_max):
    xp = input._xp
    if input.ndim == 0:
        return _named('cummax' if take_max else 'cummin')(input.clone(), Tensor._make(xp.zeros((), np.int64),
                                                                                         input._device))
    dim = wrap_dim(dim, input.ndim)
    data = input._data
    acc = _accumulate(xp, 'maximum' if take_max else 'minimum', data, dim)
    n = data.shape[dim]
    ar = xp.arange(n).reshape([-1 if i == dim else 1 for i in range(data.ndim)])
    # the index of the latest element equal to the running extreme (PyTorch's tie rule)
    idx = _accumulate(xp, 'maximum', xp.where(data == acc, ar, 0), dim)
    idx_t = Tensor._make(idx.astype(np.int64), input._device)
    name = 'cummax' if take_max else 'cummin'
    from ember.ops.index import take_along_named
    return _named(name)(take_along_named('CummaxBackward0' if take_max else 'CumminBackward0', input, dim, idx_t),
                        idx_t)


@op('ember', 'Tensor')
def cummax(input, dim, *, out=None):
    """Returns the cumulative maximum of ``input`` along ``dim`` and the index of each running maximum.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to do the operation over.

    Keyword args:
        out (tuple, optional): the ``(values, indices)`` output tensors.

    Returns:
        A named tuple ``(values, indices)``.

    Example::

        >>> ember.cummax(ember.tensor([1., 3., 2., 5., 4.]), dim=0)
        ember.return_types.cummax(
        values=tensor([1., 3., 3., 5., 5.]),
        indices=tensor([0, 1, 1, 3, 3]))
    """
    _result = _cum_extreme(input, dim, True)
    return _result if out is None else write_out('cummax', _result, out)


@op('ember', 'Tensor')
def cummin(input, dim, *, out=None):
    """Returns the cumulative minimum of ``input`` along ``dim`` and the index of each running minimum.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to do the operation over.

    Keyword args:
        out (tuple, optional): the ``(values, indices)`` output tensors.

    Returns:
        A named tuple ``(values, indices)``.

    Example::

        >>> ember.cummin(ember.tensor([3., 1., 2., 0., 4.]), dim=0)
        ember.return_types.cummin(
        values=tensor([3., 1., 1., 0., 0.]),
        indices=tensor([0, 1, 1, 3, 3]))
    """
    _result = _cum_extreme(input, dim, False)
    return _result if out is None else write_out('cummin', _result, out)


class LogCumSumExp(Primitive):
    _profile_name = 'aten::logcumsumexp'
    node_name = 'LogcumsumexpBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # half inputs accumulate in float32, rounded once (as PyTorch's kernel)

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = ctx.xp
        if xp is np:
            out = np.logaddexp.accumulate(x, axis=dim)  # stable: no exp of large values
        else:
            m = xp.max(x, axis=dim, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)
            out = xp.log(xp.cumsum(xp.exp(x - m), axis=dim)) + m
        out = xp.ascontiguousarray(out)   # contiguous, as PyTorch's
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        from ember.ops.index import where
        x, out = ctx.saved_tensors
        d = ctx.dim

        def rev_lcse(v):
            return logcumsumexp(v.flip(d), d).flip(d)
        # grad_j = sum_{i>=j} g_i exp(x_j - out_i), summed in log space for the positive and the
        # negative parts of g separately, so nothing overflows (every x_j - out_i <= 0)
        pos, neg = g > 0, g < 0
        log_pos = where(pos, where(pos, g, 1.0).log(), -math.inf)
        log_neg = where(neg, where(neg, -g, 1.0).log(), -math.inf)
        # out_i = -inf only where every x_j (j <= i) is -inf too: those terms are 0, not -inf - -inf
        out = where(out == -math.inf, 0.0, out)
        return (x + rev_lcse(log_pos - out)).exp() - (x + rev_lcse(log_neg - out)).exp(), None


@op('ember', 'Tensor')
def logcumsumexp(input, dim=NOT_GIVEN, *, out=None, axis=NOT_GIVEN):
    """Returns the logarithm of the cumulative summation of the exponentials of ``input`` along ``dim``, computed
    stably: ``out_i = log(sum_{j<=i} exp(input_j))``.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to do the operation over.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.logcumsumexp(ember.tensor([0., 1., 2., -100.]), dim=0)
        tensor([0.0000, 1.3133, 2.4076, 2.4076])
    """
    if dim is NOT_GIVEN or axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take_required('logcumsumexp', 'dim', 'axis', axis, dim)
    if input.dtype.category < 2:
        input = input.to(get_default_dtype())
    if input.ndim == 0:
        _result = input.clone()
        return _result if out is None else write_out('logcumsumexp', _result, out)
    _result = LogCumSumExp.apply(input, wrap_dim(dim, input.ndim))
    return _result if out is None else write_out('logcumsumexp', _result, out)


# ------------------------------------------------------------- all / any
def _logical_reduce(name, input, dim, keepdim):
    try:
        fn = getattr(input._xp, name)
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if keepdim.__class__ is not bool:
        _argparse.refuse_from_stack()   # (keepdim=1: PyTorch takes only a bool)
    axis = _dims(dim, input.ndim)
    out = input._xp.asarray(fn(input._data, axis=axis, keepdims=keepdim))
    if input._data.dtype == np.uint8:  # PyTorch keeps uint8 for uint8 input
        out = out.astype(np.uint8)
    return Tensor._make(out, input._device)


@op('ember', 'Tensor')
def all(input, dim=None, keepdim=False, *, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Tests whether all elements of ``input`` evaluate to ``True`` (over ``dim`` when given).

    The result is a bool tensor, except for ``uint8`` input, which gives ``uint8`` (as PyTorch does).

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[True, False], [True, True]])
        >>> ember.all(a)
        tensor(False)
        >>> ember.all(a, dim=0)
        tensor([ True, False])
        >>> ember.all(a, dim=1, keepdim=True)
        tensor([[False],
                [ True]])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('all', 'axis', axis, dim, None), take('all', 'keepdims', keepdims, keepdim, False)
    _result = _logical_reduce('all', input, dim, keepdim)
    return _result if out is None else write_out('all', _result, out)


@op('ember', 'Tensor')
def any(input, dim=None, keepdim=False, *, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """Tests whether any element of ``input`` evaluates to ``True`` (over ``dim`` when given).

    The result is a bool tensor, except for ``uint8`` input, which gives ``uint8`` (as PyTorch does).

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        dim (int or tuple of ints, optional): the dimension or dimensions to reduce. Default: all of them.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0., 0.], [0., 2.5]])
        >>> ember.any(a)
        tensor(True)
        >>> ember.any(a, dim=1)
        tensor([False,  True])
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('any', 'axis', axis, dim, None), take('any', 'keepdims', keepdims, keepdim, False)
    _result = _logical_reduce('any', input, dim, keepdim)
    return _result if out is None else write_out('any', _result, out)


# ------------------------------------------------------------ sort / topk
@op('ember', 'Tensor', guard=True)
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """The elements sorted along ``dim`` and the indices that sort them.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to sort (default the last).
        descending (bool): largest first (default False).
        stable (bool): keep the order of equal elements (default False).

    Returns:
        A named tuple ``(values, indices)``.

    Example::

        >>> ember.sort(ember.tensor([3., 1., 2.]), descending=True)
        ember.return_types.sort(
        values=tensor([3., 2., 1.]),
        indices=tensor([0, 2, 1]))
    """
    if isinstance(dim, bool):
        descending, dim = dim, -1
    nd = input.ndim
    if nd == 0:
        _result = _named('sort')(input.clone(), Tensor._make(input._xp.zeros((), np.int64), input._device))
        return _result if out is None else write_out('sort', _result, out)
    dim = wrap_dim(dim, input.ndim)
    idx = _argsort(input, dim, descending)
    if input.dtype in BAREBONES:
        # NOTE: PyTorch sorts uint16/32/64 but refuses gather for them; no gradient to keep here
        values = Tensor._make(input._xp.take_along_axis(input._data, idx._data, axis=dim), input._device)
    else:
        from ember.ops.index import take_along_named
        values = take_along_named('SortBackward0', input, dim, idx)
    _result = _named('sort')(values, idx)
    return _result if out is None else write_out('sort', _result, out)


def _argsort(input, dim, descending):
    xp = input._xp
    data = input._data
    if data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('sort', data.dtype)
    if descending:
        # stable descending: sort the negated order of a reversed copy, keeping first occurrences first
        if data.dtype == np.bool_:
            data = data.astype(np.int8)
        n = data.shape[dim]
        rev = xp.flip(data, axis=dim)
        idx = xp.argsort(rev, axis=dim, kind='stable')
        idx = xp.flip(idx, axis=dim)
        idx = n - 1 - idx
        # NaN sorts as largest in PyTorch: argsort puts NaN last, so reversing puts it first
    else:
        idx = xp.argsort(data, axis=dim, kind='stable')
    return Tensor._make(idx.astype(np.int64), input._device)


@op('ember', 'Tensor')
def argsort(input, dim=-1, descending=False, stable=False, *, out=None, axis=NOT_GIVEN):
    """Returns the indices that sort ``input`` along ``dim`` in ascending order (descending with
    ``descending=True``): the second value of :func:`ember.sort`.

    Args:
        input (Tensor): the input tensor.
        dim (int, optional): the dimension to sort along. Default: ``-1``.
        descending (bool, optional): sort in descending order. Default: ``False``.
        stable (bool, optional): keep the order of equivalent elements. Default: ``False``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -2.0]])
        >>> ember.argsort(a, dim=1)
        tensor([[1, 0, 2],
                [2, 1, 0]])
        >>> ember.argsort(a, dim=0, descending=True)
        tensor([[1, 1, 0],
                [0, 0, 1]])
    """
    if axis is not NOT_GIVEN:     # NumPy's name, as PyTorch's parser takes it
        dim = take('argsort', 'axis', axis, dim, -1)
    if input.ndim == 0:
        _result = Tensor._make(input._xp.zeros((), np.int64), input._device)
        return _result if out is None else write_out('argsort', _result, out)
    try:
        _result = _argsort(input, wrap_dim(dim, input.ndim), descending)
    except TypeError:       # a dim not an int (wrap_dim lets 1.5 through): PyTorch's argument error
        _argparse.refuse_from_stack()
        raise
    return _result if out is None else write_out('argsort', _result, out)


@op('ember', 'Tensor')
def msort(input, *, out=None):
    """Sorts the elements of ``input`` along its first dimension in ascending order: ``ember.sort(input,
    dim=0).values``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.msort(ember.tensor([[3, 1], [2, 4], [1, 0]]))
        tensor([[1, 0],
                [2, 1],
                [3, 4]])
    """
    _result = sort(input, 0).values
    return _result if out is None else write_out('msort', _result, out)


@op('ember', 'Tensor')
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices.

    Args:
        input (Tensor): the input tensor.
        k (int): how many elements.
        dim (int): the dimension to search (default the last).
        largest (bool): the largest (default) or the smallest elements.
        sorted (bool): return them in order (default True). With ``False`` the order is the one
            PyTorch's CPU kernel leaves (its selection algorithm's arrangement), which takes ember
            longer when ``64 * k`` exceeds the dimension's size.
        out (tuple, optional): the ``(values, indices)`` output tensors.

    Returns:
        A named tuple ``(values, indices)``.

    Example::

        >>> ember.topk(ember.tensor([1., 7., 3., 9.]), 2)
        ember.return_types.topk(
        values=tensor([9., 7.]),
        indices=tensor([3, 1]))
    """
    dim = wrap_dim(dim, input.ndim) if input.ndim else 0
    size = input.shape[dim] if input.ndim else 1
    if k > size or k < 0:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:          # a 0-d tensor's one element, for k 0 or 1 alike (as PyTorch)
        values, indices = topk(input.reshape(1), 1, 0, largest)     # (one element: sorted either way)
        _result = _named('topk')(values.reshape(()), indices.reshape(()))
        return _result if out is None else write_out('topk', _result, out)
    if input._xp is np:
        if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('topk', input._data.dtype)
        if input.dtype.is_complex or input._data.dtype == np.bool_:     # (PyTorch's CPU kernel has neither)
            raise RuntimeError(f"{' ' if input.dtype.is_complex else ''}topk does not support "
                               f"{'complex' if input.dtype.is_complex else 'bool'} dtypes on CPU")
        idx = _topk_index(input, k, dim, largest, sorted)
    else:   # (a GPU: PyTorch's CUDA kernel orders ties its own way too; ember's is stable there)
        idx = _argsort(input, dim, largest)
        from ember.ops.shape import narrow
        idx = narrow(idx, dim, 0, k)
    from ember.ops.index import take_along_named
    _result = _named('topk')(take_along_named('TopkBackward0', input, dim, idx), idx)
    return _result if out is None else write_out('topk', _result, out)


def _topk_index(input, k, dim, largest, sorted_):
    """topk's int64 indices along ``dim`` of a CPU tensor, chosen and ordered as PyTorch's CPU kernel does
    (ember.ops._topk_select). (One function: a graph capture records it whole, as ArgSort for sort.)"""
    from ember.ops._topk_select import topk_indices
    moved = np.moveaxis(input._data, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    idx = topk_indices(rows, k, largest, sorted_)
    return Tensor._make(np.moveaxis(idx.reshape(moved.shape[:-1] + (k,)), -1, dim), input._device)


def _kth_index(input, k, dim):
    """kthvalue's int64 index along ``dim`` of a CPU tensor (size 1 there), picked among equal values as
    PyTorch's CPU kernel does (ember.ops._topk_select). (One function: a graph capture records it whole.)"""
    from ember.ops._topk_select import kthvalue_indices
    moved = np.moveaxis(input._data, dim, -1)
    idx = kthvalue_indices(moved.reshape(-1, moved.shape[-1]), k)
    return Tensor._make(np.moveaxis(idx.reshape(moved.shape[:-1] + (1,)), -1, dim), input._device)


@op('ember', 'Tensor')
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """Returns the ``k``-th smallest element of each row of ``input`` along ``dim``, and its index.

    Args:
        input (Tensor): the input tensor.
        keepdim (bool): whether the output keeps ``dim``. Default: ``False``.
        k (int): which smallest element (1-based).
        dim (int, optional): the dimension to find the value along. Default: ``-1``.

    Keyword args:
        out (tuple, optional): the ``(values, indices)`` output tensors.

    Returns:
        A named tuple ``(values, indices)``.

    Example::

        >>> x = ember.tensor([5., 1., 4., 2., 3.])
        >>> ember.kthvalue(x, 2)
        ember.return_types.kthvalue(
        values=tensor(2.),
        indices=tensor(3))
        >>> ember.kthvalue(ember.tensor([[1., 9.], [7., 3.]]), 1, 0, True)
        ember.return_types.kthvalue(
        values=tensor([[1., 3.]]),
        indices=tensor([[0, 1]]))
    """
    if input.ndim == 0:
        dim = wrap_dim(dim, 0)
        if k != 1:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
        _result = _named('kthvalue')(input.clone(), Tensor._make(input._xp.zeros((), np.int64), input._device))
        return _result if out is None else write_out('kthvalue', _result, out)
    dim = wrap_dim(dim, input.ndim)
    if input._data.dtype == np.bool_:
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    if not 1 <= k <= input.shape[dim]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if input._xp is np:
        idx = _kth_index(input, k, dim)
    else:   # (a GPU: PyTorch's CUDA kernel picks among ties its own way too; ember's is stable there)
        idx = _argsort(input, dim, False)
        from ember.ops.shape import narrow
        idx = narrow(idx, dim, k - 1, 1)
    if not keepdim:
        idx_out = idx.squeeze(dim)
    from ember.ops.index import take_along_named
    vals = take_along_named('KthvalueBackward0', input, dim, idx, (idx_out if not keepdim else idx).shape)
    _result = _named('kthvalue')(vals, idx_out if not keepdim else idx)
    return _result if out is None else write_out('kthvalue', _result, out)


@op('ember', 'Tensor')
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median; NaN when the slice holds a NaN (use nanmedian to skip them).

    Example::

        >>> a = ember.tensor([[1., 5., 2.], [4., 3., 6.]])
        >>> ember.median(a)
        tensor(3.)
        >>> ember.median(a, dim=1)
        ember.return_types.median(
        values=tensor([2., 4.]),
        indices=tensor([2, 0]))
    """
    _result = _median(input, dim, keepdim, skip_nan=False)
    return _result if out is None else write_out('median', _result, out)


@op('ember', 'Tensor')
def nanmedian(input, dim=None, keepdim=False, *, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """The lower median of the non-NaN values.

    Example::

        >>> ember.nanmedian(ember.tensor([1., float('nan'), 3., 2.]))
        tensor(2.)
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('nanmedian', 'axis', axis, dim, None), take('nanmedian', 'keepdims', keepdims, keepdim, False)
    _result = _median(input, dim, keepdim, skip_nan=True)
    return _result if out is None else write_out('nanmedian', _result, out)


def _median(input, dim, keepdim, skip_nan):
    name = 'nanmedian' if skip_nan else 'median'
    whole = dim is None
    x = input.reshape(-1) if whole else input
    if x.ndim == 0:
        x = x.reshape(1)
    d = 0 if whole or input.ndim == 0 else wrap_dim(dim, input.ndim)
    if whole and x.shape[0] == 0:
        # PyTorch's median of nothing: NaN (the lowest value for integers); the pad keeps the graph
        from ember.ops.shape import cat
        kind = x._data.dtype
        fill = math.nan if kind.kind in 'fc' else (np.iinfo(kind).min if kind.kind in 'iu' else False)
        return cat([x, x.new_full((1,), fill)])[0]
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    xp = x._xp
    data = x._data
    idx = _argsort(x, d, False)._data  # NaNs sort last
    isnan = xp.isnan(data) if data.dtype.kind in 'fV' else xp.zeros(data.shape, bool)
    n_valid = (~isnan).sum(axis=d, keepdims=True)
    if skip_nan:
        k = xp.maximum(n_valid - 1, 0) // 2
    else:
        k = xp.full(n_valid.shape, (data.shape[d] - 1) // 2)
    pos = xp.take_along_axis(idx, k, axis=d)
    if not skip_nan:  # a NaN anywhere makes the median NaN, at the first NaN's index
        has_nan = isnan.any(axis=d, keepdims=True)
        pos = xp.where(has_nan, xp.argmax(isnan, axis=d).reshape(has_nan.shape), pos)
    pos_t = Tensor._make(pos.astype(np.int64), x._device)
    from ember.ops.index import take_along_named
    node = ('Nanmedian' if skip_nan else 'Median') + ('Backward0' if whole else 'Backward1')
    if whole:
        return take_along_named(node, input, d, pos_t, (), flat=True)
    out_pos = pos_t.squeeze(d) if not keepdim and input.ndim else pos_t.reshape(()) if input.ndim == 0 else pos_t
    vals = take_along_named(node, input, d, pos_t, out_pos.shape, flat=input.ndim == 0)
    return _named(name)(vals, out_pos)


@op('ember', 'Tensor')
def mode(input, dim=-1, keepdim=False, *, out=None, axis=NOT_GIVEN, keepdims=NOT_GIVEN):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    index of its last occurrence, as PyTorch returns them.  Vectorised: sort, then measure runs.

    Example::

        >>> ember.mode(ember.tensor([[1, 2, 2], [3, 3, 1]]), dim=1)
        ember.return_types.mode(
        values=tensor([2, 3]),
        indices=tensor([2, 1]))
    """
    if axis is not NOT_GIVEN or keepdims is not NOT_GIVEN:     # NumPy's names, as PyTorch's parser takes them
        dim, keepdim = take('mode', 'axis', axis, dim, -1), take('mode', 'keepdims', keepdims, keepdim, False)
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('mode_cpu', input._data.dtype)
    xp = input._xp
    if input.ndim == 0:
        _result = _named('mode')(input.clone(), Tensor._make(xp.zeros((), np.int64), input._device))
        return _result if out is None else write_out('mode', _result, out)
    dim = wrap_dim(dim, input.ndim)
    data = xp.moveaxis(input._data, dim, -1)
    n = data.shape[-1]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {dim} to have non-zero size.")
    s = xp.sort(data, axis=-1)
    ar = xp.arange(n)
    new_run = xp.concatenate([xp.ones(s.shape[:-1] + (1,), bool), s[..., 1:] != s[..., :-1]], axis=-1)
    start = _accumulate(xp, 'maximum', xp.where(new_run, ar, 0), -1)
    ends_run = xp.concatenate([new_run[..., 1:], xp.ones(s.shape[:-1] + (1,), bool)], axis=-1)
    end = xp.flip(_accumulate(xp, 'minimum', xp.flip(xp.where(ends_run, ar, n), axis=-1), -1), axis=-1)
    count = end - start + 1
    best = xp.argmax(count, axis=-1)[..., None]  # first maximum: the smallest value
    value = xp.take_along_axis(s, best, axis=-1)
    last = xp.max(xp.where(data == value, ar, -1), axis=-1)
    v = Tensor._make(value[..., 0].copy(), input._device)
    i = Tensor._make(last.astype(np.int64), input._device)
    if keepdim:
        v, i = v.unsqueeze(dim), i.unsqueeze(dim)
    _result = _named('mode')(v, i)
    return _result if out is None else write_out('mode', _result, out)


@op('ember', 'Tensor')
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Returns the unique elements of ``input`` (sorted), and optionally where each input element went and how
    often each value occurs.

    Args:
        input (Tensor): the input tensor.
        sorted (bool): return the unique elements in ascending order. Default: ``True``.
        return_inverse (bool): also return, for each input element, the index of its value in the output.
            Default: ``False``.
        return_counts (bool): also return the number of occurrences of each unique value. Default: ``False``.
        dim (int, optional): the dimension along which unique slices are found; by default the input is
            flattened.

    Returns:
        A tensor, or a tuple of the output, the inverse indices (if requested) and the counts (if requested).

    Example::

        >>> output = ember.unique(ember.tensor([1, 3, 2, 3], dtype=ember.long))
        >>> output
        tensor([1, 2, 3])
        >>> output, inverse = ember.unique(ember.tensor([1, 3, 2, 3]), sorted=True, return_inverse=True)
        >>> inverse
        tensor([0, 2, 1, 2])
        >>> ember.unique(ember.tensor([[2, 3], [2, 3], [1, 1]]), dim=0, return_counts=True)
        (tensor([[1, 1],
                [2, 3]]), tensor([1, 2]))
    """
    xp = input._xp
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('unique', input._data.dtype)
    res = xp.unique(input._data, return_inverse=return_inverse, return_counts=return_counts, axis=dim)
    if not (return_inverse or return_counts):
        return Tensor._make(res, input._device)
    out = [Tensor._make(res[0], input._device)]
    k = 1
    if return_inverse:
        inverse = res[k].reshape(input.shape) if dim is None else res[k].reshape(-1)   # along dim: one per slice
        out.append(Tensor._make(inverse.astype(np.int64), input._device))
        k += 1
    if return_counts:
        out.append(Tensor._make(res[k].astype(np.int64), input._device))
    return tuple(out)


@op('ember', 'Tensor')
def bincount(input, weights=None, minlength=0):
    """Counts how often each non-negative integer appears in a 1-D integer tensor.

    The result has ``max(input) + 1`` bins (at least ``minlength``); with ``weights``, each occurrence adds its
    weight instead of 1.

    Args:
        input (Tensor): 1-D tensor of non-negative integers.
        weights (Tensor, optional): a weight for each value of ``input``, of the same size.
        minlength (int): the minimum number of bins. Default: ``0``.

    Example::

        >>> ember.bincount(ember.tensor([4, 3, 6, 3, 4]))
        tensor([0, 0, 0, 2, 2, 0, 1])
        >>> ember.bincount(ember.tensor([0, 1, 1]), weights=ember.tensor([0.5, 0.25, 1.0]))
        tensor([0.5000, 1.2500])
        >>> ember.bincount(ember.tensor([1]), minlength=4)
        tensor([0, 1, 0, 0])
    """
    xp = input._xp
    data = input._data
    if data.ndim != 1 or data.dtype.kind not in 'iu' or (data.size and int(data.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and tuple(weights.shape) != tuple(input.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    w = weights._data if weights is not None else None
    r = xp.bincount(data, weights=w, minlength=minlength)
    if w is None:
        return Tensor._make(r.astype(np.int64), input._device)
    # float weights keep their dtype; other weights count in float64 (PyTorch's rule)
    return Tensor._make(r.astype(w.dtype if w.dtype.kind in 'fV' else np.float64), input._device)


@op('ember', 'Tensor')
def histc(input, bins=100, min=0, max=0, *, out=None):
    """Computes the histogram of ``input``: ``bins`` equal-width bins between ``min`` and ``max``; values outside
    are ignored. With ``min`` and ``max`` both zero, the data's own minimum and maximum are used.

    Args:
        input (Tensor): the input tensor (floating point).
        bins (int): number of histogram bins. Default: ``100``.
        min (Scalar): lower end of the range (inclusive). Default: ``0``.
        max (Scalar): upper end of the range (inclusive). Default: ``0``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.histc(ember.tensor([1., 2, 1]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    xp = input._xp
    data = input._data
    lo, hi = (float(data.min()), float(data.max())) if min == max else (float(min), float(max))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    # as PyTorch's kernel: the edges in the input's dtype, each value's bin by one division in that dtype
    # ((x - left) * bins / (right - left), truncated), the right edge counted in the last bin
    left, right = xp.asarray(lo, dtype=data.dtype), xp.asarray(hi, dtype=data.dtype)
    inside = data[(data >= left) & (data <= right)]
    pos = ((inside - left) * data.dtype.type(bins) / (right - left)).astype(xp.int64)
    pos[pos == bins] = bins - 1
    h = xp.bincount(pos.reshape(-1), minlength=bins)
    _result = Tensor._make(xp.asarray(h, dtype=data.dtype), input._device)
    return _result if out is None else write_out('histc', _result, out)
