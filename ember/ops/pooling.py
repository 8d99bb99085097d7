"""Pooling: max/avg (1-D, 2-D, 3-D), adaptive max/avg, LP pooling and max-unpooling.

Fixed-window pools read strided windows of the padded input (``_windows``, no copy) and reduce
them with one vectorised pass per window offset; max pooling also returns PyTorch's indices
(flattened per plane).  Its gradient scatters to those positions and the gradient of that scatter
is a gather, so higher orders need nothing more.  Average pooling's gradient spreads
``g / divisor`` back over each window (col2im); its adjoint is average pooling again.  Adaptive
average pooling is separable: per spatial dim a small averaging matrix, applied by matmul.  1-D
pools are the 2-D ones on an unsqueezed input, as in PyTorch.
"""
import itertools
import math
from operator import index as _index

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember.ops._quantized_fallback import quantized_or_raise
from ember._tensor import Tensor
from ember import backend
from ember.autograd import function as _function, grad_mode
from ember.autograd.function import Primitive
from ember.autograd._recorded_steps import record_step
from ember.autograd._opmath import ALWAYS
from ember.ops.conv import _col2im_raw, _pad_raw, _windows
from ember.ops._registry import op
from ember.ops._util import bool_refused, python_reads, require_tensor, wrap_dim, wrap_dims
from ember.ops._argparse import type_name as _type_name
from ember.ops import _adaptive_avg as _adaptive_avg_arrays, _float8, _input_link

__all__ = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices', 'max_pool2d_with_indices',
           'max_pool3d_with_indices', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'adaptive_avg_pool1d',
           'adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'adaptive_max_pool1d', 'adaptive_max_pool2d',
           'adaptive_max_pool1d_with_indices', 'adaptive_max_pool2d_with_indices', 'lp_pool1d', 'lp_pool2d',
           'max_unpool1d', 'max_unpool2d']


