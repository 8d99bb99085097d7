"""Normalization: batch_norm, layer_norm, group_norm, instance_norm, local_response_norm.

Each of batch/layer/group norm is one primitive whose forward computes the statistics on raw
arrays in one pass and whose backward is the usual closed form written with ember ops:

    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))      (means over the stats axes)

When a graph is being built for a higher-order gradient the mean and invstd are recomputed from
``x`` with ember ops, so the formula is differentiated through the statistics as well; otherwise
the values saved by forward are used as constants (same numbers, less work).
"""
import math
from operator import index as _index

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember._tensor import Tensor
from ember.autograd import _saved_hooks, grad_mode
from ember.autograd.function import Primitive
from ember.autograd._opmath import ALWAYS
from ember.ops import _argparse, _input_link, _batch_norm_arrays, _group_norm_backward, _batch_norm_half_stats, _layer_norm_arrays, _layer_norm_half_grads
from ember.ops._registry import op
from ember.ops._util import python_reads
from ember.numerics import ENABLED as _PYTORCH_BITS

__all__ = ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'local_response_norm']


def _stats_backward(x, gxhat, axes, eps, mean, invstd):
    """The input gradient of ``xhat = (x - mean(x)) * invstd(x)`` for ``gxhat`` (Tensors); also
    returns ``xhat`` for the affine weight's gradient."""
    if x.numel() == 0:   # nothing was normalised: empty gradients (and no statistics of nothing)
        return gxhat * 0, x * 0
    if grad_mode.is_grad_enabled():
        mean = x.mean(axes, keepdim=True)
        xc = x - mean
        invstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
        xhat = xc * invstd
    else:
        xhat = (x - mean) * invstd
    gx = invstd * (gxhat - gxhat.mean(axes, keepdim=True) - xhat * (gxhat * xhat).mean(axes, keepdim=True))
    return gx, xhat


def _raw_stats(xp, x, axes, eps):
    if x.size == 0:   # an empty batch has no statistics; its (empty) output needs none
        stats = xp.zeros(tuple(1 if i in axes else n for i, n in enumerate(x.shape)), x.dtype)
        return stats, stats, x.copy()
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = xp.square(xc).mean(axis=axes, keepdims=True)   # (square: one pass, as xc * xc)
    xc *= (1.0 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)   # xhat, in the centred copy's memory
    return mean, var, xc


