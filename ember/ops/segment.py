"""``segment_reduce``: reduce consecutive runs (segments) of a tensor along one axis.

The forward reduces on arrays (one ``ufunc.at`` per batch row of segments); the backward is
written in ember ops (a gather of the output gradient back to each element, scaled per
reduction), so it is differentiable again.
"""
import numpy as np

from ember import backend
from ember._tensor import Tensor, _scalar_type_name
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops._registry import op
from ember.ops._util import wrap_dim

_REDUCTIONS = {'sum': 'sum', 'mean': 'mean', 'prod': 'prod', 'max': 'max', 'amax': 'max', 'min': 'min',
               'amin': 'min'}


def _segment_ids(starts, lengths, n):
    """The segment of each of the ``n`` positions, per batch row of ``lengths`` (shape (B, S)); -1
    for positions in no segment (before ``starts``, the first segment's position, or past the last)."""
    ids = np.full((lengths.shape[0], n), -1, np.int64)
    for r, (start, row) in enumerate(zip(starts, lengths)):
        seg = np.repeat(np.arange(row.size), row)
        pos = start + np.arange(seg.size)
        inside = pos < n
        ids[r, pos[inside]] = seg[inside]
    return ids


class SegmentReduce(Primitive):
    node_name = 'SegmentReduceBackward0'
    saved_attrs = {'axis': _sa.field('axis', _sa.as_int64), 'data': _sa.saved(0), 'initial': _sa.field('initial'),
                   'lengths': _sa.given_tensor('segments_given', 0), 'offsets': _sa.given_tensor('segments_given', 1),
                   'reduce': _sa.field('reduce'), 'result': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, data, reduce, lengths, starts, axis, initial):
        xp = ctx.xp
        batch, segments = lengths.shape[:-1], lengths.shape[-1]
        rows = int(np.prod(batch, dtype=np.int64))
        n = data.shape[axis]
        inner = data.shape[axis + 1:]
        x = data.reshape((rows, n, -1))
        flat_lengths = lengths.reshape(rows, segments)
        ids = _segment_ids(starts.reshape(rows), flat_lengths, n)
        identity = {'sum': 0, 'mean': 0, 'prod': 1, 'max': -np.inf, 'min': np.inf}[reduce]
        start = identity if initial is None else initial
        out = xp.full((rows, segments, x.shape[2]), start, dtype=data.dtype)
        ufunc = {'sum': 'add', 'mean': 'add', 'prod': 'multiply', 'max': 'maximum', 'min': 'minimum'}[reduce]
        for r in range(rows):
            positions = np.flatnonzero(ids[r] >= 0)
            backend.scatter_ufunc(ufunc, out[r], xp.asarray(ids[r][positions]), x[r][xp.asarray(positions)])
        if reduce == 'mean':
            counts = xp.asarray(flat_lengths[..., None].astype(data.dtype))
            mean = out / xp.maximum(counts, 1)
            # an empty segment: nan, or the initial value when one is given
            out = xp.where(counts == 0, np.nan if initial is None else initial, mean).astype(data.dtype)
        ctx.reduce, ctx.axis, ctx.initial = reduce, axis, initial
        ctx.lengths, ctx.starts = lengths, starts
        ctx.ids = ids.reshape(batch + (n,))
        ctx.save_for_backward(data, out.reshape(data.shape[:axis] + (segments,) + inner))
        return out.reshape(data.shape[:axis] + (segments,) + inner)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.creation import tensor
        data, out = ctx.saved_tensors
        axis, reduce = ctx.axis, ctx.reduce
        inside = _spread_index(tensor(ctx.ids >= 0, device=g.device), data.shape, axis)
        index = _spread_index(tensor(np.maximum(ctx.ids, 0), device=g.device), data.shape, axis)

        def back(t):   # each element's segment value of the per-segment tensor t (0 outside segments)
            return t.gather(axis, index) * inside

        if reduce == 'sum':
            return back(g), None, None, None, None, None
        counts = tensor(ctx.lengths, dtype=g.dtype, device=g.device)
        counts = counts.reshape(counts.shape + (1,) * (data.dim() - axis - 1))
        if reduce == 'mean':
            return back(g / counts.clamp_min(1)), None, None, None, None, None
        if reduce in ('max', 'min'):
            hit = (data == back(out)).to(g.dtype)
            ties = SegmentReduce.apply(hit, 'sum', ctx.lengths, ctx.starts, axis, None)
            return back(g / ties.clamp_min(1)) * hit, None, None, None, None, None
        # prod: each element's gradient is the product of the other elements (and the initial value)
        zero = data == 0
        nonzero = data.masked_fill(zero, 1)
        product = SegmentReduce.apply(nonzero, 'prod', ctx.lengths, ctx.starts, axis, ctx.initial)
        zeros = SegmentReduce.apply(zero.to(g.dtype), 'sum', ctx.lengths, ctx.starts, axis, None)
        others = (back(product) / nonzero).masked_fill(back(zeros) - zero.to(g.dtype) > 0, 0)
        return back(g) * others, None, None, None, None, None


