"""Statistics and numerical calculus: quantiles, covariance, differences, gradients, integrals,
binning (bucketize/searchsorted/histogram), distances, renormalisation, runs of equal values.

The differentiable ones are compositions of ember ops (their gradients come for free, to any
order); binning returns indices and counts, which carry no gradient.
"""
import builtins
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse
from ember.ops._numpy_keywords import NOT_GIVEN
from ember.ops._registry import op
from ember.ops._half import is_half_array
from ember.ops.inplace import write_out
from ember.ops._util import wrap_dim
from ember.ops.reduce import _named

_INTERPOLATIONS = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _where(cond, a, b):
    from ember.ops.index import where
    return where(cond, a, b)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    if input.dtype.name not in ('float32', 'float64'):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        q = input.new_tensor(float(q))
    else:
        if q.ndim > 1:
            raise RuntimeError("quantile() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        if bool(((q < 0) | (q > 1)).any()):
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
    # PyTorch's steps (its graph: SqueezeBackward4 over LerpBackward1 over two gathers from the viewed sort, and its
    # bits: lerp's formula): the values sorted along the reduced dim, moved last; the ranks q * (count - 1), one per
    # q along the last dim; the values at the ranks below and above, interpolated in place
    if dim is not None:
        dim = wrap_dim(dim, input.ndim)
    if dim is None:
        values = input.flatten().sort().values
    elif dim == input.ndim - 1:
        values = input.sort().values
    else:
        values = input.unsqueeze(-1).transpose(dim, -1).sort().values
    if dim is not None and input.ndim:
        out_shape = list(input.shape)
        if keepdim:
            out_shape[dim] = 1
        else:
            del out_shape[dim]
    else:
        out_shape = [1] * input.ndim if keepdim else []
    values = values.view(out_shape + [values.shape[-1]])
    if ignore_nan:      # the count of values that are not NaN (an all-NaN slice: rank 0, a NaN)
        ranks = q * ((~values.isnan()).sum(-1, True) - 1)
        ranks.masked_fill_(ranks < 0, 0)
    else:               # a slice holding a NaN takes its last (sorted: NaN) value
        last = values.shape[-1] - 1
        scaled, has_nan = _broadcast_tensors(q * last, values.isnan().any(-1, True))
        ranks = scaled.masked_fill(has_nan, last)
    if interpolation == 'lower':
        ranks.floor_()
    elif interpolation == 'higher':
        ranks.ceil_()
    elif interpolation == 'nearest':
        ranks.round_()                                      # half to even, as PyTorch
    ranks_below = ranks.long()
    result = values.gather(-1, ranks_below)
    if interpolation in ('linear', 'midpoint'):
        weights = ranks.new_full(ranks.shape, 0.5) if interpolation == 'midpoint' else ranks - ranks_below
        result.lerp_(values.gather(-1, ranks.ceil_().long()), weights)
    if not result.requires_grad:    # (nothing recorded: the same views out of place, which a trace can follow)
        return result.squeeze(-1) if q.ndim == 0 else result.unsqueeze(0).transpose(0, -1).squeeze(-1)
    if q.ndim == 0:
        return result.squeeze_(-1)
    return result.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)     # (the quantiles first)


def _broadcast_tensors(*tensors):
    from ember.ops.shape import broadcast_tensors
    return broadcast_tensors(*tensors)


@op('ember', 'Tensor')
def quantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """The ``q``-th quantiles along ``dim`` (all elements when ``None``), interpolating between the
    sorted values as ``interpolation`` says; a slice with a NaN gives NaN.

    >>> ember.quantile(ember.tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    _result = _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)
    return _result if out is None else write_out('quantile', _result, out)


@op('ember', 'Tensor')
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """``quantile`` ignoring NaNs (a slice of only NaNs gives NaN).

    >>> ember.nanquantile(ember.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    _result = _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)
    return _result if out is None else write_out('nanquantile', _result, out)