# ------------------------------------------------------------------------------- batch norm
class NativeBatchNorm(Primitive):
    """Returns (y, batch mean, biased batch var); the statistics are not differentiable outputs."""
    node_name = 'NativeBatchNormBackward0'
    _none_edges = (1, 2)   # no weight or bias: a (None, 0) edge, as PyTorch's node
    _nondiff_args = (3, 4)   # the running statistics: no edge
    saved_attrs = {'eps': _sa.item('args', 1), 'input': _sa.saved(0),
                   'result1': _sa.stats_field(0, lambda node: (node.input_shape[1] if node.args[0] else 0,)),
                   'result2': _sa.stats_field(1, lambda node: (node.input_shape[1] if node.args[0] else 0,)),
                   'running_mean': _sa.given_tensor('running_given', 0),
                   'running_var': _sa.given_tensor('running_given', 1),
                   'training': _sa.item('args', 0), 'weight': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, eps):
        xp = ctx.xp
        axes = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        ctx.args = (training, eps, axes, shape)
        ctx.input_shape = x.shape
        ctx.save_for_backward(x, weight)
        low = getattr(ctx, '_opmath_dtype', None)
        if training and low is not None and x.size:
            return _half_batch_norm_train(ctx, xp, x, weight, bias, eps, low, axes, shape, running_mean)
        # float32 in PyTorch's order and rounding (its bits), whatever the shape; else the few-pass kernels
        # where they fit
        bits = _PYTORCH_BITS[0] and _batch_norm_arrays.fits_bits(x, weight, bias)
        if training and (bits or _batch_norm_arrays.fits(x, weight, bias)):
            y, mean, var, invstd = (_batch_norm_arrays.train_forward_bits if bits else
                                    _batch_norm_arrays.train_forward)(x, weight, bias, eps)
            ctx.stats = (mean.reshape(shape), invstd.reshape(shape))
            ctx.mark_non_differentiable(mean, var)
            return y, mean, var
        if not training and ((bits and _batch_norm_arrays.fits_bits(x, running_mean, running_var)) or
                             _batch_norm_arrays.fits(x, weight, bias, running_mean, running_var)):
            y = (_batch_norm_arrays.eval_forward_bits if bits else
                 _batch_norm_arrays.eval_forward)(x, weight, bias, running_mean, running_var, eps)
            ctx.stats = (running_mean.reshape(shape), (1.0 / xp.sqrt(running_var + eps)).reshape(shape))
            mean, var = running_mean.reshape(-1), running_var.reshape(-1)
            ctx.mark_non_differentiable(mean, var)
            return y, mean, var
        if training:
            mean, var, xhat = _raw_stats(xp, x, axes, eps)
        else:
            mean = running_mean.reshape(shape).astype(x.dtype, copy=False)
            var = running_var.reshape(shape).astype(x.dtype, copy=False)
            xhat = (x - mean) * (1.0 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        y = xhat
        if weight is not None:
            y = y * weight.reshape(shape)
        if bias is not None:
            y = y + bias.reshape(shape)
        if not (x.ndim == 4 and x.transpose(0, 2, 3, 1).flags.c_contiguous):   # PyTorch keeps channels-last only
            y = xp.ascontiguousarray(y)
        ctx.stats = (mean, 1.0 / xp.sqrt(var + eps))
        save_mean, save_var = mean.reshape(-1), var.reshape(-1)
        ctx.mark_non_differentiable(save_mean, save_var)
        return y, save_mean, save_var

    @staticmethod
    def backward(ctx, g, _g_mean, _g_var):
        x, weight = ctx.saved_tensors
        training, eps, axes, shape = ctx.args
        need = ctx.needs_input_grad
        if training and not grad_mode._state.enabled and \
                _batch_norm_arrays.fits(x._data, g._data, None if weight is None else weight._data):
            gx, gw, gb = _batch_norm_arrays.train_backward(
                x._data, g._data, None if weight is None else weight._data, ctx.stats[0].reshape(-1),
                ctx.stats[1].reshape(-1), need[0])
            dev = g._device
            return (None if gx is None else Tensor._make(gx, dev), Tensor._make(gw, dev) if need[1] else None,
                    Tensor._make(gb, dev) if need[2] else None, None, None, None, None)
        if training and not grad_mode._state.enabled and g._data.dtype.itemsize == 2 and \
                type(g._data) is np.ndarray and g._data.flags.c_contiguous and x._data.flags.c_contiguous and \
                x.ndim >= 2:
            # float16/bfloat16: PyTorch's kernel, in float32 and rounded once (not step by step in the half type)
            gx, gw, gb = _batch_norm_half_stats.train_backward(
                x._data.astype(np.float32), g._data.astype(np.float32), ctx.stats[0].reshape(-1).astype(np.float32),
                ctx.stats[1].reshape(-1).astype(np.float32),
                None if weight is None else weight._data.astype(np.float32))
            dev = g._device
            wdt = g._data.dtype if weight is None else weight._data.dtype
            return (Tensor._make(gx.astype(g._data.dtype), dev) if need[0] else None,
                    Tensor._make(gw.astype(wdt), dev) if need[1] else None,
                    Tensor._make(gb.astype(wdt), dev) if need[2] else None, None, None, None, None)
        mean, invstd = (Tensor._make(a, g.device) for a in ctx.stats)
        gxhat = g if weight is None else g * weight.reshape(shape)
        if training:
            gx, xhat = _stats_backward(x, gxhat, axes, eps, mean, invstd)
        else:   # the statistics are constants here
            xhat = (x - mean) * invstd
            gx = gxhat * invstd
        gw = (g * xhat).sum(axes) if need[1] else None
        gb = g.sum(axes) if need[2] else None
        if gb is not None and grad_mode._state.enabled:   # (recorded by PyTorch's backward op, reaching no input)
            gb = _input_link.link(gb, x if x.requires_grad or weight is None else weight, 'NativeBatchNormBackwardBackward0',
                                    zeros=False)
        return (gx if need[0] else None), gw, gb, None, None, None, None


def _half_batch_norm_train(ctx, xp, x, weight, bias, eps, low, axes, shape, running_mean):
    """Batch norm in training for float16/bfloat16 as PyTorch's CPU kernel rounds it: statistics in float32,
    the batch mean and inverse standard deviation rounded to the half type (kept in float32 when the weight,
    bias or running statistics are float32: its mixed kernel, autocast's case), then each element computed as
    one fused multiply-add ``x * alpha + beta`` in float32 (``alpha = invstd * weight``, ``beta = bias -
    mean * alpha``). The batch mean and variance go on in float32 (the running statistics are updated in
    float32 and rounded once)."""
    # float32 parameters or running statistics (autocast's case): PyTorch's mixed kernel, float32 statistics
    mixed = _mixed_half(ctx, weight, bias) or (running_mean is not None and not ctx._opmath_widened[3])
    if mixed and xp is np and x.ndim >= 2 and x.flags.c_contiguous:
        # its sums redone in its order
        mean, var = (a.reshape(shape) for a in _batch_norm_half_stats.mean_var(x))
    else:
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
    # 1 / sqrt(var + eps) in double, rounded once to float32, as PyTorch's mixed kernel gives it
    mean_h, invstd_h = mean, (1.0 / xp.sqrt(var.astype(np.float64) + eps)).astype(np.float32)
    if not mixed:   # half parameters: the statistics are kept in the half dtype
        mean_h, invstd_h = mean_h.astype(low).astype(np.float32), invstd_h.astype(low).astype(np.float32)
    alpha = invstd_h if weight is None else invstd_h * weight.reshape(shape)
    beta = -mean_h * alpha if bias is None else bias.reshape(shape) - mean_h * alpha
    # a float64 product of two float32 numbers is exact: one rounding to float32 after the addition is an fma
    y = (x.astype(np.float64) * alpha.astype(np.float64) + beta.astype(np.float64)).astype(np.float32)
    ctx.stats = (mean_h, invstd_h)
    save_mean, save_var = mean.reshape(-1), var.reshape(-1)
    ctx.mark_non_differentiable(save_mean, save_var)
    ctx._keep_float32 = (1, 2)
    return y, save_mean, save_var


def _check_size(input, name, tensor):
    if tensor is not None and tensor.numel() != input.shape[1]:
        raise RuntimeError(f"{name} should contain {input.shape[1]} elements not {tensor.numel()}")


def _verify_batch_size(size):
    n = size[0] * math.prod(size[2:])
    if n == 1:
        from ember._tensor import Size
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {Size(size)}")


@op('F', guard=True)
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) by batch statistics (training) or running statistics (eval).

    In training the running statistics, when given, are updated in place:
    ``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased batch variance).

    >>> x = ember.tensor([[1., 2.], [3., 6.]])
    >>> F.batch_norm(x, None, None, training=True)
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]])
    """
    if input.ndim < 2:
        from ember.ops._util import wrap_dim
        wrap_dim(1, input.ndim)
    if training:
        _verify_batch_size(tuple(input.shape))
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    if input.dtype.category < 2:
        raise NotImplementedError(f'"batch_norm" not implemented for \'{input.dtype._legacy[:-6]}\'')
    for name, t in (('running_mean', running_mean), ('running_var', running_var), ('weight', weight), ('bias', bias)):
        _check_size(input, name, t)
    y, mean, var = NativeBatchNorm.apply(input, weight, bias, running_mean, running_var, bool(training), eps)
    if y._grad_fn is not None:    # (its node shows the running statistics given: grad_fn._saved_running_*)
        y._grad_fn.__dict__['running_given'] = (running_mean, running_var)
    # NOTE: an empty batch leaves the running statistics as they were (as PyTorch does)
    if training and running_mean is not None and momentum is not None and input.numel():
        n = input.numel() // input.shape[1]
        with grad_mode.no_grad():
            unbiased = var * (n / (n - 1)) if n > 1 else var
            if mean.dtype != input.dtype:     # half input, float32 statistics: update in float32, round once
                running_mean.copy_(running_mean.float() * (1 - momentum) + mean * momentum)
                if running_var is not None:
                    running_var.copy_(running_var.float() * (1 - momentum) + unbiased * momentum)
            elif _float32_running(running_mean, running_var, mean):
                # PyTorch's float32 update: m * mean + (1 - m) * running, and the variance's from its
                # float32 sum of squares, fused (its bits)
                m = np.float32(momentum)
                rm = running_mean._data
                rm[...] = m * mean._data + np.float32(1 - momentum) * rm
                rv = running_var._data
                fresh = _batch_norm_arrays.running_var_update(var._data, rv, momentum, n)
                rv[...] = fresh if fresh is not None else \
                    np.float32(1 - momentum) * rv + m * unbiased._data.astype(np.float32)
                running_mean._version_counter.value += 1
                running_var._version_counter.value += 1
            else:
                running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype) * momentum)
                if running_var is not None:
                    running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype) * momentum)
    return y


def _float32_running(running_mean, running_var, mean):
    """Whether the running statistics update in place as PyTorch's float32 kernel rounds it."""
    return all(t is not None and type(t._data) is np.ndarray and t._data.dtype == np.float32
               and t._data.flags.c_contiguous for t in (running_mean, running_var, mean))


