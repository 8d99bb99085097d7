"""cross_entropy's recorded graph as PyTorch's: log_softmax then nll_loss (LogSoftmaxBackward0 under
NllLossBackward0; a 3-D or 5-D+ input viewed as 4-D for the 2-d kernel in between), computed in one fused pass.

The log-probabilities are the fused pass's ``shifted - log(sum(exp))`` (log_softmax's bits), and the loss is
nll_loss's of them (the fused loss's bits: ``-(x[t] * w)`` is ``(lse - shifted[t]) * w`` exactly). The
softmax the pass takes anyway is kept on the LogSoftmax node, whose backward then needs no exp of its saved
result; together the two nodes give the fused op's gradient bit for bit on (N, C) inputs (the NllLoss node's
gradient is zero but at one class per row, where ``g - p * sum(g)`` is ``p * w * g - w * g`` exactly). With
PyTorch's float32 bits (the default) the node instead takes SLEEF's exp of its result, as PyTorch's
LogSoftmaxBackward does (``ops/_log_softmax_grad_bits.py``), and keeps no softmax."""
import numpy as np

from ember import backend
from ember.numerics import ENABLED as _PYTORCH_BITS
from ember.autograd._recorded_steps import record_step
from ember.ops.activation import LogSoftmax, log_softmax
from ember.ops.loss import NllLoss, _NLL_NAMES, _softmax_parts, nll_forward
from ember.ops.shape import View
from ember.ops._scalar_overloads import add_number, div_number, mul_number


def cross_entropy_steps(input, target, weight, ignore_index, reduction, smoothing=0.0):
    """``nll_loss(log_softmax(input, class_dim), target, ...)`` with its nodes, for a float32/float64 input that
    requires grad while the graph is recorded; with label smoothing, PyTorch's terms after it composed from
    ember's ops (their nodes, values and gradients are PyTorch's)."""
    dim = 0 if input._data.ndim == 1 else 1
    log_probs = _log_softmax_step(input, dim)
    if not smoothing:
        return nll_steps(log_probs, target, weight, ignore_index, reduction, log_softmax_below=True)
    nll = nll_steps(log_probs, target, weight, ignore_index, reduction)
    return _smoothed(log_probs, nll, target, weight, ignore_index, reduction, smoothing, dim)


def _smoothed(log_probs, nll, target, weight, ignore_index, reduction, smoothing, dim):
    """PyTorch's label smoothing after its nll_loss: ``(1 - eps) * nll + smooth * (eps / C)``, the smoothing
    term being minus the (class-weighted) log-probabilities summed over the classes, zero at ignored targets,
    reduced as nll_loss reduces (a mean over the kept targets' weights)."""
    n_classes = log_probs.shape[dim]
    ignored = target == ignore_index
    if weight is None:
        smooth = -log_probs.sum(dim)
    else:
        shape = [1] * log_probs.ndim
        shape[dim] = n_classes
        smooth = -(log_probs * weight.view(shape)).sum(dim)
    smooth.masked_fill_(ignored, 0.0)
    if reduction == 'mean':
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            smooth = smooth.sum() / weight.gather(0, target.masked_select(~ignored).flatten()).sum()
    elif reduction == 'sum':
        smooth = smooth.sum()
    # (PyTorch's C++ multiplies by doubles: MulBackward1)
    return mul_number(nll, 1 - smoothing) + mul_number(smooth, smoothing / n_classes)


def _log_softmax_step(input, dim):
    """``log_softmax(input, dim)`` with its node, which keeps the softmax the fused pass gives anyway."""
    x = input._data
    xp = _xp(input)
    rows = x.reshape(1, -1) if x.ndim == 1 else x
    shifted, e, s, lse = _softmax_parts(xp, rows)
    # (float32 with PyTorch's bits: the node's gradient takes the exp of its result, as PyTorch's)
    p = None if x.dtype == np.float32 and _PYTORCH_BITS[0] and type(x) is np.ndarray else (e / s).reshape(x.shape)
    shifted -= lse          # (log_softmax's result, as its kernel rounds it)
    logp = shifted.reshape(x.shape)
    return record_step(LogSoftmax, (input, dim), logp, saved=(logp,), dim=dim, softmax=p)


def cross_entropy_probs_steps(input, target, weight, reduction, smoothing):
    """Cross entropy against class probabilities as PyTorch composes it: minus the sum of log_softmax times the
    (smoothed) target (times the class weights), over the classes or all, a mean dividing by the batch size."""
    dim = 0 if input._data.ndim == 1 else 1
    n_classes = input._data.shape[dim]
    log_probs = _log_softmax_step(input, dim) if input._requires_grad else log_softmax(input, dim)
    if smoothing:
        target = add_number(mul_number(target, 1 - smoothing), smoothing / n_classes)
    terms = log_probs * target
    if weight is not None:
        shape = [1] * log_probs.ndim
        shape[dim] = n_classes
        terms = terms * weight.view(shape)
    if reduction == 'none':
        return -terms.sum(dim)
    total = -terms.sum()
    return total if reduction == 'sum' else div_number(total, log_probs.numel() // n_classes)


def nll_steps(input, target, weight, ignore_index, reduction, **kept):
    """nll_loss's nodes as PyTorch records them: a 3-D or 5-D+ input (N, C, d...) is viewed as (N, C, 1, D) for
    the 2-d kernel (NllLoss2DBackward0 over ViewBackward0), and an unreduced loss viewed back to (N, d...)."""
    xp = _xp(input)
    ndim = input._data.ndim
    if ndim <= 2 or ndim == 4:
        cls = NllLoss if ndim <= 2 else _NLL_NAMES['2d']
        return _nll_step(xp, cls, input, target, weight, ignore_index, reduction, kept)
    n, c = input._data.shape[:2]
    flat = (n, c, 1, -1)
    flat_input = record_step(View, (input, flat), input._data.reshape(flat), in_shape=input._data.shape)
    flat_target = target.reshape(n, 1, -1)
    out = _nll_step(xp, _NLL_NAMES['2d'], flat_input, flat_target, weight, ignore_index, reduction, {})
    if reduction != 'none':
        return out
    shape = (n,) + input._data.shape[2:]
    return record_step(View, (out, shape), out._data.reshape(shape), in_shape=out._data.shape)


def _nll_step(xp, cls, input, target, weight, ignore_index, reduction, more):
    w = None if weight is None else weight._data
    out, kept = nll_forward(xp, input._data, target._data, w, ignore_index, reduction)
    return record_step(cls, (input, target, weight, ignore_index, reduction), xp.asarray(out),
                       saved=(input._data, target._data, w), nll=(ignore_index, reduction), **kept, **more)


def _xp(t):
    return np if t._device.type == 'cpu' else backend.get_array_module(t._device)