@op('ember', 'Tensor')
def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in ``input``'s rows (observations in columns), with optional
    integer frequency weights and float observation weights, as NumPy's ``cov``.

    >>> ember.cov(ember.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x.dtype.category < 2:
        from ember._dtype import get_default_dtype
        x = x.to(get_default_dtype())
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = fweights.to(x.dtype)
    if aweights is not None:
        w = aweights.to(x.dtype) if w is None else w * aweights.to(x.dtype)
    if w is None:
        w_sum = x.new_tensor(float(n))
        avg = x.mean(1, keepdim=True)
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1, keepdim=True) / w_sum
    if w is None:
        norm = w_sum - correction
    elif correction == 0:
        norm = w_sum
    elif aweights is None:
        norm = w_sum - correction
    else:
        norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
    norm = norm.clamp(min=0)
    centred = x - avg
    weighted = centred if w is None else centred * w
    # (centred.t() then its conjugate, as PyTorch: TBackward0 under MmBackward0)
    ct = centred.t()
    c = weighted @ (ct.conj() if ct.is_complex() else ct) / norm
    return c.squeeze()      # (always, as PyTorch: one variable gives a 0-d result; SqueezeBackward0 on top)


@op('ember', 'Tensor')
def corrcoef(input):
    """Pearson correlation coefficients of the variables in ``input``'s rows, clipped to [-1, 1].

    >>> ember.corrcoef(ember.tensor([[0., 1., 2.], [2., 1., 5.]]))
    tensor([[1.0000, 0.7206],
            [0.7206, 1.0000]])
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    stddev = d.sqrt()
    c = c / stddev.view(-1, 1) / stddev.view(1, -1)
    return c.clamp(-1, 1)


@op('ember', 'Tensor')
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` extend it first).

    >>> ember.diff(ember.tensor([1, 3, 6, 10]))
    tensor([2, 3, 4])
    """
    from ember.ops.shape import cat
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = wrap_dim(dim, input.ndim)
    parts = [p if p.ndim else p.expand(input.shape[:dim] + (1,) + input.shape[dim + 1:])
             for p in (prepend, input, append) if p is not None]
    x = cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        a, b = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = (a ^ b) if x.dtype.name == 'bool' else a - b
    _result = x
    return _result if out is None else write_out('diff', _result, out)


@op('ember')
def gradient(input, *, spacing=None, dim=None, edge_order=1):
    """Estimate the gradient of a sampled function along each of ``dim`` (all dims by default):
    second-order central differences inside, ``edge_order`` one-sided differences at the ends.
    ``spacing`` is a step per dim (numbers) or the sample coordinates (1-D tensors).

    >>> ember.gradient(ember.tensor([1., 3., 6., 10.]))
    (tensor([2.0000, 2.5000, 3.5000, 4.0000]),)
    """
    dims = list(range(input.ndim)) if dim is None else [wrap_dim(d, input.ndim)
                                                         for d in ((dim,) if isinstance(dim, int) else dim)]
    if spacing is None:
        spacing = 1
    if not isinstance(spacing, (list, tuple)):
        spacing = [spacing] * len(dims)
    if len(spacing) == 1 and len(dims) > 1:
        spacing = list(spacing) * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(f"ember.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                           f"arguments to have the same length, but got a spacing argument of length {len(spacing)} "
                           f"and a dim argument of length {len(dims)}.")
    if edge_order not in (1, 2):
        raise RuntimeError("ember.gradient only supports edge_order=1 and edge_order=2.")
    x = input if input.dtype.category >= 2 else input.to(_default_float())
    return tuple(_gradient_along(x, d, h, edge_order) for d, h in zip(dims, spacing))


def _default_float():
    from ember._dtype import get_default_dtype
    return get_default_dtype()


