"""Loss functions: nn.functional's ``*_loss``, ``cross_entropy`` and friends.

A loss whose PyTorch ``grad_fn`` is a kernel of its own (``MseLossBackward0``, ``NllLossBackward0``,
``BinaryCrossEntropyBackward0`` ...) is a Primitive here, with a backward written in ember ops so
that gradients of gradients work; a loss that PyTorch composes from other ops is composed here too.
``cross_entropy`` is computed in one fused pass (log-softmax and the negative log-likelihood together):
it is the hot path of every classifier, and fusing keeps it one pass and numerically stable. Its recorded
graph is PyTorch's steps (LogSoftmaxBackward0 under NllLossBackward0: ``ops/_cross_entropy_steps.py``).

>>> F.cross_entropy(ember.tensor([[2.0, 0.5, -1.0]]), ember.tensor([0]))
tensor(0.2413)
"""
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember import _dtype
from ember._dtype import FLOAT8_NUMS
from ember.numerics import ENABLED as _PYTORCH_BITS
from ember._tensor import Tensor, _scalar_type_name
from ember.autograd import grad_mode
from ember.autograd import function as _function
from ember.autograd.function import Primitive
from ember.autograd._opmath import ALWAYS
from ember.ops._util import broadcast_error, elementwise, int_option
from ember.ops._cascade_sum import CASCADE_NUMS as _CASCADE_NUMS, cascade_sum, nll_sum
from ember.ops import _input_link, _log_softmax_grad_bits, _no_second_derivative, _softmax_bits
from ember.ops._half import is_half_array, refuse_half
from ember.ops.activation import logsigmoid
from ember.ops.index import where
from ember.ops.distance import pairwise_distance
from ember.ops._scalar_overloads import add_number
from ember.ops._registry import op
from ember.ops._util import python_reads, require_tensor
from ember.ops._util import python_reads
from ember import _user_warnings

__all__ = ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'cross_entropy', 'nll_loss',
           'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'kl_div', 'cosine_embedding_loss',
           'margin_ranking_loss', 'hinge_embedding_loss', 'soft_margin_loss', 'multilabel_soft_margin_loss',
           'poisson_nll_loss', 'gaussian_nll_loss', 'triplet_margin_loss', 'triplet_margin_with_distance_loss',
           'multi_margin_loss', 'multilabel_margin_loss']


# ----------------------------------------------------------------------------------------------
# reductions (PyTorch's torch.nn._reduction)

def _get_enum(reduction):
    """Validate a ``reduction`` string the way PyTorch's kernels do."""
    if reduction == 'elementwise_mean':
        _user_warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.")
        return 'mean'
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    return reduction


def legacy_get_string(size_average, reduce, emit_warning=True):
    """Map the deprecated ``size_average``/``reduce`` pair onto a ``reduction`` string."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    ret = 'none' if not reduce else ('mean' if size_average else 'sum')
    if emit_warning:
        _user_warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.")
    return ret


def _resolve(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    return _get_enum(reduction)


def _reduce(loss, reduction):
    """Apply a reduction to an elementwise loss made of ember ops."""
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    return loss


def _reduce_raw(xp, loss, reduction):
    if reduction == 'none':
        return loss
    if is_half_array(loss):    # accumulated in float32 and rounded once, as PyTorch's kernels
        return _reduce_raw(xp, loss.astype(np.float32), reduction).astype(loss.dtype)
    if reduction == 'sum':
        return loss.sum()
    if loss.size == 0:
        return xp.full((), xp.nan, loss.dtype)
    return loss.mean()


def _scale(g, reduction, n):
    """The incoming gradient spread over the elements a reduction consumed."""
    return g / n if reduction == 'mean' and n else g


def _size_warning(input, target):
    if target.shape != input.shape:
        _user_warnings.warn(f'Using a target size ({target.size()}) that is different to the input size '
                            f'({input.size()}). This will likely lead to incorrect results due to broadcasting. '
                            'Please ensure they have the same size.')


def _not_implemented(kernel, t):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_type_name(t.dtype)}\'')


def _cast_error(result, input):
    return RuntimeError(f"result type {_scalar_type_name(result)} can't be cast to the desired output type "
                        f"{_scalar_type_name(input.dtype)}")


def _common(input, target, kernel=None, into_input=False):
    """Cast input and target to their promoted dtype (an integer target joins a float input).

    ``kernel``: the name of PyTorch's floating-point kernel, which refuses a pair of integer (or
    bool) tensors; ``into_input``: the loss is computed into a tensor of input's dtype, so a float
    target cannot join an integer input."""
    dt = _dtype.result_type(input, target)
    if kernel is not None and (dt.category < 2 or dt.np_dtype.num in FLOAT8_NUMS):     # (PyTorch refuses float8 too)
        raise _not_implemented(kernel, Tensor._make(input._xp.empty(0, dt.np_dtype), input._device))
    if into_input and dt is not input.dtype and input.dtype.category < 2:
        raise _cast_error(dt, input)
    if dt.category < 2:
        dt = _dtype.get_default_dtype() if input.dtype.category < 2 else input.dtype
    if input.dtype is not dt:
        input = input.to(dt)
    if target.dtype is not dt:
        target = target.to(dt)
    return input, target


def _need(ctx, i, value):
    return value if ctx.needs_input_grad[i] else None


def _weighted(errors, weight, input, reduction, mean_by_weight=True):
    """The ``weight=`` form of mse/l1/huber: elementwise weights; PyTorch's mse and l1 divide the
    'mean' by the summed weights, its huber by the element count."""
    if weight.size() != input.size():       # (size(): what PyTorch's code reads of a weight not a tensor)
        raise ValueError('Weights and input must have the same size.')
    errors = errors * weight
    if reduction == 'none':
        return errors
    if reduction == 'sum':
        return errors.sum()
    if reduction == 'mean':
        return errors.sum() / weight.sum() if mean_by_weight else errors.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


# ----------------------------------------------------------------------------------------------
# regression losses

class MseLoss(Primitive):
    node_name = 'MseLossBackward0'
    saved_attrs = {'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    @elementwise
    def forward(ctx, x, t, reduction):
        d = x - t
        ctx.reduction, ctx.n = reduction, d.size
        ctx.save_for_backward(x, t)
        return _reduce_raw(ctx.xp, d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        gx = 2 * (x - t) * _scale(g, ctx.reduction, ctx.n)
        return _need(ctx, 0, gx), _need(ctx, 1, -gx), None


@op('F')
def mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean squared error; ``weight`` (input-shaped) weighs each element.

    Example::

        >>> F.mse_loss(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.5, 2.0, 1.0]))
        tensor(1.4167)
        >>> F.mse_loss(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.5, 2.0, 1.0]), reduction='sum')
        tensor(4.2500)
    """
    _size_warning(input, target)
    reduction = _resolve(size_average, reduce, reduction)
    input, target = _common(input, target, 'mse_cpu')
    if weight is not None:
        from ember.ops.shape import broadcast_tensors
        i, t = broadcast_tensors(input, target)
        return _weighted((i - t) ** 2, weight, input, reduction)
    return MseLoss.apply(input, target, reduction)