def _pool_out(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling output length (the last ceil-mode window must start inside the input)."""
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _window_pads(sizes, out, kernel, stride, padding, dilation):
    """(low, high) padding so every window lies inside the padded array (ceil mode may need more
    on the high side than ``padding``, never less than is read)."""
    pads = []
    for size, o, k, s, p, d in zip(sizes, out, kernel, stride, padding, dilation):
        need = (o - 1) * s + d * (k - 1) + 1
        pads.append((p, max(need - size - p, 0)))
    return tuple(pads)


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind in 'fV' else (np.iinfo(dtype).min if dtype.kind in 'iu' else False)


def _scatter_add_flat(xp, out, index, values):
    """out[index] += values for a flat ``out`` (repeated indices accumulate)."""
    if hasattr(xp.add, 'at'):
        xp.add.at(out, index, values)
    else:  # NOTE: CuPy before 13 has no ufunc.at; bincount works on both and sums repeats
        out += xp.bincount(index, weights=values, minlength=out.size).astype(out.dtype)


def _running_argmax(xp, candidates, count, want_index=True):
    """Elementwise max over ``count`` candidates ``(k, array)`` (k = 0, 1, ... in order) and, if
    wanted, the ``k`` that attains it: the first maximum, or the last NaN, as PyTorch's kernel takes
    ``val > max || isnan(val)``.

    NOTE: one vectorised pass per window offset (4 for a 2x2 pool) over all outputs at once:
    NumPy's argmax/max along a short trailing axis loops per row and measured 5-20x slower.  The
    first pass over the candidates assumes no NaN (per candidate a comparison, ``k`` times its
    outcome, two maxima, all into preallocated arrays: a masked store of ``k`` branches on every
    element and measured 4x slower); a NaN in the result sends them through the NaN-aware rule
    (the maximum propagates NaN, so the check is one pass over the outputs)."""
    candidates = list(candidates)
    best = candidates[0][1].copy()
    if not want_index:
        for _, c in candidates[1:]:
            xp.maximum(best, c, out=best)   # NaN propagates, as in PyTorch
        return best, None
    kind = np.uint8 if count <= 256 else np.int64
    local = xp.zeros(best.shape, kind)
    take, scaled = xp.empty(best.shape, bool), xp.empty(best.shape, kind)
    for k, c in candidates[1:]:
        xp.greater(c, best, out=take)
        xp.multiply(take, kind(k), out=scaled)
        xp.maximum(local, scaled, out=local)
        xp.maximum(best, c, out=best)
    if best.dtype.kind in 'fV' and xp.isnan(best).any():
        return _running_argmax_nan(xp, candidates, count)
    return best, local


def _running_argmax_nan(xp, candidates, count):
    """_running_argmax where NaNs compete: the offset grows, so the winner is the largest k that
    improved (``take`` also holds where the candidate is NaN)."""
    small = count <= 256
    best = candidates[0][1].copy()
    local = xp.zeros(best.shape, np.uint8 if small else np.int64)
    for k, c in candidates[1:]:
        take = c > best
        take |= xp.isnan(c)
        xp.maximum(local, take.view(np.uint8) * (np.uint8(k) if small else k), out=local)
        xp.maximum(best, c, out=best)
    return best, local


def _offset_runs(xp, x, kernel, stride, dilation, out, pads, fill):
    """For each window offset (row-major), one contiguous 1-D run of what that offset of every window
    reads from ``x`` padded by ``pads`` (with ``fill``), and a function that takes a result computed
    on such runs back to (*lead, *out).

    NOTE: the padded input is split into its phases (stride s: the s x s interleaved sub-grids;
    stride 1: the padded input itself), each flattened over (*lead, *phase): an offset then reads
    one phase at a fixed shift, so every max/compare is one contiguous pass. (Window views stride
    by s along rows and have short rows; NumPy's loops over them measured about 5x slower.) Runs
    cover every phase position, not only the ``out`` ones; the spare results are cut away, and the
    buffer has spare ``fill`` elements after its end for the last plane's shifted reads. Where
    the spare positions would outnumber the outputs (windows nearly as large as the input, at
    stride 1) the runs are the strided window views themselves."""
    n = len(kernel)
    m = x.ndim - n
    lead, sizes = x.shape[:m], x.shape[m:]
    phases = tuple(-(-(size + lo + hi) // s) for size, (lo, hi), s in zip(sizes, pads, stride))
    if math.prod(phases) > 2 * math.prod(out):
        win = _windows(xp, _pad_raw(xp, x, pads, fill), kernel, stride, dilation, out, kernel_last=True)
        return [win[(Ellipsis,) + o] for _, o in _offsets(kernel)], lambda a: a
    L = math.prod(lead) * math.prod(phases)
    steps = [math.prod(phases[i + 1:]) for i in range(n)]
    ats = [[k * d for k, d in zip(o, dilation)] for _, o in _offsets(kernel)]
    tail = max(sum((a // s) * st for a, s, st in zip(at, stride, steps)) for at in ats)
    if all(lo == 0 and hi == 0 and size > 0 and size % s == 0 for size, (lo, hi), s in zip(sizes, pads, stride)):
        # the phases tile the input exactly: every element but the spare tail is written below
        buf = xp.empty(math.prod(stride) * L + tail, x.dtype)
        buf[math.prod(stride) * L:] = fill
    else:
        buf = xp.full(math.prod(stride) * L + tail, fill, x.dtype)
    body = buf[:math.prod(stride) * L].reshape(tuple(stride) + lead + phases)
    for r in itertools.product(*(range(s) for s in stride)):
        dst, src = [Ellipsis], [Ellipsis]
        for size, (lo, _), s, p, ri in zip(sizes, pads, stride, phases, r):
            i0 = max(0, -(-(lo - ri) // s))          # first phase index on an input element
            first = i0 * s + ri - lo
            count = min(p - i0, -(-(size - first) // s))
            if count <= 0:
                break
            dst.append(slice(i0, i0 + count))
            src.append(slice(first, first + s * (count - 1) + 1, s))
        else:
            body[r][tuple(dst)] = x[tuple(src)]
    runs = []
    for at in ats:
        phase = sum((a % s) * math.prod(stride[i + 1:]) for i, (a, s) in enumerate(zip(at, stride)))
        start = phase * L + sum((a // s) * st for a, s, st in zip(at, stride, steps))
        runs.append(buf[start:start + L])

    def crop(a):
        return xp.ascontiguousarray(a.reshape(lead + phases)[(Ellipsis,) + tuple(slice(0, o) for o in out)])
    return runs, crop


def _offsets(kernel):
    return enumerate(np.ndindex(*kernel))


# ------------------------------------------------------------------------------- max pooling
class MaxPoolWithIndices(Primitive):
    node_name = 'MaxPool2DWithIndicesBackward0'
    saved_attrs = {'ceil_mode': _sa.item('window', 4), 'dilation': _sa.item('window', 3, tuple),
                   'kernel_size': _sa.item('window', 0, tuple), 'padding': _sa.item('window', 2, tuple),
                   'result1': _sa.array_field('index'), 'self': _sa.saved(0),
                   'stride': _sa.item('window', 1, _sa.as_given_list)}  # grad_fn._saved_*, read lazily
    _profile_name = 'aten::max_pool2d_with_indices'

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, ceil_mode, return_indices):
        xp = ctx.xp
        n = len(kernel)
        _float8.check_kernel('max_pool3d' if n == 3 else 'max_pool2d', x.dtype)     # (PyTorch refuses float8)
        sizes = x.shape[x.ndim - n:]
        out = tuple(_pool_out(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, dilation))
        pads = _window_pads(sizes, out, kernel, stride, padding, dilation)
        runs, crop = _offset_runs(xp, x, kernel, stride, dilation, out, pads, _lowest(xp, x.dtype))
        want = return_indices or ctx.needs_input_grad[0]
        y, local = _running_argmax(xp, enumerate(runs), math.prod(kernel), want)
        y = crop(y)
        if not want:   # inference without indices: skip them
            return y, None
        local = crop(local)
        # flat index in the unpadded plane = (window start) + (offset within the window), both
        # small tables: one broadcast add and one take
        unit = [math.prod(sizes[i + 1:]) for i in range(n)]

        def per_dim(values):   # sum over dims of per-dim tables, broadcast over the output grid
            return sum(xp.asarray(v * u).reshape((-1,) + (1,) * (n - 1 - i))
                       for i, (v, u) in enumerate(zip(values, unit)))
        starts = [np.arange(o) * s - p for o, s, p in zip(out, stride, padding)]
        within = np.array([sum(k * d * u for k, d, u in zip(o, dilation, unit)) for _, o in _offsets(kernel)])
        # NOTE: taken from an int32 table and widened by the add that writes the int64 result
        # (measured on LeNet's first pool, 64 x 6 x 14 x 14 windows: 0.32 -> 0.1 ms, against
        # indexing an int64 table and adding)
        table = xp.asarray(within.astype(np.int32 if within.max() < 2 ** 31 else np.int64))
        index = xp.empty(local.shape, np.int64)
        xp.add(xp.take(table, local), per_dim(starts), out=index)
        if any(p > 0 for p in padding):
            # a window whose maximum is the padding value (all its inputs are -inf) reports its
            # first real position, as PyTorch does, never a padded one
            padded_max = y == _lowest(xp, x.dtype)
            if padded_max.any():
                first = [st + d * -(-np.maximum(-st, 0) // d) for st, d in zip(starts, dilation)]
                index = xp.where(padded_max, per_dim(first), index)
        ctx.mark_non_differentiable(index)
        ctx.index = index
        ctx.window = (kernel, stride, padding, dilation, ceil_mode)   # for grad_fn._saved_*
        ctx.save_for_backward(x)   # (only for grad_fn._saved_self: PyTorch's node keeps its input)
        ctx.args = (x.shape, n, any(s < d * (k - 1) + 1 for s, k, d in zip(stride, kernel, dilation)))
        return y, index

    @staticmethod
    def backward(ctx, g, _g_index):
        shape, n, overlap = ctx.args
        index = Tensor._make(ctx.index, g.device)
        x = ctx.saved_tensors[0] if grad_mode._state.enabled else None   # (to link a recorded graph)
        return _max_pool_grad(ctx.name(), g, index, shape, n, overlap, x), None, None, None, None, None, None


class MaxPool3DWithIndices(MaxPoolWithIndices):
    node_name = 'MaxPool3DWithIndicesBackward0'
    saved_attrs = MaxPoolWithIndices.saved_attrs
    _profile_name = 'aten::max_pool3d_with_indices'


class MaxPoolGrad(Primitive):
    """Scatter of the output gradient to the argmax positions; its own gradient is a gather."""
    node_name = 'MaxPool2DWithIndicesBackwardBackward0'

    @staticmethod
    def forward(ctx, g, index, shape, n, overlap, x=None):
        # x: the pooled input, given only where a graph is recorded so it reaches x (zero
        # derivative: the argmax positions are piecewise constant in x), as PyTorch's backward op
        xp = ctx.xp
        plane = math.prod(shape[len(shape) - n:])
        rows = math.prod(shape[:len(shape) - n])
        ctx.args = (plane, g.shape)
        ctx.x_like = None if x is None else (x.shape, x.dtype)
        ctx.save_for_backward(index)
        per_row = math.prod(index.shape[index.ndim - n:])      # (not -1: an empty batch has no rows to infer from)
        flat = (index.reshape(rows, per_row) + xp.arange(rows).reshape(-1, 1) * plane).reshape(-1)
        out = xp.zeros(rows * plane, g.dtype)
        if overlap:
            _scatter_add_flat(xp, out, flat, g.reshape(-1))
        else:   # windows never overlap: each input position receives at most one gradient
            out[flat] = g.reshape(-1)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        plane, g_shape = ctx.args
        index, = ctx.saved_tensors
        rows = math.prod(gg.shape) // plane
        ggx = gg.reshape(rows, plane).gather(1, index.reshape(rows, -1)).reshape(g_shape)
        gx = None
        if ctx.x_like is not None and ctx.needs_input_grad[5]:
            gx = Tensor._make(gg._xp.zeros(*ctx.x_like), gg._device)
        return ggx, None, None, None, None, gx


_GRAD_CLASSES = {}


def _max_pool_grad(node_name, g, index, shape, n, overlap, x):
    """MaxPoolGrad under the name PyTorch gives the backward of ``node_name``; the pooled input ``x``
    joins it only where the graph is recorded (a gradient of this gradient reaches x, with zeros)."""
    name = node_name[:-1] + 'Backward0'
    cls = _GRAD_CLASSES.get(name)
    if cls is None:
        cls = _GRAD_CLASSES[name] = type('MaxPoolGrad', (MaxPoolGrad,), {'node_name': name})
    if x is not None and x.requires_grad:
        return cls.apply(g, index, shape, n, overlap, x)
    return cls.apply(g, index, shape, n, overlap)


def _tuple_arg(value, n, message):
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, int):
        return (value,) * n
    try:
        value = tuple(map(_index, value))      # (ints: (2.0, 2.0) is refused, as in PyTorch)
    except TypeError:   # not a sequence of ints (a float): PyTorch's argument error for the op called
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(message)
    return value


def _check_pads(sizes, kernel, stride, padding, dilation):
    for k, s, p, d in zip(kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")


_AXES = {1: ('W',), 2: ('H', 'W'), 3: ('T', 'H', 'W')}


def _check_shape(x, kernel, stride, dilation, out):
    n = len(kernel)
    ax = _AXES[n]
    if any(k <= 0 for k in kernel):
        raise RuntimeError("kernel size should be greater than zero, but got " +
                           ' '.join(f"k{a}: {k}" for a, k in zip(ax, kernel)))
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should be greater than zero, but got " +
                           ' '.join(f"d{a}: {s}" for a, s in zip(ax, stride)))
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero, but got " +
                           ' '.join(f"dilation{a}: {d}" for a, d in zip(ax, dilation)))
    if any(o < 1 for o in out):
        planes = x.shape[-n - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(str(s) for s in (planes,) + tuple(x.shape[-n:]))}). "
                           f"Calculated output size: ({'x'.join(str(s) for s in (planes,) + tuple(out))}). "
                           "Output size is too small")


def _max_pool(name, n, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True):
    if ceil_mode.__class__ is not bool:     # (handed on by position by PyTorch's F.max_pool*)
        raise TypeError(f"{name}{'_with_indices' if return_indices else ''}(): argument 'ceil_mode' (position 6) "
                        f"must be bool, not {_type_name(ceil_mode)}")
    which = {2: 'two', 3: 'three'}[n]
    kernel = _tuple_arg(kernel_size, n, f"{name}: kernel_size must either be a single int, or a tuple of {which} ints")
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        stride = _sa.Omitted(kernel)    # (the node shows an omitted stride as PyTorch's does: empty)
    else:
        stride = _tuple_arg(stride, n, f"{name}: stride must either be omitted, a single int, or a tuple of "
                                       f"{which} ints")
    padding = _tuple_arg(padding, n, f"{name}: padding must either be a single int, or a tuple of {which} ints")
    dilation = _tuple_arg(dilation, n, f"{name}: dilation must be either a single int, or a tuple of {which} ints")
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    sizes = input.shape[-n:]
    _check_pads(sizes, kernel, stride, padding, dilation)
    out = [_pool_out(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, dilation)]
    _check_shape(input, kernel, stride, dilation, out)
    cls = MaxPoolWithIndices if n == 2 else MaxPool3DWithIndices
    return cls.apply(input, kernel, stride, padding, dilation, bool(ceil_mode), return_indices)


@op('F')
def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """:func:`max_pool2d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in PyTorch.
    The indices are flat positions in each ``H * W`` input plane.

    Example::

        >>> F.max_pool2d_with_indices(ember.arange(16.).reshape(1, 1, 4, 4), 2)
        (tensor([[[[ 5.,  7.],
                  [13., 15.]]]]), tensor([[[[ 5,  7],
                  [13, 15]]]]))
    """
    require_tensor(input, 'max_pool2d_with_indices')
    return _max_pool('max_pool2d', 2, input, kernel_size, stride, padding, dilation, ceil_mode)


@op('F', guard=True)
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling; ``stride`` defaults to ``kernel_size``.  With ``return_indices`` also the
    argmax of each window as a flat index into its (H * W) input plane.

    >>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    try:
        out, index = _max_pool('max_pool2d', 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                               return_indices)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'max_pool', input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                                  return_indices)
    return (out, index) if return_indices else out


@op('F')
def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """:func:`max_pool3d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in PyTorch.

    Example::

        >>> F.max_pool3d_with_indices(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        (tensor([[[[[7.]]]]]), tensor([[[[[7]]]]]))
    """
    python_reads(input, 'is_cuda')
    return _max_pool('max_pool3d', 3, input, kernel_size, stride, padding, dilation, ceil_mode)


@op('F')
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        input (Tensor): input of shape ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size (int or tuple of three ints): the window size.
        stride (int or tuple of three ints, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple of three ints, optional): implicit ``-inf`` padding on each side. Default: 0.
        dilation (int or tuple of three ints, optional): the spacing between window elements. Default: 1.
        ceil_mode (bool, optional): round output sizes up instead of down. Default: ``False``.
        return_indices (bool, optional): also return the flat position of each maximum in its ``D * H * W``
            volume. Default: ``False``.

    Example::

        >>> F.max_pool3d(ember.arange(27.).reshape(1, 1, 3, 3, 3), 2, stride=1).flatten()
        tensor([13., 14., 16., 17., 22., 23., 25., 26.])
    """
    out, index = _max_pool('max_pool3d', 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return (out, index) if return_indices else out


def _one(value, message, allow_none=False):
    if value is None and allow_none:
        return None
    try:
        if isinstance(value, (tuple, list)):
            if len(value) != 1:
                raise RuntimeError(message.format(len(value)))
            return _index(value[0])
        return _index(value)        # (an int: 2.0 is refused, as in PyTorch)
    except TypeError:       # PyTorch's argument error for the op called
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise


@op('F')
def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """:func:`max_pool1d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in PyTorch.

    Example::

        >>> F.max_pool1d_with_indices(ember.tensor([[[1., 3., 2., 5., 4., 0.]]]), 2)
        (tensor([[[3., 5., 4.]]]), tensor([[[1, 3, 4]]]))
    """
    require_tensor(input, 'max_pool1d_with_indices')
    return _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, want_indices):
    if ceil_mode.__class__ is not bool:     # (handed on by position by PyTorch's F.max_pool1d)
        raise TypeError(f"max_pool1d{'_with_indices' if want_indices else ''}(): argument 'ceil_mode' (position 6) "
                        f"must be bool, not {_type_name(ceil_mode)}")
    # the indices cost a second pass over the windows: computed only when the caller wants them
    if input.ndim not in (2, 3):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    msg = "max_pool1d() {} must be an int, list of ints or tuple of ints of size 1 but got size {{}}"
    k = _one(kernel_size, msg.format('kernel_size'))
    s = _one(stride, msg.format('stride'), allow_none=True)
    s = k if s is None or (isinstance(stride, (tuple, list)) and not stride) else s
    p = _one(padding, msg.format('padding'))
    d = _one(dilation, msg.format('dilation'))
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = _pool_out(input.shape[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    y, index = MaxPoolWithIndices.apply(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), bool(ceil_mode),
                                        want_indices)
    return y.squeeze(-2), (index.squeeze(-2) if index is not None else None)


@op('F')
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        input (Tensor): input of shape ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int or tuple of one int): the window length.
        stride (int or tuple of one int, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple of one int, optional): implicit ``-inf`` padding on both sides. Default: 0.
        dilation (int or tuple of one int, optional): the spacing between window elements. Default: 1.
        ceil_mode (bool, optional): round the output length up instead of down. Default: ``False``.
        return_indices (bool, optional): also return the position of each maximum. Default: ``False``.

    Example::

        >>> F.max_pool1d(ember.tensor([[[1., 3., 2., 5., 4., 0.]]]), 2)
        tensor([[[3., 5., 4.]]])
        >>> F.max_pool1d(ember.tensor([[[1., 3., 2., 5., 4., 0.]]]), 3, stride=1, return_indices=True)
        (tensor([[[3., 5., 5., 5.]]]), tensor([[[1, 3, 3, 3]]]))
    """
    require_tensor(input, 'max_pool1d')
    if not return_indices and not input.is_quantized and not (input.requires_grad and grad_mode._state.enabled):
        _float8.check_kernel('max_pool1d_impl', input._data.dtype)    # (PyTorch's kernel without indices)
    try:
        out, index = _max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'max_pool', input, 1, kernel_size, stride, padding, dilation, ceil_mode,
                                  return_indices)
    return (out, index) if return_indices else out


# ------------------------------------------------------------------------------- average pooling
def _avg_divisor(xp, sizes, out, kernel, stride, padding, count_include_pad, divisor_override, dtype):
    """Each window's divisor (PyTorch's rule: windows are clipped to input + padding, and then to
    the input itself when padding is not counted); separable, so an outer product of per-dim counts."""
    if divisor_override:
        return divisor_override
    div = None
    for i, (size, o, k, s, p) in enumerate(zip(sizes, out, kernel, stride, padding)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        count = end - start if count_include_pad else np.minimum(end, size) - np.maximum(start, 0)
        count = count.reshape((-1,) + (1,) * (len(sizes) - 1 - i))
        div = count if div is None else div * count
    return xp.asarray(div.astype(dtype))


class AvgPool(Primitive):
    # PyTorch's op of the input's dimensions (kernel is one size per pooled dimension)
    _profile_name = staticmethod(lambda args: f'aten::avg_pool{len(args[1])}d')
    node_name = 'AvgPool2DBackward0'
    saved_attrs = {'ceil_mode': _sa.item('args', 4), 'count_include_pad': _sa.item('args', 5),
                   'divisor_override': _sa.item('args', 6), 'kernel_size': _sa.item('args', 1, tuple),
                   'padding': _sa.item('args', 3, tuple), 'self': _sa.saved(0),
                   'stride': _sa.item('args', 2, _sa.as_given_list)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # sums then divides: half inputs run in float32, rounded once (as PyTorch)

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override):
        xp = ctx.xp
        n = len(kernel)
        ones = (1,) * n
        sizes = x.shape[x.ndim - n:]
        out = tuple(_pool_out(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, ones))
        pads = _window_pads(sizes, out, kernel, stride, padding, ones)
        win = _windows(xp, _pad_raw(xp, x, pads), kernel, stride, ones, out, kernel_last=True)
        total = None
        # integers sum in float64; bfloat16 (ml_dtypes) in float32, rounded once at the end like PyTorch
        acc = x.dtype if x.dtype.kind == 'f' else (np.float32 if x.dtype.kind == 'V' else np.float64)
        for _, o in _offsets(kernel):   # one add per window offset (see _running_argmax)
            total = win[(Ellipsis,) + o].astype(acc) \
                if total is None else total.__iadd__(win[(Ellipsis,) + o])
        div = _avg_divisor(xp, sizes, out, kernel, stride, padding, count_include_pad, divisor_override,
                           acc)
        ctx.args = (x.shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, pads, div)
        ctx.save_for_backward(x)    # (for grad_fn._saved_self only, as PyTorch keeps it)
        if x.dtype.kind not in 'fV':   # integer pooling divides and truncates, like PyTorch's
            return xp.trunc(total / div).astype(x.dtype)
        return (total / div).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        name = ctx.name()[:-1] + 'Backward0'
        cls = _GRAD_CLASSES.get(name)
        if cls is None:
            cls = _GRAD_CLASSES[name] = type('AvgPoolGrad', (AvgPoolGrad,), {'node_name': name})
        gx = cls.apply(g, *ctx.args[:7], ctx.name())
        if grad_mode._state.enabled:   # (PyTorch's avg_pool backward takes the input, with zero derivative in it)
            gx = _input_link.link(gx, ctx.saved_tensors[0], name)
        return (gx,) + (None,) * 6


class AvgPool3D(AvgPool):
    node_name = 'AvgPool3DBackward0'
    saved_attrs = AvgPool.saved_attrs


class AvgPoolGrad(Primitive):
    """Spreads ``g / divisor`` over each window (col2im); the adjoint, and so the gradient, is
    average pooling again."""
    node_name = 'AvgPool2DBackwardBackward0'

    @staticmethod
    def forward(ctx, g, shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, fwd_name):
        xp = ctx.xp
        n = len(kernel)
        ones = (1,) * n
        sizes = shape[len(shape) - n:]
        out = g.shape[g.ndim - n:]
        ctx.args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, fwd_name)
        pads = _window_pads(sizes, out, kernel, stride, padding, ones)
        div = _avg_divisor(xp, sizes, out, kernel, stride, padding, count_include_pad, divisor_override, g.dtype)
        gd = (g / div).astype(g.dtype, copy=False)
        lead = shape[:len(shape) - n]
        cols = xp.broadcast_to(gd.reshape(lead + ones + tuple(out)), lead + tuple(kernel) + tuple(out))
        return _col2im_raw(xp, cols, sizes, kernel, stride, pads, ones)

    @staticmethod
    def backward(ctx, gg):
        kernel, stride, padding, ceil_mode, count_include_pad, divisor_override, fwd_name = ctx.args
        cls = AvgPool if fwd_name == 'AvgPool2DBackward0' else AvgPool3D
        return (cls.apply(gg, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override),) + \
            (None,) * 8


def _avg_pool(name, n, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    if ceil_mode.__class__ is not bool:
        raise bool_refused(ceil_mode, name, 'ceil_mode', 5)
    if count_include_pad.__class__ is not bool:
        raise bool_refused(count_include_pad, name, 'count_include_pad', 6)
    which = {2: 'two', 3: 'three'}[n]
    kernel = _tuple_arg(kernel_size, n, f"{name}: kernel_size must either be a single int, or a tuple of {which} ints")
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        stride = _sa.Omitted(kernel)    # (the node shows an omitted stride as PyTorch's does: empty)
    else:
        stride = _tuple_arg(stride, n, f"{name}: stride must either be omitted, a single int, or a tuple of "
                                       f"{which} ints")
    padding = _tuple_arg(padding, n, f"{name}: padding must either be a single int, or a tuple of {which} ints")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if input.ndim < n + 1:
        nd = max(input.ndim, 1)
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {-n - 1})")
    if input.ndim > n + 2:
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{list(input.shape)}")
    ones = (1,) * n
    sizes = input.shape[-n:]
    _check_pads(sizes, kernel, stride, padding, ones)
    out = [_pool_out(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, ones)]
    _check_shape(input, kernel, stride, ones, out)
    cls = AvgPool if n == 2 else AvgPool3D
    return cls.apply(input, kernel, stride, padding, bool(ceil_mode), bool(count_include_pad), divisor_override)


@op('F')
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling.

    >>> F.avg_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    require_tensor(input)
    try:
        return _avg_pool('avg_pool2d', 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                         divisor_override)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'avg_pool2d', input, kernel_size, stride, padding, ceil_mode,
                                  count_include_pad, divisor_override)


@op('F')
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling over ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Args:
        input (Tensor): input of shape ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size (int or tuple of three ints): the window size.
        stride (int or tuple of three ints, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple of three ints, optional): implicit zero padding on each side. Default: 0.
        ceil_mode (bool, optional): round output sizes up instead of down. Default: ``False``.
        count_include_pad (bool, optional): count the padding zeros in each average. Default: ``True``.
        divisor_override (int, optional): divide each window's sum by this instead of its size. Default:
            ``None``.

    Example::

        >>> F.avg_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[3.5000]]]]])
    """
    return _avg_pool('avg_pool3d', 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def _check_1d(input, name):
    try:
        ndim = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {name})")


@op('F')
def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling over ``(N, C, L)`` or ``(C, L)`` input.

    Args:
        input (Tensor): input of shape ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int or tuple of one int): the window length.
        stride (int or tuple of one int, optional): the window step. Default: ``kernel_size``.
        padding (int or tuple of one int, optional): implicit zero padding on both sides. Default: 0.
        ceil_mode (bool, optional): round the output length up instead of down. Default: ``False``.
        count_include_pad (bool, optional): count the padding zeros in each average. Default: ``True``.

    Example::

        >>> F.avg_pool1d(ember.tensor([[[1., 2., 3., 4., 5., 6., 7.]]]), kernel_size=3, stride=2)
        tensor([[[2., 4., 6.]]])
    """
    _check_1d(input, 'avg_pool1d')
    msg = "avg_pool1d() argument '{}' should contain one int (got {{}})"
    k = _one(kernel_size, msg.format('kernel_size'))
    # an empty stride (the default) or None means the kernel size
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else _one(stride, msg.format('stride'))
    p = _one(padding, msg.format('padding'))
    out = avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad)
    return out.squeeze(-2)


# ------------------------------------------------------------------------------- adaptive pooling
def _adaptive_bounds(size, out):
    o = np.arange(out)
    start = (o * size) // out
    end = -((-(o + 1) * size) // out)       # ceil((o + 1) * size / out)
    return start, end


def _adaptive_sizes(name, n, input, output_size, colon=''):
    if isinstance(output_size, Tensor):
        output_size = output_size.tolist()
    if output_size is None or isinstance(output_size, int):
        output_size = (output_size,) * n
    try:
        output_size = tuple(output_size)
    except TypeError:       # (PyTorch's function takes the len() of what is not an int)
        raise TypeError(f"object of type '{type(output_size).__name__}' has no len()") from None
    if len(output_size) != n:
        from ember.ops import _argparse
        _argparse.refuse_from_stack()       # (sizes not ints, a string: the parser's error first)
        if 'max' in name:
            raise RuntimeError(f"{name}(): internal error: output_size.size() must be {n}")
        raise RuntimeError(f"{name}: output_size must be {n}")
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got{colon} {list(input.shape)}")
    for i in range(1, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(input.shape)} with dimension {i} being empty")
    sizes = input.shape[-n:]
    try:
        out = tuple(s if o is None else _index(o) for o, s in zip(output_size, sizes))   # (2.0 refused)
    except TypeError:       # PyTorch's argument error for the call
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if out and min(out) < 0:
        if 'max' in name:   # (the max kernels make their output first)
            shape = list(input.shape[:-n]) + list(out)
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(out, key=lambda o: o >= 0)}: "
                               f"{shape}")
        shown = f"{out[0]}, {out[1]}" + ''.join(f",{o}" for o in out[2:])     # (PyTorch's spacing)
        raise RuntimeError(f"{name}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{shown}}}")
    return out


def _averaging_matrix(size, out, dtype):
    """(out, size) with 1/len over each adaptive window: pooling along one dim is a matmul."""
    start, end = _adaptive_bounds(size, out)
    pos = np.arange(size)
    inside = (pos >= start[:, None]) & (pos < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool(Primitive):
    # the op inside PyTorch's aten::adaptive_avg_poolNd (whose event the functional records)
    _profile_name = staticmethod(lambda args: f'aten::_adaptive_avg_pool{len(args[1])}d')
    node_name = 'AdaptiveAvgPool2DBackward0'
    saved_attrs = {'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # sums then divides: half inputs run in float32, rounded once (as PyTorch)

    @staticmethod
    def forward(ctx, x, out):
        xp = ctx.xp
        n = len(out)
        mats = [xp.asarray(_averaging_matrix(s, o, x.dtype)) for s, o in zip(x.shape[x.ndim - n:], out)]
        ctx.mats = mats
        ctx.save_for_backward(x)    # (for grad_fn._saved_self only, as PyTorch keeps it)
        if 0 in out:            # an empty output size: an empty result, as PyTorch's
            return xp.zeros(x.shape[:x.ndim - n] + tuple(out), x.dtype)
        if xp is np and x.dtype in (np.float32, np.float64):
            # PyTorch's roundings: each window summed element by element, then divided
            return _adaptive_avg_arrays.adaptive_avg(x, out)
        y = x
        for i, a in enumerate(mats):
            axis = x.ndim - n + i
            y = xp.moveaxis(xp.matmul(xp.moveaxis(y, axis, -1), a.T), -1, axis)
        return xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, g):
        n = len(ctx.mats)
        gx = g
        for i, a in enumerate(ctx.mats):
            axis = g.ndim - n + i
            a = a if a.dtype == g._data.dtype else a.astype(g._data.dtype)   # (half inputs ran in float32)
            gx = gx.movedim(axis, -1).matmul(Tensor._make(a, g.device)).movedim(-1, axis)
        if grad_mode._state.enabled:   # (PyTorch's backward takes the input, with zero derivative in it)
            gx = _input_link.link(gx, ctx.saved_tensors[0], ctx.name()[:-1] + 'Backward0')
        return gx, None


class AdaptiveAvgPool3D(AdaptiveAvgPool):
    node_name = 'AdaptiveAvgPool3DBackward0'
    saved_attrs = AdaptiveAvgPool.saved_attrs


def _adaptive_avg(name, n, input, output_size):
    out = _adaptive_sizes(name, n, input, output_size)
    if input.dtype.category < 2:   # (a quantized dtype names itself: its kernel takes over in the caller)
        kind = getattr(input.dtype, '_scalar_name', None) or input.dtype._legacy[:-6]
        raise NotImplementedError(f'"{name}" not implemented for \'{kind}\'')
    if all(o == 1 for o in out):   # PyTorch takes the global mean here (grad_fn MeanBackward1)
        return input.mean(tuple(range(-n, 0)), keepdim=True)
    return (AdaptiveAvgPool if n == 2 else AdaptiveAvgPool3D).apply(input, out)


@op('F')
def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (``None`` keeps that input size).

    >>> F.adaptive_avg_pool2d(ember.arange(9.).reshape(1, 1, 3, 3), 2).tolist()
    [[[[2.0, 3.0], [5.0, 6.0]]]]
    """
    python_reads(input, 'size')
    try:
        return _adaptive_avg('adaptive_avg_pool2d', 2, input, output_size)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'adaptive_avg_pool', input, 2, output_size)