def _gradient_along(x, dim, h, edge_order):
    from ember.ops.shape import cat
    n = x.shape[dim]
    if n < edge_order + 1:
        raise RuntimeError("ember.gradient expected each dimension size to be at least edge_order+1")

    def sl(start, length):
        return x.narrow(dim, start, length)

    if isinstance(h, Tensor):  # sample coordinates: non-uniform steps
        shape = [1] * x.ndim
        shape[dim] = n
        coords = h.to(x.dtype).reshape(shape)
        dx = coords.narrow(dim, 1, n - 1) - coords.narrow(dim, 0, n - 1)
        a, b = dx.narrow(dim, 0, n - 2), dx.narrow(dim, 1, n - 2)   # left and right steps
        inner = (a * a * sl(2, n - 2) - b * b * sl(0, n - 2) + (b * b - a * a) * sl(1, n - 2)) / (a * b * (a + b))
        h0, hl = dx.narrow(dim, 0, 1), dx.narrow(dim, n - 2, 1)
        if edge_order == 1:
            first = (sl(1, 1) - sl(0, 1)) / h0
            last = (sl(n - 1, 1) - sl(n - 2, 1)) / hl
        else:
            h1, hm = dx.narrow(dim, 1, 1), dx.narrow(dim, n - 3, 1)
            first = (-(2 * h0 + h1) / (h0 * (h0 + h1)) * sl(0, 1) + (h0 + h1) / (h0 * h1) * sl(1, 1)
                     - h0 / (h1 * (h0 + h1)) * sl(2, 1))
            last = (hl / (hm * (hm + hl)) * sl(n - 3, 1) - (hm + hl) / (hm * hl) * sl(n - 2, 1)
                    + (2 * hl + hm) / (hl * (hm + hl)) * sl(n - 1, 1))
    else:
        # PyTorch's steps and rounding: the step and the coefficients are C++ doubles (DivBackward1, MulBackward1),
        # the central difference divided by the step, then halved
        from ember.ops._scalar_overloads import div_number, mul_number
        h = float(h)
        inner = div_number(div_number(sl(2, n - 2) - sl(0, n - 2), h), 2)
        if edge_order == 1:
            first = div_number(sl(1, 1) - sl(0, 1), h)
            last = div_number(sl(n - 1, 1) - sl(n - 2, 1), h)
        else:
            first = mul_number(sl(0, 1), -1.5) + mul_number(sl(1, 1), 2) - mul_number(sl(2, 1), 0.5)
            last = mul_number(sl(n - 3, 1), 0.5) - mul_number(sl(n - 2, 1), 2) + mul_number(sl(n - 1, 1), 1.5)
            first, last = div_number(first, h), div_number(last, h)
    return cat([first, inner, last], dim)


def _refuse_both_spacings(name, y, x, dx):
    if x is not None and dx is not None:   # PyTorch's parser has no overload taking both
        _argparse.refuse_from_stack()       # the parser's error for the call as the user made it
        kind = lambda v: 'Tensor' if isinstance(v, Tensor) else type(v).__name__  # noqa: E731
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({kind(y)}, {kind(x)}, "
                        f"dx={kind(dx)}), but expected one of:\n * (Tensor y, Tensor x, *, int dim = -1)\n"
                        " * (Tensor y, *, Number dx = 1, int dim = -1)\n")


def _trapezoid_parts(name, y, x, dx, dim, halved=True):
    """The rule's terms along ``dim`` and the wrapped dim: each pair of neighbours' mean (``halved``; else
    their sum, left first) times its gap."""
    _refuse_both_spacings(name, y, x, dx)
    dim = wrap_dim(dim, y.ndim)
    n = y.shape[dim]
    if y.dtype.category < 2:
        y = y.to(_default_float())
    if halved:
        mid = (y.narrow(dim, 1, max(n - 1, 0)) + y.narrow(dim, 0, max(n - 1, 0))) * 0.5
    else:
        mid = y.narrow(dim, 0, max(n - 1, 0)) + y.narrow(dim, 1, max(n - 1, 0))
    if x is None:
        return mid * (1.0 if dx is None else dx), dim
    if x.ndim == 1:
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.reshape(shape)
    xd = x.narrow(dim if x.ndim == y.ndim else -1, 1, n - 1) - x.narrow(dim if x.ndim == y.ndim else -1, 0, n - 1)
    return mid * xd, dim