@op('F')
def l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean absolute error (composed, as in PyTorch: its grad_fn is the reduction's).

    Example::

        >>> F.l1_loss(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.5, 2.0, 1.0]))
        tensor(0.8333)
    """
    _size_warning(input, target)
    reduction = _resolve(size_average, reduce, reduction)
    if _dtype.result_type(input, target).category < 2 and weight is None:
        return _reduce((input - target).abs(), reduction)   # integers stay integers; their mean refuses
    input, target = _common(input, target)
    if weight is not None:
        from ember.ops.shape import broadcast_tensors
        i, t = broadcast_tensors(input, target)
        return _weighted((i - t).abs(), weight, input, reduction)
    return _reduce((input - target).abs(), reduction)


class _PiecewiseQuadratic(Primitive):
    """Quadratic within ``width`` of zero and linear outside: smooth L1 (``scale=1/beta``) and
    Huber (``scale=1``); the linear part's slope is ``width * scale``."""

    @staticmethod
    @elementwise
    def forward(ctx, x, t, reduction, width, scale):
        xp = ctx.xp
        d = x - t
        a = xp.abs(d)
        loss = xp.where(a < width, 0.5 * scale * d * d, width * scale * (a - 0.5 * width))
        ctx.reduction, ctx.n, ctx.width, ctx.scale = reduction, d.size, width, scale
        ctx.save_for_backward(x, t)
        return _reduce_raw(xp, loss.astype(d.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        d = x - t
        # NOTE: chosen with where, not by multiplying with a 0/1 mask: 0 * inf would be NaN at d = +-inf
        slope = where(d.abs() < ctx.width, d * ctx.scale, d.sign() * (ctx.width * ctx.scale))
        gx = slope * _scale(g, ctx.reduction, ctx.n)
        return _need(ctx, 0, gx), _need(ctx, 1, -gx), None, None, None


class SmoothL1Loss(_PiecewiseQuadratic):
    _profile_name = 'aten::smooth_l1_loss'
    node_name = 'SmoothL1LossBackward0'
    saved_attrs = {'beta': _sa.field('width'), 'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once (PyTorch's Huber rounds each)


class HuberLoss(_PiecewiseQuadratic):
    node_name = 'HuberLossBackward0'
    saved_attrs = {'delta': _sa.field('width'), 'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1)}  # grad_fn._saved_*, read lazily


@op('F')
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
    """``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``.

    Example::

        >>> F.smooth_l1_loss(ember.tensor([0.0, 2.0, 5.0]), ember.tensor([0.5, 0.0, 0.0]), reduction='none')
        tensor([0.1250, 1.5000, 4.5000])
    """
    _size_warning(input, target)
    reduction = _resolve(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError('smooth_l1_loss does not support negative values for beta.')
    input, target = _common(input, target, 'smooth_l1_cpu')
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    return SmoothL1Loss.apply(input, target, reduction, float(beta), 1.0 / beta)


@op('F')
def huber_loss(input, target, reduction='mean', delta=1.0, weight=None):
    """``0.5 * d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``.

    Example::

        >>> F.huber_loss(ember.tensor([0.0, 2.0, 5.0]), ember.tensor([0.5, 0.0, 0.0]))
        tensor(2.0417)
        >>> F.huber_loss(ember.tensor([0.0, 2.0, 5.0]), ember.tensor([0.5, 0.0, 0.0]), delta=2.0, reduction='none')
        tensor([0.1250, 2.0000, 8.0000])
    """
    _size_warning(input, target)
    reduction = _get_enum(reduction)
    if delta <= 0:
        raise RuntimeError('huber_loss does not support non-positive values for delta.')
    input, target = _common(input, target, 'huber_cpu', into_input=True)
    if weight is not None:
        return _weighted(HuberLoss.apply(input, target, 'none', float(delta), 1.0), weight, input, reduction,
                         mean_by_weight=False)
    return HuberLoss.apply(input, target, reduction, float(delta), 1.0)


# ----------------------------------------------------------------------------------------------
# classification with class indices: nll_loss and the fused cross_entropy

def _check_class_args(input, target, weight):
    """PyTorch's shape/dtype checks for class-index targets."""
    nd = input.ndim
    if nd < 1:
        raise ValueError(f'Expected 1 or more dimensions (got {nd})')
    if nd != 1 and input.shape[0] != (target.shape[0] if target.ndim else 0):
        raise ValueError(f'Expected input batch_size ({input.shape[0]}) to match target batch_size '
                         f'({target.shape[0] if target.ndim else 0}).')
    if nd == 1:
        if target.ndim > 1 or (target.ndim == 1 and target.shape[0] != 1):
            if target.ndim > 1:
                raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
            raise ValueError(f'For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}')
    elif nd == 2:
        if target.ndim != 1:
            raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
    elif nd == 4:   # (PyTorch's 2-D kernel, nll_loss2d, checks in its own order and words)
        if target.ndim != 3:
            raise RuntimeError(f'only batches of spatial targets supported (3D tensors) but got targets of dimension: '
                               f'{target.ndim}')
        _check_target_dtype(target)
        if weight is not None and (weight.ndim != 1 or weight.shape[0] != input.shape[1]):
            raise RuntimeError('weight tensor should be defined either for all or no classes')
        if target.shape != input.shape[:1] + input.shape[2:]:
            raise RuntimeError(f'size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}')
    else:
        expected = input.shape[:1] + input.shape[2:]
        if target.shape != expected:
            raise RuntimeError(f'Expected target size {list(expected)}, got {list(target.shape)}')
    _check_target_dtype(target)
    _check_weight(weight, input.shape[0] if nd == 1 else input.shape[1], input)


def _check_target_dtype(target):
    if target.dtype.name not in ('int64', 'uint8'):
        raise RuntimeError(f'expected target dtype to be Long or Byte, but got {_scalar_type_name(target.dtype)}')


def _check_weight(weight, C, input, prefix=''):
    if weight is None:
        return
    if weight.ndim != 1 or weight.shape[0] != C:
        raise RuntimeError(f'{prefix}weight tensor should be defined either for all {C} classes or no classes but '
                           f'got weight tensor of shape: {list(weight.shape)}')
    if weight.dtype is not input.dtype:
        raise RuntimeError(f'expected scalar type {_scalar_type_name(input.dtype)} but found '
                           f'{_scalar_type_name(weight.dtype)}')


def _as_batch(x, t):
    """Give a 1-D input (C,) a batch axis: ((1, C), (1,)); class axis is then always 1."""
    if x.ndim == 1:
        return x.reshape(1, -1), t.reshape(1)
    return x, t


def _target_weights(xp, t, C, weight, ignore_index, dtype):
    """Targets made safe to index with (ignored ones point at class 0), per-target weights
    (0 where ignored) and the validity mask (None when nothing is ignored); raises PyTorch's
    IndexError for a class out of range."""
    t = t.astype(np.intp, copy=False)
    if t.size == 0:
        return t, xp.zeros(t.shape, dtype), None
    lo, hi = int(t.min()), int(t.max())
    if lo >= 0 and hi < C and not lo <= ignore_index <= hi:
        # NOTE: the common case (every target a real class) skips the masking passes
        wt = xp.ones(t.shape, dtype) if weight is None else weight[t]
        return t, wt, None
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= C))
    if bad.any():
        raise IndexError(f'Target {int(t[bad].ravel()[0])} is out of bounds.')
    tc = xp.where(valid, t, 0)
    wt = valid.astype(dtype) if weight is None else weight[tc] * valid
    return tc, wt, valid


def _unit_count(wt):
    """``wt.sum()`` for an array of ones, without the pass: its size in ``wt``'s dtype, which is what
    the sum gives while every partial sum is an exact integer (up to 2**24 float32 terms, 2**53
    float64); beyond that, or for other dtypes, None (the pass is taken)."""
    limit = _EXACT_COUNTS.get(wt.dtype.char)
    return wt.dtype.type(wt.size) if limit is not None and wt.size <= limit else None


_EXACT_COUNTS = {'f': 1 << 24, 'd': 1 << 53}


def _pick(xp, a, t):
    """a[n, t[n], d...] for a of shape (N, C, d...) and t of shape (N, d...)."""
    if a.ndim == 2:
        return a[xp.arange(a.shape[0]), t]
    return xp.take_along_axis(a, t[:, None], 1)[:, 0]


def _onehot(xp, t, C, like):
    """(N, C, d...) one-hot of targets shaped (N, d...)."""
    classes = xp.arange(C).reshape((1, C) + (1,) * (t.ndim - 1))
    return (classes == t[:, None]).astype(like.dtype)


def _class_reduce(xp, loss, wt, reduction, unit=None, valid=None):
    """Reduce per-target losses; 'mean' divides by the summed weights of non-ignored targets
    (``unit``: that sum, already known because every weight is 1; ``valid``: the targets not ignored,
    None for all). float32/float64 CPU sums add in PyTorch's nll_loss order (its bits)."""
    if reduction == 'none':
        return loss, None
    # PyTorch's nll_loss order for its bits; without them NumPy's own sum (as ember.sum takes then) when
    # no target is ignored (nll_sum leaves ignored targets out rather than adding their zero weights)
    exact = type(loss) is np.ndarray and loss.dtype.num in _CASCADE_NUMS and (_PYTORCH_BITS[0] or valid is not None)
    total = nll_sum(loss, valid) if exact else loss.sum()
    if reduction == 'sum':
        return total, None
    denom = (nll_sum(wt, valid) if exact else wt.sum()) if unit is None else unit
    if not denom:   # (a 0/0 mean gives NaN quietly, as PyTorch's; also where no op's apply silenced NumPy)
        with np.errstate(invalid='ignore', divide='ignore'):
            return xp.asarray(total / denom, dtype=loss.dtype), denom
    return xp.asarray(total / denom, dtype=loss.dtype), denom


def _grad_scale(g, ctx):
    """The incoming gradient shaped to broadcast against (N, C, d...) arrays."""
    if ctx.reduction == 'none':
        return g.reshape(ctx.batch_shape).unsqueeze(1)
    return g / Tensor._make(ctx.xp.asarray(ctx.denom), g._device) if ctx.reduction == 'mean' else g


def _grad_scale_array(g, ctx):
    """:func:`_grad_scale` on arrays, for a first-order backward: the mean's scale, or a 'none' loss's
    gradient in the batch's shape."""
    gs = g._data
    if ctx.reduction == 'mean':
        return gs / ctx.denom
    return gs.reshape(ctx.batch_shape) if ctx.reduction == 'none' else gs


def _nll_total_weight(node):
    """The summed weight of the targets not ignored (PyTorch's node keeps it as a 0-dim tensor); 0 for a batch's
    loss without reduction, where PyTorch's kernel sums nothing (a single sample's still sums its one target)."""
    x, target, weight = node._read_saved(0), node._read_saved(1), node._read_saved(2)
    if node.nll[1] == 'none' and x.ndim > 1:
        return Tensor._make(node.xp.zeros((), x._data.dtype), x.device)
    t = target._data
    valid = t != node.nll[0]
    w = node.xp.ones(t.shape, x._data.dtype) if weight is None else weight._data[node.xp.where(valid, t, 0)]
    return Tensor._make(node.xp.asarray(w[valid].sum(), dtype=x._data.dtype), x.device)


_NLL_SAVED = {'ignore_index': _sa.item('nll', 0, _sa.as_int64), 'reduction': _sa.item('nll', 1, _sa.reduction_enum),
              'self': _sa.saved(0), 'target': _sa.saved(1),
              'total_weight': _sa.kept_tensor(_nll_total_weight), 'weight': _sa.saved(2)}


def _nll_2d_read(k, ndim, position):
    """NllLoss2DBackward0 keeps a 3-D input (N, C, d) as PyTorch views it for its 2-d kernel, (N, C, 1, d), and
    its (N, d) target as (N, 1, d)."""
    def read(node):
        t = node._read_saved(k)
        return t if t is None or t.ndim != ndim else t.unsqueeze(position)
    read.saved_index = k
    return read


class NllLoss(Primitive):
    node_name = 'NllLossBackward0'
    _nondiff_args = (1, 2)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = _NLL_SAVED  # grad_fn._saved_*, read lazily
    _profile_chain = ('aten::nll_loss_forward',)
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        out, kept = nll_forward(ctx.xp, x, target, weight, ignore_index, reduction)
        ctx.nll = (ignore_index, reduction)
        ctx.save_for_backward(x, target, weight)   # (for grad_fn._saved_*, as PyTorch keeps them)
        if ctx.needs_input_grad[0]:
            ctx.__dict__.update(kept)
        return out

    @staticmethod
    def backward(ctx, g):
        xp = ctx.xp
        if not grad_mode.is_grad_enabled():
            # NOTE: plain backward works on arrays: zeros, and minus the scaled weight at each target
            gs = _grad_scale_array(g, ctx)
            tc = ctx.t
            gx = xp.zeros((tc.shape[0], ctx.n_classes) + tc.shape[1:], ctx.wt.dtype)
            # (every weight 1: the scale itself, w * g being g)
            coef = gs if ctx.unit and gs.ndim == 0 and tc.ndim == 1 else ctx.wt * gs
            picked = 0 - coef     # (+0, as PyTorch, where a target is ignored)
            unscaled = ctx.valid is not None and gs.ndim == 0 and not xp.isfinite(gs)
            if unscaled:
                # a mean over targets that are all ignored divides by zero; PyTorch never writes an ignored
                # target's place, so it stays +0 there (not 0 times the infinite scale)
                picked = xp.where(ctx.valid, picked, 0)
            if tc.ndim == 1:
                at = (xp.arange(tc.shape[0]), tc)
                gx[at] = picked
            else:
                xp.put_along_axis(gx, tc[:, None], picked[:, None], 1)
            gx = Tensor._make(gx.reshape(ctx.shape), g._device)
            if ctx.__dict__.get('log_softmax_below') and len(ctx.shape) == 2 and not ctx._hooks and not unscaled:
                # cross_entropy's steps: the log_softmax node below sums this gradient over the classes, the
                # one value each row holds; it reads the rows' values here instead (while the array is this
                # one, unchanged: see LogSoftmax.backward)
                gx.one_per_row = (gx._data, at, coef)
            return gx, None, None, None, None
        # create_graph: the same in ember ops (linear in g), so it can be differentiated again
        q = Tensor._make(_onehot(xp, ctx.t, ctx.n_classes, ctx.wt) * ctx.wt[:, None], g._device)
        gx = -(q * _grad_scale(g, ctx))
        # (PyTorch's nll_loss_backward takes the input, with zero derivative in it)
        gx = _input_link.link(gx.reshape(ctx.shape), ctx.saved_tensors[0], ctx.name()[:-1] + 'Backward0')
        return gx, None, None, None, None


def nll_forward(xp, x, target, weight, ignore_index, reduction):
    """nll_loss of the log-probabilities ``x`` (arrays), and what its node keeps for backward."""
    shape = x.shape
    x, target = _as_batch(x, target)
    C = x.shape[1]
    tc, wt, valid = _target_weights(xp, target, C, weight, ignore_index, x.dtype)
    unit = weight is None and valid is None
    if unit:
        # every weight is 1: the product by them and their sum are known without a pass (see _unit_count)
        loss = -_pick(xp, x, tc)
        out, denom = _class_reduce(xp, loss, wt, reduction, _unit_count(wt))
    else:
        loss = -(_pick(xp, x, tc) * wt)
        out, denom = _class_reduce(xp, loss, wt, reduction, valid=valid)
    kept = {'reduction': reduction, 'denom': denom, 'shape': shape, 'batch_shape': target.shape,
            't': tc, 'wt': wt, 'n_classes': C, 'unit': unit, 'valid': valid}
    return (out.reshape(()) if len(shape) == 1 else out), kept


def _nll_node(cls, ndim, reduction, names):
    """PyTorch names the node by the kernel it ran: (N, C) inputs use NllLoss, 4-D ones NllLoss2d,
    and other K-dim inputs are viewed as 4-D (so their unreduced loss comes out of a view)."""
    if ndim <= 2:
        return cls
    if ndim == 4 or reduction != 'none':
        return names['2d']
    return names['view']


_NLL_NAMES = {'2d': type('NllLoss2d', (NllLoss,), {'node_name': 'NllLoss2DBackward0', 'saved_attrs': dict(
                    _NLL_SAVED, self=_nll_2d_read(0, 3, 2), target=_nll_2d_read(1, 2, 1))}),
              'view': type('NllLossView', (NllLoss,), {'node_name': 'ViewBackward0'})}


@op('F')
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
    """Negative log-likelihood of class indices: ``-input[n, target[n]]``, weighted and reduced.

    >>> F.nll_loss(ember.tensor([[-0.5, -1.0], [-2.0, -0.1]]), ember.tensor([0, 1]))
    tensor(0.3000)
    """
    reduction = _resolve(size_average, reduce, reduction)
    _check_class_args(input, target, weight)
    if input.dtype.category < 2:
        raise _not_implemented('nll_loss_out_frame' if input.ndim <= 2 else 'nll_loss2d_forward_out_frame', input)
    cls = _nll_node(NllLoss, input.ndim, reduction, _NLL_NAMES)
    if ignore_index.__class__ is not int:
        ignore_index = int_option(ignore_index, 'nll_loss_nd', 'ignore_index', 5)
    if cls is not NllLoss and input.ndim != 4 and _records_steps(input):
        # viewed as 4-D for the 2-d kernel, as PyTorch (ViewBackward0 under NllLoss2DBackward0)
        return nll_steps(input, target, weight, ignore_index, reduction)
    return cls.apply(input, target, weight, ignore_index, reduction)


def _records_steps(input):
    """Whether a class-index loss of ``input`` records PyTorch's steps (``ember/ops/_cross_entropy_steps.py``):
    a plain float32/float64 tensor that requires grad, the graph recorded and no op observer watching (the
    observers, vmap and half precision's float32 computing see the one fused op)."""
    return input._requires_grad and grad_mode._state.enabled and input.__class__ is Tensor and \
        input._data.dtype.char in 'fd' and not _function._op_hooks and input._device.type != 'meta'


def _softmax_parts(xp, x, exact=True):
    """Shifted logits, exp, and log-sum-exp along axis 1 (the max shift keeps exp finite). For a
    float32 NumPy ``x`` (``exact``: it was given as float32) these are PyTorch's log_softmax bits."""
    if exact and type(x) is np.ndarray and x.dtype == np.float32 and x.size and _PYTORCH_BITS[0]:
        return _softmax_bits.log_softmax_parts(x, 1)
    shifted = x - x.max(axis=1, keepdims=True)
    e = xp.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    return shifted, e, s, xp.log(s)


class CrossEntropy(Primitive):
    """log_softmax + nll_loss over class indices, with optional label smoothing.

    Every per-target loss is ``-sum_c q[c] * log_softmax(x)[c]`` for a fixed weight row ``q``
    (the target's weight at its class, plus ``smoothing / C`` of every class weight), so the
    gradient is ``softmax(x) * q.sum() - q``, scaled by the incoming gradient.
    """
    _profile_name = 'aten::cross_entropy_loss'    # PyTorch's op (it runs log_softmax and nll_loss inside)
    node_name = 'NllLossBackward0'
    _nondiff_args = (1, 2)   # no next_functions edge for these (as PyTorch's node)
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x_in, target, weight, ignore_index, reduction, smoothing):
        xp = ctx.xp
        shape = x_in.shape
        x, target = _as_batch(x_in, target)
        C = x.shape[1]
        tc, wt, valid = _target_weights(xp, target, C, weight, ignore_index, x.dtype)
        unit = None
        low = getattr(ctx, '_opmath_dtype', None)
        shifted, e, s, lse = _softmax_parts(xp, x, exact=low is None)
        if low is not None and not smoothing:
            # float16/bfloat16 as PyTorch's log_softmax + nll_loss: the log-probabilities rounded to the
            # half type (over innermost classes the sum and its log too), the losses taken from them
            if len(shape) <= 2:
                lse = xp.log(s.astype(low).astype(np.float32)).astype(low).astype(np.float32)
            picked = (_pick(xp, shifted, tc) - lse[:, 0]).astype(low).astype(np.float32)
            loss = -picked * wt
        elif weight is None and valid is None:
            # every weight is 1 (no class weights, nothing ignored): the product by them and their sum
            # are known without a pass (x * 1 is x; a sum of ones is exact in float32 below 2**24 terms)
            loss = lse[:, 0] - _pick(xp, shifted, tc)
            unit = _unit_count(wt)
        else:
            loss = (lse[:, 0] - _pick(xp, shifted, tc)) * wt
        if smoothing and low is None and _exact_float32(x):
            out, denom = _smoothed_bits(loss, shifted - lse, tc, wt, valid, weight, reduction, unit, smoothing)
        else:
            if smoothing:
                smooth = ((lse - shifted) * _class_row(xp, weight, C, x)).sum(axis=1)
                if valid is not None:
                    smooth = smooth * valid
                loss = (1 - smoothing) * loss + (smoothing / C) * smooth
            out, denom = _class_reduce(xp, loss.astype(x.dtype, copy=False), wt, reduction, unit, valid)
        if ctx.needs_input_grad[0]:
            ctx.reduction, ctx.denom, ctx.shape, ctx.batch_shape = reduction, denom, shape, target.shape
            ctx.t, ctx.wt, ctx.valid, ctx.weight, ctx.smoothing = tc, wt, valid, weight, smoothing
            ctx.p = e / s
            if low is None and not smoothing and _exact_float32(x) and _PYTORCH_BITS[0]:
                # the log-probabilities, for PyTorch's gradient bits (from them, not from the softmax)
                ctx.log_probs = shifted - lse
            ctx.save_for_backward(x_in)
        return out.reshape(()) if len(shape) == 1 else out

    @staticmethod
    def _weights(ctx, like):
        """The per-target class weights q (N, C, d...) and their sums over classes (N, 1, d...)."""
        xp = ctx.xp
        C, eps = like.shape[1], ctx.smoothing
        q = _onehot(xp, ctx.t, C, like) * ctx.wt[:, None]
        rows = ctx.wt[:, None]
        if eps:
            wc = _class_row(xp, ctx.weight, C, like)
            spread = (eps / C) * wc if ctx.valid is None else (eps / C) * wc * ctx.valid[:, None]
            q = (1 - eps) * q + spread
            rows = (1 - eps) * rows + spread.sum(axis=1, keepdims=True)
        return q.astype(like.dtype, copy=False), rows

    @staticmethod
    def backward(ctx, g):
        xp = ctx.xp
        p = ctx.p
        if not grad_mode.is_grad_enabled():
            # NOTE: plain backward works on arrays: softmax * (weight * scale), minus that at the target
            gs = _grad_scale_array(g, ctx)
            log_probs = ctx.__dict__.get('log_probs')
            if log_probs is not None and g._data.dtype == np.float32:
                # PyTorch's LogSoftmaxBackward under its NllLossBackward, bit for bit: nll_loss's gradient is
                # 0 - coef at each target, +0 elsewhere
                picked = 0 - ctx.wt * gs
                if log_probs.ndim == 2:
                    gx = _log_softmax_grad_bits.log_softmax_backward_one_per_row(
                        log_probs, (xp.arange(p.shape[0]), ctx.t), picked)
                else:
                    g_logp = np.zeros_like(log_probs)
                    np.put_along_axis(g_logp, ctx.t[:, None], np.broadcast_to(picked, ctx.t.shape)[:, None], 1)
                    gx = _log_softmax_grad_bits.log_softmax_backward(g_logp, log_probs, 1)
            elif p.ndim == 2 and not ctx.smoothing:
                coef = ctx.wt * gs
                gx = p * coef[:, None]
                gx[xp.arange(p.shape[0]), ctx.t] -= coef
            else:
                q, rows = CrossEntropy._weights(ctx, p)
                gs = gs[:, None] if ctx.reduction == 'none' else gs
                gx = (p * rows - q) * gs
            return Tensor._make(gx.astype(p.dtype, copy=False).reshape(ctx.shape), g._device), \
                None, None, None, None, None
        # create_graph: the same formula in ember ops, so it can be differentiated again
        from ember.ops.activation import softmax
        x, = ctx.saved_tensors
        q, rows = CrossEntropy._weights(ctx, p)
        sm = softmax(x.reshape(1, -1) if x.ndim == 1 else x, 1)
        gx = (sm * Tensor._make(rows, g._device) - Tensor._make(q, g._device)) * _grad_scale(g, ctx)
        return gx.reshape(ctx.shape), None, None, None, None, None


def _exact_float32(x):
    return type(x) is np.ndarray and x.dtype == np.float32 and x.size


def _smoothed_bits(nll, logp, tc, wt, valid, weight, reduction, unit, smoothing):
    """Label-smoothed cross-entropy as PyTorch's CPU computes it, for float32 bits: the nll_loss
    of the log-probabilities and the smoothing term reduced apart (the latter with the sum kernel's
    order), then ``(1 - eps) * nll + smooth * (eps / C)`` in float32."""
    C = logp.shape[1]
    nll = nll if valid is None else np.where(valid, nll, np.float32(0))
    nll, denom = _class_reduce(np, nll, wt, reduction, unit, valid)
    weighted = logp if weight is None else logp * weight.reshape((1, C) + (1,) * (logp.ndim - 2))
    smooth = -cascade_sum(weighted, 1, False)
    if valid is not None:
        smooth[~valid] = 0
    if reduction == 'none':
        ret = smooth
    else:
        ret = cascade_sum(smooth, None, False)
        if reduction == 'mean':
            kept = tc if valid is None else tc[valid]
            if weight is not None:
                count = cascade_sum(weight[kept], None, False) if kept.size else np.float32(0)
            else:
                count = np.float32(kept.size)
            ret = np.float32(ret / count)
    out = np.float32(1 - smoothing) * nll + ret * np.float32(smoothing / C)
    return np.asarray(out, np.float32), denom


def _class_row(xp, weight, C, like):
    """Class weights shaped (1, C, 1, ...) to broadcast against (N, C, d...) (ones if None)."""
    shape = (1, C) + (1,) * (like.ndim - 2)
    return xp.ones(shape, like.dtype) if weight is None else weight.reshape(shape)


_CE_NAMES = {'2d': type('CrossEntropy2d', (CrossEntropy,), {'node_name': 'NllLoss2DBackward0'}),
             'view': type('CrossEntropyView', (CrossEntropy,), {'node_name': 'ViewBackward0'})}
# with label smoothing PyTorch's last op is the sum of the two terms
# (the fused nodes show what PyTorch's node of the same name, its decomposition's last step, keeps)
_CrossEntropySmoothed = type('CrossEntropySmoothed', (CrossEntropy,),
                             {'node_name': 'AddBackward0', 'saved_attrs': {'alpha': _sa.const(1)}})


class CrossEntropyProbs(Primitive):
    """Cross entropy against class probabilities (soft targets), optionally smoothed.

    loss = -sum_c w[c] * t'[c] * log_softmax(x)[c] with t' = t * (1 - eps) + eps / C; both the
    input and the target get gradients.
    """
    _profile_name = 'aten::cross_entropy_loss'
    node_name = 'NegBackward0'
    saved_attrs = {}  # grad_fn._saved_*: PyTorch's NegBackward0 keeps nothing

    @staticmethod
    def forward(ctx, x, t, weight, reduction, smoothing):
        xp = ctx.xp
        C = x.shape[1]
        shifted, e, s, lse = _softmax_parts(xp, x)
        logp = shifted - lse
        wc = _class_row(xp, weight, C, x)
        ts = t * (1 - smoothing) + smoothing / C if smoothing else t
        if _exact_float32(x) and t.dtype == np.float32:
            # PyTorch's order: -(logp * t * w), summed by its sum kernel, divided by N as float32
            if smoothing:
                ts = t * np.float32(1 - smoothing) + np.float32(smoothing / C)
            terms = logp * ts if weight is None else logp * ts * wc
            loss = -cascade_sum(terms, 1, False)
            if reduction == 'none':
                out = loss
            else:
                out = -cascade_sum(terms, None, False)
                if reduction == 'mean':
                    out = np.float32(out / np.float32(x.size // C))
        else:
            loss = -(logp * ts * wc).sum(axis=1)
            out = _reduce_raw(xp, loss, reduction)
        ctx.reduction, ctx.n, ctx.smoothing, ctx.batch_shape = reduction, loss.size, smoothing, loss.shape
        ctx.wc = wc
        ctx.save_for_backward(x, t)
        return xp.asarray(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.activation import log_softmax
        x, t = ctx.saved_tensors
        eps, C = ctx.smoothing, x.shape[1]
        wc = Tensor._make(ctx.wc, g._device)
        gs = g.reshape(ctx.batch_shape).unsqueeze(1) if ctx.reduction == 'none' else \
            (g / ctx.n if ctx.reduction == 'mean' else g)
        logp = log_softmax(x, 1)
        ts = t * (1 - eps) + eps / C if eps else t
        q = ts * wc
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = (logp.exp() * q.sum(1, keepdim=True) - q) * gs
        if ctx.needs_input_grad[1]:
            gt = -(logp * wc) * gs * (1 - eps)
        return gx, gt, None, None, None


_CrossEntropyProbsMean = type('CrossEntropyProbsMean', (CrossEntropyProbs,), {
    'node_name': 'DivBackward1', 'saved_attrs': {'other': lambda node: node._input_meta[0][0][0]}})  # (÷ batch size)


@op('F')
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction='mean', label_smoothing=0.0):
    """Cross entropy between logits and class indices or class probabilities.

    Computed as one fused, numerically stable log-softmax + negative log-likelihood; the input is
    (C), (N, C) or (N, C, d1, ...), the target class indices (N, d1, ...) or probabilities shaped
    like the input.

    >>> F.cross_entropy(ember.tensor([[1e4, 0.0]]), ember.tensor([1]))
    tensor(10000.)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f'label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}')
    if input.dtype.category < 2 or input._data.dtype.num in FLOAT8_NUMS:    # (its log_softmax refuses them)
        raise NotImplementedError(f'"log_softmax_lastdim_kernel_impl" not implemented for '
                                  f"'{_scalar_type_name(input.dtype)}'")
    if input.shape == target.shape:
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing)
    _check_class_args(input, target, weight)
    if ignore_index.__class__ is not int:
        ignore_index = int_option(ignore_index, 'cross_entropy_loss', 'ignore_index', 5)
    if _records_steps(input):
        # PyTorch's nodes (log_softmax, then nll_loss) over the same fused computation
        return cross_entropy_steps(input, target, weight, ignore_index, reduction, float(label_smoothing))
    if label_smoothing > 0:
        cls = _CrossEntropySmoothed
    else:
        cls = _nll_node(CrossEntropy, input.ndim, reduction, _CE_NAMES)
    return cls.apply(input, target, weight, ignore_index, reduction, float(label_smoothing))


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, smoothing):
    if target.dtype.category < 2:
        raise RuntimeError(f'Expected floating point type for target with class probabilities, got '
                           f'{_scalar_type_name(target.dtype)}')
    if ignore_index != -100:
        raise RuntimeError('ignore_index is not supported for floating point target')
    C = input.shape[1] if input.ndim > 1 else input.shape[0]
    _check_weight(weight, C, input, 'cross_entropy: ')
    input, target = _common(input, target)
    if (input._requires_grad or target._requires_grad) and grad_mode._state.enabled and \
            input.__class__ is Tensor and target.__class__ is Tensor and input._data.dtype.char in 'fd' and \
            not _function._op_hooks and input._device.type != 'meta':
        return cross_entropy_probs_steps(input, target, weight, reduction, float(smoothing))
    squeeze = input.ndim == 1
    if squeeze:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    cls = _CrossEntropyProbsMean if reduction == 'mean' else CrossEntropyProbs
    out = cls.apply(input, target, weight, reduction, float(smoothing))
    return out.squeeze(0) if squeeze and reduction == 'none' else out


# ----------------------------------------------------------------------------------------------
# binary classification

_EPSILON = 1e-12    # PyTorch's floor on x * (1 - x) in the BCE gradient


class BinaryCrossEntropy(Primitive):
    node_name = 'BinaryCrossEntropyBackward0'
    _nondiff_args = (2,)   # the weight: no edge, as PyTorch's node
    saved_attrs = {'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1), 'weight': _sa.saved(2)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, t, w, reduction):
        xp = ctx.xp
        if not bool(((x >= 0) & (x <= 1)).all()):
            raise RuntimeError('all elements of input should be between 0 and 1')
        with np.errstate(divide='ignore'):
            # NOTE: PyTorch clamps each log at -100 so that x = 0 or 1 gives a finite loss
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log1p(-x), -100)
        loss = -(t * log_x + (1 - t) * log_1mx)
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n = reduction, loss.size
        ctx.save_for_backward(x, t, w)
        return _reduce_raw(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        gs = _scale(g, ctx.reduction, ctx.n)
        if w is not None:
            gs = gs * w
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = (x - t) / ((1 - x) * x).clamp_min(_EPSILON) * gs
        if ctx.needs_input_grad[1]:
            gt = ((-x).log1p().clamp_min(-100) - x.log().clamp_min(-100)) * gs
        return gx, gt, None, None


@op('F')
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """-w * (t * log(x) + (1 - t) * log(1 - x)) for probabilities x; each log is clamped at -100.

    Example::

        >>> F.binary_cross_entropy(ember.tensor([0.9, 0.2, 0.6]), ember.tensor([1., 0., 1.]))
        tensor(0.2798)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Using a target size ({target.size()}) that is different to the input size '
                         f'({input.size()}) is deprecated. Please ensure they have the same size.')
    if target.dtype is not input.dtype:
        raise RuntimeError(f'Found dtype {_scalar_type_name(target.dtype)} but expected '
                           f'{_scalar_type_name(input.dtype)}')
    if input.dtype.category < 2:
        raise _not_implemented('binary_cross_entropy', input)
    if weight is not None:
        from ember.ops.shape import broadcast_shapes
        try:
            shape = broadcast_shapes(target.shape, weight.shape)
        except RuntimeError:
            shape = None
        if shape != tuple(target.shape):
            raise RuntimeError(f'Attempting to broadcast a dimension of length {_bad_dim(weight.shape, target.shape)}'
                               f' at -1! Mismatching argument at index 1 had {weight.size()}; but expected shape '
                               f'should be broadcastable to {list(target.shape)}')
        weight = weight.expand(target.shape)
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


def _bad_dim(small, big):
    for a, b in zip(reversed(tuple(small)), reversed(tuple(big))):
        if a != b and a != 1:
            return a
    return small[0] if small else 1


class BinaryCrossEntropyWithLogits(Primitive):
    """BCE on logits in the log-sum-exp form: (1 - t) x + (1 + (pw - 1) t) softplus(-x), which is
    finite for any logit (no sigmoid that saturates to 0 or 1)."""
    node_name = 'BinaryCrossEntropyWithLogitsBackward0'
    saved_attrs = {'pos_weight': _sa.saved(3), 'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1), 'weight': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    @elementwise
    def forward(ctx, x, t, w, pw, reduction):
        xp = ctx.xp
        if is_half_array(x):
            loss = _half_bce_with_logits(xp, x, t, w, pw)
            ctx.reduction, ctx.n = reduction, loss.size
            ctx.save_for_backward(x, t, w, pw)
            return _reduce_raw(xp, loss, reduction)
        softplus_neg = xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))     # -log(sigmoid(x))
        if pw is None:
            loss = (1 - t) * x + softplus_neg
        else:
            loss = (1 - t) * x + (1 + (pw - 1) * t) * softplus_neg
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n = reduction, loss.size
        ctx.save_for_backward(x, t, w, pw)
        return _reduce_raw(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.unary import sigmoid
        x, t, w, pw = ctx.saved_tensors
        gs = _scale(g, ctx.reduction, ctx.n)
        if w is not None:
            gs = gs * w
        need = ctx.needs_input_grad
        gx = gt = gw = gpw = None
        if need[0]:
            gx = (sigmoid(x) - t) if pw is None else sigmoid(x) * (1 + (pw - 1) * t) - pw * t
            gx = gx * gs
        if need[1] or need[2] or need[3]:
            sp = -logsigmoid(x)
            if need[1]:
                gt = (-x if pw is None else (pw - 1) * sp - x) * gs
            if need[3]:
                gpw = t * sp * gs
            if need[2]:
                raw = (1 - t) * x + (sp if pw is None else (1 + (pw - 1) * t) * sp)
                gw = raw * _scale(g, ctx.reduction, ctx.n)
        return gx, gt, gw, gpw, None


def _half_bce_with_logits(xp, x, t, w, pw):
    """The float16/bfloat16 loss as PyTorch computes it: ``(1 - t) * x - log_weight * logsigmoid(x)`` one
    operation at a time, each rounded to the half type (``logsigmoid`` itself computed in float32)."""
    f = x.astype(np.float32)
    log_sig = (xp.minimum(f, 0) - xp.log1p(xp.exp(-xp.abs(f)))).astype(x.dtype)
    loss = (1 - t) * x
    if pw is None:
        loss = loss - log_sig
    else:
        loss = loss - ((pw - 1) * t + 1) * log_sig
    return loss if w is None else loss * w


@op('F')
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction='mean', pos_weight=None):
    """Sigmoid + binary cross entropy in one numerically stable step; ``pos_weight`` weighs positives.

    Example::

        >>> logits = ember.tensor([2.0, -1.0, 0.5])
        >>> F.binary_cross_entropy_with_logits(logits, ember.tensor([1., 0., 1.]))
        tensor(0.3048)
        >>> F.binary_cross_entropy_with_logits(logits, ember.tensor([1., 0., 1.]), pos_weight=ember.tensor(2.0))
        tensor(0.5051)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Target size ({target.size()}) must be the same as input size ({input.size()})')
    if input.dtype.category < 2 or input._data.dtype.num in FLOAT8_NUMS:
        raise _not_implemented('log_sigmoid_cpu', input)
    if target.dtype.category < 2:   # PyTorch's kernel writes into a tensor of the target's dtype
        raise _cast_error(_dtype.result_type(input, target), target)
    if pos_weight is not None and pos_weight.shape != target.shape[target.ndim - pos_weight.ndim:]:
        _check_broadcast(pos_weight.shape, target.shape)     # (PyTorch's (pos_weight - 1) * target)
    if weight is not None and weight.shape != input.shape[input.ndim - weight.ndim:]:
        _check_broadcast(input.shape, weight.shape)     # (PyTorch's loss * weight)
    input, target = _common(input, target)
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


def _check_broadcast(a_shape, b_shape):
    try:
        np.broadcast_shapes(a_shape, b_shape)
    except ValueError:
        raise broadcast_error(a_shape, b_shape) from None


class SoftMarginLoss(Primitive):
    node_name = 'SoftMarginLossBackward0'
    _nondiff_args = (1,)   # the target: no edge, as PyTorch's node
    saved_attrs = {'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    @elementwise
    def forward(ctx, x, y, reduction):
        xp = ctx.xp
        z = -y * x
        loss = xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))    # log(1 + exp(-y x)), overflow-free
        ctx.reduction, ctx.n = reduction, loss.size
        ctx.save_for_backward(x, y)
        return _reduce_raw(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.unary import sigmoid
        x, y = ctx.saved_tensors
        s = sigmoid(-y * x) * _scale(g, ctx.reduction, ctx.n)
        return _need(ctx, 0, -y * s), _need(ctx, 1, -x * s), None


@op('F')
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """log(1 + exp(-target * input)), for targets of +1/-1.

    Example::

        >>> F.soft_margin_loss(ember.tensor([0.5, -2.0]), ember.tensor([1., -1.]))
        tensor(0.3005)
    """
    reduction = _resolve(size_average, reduce, reduction)
    input, target = _common(input, target)
    if input._data.dtype.num in FLOAT8_NUMS:    # (PyTorch's loss negates first: its neg refuses float8)
        raise _not_implemented('neg_cpu', input)
    return SoftMarginLoss.apply(input, target, reduction)


@op('F')
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """Per-sample mean over classes of the binary logistic loss.

    Example::

        >>> F.multilabel_soft_margin_loss(ember.tensor([[0.5, -1.0, 2.0]]), ember.tensor([[1., 0., 1.]]))
        tensor(0.3048)
    """
    require_tensor(input, 'log_sigmoid')
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if input.dtype.category < 2 or input._data.dtype.num in FLOAT8_NUMS:
        raise _not_implemented('log_sigmoid_cpu', input)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.ndim - 1) / input.shape[input.ndim - 1]
    if reduction == 'none':
        return loss
    if reduction in ('mean', 'sum'):
        return _reduce(loss, reduction)
    raise ValueError(reduction + ' is not valid')


# ----------------------------------------------------------------------------------------------
# distribution losses

@op('F')
def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    """Pointwise KL divergence ``target * (log(target) - input)`` with ``input`` in log space.

    ``reduction='batchmean'`` divides the sum by the batch size (the mathematical KL divergence);
    'mean' divides by the number of elements and warns, as PyTorch does.

    Example::

        >>> log_q = ember.tensor([[0.2, 0.3, 0.5]]).log()
        >>> F.kl_div(log_q, ember.tensor([[0.1, 0.6, 0.3]]), reduction='batchmean')
        tensor(0.1933)
    """
    from ember.ops.arith import xlogy
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    else:
        if reduction == 'mean':
            _user_warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                                "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                                "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
        if reduction != 'batchmean':
            reduction = _get_enum(reduction)
    if input.dtype.category < 2 or target.dtype.category < 2:
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = xlogy(target, target) - target * input
    if reduction == 'batchmean':
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


@op('F')
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction='mean'):
    """Negative log-likelihood of a Poisson target: exp(input) - target * input for log rates.

    Example::

        >>> F.poisson_nll_loss(ember.tensor([0.5, 1.0, 2.0]), ember.tensor([1., 2., 10.]))
        tensor(-3.5813)
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(reduction + ' is not a valid value for reduction')
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's approximation of log(target!), counted only where target > 1
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


@op('F')
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
    """Negative log-likelihood of a Gaussian: 0.5 * (log(var) + (input - target)**2 / var).

    Example::

        >>> F.gaussian_nll_loss(ember.tensor([1.0, 2.0]), ember.tensor([1.5, 1.0]), ember.tensor([0.5, 2.0]))
        tensor(0.2500)
    """
    python_reads(input, 'size')
    from ember.ops.creation import ones_like
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError('var has negative entry/entries')
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError('var has negative entry/entries')
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)     # one variance per sample (homoscedastic)
        elif input.ndim == var.ndim and sum(b for a, b in zip(input.shape, var.shape) if a != b) == 1:
            pass                        # broadcastable along a single size-1 dimension
        else:
            raise ValueError('var is of incorrect size')
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(reduction + ' is not valid')
    var = var.clone()
    with grad_mode.no_grad():
        # NOTE: clamped in place without grad, as PyTorch does: the gradient passes through unclamped
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ----------------------------------------------------------------------------------------------
# margin and embedding losses (composed)