# ------------------------------------------------------------------------------- layer norm
class NativeLayerNorm(Primitive):
    node_name = 'NativeLayerNormBackward0'
    _none_edges = (1, 2)   # no weight or bias: a (None, 0) edge, as PyTorch's node
    saved_attrs = {'bias': _sa.saved(2), 'input': _sa.saved(0), 'normalized_shape': _sa.layer_norm_shape,
                   'result1': _sa.array_field('stats', 0), 'result2': _sa.array_field('stats', 1),
                   'weight': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, weight, bias, k, eps):
        xp = ctx.xp
        axes = tuple(range(x.ndim - k, x.ndim))
        ctx.args = (axes, eps)
        ctx.save_for_backward(x, weight, bias)   # (bias for grad_fn._saved_bias only, as PyTorch keeps it)
        if _layer_norm_arrays.fits(x, weight, bias):
            # xhat is kept for the first backward (unless saved-tensor hooks are in use: they decide
            # what a graph keeps)
            need = ctx.needs_input_grad
            keep = (need[0] or need[1]) and not _saved_hooks._pack_stack
            y, mean, invstd, ctx.xhat = _layer_norm_arrays.forward(x, weight, bias, k, eps, keep)
            stats_shape = x.shape[:x.ndim - k] + (1,) * k
            ctx.stats = (mean.reshape(stats_shape), invstd.reshape(stats_shape))
            return y
        mean, var, y = _raw_stats(xp, x, axes, eps)
        y = xp.ascontiguousarray(y)   # contiguous, as PyTorch's, whatever the input's layout
        # y is a fresh array: scale and shift it in place when that keeps its dtype
        if weight is not None:
            y = xp.multiply(y, weight, out=y) if weight.dtype == y.dtype else y * weight
        if bias is not None:
            y = xp.add(y, bias, out=y) if bias.dtype == y.dtype else y + bias
        ctx.stats = (mean, 1.0 / xp.sqrt(var + eps))
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight, bias = ctx.saved_tensors
        axes, eps = ctx.args
        need = ctx.needs_input_grad
        xhat = ctx.__dict__.pop('xhat', None)   # (freed with its first use: a retained graph recomputes it)
        if not grad_mode._state.enabled and g._data.dtype == x._data.dtype and \
                _layer_norm_arrays.fits(x._data, None if weight is None else weight._data, None):
            mean, invstd = ctx.stats
            gx, gw, gb = _layer_norm_arrays.backward(
                x._data, g._data, None if weight is None else weight._data, mean.reshape(-1), invstd.reshape(-1),
                xhat, len(axes), need)
            dev = g._device
            return (None if gx is None else Tensor._make(gx, dev), None if gw is None else Tensor._make(gw, dev),
                    None if gb is None else Tensor._make(gb, dev), None, None)
        low = getattr(ctx, '_opmath_dtype', None)
        stats = ctx.stats
        if low is not None and not _mixed_half(ctx, weight, bias) and g.device.type == 'cpu':
            # PyTorch keeps a half layer norm's statistics in the half dtype, and its backward reads those
            stats = tuple(a.astype(low).astype(np.float32) for a in stats)
        mean, invstd = (Tensor._make(a, g.device) for a in stats)
        gxhat = g if weight is None else g * weight
        gx, xhat = _stats_backward(x, gxhat, axes, eps, mean, invstd)
        if low is not None and (need[1] or need[2]) and not grad_mode._state.enabled and g.device.type == 'cpu':
            gw, gb = _half_affine_grads(ctx, g, x, weight, bias, low, len(axes), need)
            return (gx if need[0] else None), gw, gb, None, None
        lead = tuple(range(g.ndim - len(axes)))
        total = (lambda t: t.sum(lead)) if lead else (lambda t: t)   # NOTE: sum(()) would sum everything
        gw = total(g * xhat) if need[1] else None
        gb = total(g) if need[2] else None
        if gb is not None and grad_mode._state.enabled:   # (recorded by PyTorch's backward op, reaching no input)
            gb = _input_link.link(gb, x if x.requires_grad or weight is None else weight, 'NativeLayerNormBackwardBackward0',
                                    zeros=False)
        return (gx if need[0] else None), gw, gb, None, None


