"""Reductions into indexed positions: ``scatter_reduce`` (sum, prod, mean, amax, amin, with or
without the destination's own values), ``index_reduce`` and ``index_copy``, with PyTorch's gradients
(ties of amax/amin share the gradient evenly; products exclude the element itself, zeros included).
"""

import numpy as np

from ember import backend
from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.ops import _float8
from ember.autograd.function import Primitive
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember.ops._util import wrap_dim
from ember import _user_warnings
from ember.autograd import _saved_attrs as _sa

_UFUNC = {'sum': 'add', 'mean': 'add', 'prod': 'multiply', 'amax': 'maximum', 'amin': 'minimum'}


def _where(cond, a, b):
    from ember.ops.index import where
    return where(cond, a, b)


def _full_index(xp, index, dim):
    """NumPy fancy-index tuple sending ``src[i, j, ...]`` to ``out[..., index[i, j, ...], ...]``."""
    grids = list(xp.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


def _scatter_at(xp, ufunc, out, key, values):
    backend.scatter_ufunc(ufunc, out, key, values)


class ScatterReduce(Primitive):
    node_name = 'ScatterReduceBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'include_self': _sa.item('args', 2), 'index': _sa.saved(1),
                   'reduce': _sa.item('args', 1), 'result': _sa.saved(3), 'self': _sa.saved(0),
                   'src': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        xp = ctx.xp
        ctx.src_shape = src.shape
        saved_x, saved_index, saved_src = x, index, src     # (src whole, as PyTorch keeps it; backward trims it)
        if src.shape != index.shape:  # only the part of src that index covers is scattered (PyTorch's rule)
            src = src[tuple(slice(0, n) for n in index.shape)]
        shape = x.shape
        # a 0-d tensor (self, index or src) takes part as a one-element vector, as in PyTorch
        x, index, src = (a.reshape(1) if a.ndim == 0 else a for a in (x, index, src))
        key = _full_index(xp, index, dim)
        hit = xp.zeros(x.shape, dtype=bool)
        hit[key] = True
        out = x.copy()
        if not include_self:  # scattered-to positions start from the reduction's identity
            identity = {'sum': 0, 'mean': 0, 'prod': 1,
                        'amax': -np.inf if x.dtype.kind in 'fV' else np.iinfo(x.dtype).min,
                        'amin': np.inf if x.dtype.kind in 'fV' else np.iinfo(x.dtype).max}[reduce]
            out[hit] = identity
        _scatter_at(xp, _UFUNC[reduce], out, key, src)
        count = None
        if reduce == 'mean':
            count = xp.zeros(x.shape, dtype=np.int64)
            _scatter_at(xp, 'add', count, key, xp.ones(src.shape, np.int64))
            if include_self:
                count = count + 1
            count = xp.maximum(count, 1)
            out = out // count.astype(out.dtype) if out.dtype.kind in 'iub' else out / count.astype(out.dtype)
        out, hit = out.reshape(shape), hit.reshape(shape)
        count = None if count is None else count.reshape(shape)
        ctx.args = (dim, reduce, include_self, hit, count)
        ctx.save_for_backward(saved_x, saved_index, saved_src, out)
        return out

    @classmethod
    def backward(cls, ctx, g):
        dim, reduce, include_self, hit, count = ctx.args
        x, index, src, out = ctx.saved_tensors
        index = cls._scatter_index(ctx, index)
        if tuple(src.shape) != tuple(index.shape):
            src = src[tuple(slice(0, n) for n in index.shape)]
        hit = g.new_tensor(hit).bool() if not isinstance(hit, Tensor) else hit
        untouched = _where(hit, 0.0, g)
        if reduce == 'sum':
            gx = g if include_self else untouched
            gsrc = g.gather(dim, index)
        elif reduce == 'mean':
            n = g.new_tensor(count).to(g.dtype)
            share = g / n
            gx = share if include_self else untouched
            gsrc = share.gather(dim, index)
        elif reduce == 'prod':
            gx, gsrc = _prod_grads(g, x, index, src, out, dim, include_self, untouched)
        else:  # amax / amin: the elements equal to the result share its gradient
            picked_src = src == out.gather(dim, index)
            # NOTE: PyTorch counts the destination's own value among the ties even when
            # include_self=False (it then gets no gradient itself); ember shares the same way
            picked_x = x == out
            ties = picked_x.to(g.dtype).scatter_add(dim, index, picked_src.to(g.dtype))
            share = g / _where(ties == 0, 1.0, ties)
            gx = _where(hit, _where(picked_x, share, 0.0), g) if include_self else untouched
            gsrc = _where(picked_src, share.gather(dim, index), 0.0)
        if tuple(gsrc.shape) != tuple(ctx.src_shape):  # the unscattered rest of src gets zero
            from ember.ops.padding import pad
            widths = []
            for have, want in zip(reversed(gsrc.shape), reversed(ctx.src_shape)):
                widths += [0, want - have]
            gsrc = pad(gsrc, widths)
        return gx, None, None, gsrc, None, None

    @staticmethod
    def _scatter_index(ctx, index):
        """The index, as saved, that sends each element of src to its place in the result."""
        return index


class IndexReduce(ScatterReduce):
    """``index_reduce``'s one node (PyTorch's ``IndexReduceBackward0``, keeping the 1-d index it was given):
    ``forward`` hands back the value reduced outside; the gradients are scatter_reduce's, along the index
    spread over the source.  The index comes as an array, not a tensor input: as in PyTorch, the node's
    ``next_functions`` lead to ``self`` and ``source`` only."""
    node_name = 'IndexReduceBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_names = ('self', 'index', 'source', 'result')
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'include_self': _sa.item('args', 2), 'index': _sa.saved(1),
                   'reduce': _sa.item('args', 1), 'result': _sa.saved(3), 'self': _sa.saved(0),
                   'source': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, src, index, dim, reduce, include_self, value):
        ctx.src_shape = src.shape
        ctx.args = (dim, reduce, include_self)
        ctx.save_for_backward(x, index, src, value)
        return value

    @staticmethod
    def _written(ctx, x_shape, index):
        """Where the index writes along dim, and (mean) how many values each position averages: what
        scatter_reduce's backward reads (found here, in the backward, so the forward costs nothing more)."""
        xp = ctx.xp
        dim, reduce, include_self = ctx.args[:3]
        index = index._data
        n = x_shape[dim] if x_shape else 1
        spread = [1] * max(len(x_shape), 1)
        spread[dim] = n
        written = xp.bincount(index.reshape(-1), minlength=n)
        hit = xp.broadcast_to((written > 0).reshape(spread), x_shape or (1,)).reshape(x_shape)
        count = None
        if reduce == 'mean':
            count = xp.maximum(written + int(include_self), 1).reshape(spread)
            count = xp.broadcast_to(count, x_shape or (1,)).reshape(x_shape)
        return hit, count

    @classmethod
    def backward(cls, ctx, g):
        x, index = ctx.saved_tensors[:2]
        ctx.args = ctx.args[:3] + cls._written(ctx, tuple(x.shape), index)
        gx, _, _, gsrc, _, _ = super().backward(ctx, g)
        return gx, gsrc, None, None, None, None, None

    @staticmethod
    def _scatter_index(ctx, index):
        shape = [1] * len(ctx.src_shape)
        if not shape:
            return index.reshape(())
        shape[ctx.args[0]] = -1
        return index.reshape(shape).expand(ctx.src_shape)