def _spread_index(ids, shape, axis):
    """``ids`` (the batch dims and the reduced axis) broadcast over the dims after ``axis``."""
    ids = ids.reshape(tuple(ids.shape) + (1,) * (len(shape) - axis - 1))
    return ids.expand(*shape)


@op('ember')
def segment_reduce(data, reduce, *, lengths=None, indices=None, offsets=None, axis=0, unsafe=False, initial=None):
    """Reduces consecutive segments of ``data`` along ``axis``: the first ``lengths[0]`` elements,
    the next ``lengths[1]``, and so on (or the runs between consecutive ``offsets``).

    An empty segment gives the reduction's identity (``0`` for ``'sum'``, ``1`` for ``'prod'``,
    ``-inf``/``inf`` for ``'max'``/``'min'``, ``nan`` for ``'mean'``), or ``initial`` when given;
    ``initial`` also takes part in every reduction. With batched ``lengths`` (more than one
    dimension), ``axis`` must be their last dimension and the leading ones index ``data``'s.

    Args:
        data (Tensor): the input tensor (floating point).
        reduce (str): ``'sum'``, ``'mean'``, ``'max'`` (or ``'amax'``), ``'min'`` (or ``'amin'``) or
            ``'prod'``.

    Keyword args:
        lengths (Tensor, optional): the length of each segment (integers).
        offsets (Tensor, optional): where each segment starts, plus where the last one ends.
        axis (int, optional): the axis to reduce along. Default: ``0``.
        unsafe (bool, optional): skip the check that the lengths sum to the axis' size. Default: ``False``.
        initial (Number, optional): the value each reduction starts from.

    Example::

        >>> data = ember.tensor([1., 2., 3., 4., 5., 6.])
        >>> lengths = ember.tensor([2, 0, 3, 1])
        >>> ember.segment_reduce(data, 'sum', lengths=lengths)
        tensor([ 3.,  0., 12.,  6.])
        >>> ember.segment_reduce(data, 'max', lengths=lengths)
        tensor([2., -inf, 5., 6.])
        >>> ember.segment_reduce(data, 'mean', offsets=ember.tensor([0, 2, 2, 5, 6]))
        tensor([1.5000,    nan, 4.0000, 6.0000])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if indices is not None and lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    axis = wrap_dim(axis, data.dim())
    if lengths is not None:
        raw = _host(lengths)
        starts = np.zeros(raw.shape[:-1], np.int64)
    else:
        bounds = _host(offsets)
        raw = np.diff(bounds, axis=-1)
        starts = bounds[..., 0].astype(np.int64)
        if (raw < 0).any():
            raise RuntimeError("Expected segment_length >= 0 to be true, but got false.  (Could this error message "
                               "be improved?  If so, please report an enhancement request to PyTorch.)")
    if raw.dtype.kind not in 'iu':
        raise NotImplementedError(f'"_segment_reduce_lengths_cpu_kernel1" not implemented for '
                                  f"'{_scalar_type_name(raw.dtype)}'")
    if data.dtype.is_complex or not data.dtype.is_floating_point:
        raise NotImplementedError(f'"_segment_reduce_cpu" not implemented for \'{_scalar_type_name(data._data.dtype)}\'')
    raw = raw.astype(np.int64)
    if axis != raw.ndim - 1:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of lengths but got {axis}.")
    if (raw < 0).any():
        raise RuntimeError("lengths contains negative value!")
    if lengths is not None and not unsafe and not (raw.sum(axis=-1) == data.shape[axis]).all():
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    result = SegmentReduce.apply(data, _REDUCTIONS[reduce], raw, starts, axis, initial)
    if result._grad_fn is not None:     # (its node shows the lengths or offsets given: grad_fn._saved_*)
        result._grad_fn.__dict__['segments_given'] = (lengths, offsets)
    return result


def _host(t):
    return t.detach().cpu().numpy() if isinstance(t, Tensor) else np.asarray(t)