def _mixed_half(ctx, weight, bias):
    """Whether a half layer norm ran PyTorch's mixed kernel: float32 parameters (autocast's case); else the
    parameters are in the input's half dtype too."""
    widened = ctx._opmath_widened
    return any(p is not None and not widened[i] for i, p in ((1, weight), (2, bias)))


def _half_affine_grads(ctx, g, x, weight, bias, low, k, need):
    """The weight and bias gradients of a float16/bfloat16 layer norm as PyTorch's kernel sums them
    (``_layer_norm_half_grads``), in the parameters' dtypes."""
    shape = tuple(x.shape[x.ndim - k:])
    n = _prod(shape)
    rows = x.numel() // n if n else 0
    f32 = np.float32
    mean, invstd = ctx.stats
    widened = ctx._opmath_widened
    mixed = _mixed_half(ctx, weight, bias)
    gw, gb = _layer_norm_half_grads.affine_grads(
        g._data.astype(f32).reshape(rows, n), x._data.astype(f32).reshape(rows, n), np.asarray(mean),
        np.asarray(invstd), low, need[1], need[2], stats_low=not mixed)
    dev = g._device
    return tuple(None if arr is None else Tensor._make(arr.reshape(shape).astype(low if widened[i] else f32), dev)
                 for arr, i in ((gw, 1), (gb, 2)))