@op('F')
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1.

    Example::

        >>> a = ember.tensor([[1., 0.], [0., 1.]])
        >>> b = ember.tensor([[1., 1.], [1., 0.]])
        >>> F.cosine_embedding_loss(a, b, ember.tensor([1, -1]))
        tensor(0.1464)
    """
    from ember.ops.index import where
    reduction = _resolve(size_average, reduce, reduction)
    if target.ndim > 1:
        raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
    want = 2 if target.ndim == 1 else 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(f'{target.ndim}D target tensor expects {want}D input tensors, but found inputs with sizes '
                           f'{list(input1.shape)} and {list(input2.shape)}.')
    dim = want - 1
    prod = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + _EPSILON
    mag2 = (input2 * input2).sum(dim) + _EPSILON
    cos = prod / (mag1 * mag2).sqrt()
    zeros = cos.new_zeros(())
    # (PyTorch's nodes: its C++ ``1 - cos`` subtracts from a tensor of ones, SubBackward0 with no edge for it;
    # ``cos - margin`` is the Scalar overload, SubBackward1)
    from ember.ops.arith import Sub
    from ember.ops._scalar_overloads import sub_number
    pos = Sub.apply(1, cos)
    neg = sub_number(cos, margin).clamp_min(0)
    loss = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


@op('F')
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'):
    """max(0, -target * (input1 - input2) + margin).

    Example::

        >>> F.margin_ranking_loss(ember.tensor([0.8, 0.1]), ember.tensor([0.5, 0.4]), ember.tensor([1., 1.]), margin=0.1)
        tensor(0.2000)
    """
    python_reads(input1, 'dim')
    reduction = _resolve(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError('margin_ranking_loss : All input tensors should have same dimension but got sizes: '
                           f'input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ')
    from ember.ops._scalar_overloads import add_number
    # (the margin is added as a double, as PyTorch does: AddBackward1)
    return _reduce(add_number(-target * (input1 - input2), margin).clamp_min(0), reduction)


@op('F')
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'):
    """input where target is 1, max(0, margin - input) where target is -1.

    Example::

        >>> F.hinge_embedding_loss(ember.tensor([0.3, 2.0, 0.5]), ember.tensor([1, -1, -1]))
        tensor(0.2667)
    """
    from ember.ops.index import where
    reduction = _resolve(size_average, reduce, reduction)
    zeros = input.new_zeros(())
    loss = where(target != 1, (margin - input).clamp_min(0), zeros) + where(target != -1, input, zeros)
    return _reduce(loss, reduction)


@op('F')
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction='mean'):
    """max(0, d(a, p) - d(a, n) + margin) with the p-norm distance.

    Example::

        >>> a, p, n = ember.tensor([[0., 0.]]), ember.tensor([[0., 1.]]), ember.tensor([[3., 0.]])
        >>> F.triplet_margin_loss(a, p, n, margin=3.0)
        tensor(1.)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    _check_triplet_dims(anchor, positive, negative)
    return _triplet(anchor, positive, negative, lambda a, b: pairwise_distance(a, b, p, eps), margin, swap,
                    reduction, margin_as_double=True)