@op('ember', aliases=('trapz',))
def trapezoid(y, x=NOT_GIVEN, *, dx=1, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at sample points ``x`` or with
    constant spacing ``dx`` (1 by default).

    >>> ember.trapezoid(ember.tensor([1., 3., 6., 10.]), dx=0.5)
    tensor(7.2500)
    """
    from ember.ops._scalar_overloads import div_number, mul_number
    if x is NOT_GIVEN:
        x = None
    elif not isinstance(x, Tensor):     # (a spacing is dx=, never positional; None is no tensor either)
        _argparse.refuse_from_stack()
        raise TypeError(f"trapezoid(): argument 'x' must be Tensor, not {type(x).__name__}")
    spacing = None if x is not None and dx == 1 else dx
    _refuse_both_spacings('trapezoid', y, x, spacing)
    d = wrap_dim(dim, y.ndim)
    if not y.shape[d]:      # no samples: zeros of y's dtype, as PyTorch (and NumPy) give
        return y.new_zeros(y.shape[:d] + y.shape[d + 1:])
    if x is None and isinstance(spacing, (bool, complex)):
        raise RuntimeError("trapezoid: Currently, we only support dx as a real number.")
    # PyTorch's sums, with its rounding and its graph: sample points weigh each pair of neighbours by its gap
    # and halve the total (``/ 2.``: DivBackward1); a constant spacing multiplies the samples' sum less half
    # the end points (``* dx``, a double: MulBackward1)
    if x is not None:
        pairs, d = _trapezoid_parts('trapezoid', y, x, None, d, halved=False)
        return div_number(pairs.sum(d), 2.0)
    if type(spacing) not in (int, float):
        parts, d = _trapezoid_parts('trapezoid', y, x, spacing, d)
        return parts.sum(d)
    if y.dtype.category < 2:
        y = y.to(_default_float())
    ends = y.select(d, 0) + y.select(d, -1)
    return mul_number(y.sum(d) - mul_number(ends, 0.5), float(spacing))


@op('ember')
def cumulative_trapezoid(y, x=NOT_GIVEN, *, dx=1, dim=-1):
    """The running trapezoidal integral of ``y`` along ``dim`` (one element shorter than ``y``).

    >>> ember.cumulative_trapezoid(ember.tensor([1., 3., 6., 10.]))
    tensor([ 2.0000,  6.5000, 14.5000])
    """
    if isinstance(y, Tensor) and y.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if x is NOT_GIVEN:
        x = None
    elif not isinstance(x, Tensor):     # (a spacing is dx=, never positional; None is no tensor either)
        _argparse.refuse_from_stack()
        raise TypeError(f"cumulative_trapezoid(): argument 'x' must be Tensor, not {type(x).__name__}")
    from ember.ops._scalar_overloads import div_number, mul_number
    spacing = None if x is not None and dx == 1 else dx
    if x is None and type(spacing) in (int, float):
        # PyTorch's steps and graph: each pair's sum (left first) times half the spacing (a double: MulBackward1),
        # then the running sum
        d = wrap_dim(dim, y.ndim)
        n = max(y.shape[d] - 1, 0)
        if y.dtype.category < 2:
            y = y.to(_default_float())
        return mul_number(y.narrow(d, 0, n) + y.narrow(d, 1, n), spacing / 2.).cumsum(d)
    if x is not None:
        # sample points: the running sum of each pair's sum times its gap, halved at the end (DivBackward1)
        pairs, d = _trapezoid_parts('cumulative_trapezoid', y, x, spacing, dim, halved=False)
        return div_number(pairs.cumsum(d), 2.0)
    parts, dim = _trapezoid_parts('cumulative_trapezoid', y, x, spacing, dim)
    return parts.cumsum(dim)


def _index_result(xp_result, device, out_int32):
    arr = xp_result.astype(np.int32 if out_int32 else np.int64)
    return Tensor._make(arr, device)


@op('ember')
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """For each value, the index of the bucket of the sorted 1-D ``boundaries`` it falls in
    (``right=False``: ``boundaries[i-1] < v <= boundaries[i]``).

    >>> ember.bucketize(ember.tensor([1, 5, 9]), ember.tensor([1, 3, 5, 7, 9]), right=True)
    tensor([1, 3, 5])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    values = input._data if isinstance(input, Tensor) else np.asarray(input)
    found = boundaries._xp.searchsorted(boundaries._data, values, side='right' if right else 'left')
    _result = _index_result(boundaries._xp.asarray(found), boundaries._device, out_int32)
    return _result if out is None else write_out('bucketize', _result, out)


@op('ember')
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Where each value of ``input`` would be inserted in ``sorted_sequence`` (along its last dim,
    row by row for N-D sequences) to keep it sorted; ``side='right'`` (or ``right=True``) places it
    after equal values.

    >>> ember.searchsorted(ember.tensor([1, 3, 5, 7, 9]), ember.tensor([3, 6, 9]))
    tensor([1, 3, 4])
    """
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"ember.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == 'left':
            raise RuntimeError("ember.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == 'right'
    xp = sorted_sequence._xp
    seq = sorted_sequence._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input._data
    how = 'right' if right else 'left'
    if seq.ndim == 1:
        found = xp.searchsorted(seq, values, side=how)
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError("ember.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
        rows, vals = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
        found = xp.stack([xp.searchsorted(r, v, side=how) for r, v in zip(rows, vals)]).reshape(values.shape)
    _result = _index_result(xp.asarray(found), sorted_sequence._device, out_int32)
    return _result if out is None else write_out('searchsorted', _result, out)


_Histogram = _named('histogram', ('hist', 'bin_edges'))
_HistogramDD = _named('histogramdd', ('hist', 'bin_edges'))


@op('ember', 'Tensor')
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Counts (or summed ``weight``) of ``input``'s values in ``bins`` equal bins over ``range``
    (the data's min..max by default), or in the bins a 1-D tensor of edges gives; the last bin
    includes its right edge. ``density=True`` normalises the counts to integrate to 1.

    >>> ember.histogram(ember.tensor([1., 2., 1.]), bins=4, range=(0., 3.), weight=ember.tensor([1., 2., 4.]))
    ember.return_types.histogram(
    hist=tensor([0., 5., 2., 0.]),
    bin_edges=tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000]))
    """
    # counted on the host (CUDA tensors are copied); the results go back to input's device
    data = input.detach().cpu().numpy().reshape(-1)
    w = None if weight is None else weight.detach().cpu().numpy().reshape(-1)
    edges = bins.detach().cpu().numpy() if isinstance(bins, Tensor) else int(bins)
    hist, bin_edges = np.histogram(data, bins=edges, range=range, weights=w, density=density)
    dt = input.dtype
    _result = _Histogram(input.new_tensor(hist.astype(dt.np_dtype)), input.new_tensor(bin_edges.astype(dt.np_dtype)))
    return _result if out is None else write_out('histogram', _result, out)


@op('ember')
def histogramdd(input, bins=10, range=None, weight=None, density=False):
    """The D-dimensional histogram of the points in ``input``'s rows (shape ``(N, D)``): ``bins``
    is a count for every dim, a count per dim, or a list of 1-D edge tensors; ``range`` is a flat
    list of (min, max) pairs.

    >>> h = ember.histogramdd(ember.tensor([[0., 1.], [1., 0.], [2., 0.], [2., 2.]]), bins=[3, 3])
    >>> h.hist
    tensor([[0., 1., 0.],
            [1., 0., 0.],
            [1., 0., 1.]])
    """
    points = input.detach().cpu().numpy()  # counted on the host, as histogram
    points = points.reshape(-1, points.shape[-1])
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        edges = [b.detach().cpu().numpy() for b in bins]
    else:
        edges = bins
    pairs = None if range is None else [tuple(range[i:i + 2]) for i in builtins.range(0, len(range), 2)]
    w = None if weight is None else weight.detach().cpu().numpy().reshape(-1)
    hist, bin_edges = np.histogramdd(points, bins=edges, range=pairs, weights=w, density=density)
    dt = input.dtype
    return _HistogramDD(input.new_tensor(hist.astype(dt.np_dtype)),
                        tuple(input.new_tensor(e.astype(dt.np_dtype)) for e in bin_edges))


class _Dist(Primitive):
    """The ``p``-norm of ``a - b`` (broadcast), one ``DistBackward0`` node as in PyTorch."""
    node_name = 'DistBackward0'
    saved_attrs = {'other': _sa.saved(1), 'p': _sa.field('p'), 'result': _sa.saved(2), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _promote = True

    @staticmethod
    def forward(ctx, a, b, p):
        from ember.ops.reduce import norm_value
        diff = a - b
        if is_half_array(diff):     # the difference rounded to the half type, its norm taken in float32
            diff = diff.astype(np.float32)
        out = norm_value(ctx.xp, diff, p, None).reshape(()).astype(a.dtype, copy=False)   # a, b promoted alike
        ctx.p = p
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        from ember.ops.reduce import norm_grad
        if ctx.p == 0:
            # PyTorch's zero-norm has no gradient (undefined), and its divisor's is its negation, which fails
            if ctx.needs_input_grad[1]:
                raise RuntimeError("Expected a proper Tensor but got None (or an undefined Tensor in C++) for "
                                   "argument #0 'self'")
            return None, None, None
        a, b, out = ctx.saved_tensors
        x = a - b       # recomputed from the inputs, so double backward reaches them
        kept = (1,) * x.ndim
        grad = norm_grad(x, out.reshape(kept), g.reshape(kept), ctx.p, None)
        return grad, -grad, None


@op('ember', 'Tensor')
def dist(input, other, p=2):
    """The ``p``-norm of ``input - other``.

    >>> ember.dist(ember.tensor([1., 2.]), ember.tensor([3., 1.]), 3)
    tensor(2.0801)
    """
    from ember.ops._float8 import refuse_float8
    refuse_float8('add_stub', input)    # (PyTorch's dist subtracts first: its sub refuses float8)
    from ember.ops.reduce import norm
    if isinstance(other, Tensor) and input.is_floating_point() and other.is_floating_point() \
            and isinstance(p, (int, float)) and not isinstance(p, bool):
        return _Dist.apply(input, other, float(p))
    return norm(input - other, p)      # (other kinds: norm's own checks and errors)


@op('ember', 'Tensor', inplace=True)
def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along ``dim`` rescaled so its ``p``-norm is at most ``maxnorm``.

    >>> ember.renorm(ember.tensor([[1., 2., 3.], [4., 5., 6.]]), 2, 0, 5)
    tensor([[1.0000, 2.0000, 3.0000],
            [2.2792, 2.8490, 3.4188]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    given = dim
    dim = wrap_dim(dim, input.ndim)
    from ember.ops import _one_node
    _result = _one_node.one_node(RenormNode, lambda x: _renorm_value(x, p, dim, maxnorm), (input,),
                                 p, given, maxnorm)
    return _result if out is None else write_out('renorm', _result, out)


def _renorm_norms(input, p, others):
    a = input.abs()
    return a.amax(others, keepdim=True) if math.isinf(p) else (a ** p).sum(others, keepdim=True) ** (1.0 / p)


def _renorm_value(input, p, dim, maxnorm):
    others = tuple(d for d in range(input.ndim) if d != dim)
    norms = _renorm_norms(input, p, others)
    # PyTorch's factor: maxnorm / (norm + 1e-7) where the norm exceeds maxnorm, else 1
    factor = _where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return (input * factor).contiguous()   # contiguous, as PyTorch's


class RenormNode(Primitive):
    """``renorm``'s one node, as PyTorch's: where a slice's norm ``n`` exceeds ``maxnorm`` the gradient is
    ``maxnorm / (n + 1e-7) * (grad - dn/dx * sum(x * grad) / (n + 1e-7))``, elsewhere ``grad``."""
    node_name = 'RenormBackward0'
    saved_names = ('self',)
    saved_attrs = {'self': _sa.saved(0), 'p': _sa.item('args', 0), 'dim': _sa.item('args', 1, _sa.as_int64),
                   'maxnorm': _sa.item('args', 2)}

    @staticmethod
    def forward(ctx, input, p, dim, maxnorm, value):
        ctx.args = (p, dim, maxnorm)
        ctx.save_for_backward(input)
        return value

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        p, dim, maxnorm = ctx.args
        dim = wrap_dim(dim, x.ndim)
        others = tuple(d for d in range(x.ndim) if d != dim)
        n = _renorm_norms(x, p, others)
        over = n > maxnorm
        safe = _where(over, n, 1.0)     # (slices at or under maxnorm keep grad: no division by their norm)
        along = x.conj() * g
        if along.dtype.is_complex:      # the norm is real: only the real part of its gradient counts
            from ember.ops.complex import real
            along = real(along)
        along = along.sum(others, keepdim=True)
        if math.isinf(p):       # the largest magnitudes share the norm's gradient evenly
            top = (x.abs() == n).to(x.dtype)
            dn = x.sgn() * top / top.sum(others, keepdim=True)
        elif p == 1:
            dn = x.sgn()
        elif p == 2:
            dn = x / safe
        else:
            a = x.abs()
            dn = _where(a == 0, 0.0, x.sgn() * a ** (p - 1)) / safe ** (p - 1)
        inv = 1.0 / (safe + 1e-7)
        return _where(over, maxnorm * inv * (g - inv * dn * along), g), None, None, None, None


@op('ember', 'Tensor')
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive values (or slices along ``dim``) to one.

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 3, 1, 1, 2]))
    tensor([1, 2, 3, 1, 2])
    """
    xp = input._xp
    data = input._data
    if dim is None:
        flat = data.reshape(-1)
        starts = xp.ones(flat.shape[0], dtype=bool)
        if flat.shape[0] > 1:
            starts[1:] = flat[1:] != flat[:-1]
        values = Tensor._make(flat[starts], input._device)
        inverse_shape = data.shape
    else:
        dim = wrap_dim(dim, input.ndim)
        moved = xp.moveaxis(data, dim, 0)
        rows = moved.reshape(moved.shape[0], -1)
        starts = xp.ones(rows.shape[0], dtype=bool)
        if rows.shape[0] > 1:
            starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        values = Tensor._make(xp.ascontiguousarray(xp.moveaxis(moved[starts], 0, dim)), input._device)
        inverse_shape = (data.shape[dim],)
    result = [values]
    if return_inverse:
        result.append(Tensor._make((xp.cumsum(starts) - 1).astype(np.int64).reshape(inverse_shape), input._device))
    if return_counts:
        positions = xp.flatnonzero(starts)
        ends = xp.append(positions[1:], starts.shape[0])
        result.append(Tensor._make((ends - positions).astype(np.int64), input._device))
    return result[0] if len(result) == 1 else tuple(result)