@op('F')
def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive average pooling: averages over windows chosen so that the output has size ``output_size``.

    Args:
        input (Tensor): input of shape ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        output_size (int or tuple of three ints): the target ``(D, H, W)``; ``None`` keeps that input size.

    Example::

        >>> F.adaptive_avg_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 1)
        tensor([[[[[3.5000]]]]])
    """
    python_reads(input, 'size')
    return _adaptive_avg('adaptive_avg_pool3d', 3, input, output_size)


@op('ember', 'F')
def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling: averages over windows chosen so that the output has length ``output_size``.

    Args:
        input (Tensor): input of shape ``(N, C, L)`` or ``(C, L)``.
        output_size (int or tuple of one int): the target length.

    Example::

        >>> F.adaptive_avg_pool1d(ember.tensor([[[1., 2., 3., 4., 5.]]]), 2)
        tensor([[[2., 4.]]])
    """
    _check_1d(input, 'adaptive_avg_pool1d')
    o = _one(output_size, "adaptive_avg_pool1d() argument 'output_size' should contain one int (got {})")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


class AdaptiveMaxPool(Primitive):
    _profile_name = staticmethod(lambda args: f'aten::adaptive_max_pool{len(args[1])}d')
    node_name = 'AdaptiveMaxPool2DBackward0'
    saved_attrs = {'result1': _sa.array_field('index'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, out):
        xp = ctx.xp
        n = len(out)
        _float8.check_kernel('adaptive_max_pool3d_cpu' if n == 3 else 'adaptive_max_pool2d', x.dtype)   # (float8)
        sizes = x.shape[x.ndim - n:]
        ctx.args = (x.shape, n)
        ctx.save_for_backward(x)    # (for grad_fn._saved_self only, as PyTorch keeps it)
        if 0 in out:            # an empty output size: empty values and indices, as PyTorch's
            empty = x.shape[:x.ndim - n] + tuple(out)
            ctx.index = xp.zeros(empty, np.int64)
            ctx.mark_non_differentiable(ctx.index)
            return xp.zeros(empty, x.dtype), ctx.index
        # every window padded to the largest one by repeating its last position (ties keep the first)
        rows = []
        for s, o in zip(sizes, out):
            start, end = _adaptive_bounds(s, o)
            kmax = int((end - start).max())
            rows.append(np.minimum(start[:, None] + np.arange(kmax), end[:, None] - 1))   # (o, kmax)
        kernel = tuple(r.shape[1] for r in rows)

        def candidates():
            for k, o in _offsets(kernel):
                sel = [Ellipsis]
                for i, (r, oi) in enumerate(zip(rows, o)):
                    sel.append(xp.asarray(r[:, oi]).reshape((-1,) + (1,) * (n - 1 - i)))
                yield k, x[tuple(sel)]
        y, local = _running_argmax(xp, candidates(), math.prod(kernel))
        index = xp.zeros(local.shape, np.int64)
        rest = local
        for i in reversed(range(n)):
            kmax = rows[i].shape[1]
            k_i = rest % kmax
            rest = rest // kmax
            o_i = xp.arange(out[i]).reshape((-1,) + (1,) * (n - 1 - i))
            index += xp.asarray(rows[i])[o_i, k_i] * math.prod(sizes[i + 1:])
        ctx.mark_non_differentiable(index)
        ctx.index = index
        ctx.args = (x.shape, n)
        return y, index

    @staticmethod
    def backward(ctx, g, _g_index):
        shape, n = ctx.args
        # NOTE: the forward allows an empty output size, but PyTorch's backward kernel refuses it (1-d runs as 2-d)
        for dim in range(1, g.ndim):
            if g.shape[dim] == 0:
                raise RuntimeError(f"adaptive_max_pool{n}d_backward(): Expected grad_output to have non-zero size for "
                                   f"non-batch dimensions, but grad_output has sizes {list(g.shape)} with "
                                   f"dimension {dim} being empty")
        index = Tensor._make(ctx.index, g.device)
        x = ctx.saved_tensors[0] if grad_mode._state.enabled else None   # (to link a recorded graph)
        return _max_pool_grad(ctx.name(), g, index, shape, n, True, x), None


@op('F')
def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """:func:`adaptive_max_pool2d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in
    PyTorch. The indices are flat positions in each ``H * W`` input plane.

    Example::

        >>> F.adaptive_max_pool2d_with_indices(ember.arange(16.).reshape(1, 1, 4, 4), 2)
        (tensor([[[[ 5.,  7.],
                  [13., 15.]]]]), tensor([[[[ 5,  7],
                  [13, 15]]]]))
    """
    python_reads(input, 'size')
    out = _adaptive_sizes('adaptive_max_pool2d', 2, input, output_size, colon=':')
    return AdaptiveMaxPool.apply(input, out)


@op('F')
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size; ``return_indices`` as in ``max_pool2d``.

    Example::

        >>> F.adaptive_max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), (2, 1))
        tensor([[[[ 7.],
                  [15.]]]])
    """
    python_reads(input, 'size')
    out, index = adaptive_max_pool2d_with_indices(input, output_size)
    return (out, index) if return_indices else out


@op('F')
def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """:func:`adaptive_max_pool1d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in
    PyTorch.

    Example::

        >>> F.adaptive_max_pool1d_with_indices(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2)
        (tensor([[[5., 4.]]]), tensor([[[1, 3]]]))
    """
    require_tensor(input, 'adaptive_max_pool1d')
    _check_1d(input, 'adaptive_max_pool1d')
    o = _one(output_size, "adaptive_max_pool1d() argument 'output_size' should contain one int (got {})")
    out, index = adaptive_max_pool2d_with_indices(input.unsqueeze(-2), (1, o))
    return out.squeeze(-2), index.squeeze(-2)


@op('F')
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling: maxima over windows chosen so that the output has length ``output_size``.

    Args:
        input (Tensor): input of shape ``(N, C, L)`` or ``(C, L)``.
        output_size (int or tuple of one int): the target length.
        return_indices (bool, optional): also return the position of each maximum. Default: ``False``.

    Example::

        >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2)
        tensor([[[5., 4.]]])
        >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 3., 4., 2.]]]), 2, return_indices=True)
        (tensor([[[5., 4.]]]), tensor([[[1, 3]]]))
    """
    out, index = adaptive_max_pool1d_with_indices(input, output_size)
    return (out, index) if return_indices else out


# ------------------------------------------------------------------------------- LP pooling, unpooling
@op('F')
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each window of x ** p) ** (1 / p), composed from avg_pool2d as PyTorch does.

    Example::

        >>> F.lp_pool2d(ember.tensor([[[[3., 4.], [0., 0.]]]]), 2, 2)
        tensor([[[[5.]]]])
    """
    from ember.ops.activation import relu
    kw, kh = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kw * kh).pow(1.0 / norm_type)


@op('F')
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-D power-average pooling: ``(sum of x ** p over each window) ** (1 / p)``.

    ``p = inf`` would be max pooling; ``p = 1`` is sum pooling.

    Args:
        input (Tensor): input of shape ``(N, C, L)`` or ``(C, L)``.
        norm_type (float): the exponent ``p``.
        kernel_size (int): the window length.
        stride (int, optional): the window step. Default: ``kernel_size``.
        ceil_mode (bool, optional): round the output length up instead of down. Default: ``False``.

    Example::

        >>> F.lp_pool1d(ember.tensor([[[3., 4., 1., 2.]]]), 2, 2)
        tensor([[[5.0000, 2.2361]]])
    """
    from ember.ops.activation import relu
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kernel_size).pow(1.0 / norm_type)


def _unpool_size(input, kernel, stride, padding, output_size, n):
    default = [(input.shape[-n + i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(n)]
    if output_size is None:
        return default
    size = [int(s) for s in output_size]
    if len(size) == n + 2:
        size = size[-n:]
    if len(size) != n:
        raise ValueError(f"output_size should be a sequence containing {n} or {n + 2} elements, but it has a length "
                         f"of '{len(size)}'")
    for i in range(n):
        lo, hi = default[i] - stride[i], default[i] + stride[i]
        if not lo < size[i] < hi:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {i} must be between {lo} and {hi})')
    return size


class MaxUnpool(Primitive):
    """Values written back at their max-pool indices, zeros elsewhere; the gradient is a gather."""
    node_name = 'MaxUnpool2DBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'indices': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, index, size):
        xp = ctx.xp
        n = len(size)
        _float8.check_kernel('max_unpool3d' if n == 3 else 'max_unpool2d', x.dtype)     # (PyTorch refuses float8)
        plane = math.prod(size)
        rows = math.prod(x.shape[:x.ndim - n])
        idx = index.reshape(rows, -1)
        bad = (idx < 0) | (idx >= plane)
        if bad.any():
            first = int(idx.reshape(-1)[int(bad.reshape(-1).argmax())])
            raise RuntimeError(f"Found an invalid max index: {first} (output volumes are of size "
                               f"{'x'.join(map(str, size))})")
        ctx.save_for_backward(index)
        ctx.x_shape, ctx.n, ctx.size = x.shape, n, size
        out = xp.zeros((rows, plane), x.dtype)
        out[xp.arange(rows)[:, None], idx] = x.reshape(rows, -1)
        return out.reshape(x.shape[:x.ndim - n] + tuple(size))

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        rows = math.prod(ctx.x_shape[:len(ctx.x_shape) - ctx.n])
        gx = g.reshape(rows, -1).gather(1, index.reshape(rows, -1)).reshape(ctx.x_shape)
        return gx, None, None


def _check_unpool_indices(n, input, indices):
    if input.shape != indices.shape:
        shown = [list(t.shape) + [1] * (n == 1) for t in (input, indices)]    # (1-D runs as 2-D)
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({shown[0]}) "
                           f"but got indices tensor with shape: {shown[1]}")


class MaxUnpoolLength(MaxUnpool):
    """``max_unpool1d`` as one node named as PyTorch's last step (SqueezeBackward1: it unpools a length as a
    ``(length, 1)`` plane between an unsqueeze and a ``squeeze(-1)``), where the call's three nodes are not
    recorded (op observers, tensor subclasses: see _max_unpool1d_steps)."""
    node_name = 'SqueezeBackward1'
    saved_attrs = {'dim': _sa.const(_sa.as_int64(-1)),
                   'self_sym_sizes': lambda node: (*node.x_shape[:-1], *node.size, 1)}  # grad_fn._saved_*, read lazily


def _max_unpool(n, input, indices, kernel_size, stride, padding, output_size):
    _check_unpool_indices(n, input, indices)
    kernel = (kernel_size,) * n if isinstance(kernel_size, int) else tuple(kernel_size)
    stride = kernel if stride is None else ((stride,) * n if isinstance(stride, int) else tuple(stride))
    padding = (padding,) * n if isinstance(padding, int) else tuple(padding)
    size = _unpool_size(input, kernel, stride, padding, output_size, n)
    if n == 1 and input._requires_grad and grad_mode._state.enabled and input.__class__ is Tensor and \
            not _function._op_hooks and input._device.type != 'meta':
        return _max_unpool1d_steps(input, indices, tuple(size))
    return (MaxUnpoolLength if n == 1 else MaxUnpool).apply(input, indices, tuple(size))


def _max_unpool1d_steps(input, indices, size):
    """max_unpool1d with PyTorch's graph: the length unpooled as a (length, 1) plane between an unsqueeze and a
    squeeze(-1) (SqueezeBackward1 over MaxUnpool2DBackward0 over UnsqueezeBackward0), computed in one pass and
    its three nodes recorded over it (see autograd/_recorded_steps.py)."""
    from ember.ops.shape import SqueezeDim, Unsqueeze
    last = wrap_dim(-1, input.ndim + 1)
    x, index = input._data, indices._data
    plane_shape = x.shape + (1,)
    ctx = _Kept(input)
    out = MaxUnpool.forward(ctx, x, index, size)
    planes = record_step(Unsqueeze, (input, last), x.reshape(plane_shape), dim=last)
    index_planes = indices.unsqueeze(-1)
    unpooled = record_step(MaxUnpool, (planes, index_planes, size + (1,)), out.reshape(out.shape + (1,)),
                           saved=(index_planes._data,), x_shape=plane_shape, n=2, size=size + (1,))
    dims = wrap_dims(-1, unpooled.ndim)
    return record_step(SqueezeDim, (unpooled, dims), out, in_shape=unpooled._data.shape, dims=dims)


class _Kept:
    """A ctx for a forward run directly (its result recorded by record_step): what it keeps is dropped."""
    def __init__(self, t):
        self.xp = backend.get_array_module(t._device)

    def save_for_backward(self, *items):
        pass


@op('F')
def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: values back at their indices, zeros elsewhere.

    Example::

        >>> out, idx = F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(out, idx, 2)
        tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  5.,  0.,  7.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 13.,  0., 15.]]]])
    """
    python_reads(input, 'size')
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


@op('F')
def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of :func:`max_pool1d`: puts each value back at the position its index names, zeros
    elsewhere.

    Args:
        input (Tensor): the pooled values, ``(N, C, L_out)`` or ``(C, L_out)``.
        indices (Tensor): the indices :func:`max_pool1d` returned with ``return_indices=True``.
        kernel_size (int or tuple of one int): the pooling window length.
        stride (int or tuple of one int, optional): the pooling step. Default: ``kernel_size``.
        padding (int or tuple of one int, optional): the pooling padding. Default: 0.
        output_size (sequence of ints, optional): the exact output size, when the default is ambiguous.

    Example::

        >>> out, idx = F.max_pool1d(ember.tensor([[[1., 3., 2., 5.]]]), 2, return_indices=True)
        >>> F.max_unpool1d(out, idx, 2)
        tensor([[[0., 3., 0., 5.]]])
    """
    python_reads(input, 'size')
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)