@op('F')
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing ``normalized_shape`` dims, then scale and shift elementwise.

    >>> F.layer_norm(ember.tensor([[1., 3.]]), (2,)).tolist()
    [[-0.9999949932098389, 0.9999949932098389]]
    """
    if isinstance(normalized_shape, int):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int")
    try:
        shape = [_index(s) for s in normalized_shape]      # (ints: 3.0 is refused, as in PyTorch)
    except TypeError:       # PyTorch's argument error for the call
        _argparse.refuse_from_stack()
        raise
    k = len(shape)
    if weight is not None and list(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {shape}")
    if bias is not None and list(bias.shape) != shape:
        raise RuntimeError(f"Expected bias to be of same shape as normalized_shape, but got bias of shape "
                           f"{list(bias.shape)} and normalized_shape = {shape}")
    if input.ndim < k or list(input.shape[input.ndim - k:]) != shape:
        dims = ', '.join(map(str, shape))
        raise RuntimeError(f"Given normalized_shape={shape}, expected input with shape [*, {dims}], but got input of "
                           f"size{list(input.shape)}")
    return NativeLayerNorm.apply(input, weight, bias, k, eps)


# ------------------------------------------------------------------------------- group norm
def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


def _group_stats_shape(node):
    """(N, groups): the shape of PyTorch's group-norm mean and rstd."""
    return (node.input_shape[0], node.args[0])


def _group_norm_arrays(xp, xr, eps, weight, bias, x_shape, shape):
    """(mean, var, y) of group norm for the input viewed as (N, groups, per): the steps of ``_raw_stats``,
    then the affine in the centred copy's memory (a fresh array costs about a pass over it in page faults)."""
    mean, var, y = _raw_stats(xp, xr, (2,), eps)
    y = y.reshape(x_shape)
    for param, ufunc in ((weight, xp.multiply), (bias, xp.add)):
        if param is not None:
            p = param.reshape(shape)
            y = ufunc(y, p, out=y) if param.dtype == y.dtype else ufunc(y, p)
    return mean, var, y