@op('F')
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction='mean'):
    """triplet_margin_loss with any distance function (pairwise L2 distance by default).

    Example::

        >>> a, p, n = ember.tensor([[0., 0.]]), ember.tensor([[0., 1.]]), ember.tensor([[3., 0.]])
        >>> F.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: (x - y).abs().sum(1), margin=3.0)
        tensor(1.)
    """
    if reduction not in ('mean', 'sum', 'none'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    _check_triplet_dims(anchor, positive, negative)
    return _triplet(anchor, positive, negative, distance_function or pairwise_distance, margin, swap, reduction)


def _check_triplet_dims(a, p, n):
    if not a.ndim == p.ndim == n.ndim:
        raise RuntimeError('The anchor, positive, and negative tensors are expected to have the same number of '
                           f'dimensions, but got: anchor {a.ndim}D, positive {p.ndim}D, and negative {n.ndim}D inputs')


def _triplet(anchor, positive, negative, dist, margin, swap, reduction, margin_as_double=False):
    from ember.ops.arith import minimum
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        # the "distance swap" (Balntas et al.): use the harder of the two negatives' distances
        d_neg = minimum(d_neg, dist(positive, negative))
    # (triplet_margin_loss adds the margin as PyTorch's C++ adds a double: AddBackward1; the Python-written
    # distance variant adds a Python number: AddBackward0)
    shifted = add_number(d_pos, margin) if margin_as_double else margin + d_pos
    return _reduce((shifted - d_neg).clamp_min(0), reduction)


class MultiMarginLoss(Primitive):
    """Multi-class hinge loss: sum over j != y of w[y] * max(0, margin - x[y] + x[j])**p / C."""
    node_name = 'MultiMarginLossBackward0'
    _nondiff_args = (1, 2)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'margin': _sa.field('margin'), 'p': _sa.field('p'), 'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1), 'weight': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, target, weight, p, margin, reduction):
        xp = ctx.xp
        shape = x.shape
        x2 = x.reshape(1, -1) if x.ndim == 1 else x
        t = target.reshape(-1).astype(np.intp)
        C = x2.shape[1]
        if bool(((t < 0) | (t >= C)).any()):
            raise RuntimeError('target out of range')
        tc = t[:, None]
        z = margin - xp.take_along_axis(x2, tc, 1) + x2
        others = xp.arange(C)[None, :] != tc
        active = (z > 0) & others
        zp = xp.where(active, z if p == 1 else z * z, 0)
        wy = 1 if weight is None else weight[t][:, None]
        loss = (zp * wy).sum(axis=1) / C
        ctx.t, ctx.active, ctx.wy, ctx.C, ctx.p, ctx.margin = tc, active, wy, C, p, margin
        ctx.reduction, ctx.n, ctx.shape = reduction, loss.size, shape
        ctx.save_for_backward(x, target, weight)     # (target and weight for grad_fn._saved_*, as PyTorch keeps)
        out = _reduce_raw(xp, loss.astype(x.dtype, copy=False), reduction)
        return out.reshape(()) if len(shape) == 1 and reduction == 'none' else out

    @staticmethod
    def backward(ctx, g):
        x = ctx.saved_tensors[0]
        dev = g._device
        x2 = x.reshape(1, -1) if x.ndim == 1 else x
        active = Tensor._make(ctx.active.astype(x._data.dtype), dev)
        coef = active * (ctx.wy if isinstance(ctx.wy, int) else Tensor._make(ctx.wy, dev)) / ctx.C
        if ctx.p == 2:
            z = ctx.margin - x2.gather(1, Tensor._make(ctx.t, dev)) + x2
            coef = coef * 2 * z
        gs = g.reshape(-1, 1) if ctx.reduction == 'none' else _scale(g, ctx.reduction, ctx.n)
        coef = coef * gs
        is_target = Tensor._make(ctx.xp.arange(ctx.C)[None, :] == ctx.t, dev)
        # the target's column by where: a product with a one-hot mask would turn an infinite sum into NaN
        active = Tensor._make(ctx.active, dev)
        gx = where(is_target, -where(active, coef, 0.0).sum(1, keepdim=True), coef)
        return _no_second_derivative.mark(gx.reshape(ctx.shape), x, 'multi_margin_loss_backward'), \
            None, None, None, None, None


@op('F')
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction='mean'):
    """Multi-class classification hinge loss (p = 1 or 2) over class indices.

    Example::

        >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:    # PyTorch refuses float8 here
        raise _not_implemented('multi_margin_loss_cpu_kernel', input)
    if p != 1 and p != 2:
        raise ValueError('only p == 1 and p == 2 supported')
    if weight is not None and weight.ndim != 1:
        raise ValueError('weight must be one-dimensional')
    if input.ndim > 2 or (input.ndim == 2 and input.shape[1] == 0) or input.numel() == 0 and input.ndim < 2:
        raise RuntimeError('Expected non-empty vector or matrix with optional 0-dim batch size, but got: '
                           f'{list(input.shape)}')
    refuse_half('multi_margin_loss_cpu_kernel', input)
    n = input.shape[0] if input.ndim == 2 else 1
    C = input.shape[-1] if input.ndim else 1
    if (input.ndim == 2 and (target.ndim != 1 or target.shape[0] != n)) or (input.ndim < 2 and target.numel() != 1):
        raise RuntimeError('multi_margin_loss: target tensor should be 1-D with size equal to the number of input '
                           f'samples (batch size). Expected target size [{n}], but got {list(target.shape)}. '
                           f'Input has shape {list(input.shape)}.')
    if weight is not None and weight.numel() != C:
        raise RuntimeError(f'inconsistent weight size, expected {C} but got {list(weight.shape)}')
    if target.dtype.name != 'int64':
        raise RuntimeError(f'expected scalar type Long but found {_scalar_type_name(target.dtype)}')
    return MultiMarginLoss.apply(input, target, weight, int(p), float(margin), reduction)


class MultilabelMarginLoss(Primitive):
    """Multi-label hinge loss: for each listed target class j and each class i not listed,
    max(0, 1 - (x[j] - x[i])) / C; a target row lists classes up to its first -1."""
    node_name = 'MultilabelMarginLossBackward0'
    _nondiff_args = (1,)   # no next_functions edge for these (as PyTorch's node)
    saved_attrs = {'is_target': _sa.multilabel_is_target, 'reduction': _sa.field('reduction', _sa.reduction_enum), 'self': _sa.saved(0), 'target': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, target, reduction):
        xp = ctx.xp
        shape = x.shape
        x2 = x.reshape(1, -1) if x.ndim <= 1 else x
        t2 = target.reshape(x2.shape)
        C = x2.shape[1]
        listed = xp.cumsum(t2 == -1, axis=1) == 0          # entries before the first -1
        # how often each class is listed (a class listed twice counts twice, as in PyTorch)
        counts = ((xp.arange(C) == xp.where(listed, t2, -1)[:, :, None]).sum(axis=1)).astype(x.dtype)
        others = (counts == 0).astype(x.dtype)
        z = 1 - x2[:, :, None] + x2[:, None, :]            # z[n, j, i] = 1 - x[j] + x[i]
        active = counts[:, :, None] * others[:, None, :] * (z > 0) / C
        loss = (active * z).sum(axis=(1, 2))
        ctx.active, ctx.reduction, ctx.n, ctx.shape = active, reduction, loss.size, shape
        ctx.save_for_backward(x, target)    # (kept for grad_fn._saved_*, as PyTorch keeps them; backward needs neither)
        out = _reduce_raw(xp, loss.astype(x.dtype, copy=False), reduction)
        return out.reshape(()) if len(shape) <= 1 and reduction == 'none' else out

    @staticmethod
    def backward(ctx, g):
        # the loss is piecewise linear: the gradient is a fixed pattern scaled by g
        a = ctx.active
        pattern = Tensor._make(a.sum(axis=1) - a.sum(axis=2), g._device)
        gs = g.reshape(-1, 1) if ctx.reduction == 'none' else _scale(g, ctx.reduction, ctx.n)
        gx = (pattern * gs).reshape(ctx.shape)
        if grad_mode._state.enabled:    # (PyTorch has no second derivative here)
            gx = _no_second_derivative.mark(gx, ctx.saved_tensors[0], 'multilabel_margin_loss_backward')
        return gx, None, None


@op('F')
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Multi-class multi-label hinge loss; ``target`` holds class indices, ended by -1.

    Example::

        >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _resolve(size_average, reduce, reduction)
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:    # PyTorch refuses float8 here
        raise _not_implemented('multilabel_margin_loss_forward_out_frame', input)
    nd = input.ndim
    if nd > 2 or (nd <= 1 and input.numel() == 0) or (nd == 2 and input.shape[1] == 0):
        raise RuntimeError('Expected non-empty vector or matrix with optional 0-dim batch size, but got: '
                           f'{list(input.shape)}')
    if target.shape != input.shape:
        raise RuntimeError(f'inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}')
    if target.dtype.name != 'int64':
        raise RuntimeError(f'expected scalar type Long but found {_scalar_type_name(target.dtype)}')
    C = input.shape[-1] if nd else 1
    if target.numel() and bool(((target < -1) | (target >= C)).any()):
        raise RuntimeError("argument #2 'target' is out of range")
    return MultilabelMarginLoss.apply(input, target, reduction)


# (imported last: it builds on this module's nll_loss pieces)
from ember.ops._cross_entropy_steps import cross_entropy_probs_steps, cross_entropy_steps, nll_steps  # noqa: E402