def _prod_grads(g, x, index, src, out, dim, include_self, untouched):
    """Gradients of a product: each factor's is the product of the others (exact with zeros too)."""
    def nonzero(t):
        return _where(t == 0, 1.0, t)
    zero_src = (src == 0).to(g.dtype)
    zero_x = (x == 0).to(g.dtype) if include_self else x.new_zeros(x.shape)
    zeros = zero_x.scatter_add(dim, index, zero_src)                  # zero factors per position
    base = nonzero(x) if include_self else x.new_ones(x.shape)
    nz_prod = ScatterReduce.apply(base, dim, index, nonzero(src), 'prod', True)   # product of non-zeros

    def others(value, is_zero, zeros_here, nz_here):
        # no zero: result / value; this is the only zero: the product of the rest; else 0
        return _where(zeros_here == 0, nz_here / nonzero(value),
                      _where((zeros_here == 1) & (is_zero == 1), nz_here, 0.0))
    gsrc = g.gather(dim, index) * others(src, zero_src, zeros.gather(dim, index), nz_prod.gather(dim, index))
    gx = g * others(x, zero_x, zeros, nz_prod) if include_self else untouched
    return gx, gsrc


_REDUCTIONS = ('sum', 'prod', 'mean', 'amax', 'amin')


@op('ember', 'Tensor', inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce ``src`` into ``input`` at ``index`` along ``dim`` with ``reduce`` (``'sum'``, ``'prod'``,
    ``'mean'``, ``'amax'``, ``'amin'``); ``include_self=False`` leaves ``input``'s own values out of
    the positions that receive any.

    >>> ember.tensor([1., 2., 0.]).scatter_reduce(0, ember.tensor([0, 1, 0]), ember.tensor([3., 4., 5.]), 'amax')
    tensor([5., 4., 0.])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        # (its kernel by the reduction: sum and prod share one; without the input, the initialising one)
        kernel = 'scatter_reduce_exclude_input_init' if not include_self else 'scatter_gather_tensor_cpu' + (
            '' if reduce in ('sum', 'prod') else '_reduce_' + reduce)
        _float8.check_kernel(kernel, input._data.dtype)

    from ember.ops.index import _check_scatter
    dim = _check_scatter('scatter_reduce', input, dim, index, src)
    _result = ScatterReduce.apply(input, dim, index, src, reduce, include_self)
    return _result if out is None else write_out('scatter_reduce', _result, out)


@op('ember', 'Tensor', inplace=True)
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Reduce the slices of ``source`` into ``input``'s slices ``index`` along ``dim`` with ``reduce``
    (``'prod'``, ``'mean'``, ``'amax'``, ``'amin'``).

    >>> ember.full((3,), 2.).index_reduce(0, ember.tensor([0, 0]), ember.tensor([5., 1.]), 'amin')
    tensor([1., 2., 2.])
    """
    _user_warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning)
    if reduce not in ('prod', 'mean', 'amax', 'amin'):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    from ember.ops import _one_node
    _result = _one_node.one_node(IndexReduce, lambda x, src: _index_reduce_value(x, dim, index, src, reduce, include_self),
                                 (input, source), index, dim, reduce, include_self)
    return _result if out is None else write_out('index_reduce', _result, out)


def _index_reduce_value(input, dim, index, source, reduce, include_self):
    """index_reduce as scatter_reduce along the index spread over the source."""
    shape = [1] * source.ndim
    shape[dim] = -1
    expanded = index.reshape(shape).expand(source.shape) if source.ndim else index.reshape(())
    return ScatterReduce.apply(input, dim, expanded, source, reduce, include_self)


class IndexCopy(Primitive):
    node_name = 'IndexCopyBackward0'
    _nondiff_args = (2,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'dim': _sa.item('args', 0, _sa.as_int64), 'index': _sa.saved(0), 'source': _sa.saved(1),
                   'source_dim': _sa.field('source_dim')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, dim, index, src):
        out = x.copy()
        key = [slice(None)] * x.ndim
        key[dim] = index
        out[tuple(key)] = src
        ctx.args = (dim,)
        ctx.source_dim = src.ndim
        ctx.save_for_backward(index, src)   # (src for grad_fn._saved_source only, as PyTorch keeps it)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, = ctx.args
        index = ctx.saved_tensors[0]
        gx = g.index_fill(dim, index, 0) if ctx.needs_input_grad[0] else None
        gsrc = g.index_select(dim, index) if ctx.needs_input_grad[3] else None
        return gx, None, None, gsrc


@op('ember', 'Tensor', inplace=True)
def index_copy(input, dim, index, source, *, out=None):
    """``input`` with its slices ``index`` along ``dim`` replaced by ``source``'s slices.

    >>> ember.zeros(3).index_copy(0, ember.tensor([2, 0]), ember.tensor([5., 7.]))
    tensor([7., 0., 5.])
    """
    dim = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_copy_(): Index should have dimension 1 or 0 (got 2)")
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('index_copy_cpu', input._data.dtype)

    if index.dtype.name != 'int64':
        raise RuntimeError("index_copy_(): Expected a long tensor for index, but got " + str(index.dtype))
    _result = IndexCopy.apply(input, dim, index if index.ndim == 1 else index.reshape(-1), source)
    return _result if out is None else write_out('index_copy', _result, out)