class NativeGroupNorm(Primitive):
    node_name = 'NativeGroupNormBackward0'
    _none_edges = (1, 2)   # no weight or bias: a (None, 0) edge, as PyTorch's node
    # (sizes from the input's shape kept by forward: an input that needs no gradient has no input metadata)
    saved_attrs = {'C': lambda node: node.input_shape[1], 'HxW': lambda node: _prod(node.input_shape[2:]),
                   'N': lambda node: node.input_shape[0], 'eps': _sa.item('args', 1), 'group': _sa.item('args', 0),
                   'input': _sa.saved(0), 'result1': _sa.stats_field(0, _group_stats_shape),
                   'result2': _sa.stats_field(1, _group_stats_shape), 'weight': _sa.saved(1)}  # grad_fn._saved_*
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, weight, bias, groups, eps):
        xp = ctx.xp
        N, C = x.shape[:2]
        xr = x.reshape(N, groups, x.size // N // groups if N else 0)   # NOTE: not -1, ambiguous when N == 0
        shape = (1, C) + (1,) * (x.ndim - 2)
        mean, var, y = _group_norm_arrays(xp, xr, eps, weight, bias, x.shape, shape)
        ctx.args = (groups, eps, shape)
        ctx.input_shape = x.shape
        ctx.stats = (mean, 1.0 / xp.sqrt(var + eps))
        ctx.save_for_backward(x, weight)
        return y

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        groups, eps, shape = ctx.args
        need = ctx.needs_input_grad
        wd = None if weight is None else weight._data
        if not grad_mode._state.enabled and _group_norm_backward.fits(x._data, g._data, wd, *ctx.stats):
            gx, gw, gb = _group_norm_backward.backward(x._data, g._data, wd, *ctx.stats, groups, need)
            dev = g._device
            return tuple(None if a is None else Tensor._make(a, dev) for a in (gx, gw, gb)) + (None, None)
        mean, invstd = (Tensor._make(a, g.device) for a in ctx.stats)
        N = x.shape[0]
        gxhat = g if weight is None else g * weight.reshape(shape)
        per = x.numel() // N // groups if N else 0
        gx, xhat = _stats_backward(x.reshape(N, groups, per), gxhat.reshape(N, groups, per), (2,), eps, mean, invstd)
        axes = (0,) + tuple(range(2, g.ndim))
        gw = (g * xhat.reshape(x.shape)).sum(axes) if need[1] else None
        gb = g.sum(axes) if need[2] else None
        return (gx.reshape(x.shape) if need[0] else None), gw, gb, None, None


@op('F')
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each sample over groups of channels (and all spatial positions).

    >>> F.group_norm(ember.tensor([[1., 3., 5., 9.]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    python_reads(input, 'dim')
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    C = input.shape[1]
    if C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    if weight is not None and (weight.ndim != 1 or weight.numel() != C):
        raise RuntimeError(f"Expected weight to be a vector of size equal to the number of channels in input, but got "
                           f"weight of shape {list(weight.shape)} and input of shape {list(input.shape)}")
    if bias is not None and (bias.ndim != 1 or bias.numel() != C):
        raise RuntimeError(f"Expected bias to be a vector of size equal to the number of channels in input, but got "
                           f"bias of shape {list(bias.shape)} and input of shape {list(input.shape)}")
    return NativeGroupNorm.apply(input, weight, bias, int(num_groups), eps)


# ------------------------------------------------------------------------------- instance norm
@op('F')
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) plane: batch_norm on the input viewed as (1, N * C, ...).

    Example::

        >>> F.instance_norm(ember.tensor([[[1., 2., 3.], [4., 4., 4.]]]))
        tensor([[[-1.2247,  0.0000,  1.2247],
                 [ 0.0000,  0.0000,  0.0000]]])
    """
    python_reads(input, 'size')
    if use_input_stats:
        size = tuple(input.shape)
        if math.prod(size[2:]) == 1:
            from ember._tensor import Size
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {Size(size)}")
    N, C = input.shape[:2]
    x = input.reshape((1, N * C) + tuple(input.shape[2:]))
    rep = (lambda t: None if t is None else t.repeat(N))
    rm, rv = rep(running_mean), rep(running_var)
    out = batch_norm(x, rm, rv, rep(weight), rep(bias), use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        with grad_mode.no_grad():
            running_mean.copy_(rm.reshape(N, C).mean(0))
            if running_var is not None:
                running_var.copy_(rv.reshape(N, C).mean(0))
    return out.view(input.shape)


# ------------------------------------------------------------------------------- local response norm
@op('F')
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha / n * sum of x**2 over ``size`` neighbouring channels) ** beta (AlexNet's LRN).

    Example::

        >>> F.local_response_norm(ember.arange(1., 5.).reshape(1, 4, 1), size=2)
        tensor([[[1.0000],
                 [1.9996],
                 [2.9985],
                 [3.9963]]])
    """
    python_reads(input, 'dim')
    from ember.ops.pooling import avg_pool2d, avg_pool3d
    from ember.ops.padding import pad as _pad
    dim = input.ndim
    if dim < 3:
        # NOTE: the run of spaces is PyTorch's own (a line continuation inside its message)
        raise ValueError(f"Expected 3D or higher dimensionality{' ' * 26}input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    if dim == 3:
        div = _pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = _pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div
