"""Gradient clipping by total norm or by value, in place on ``.grad``."""
import math
import warnings

from ember._tensor import Tensor
from ember.autograd.grad_mode import no_grad

__all__ = ['clip_grad_norm_', 'clip_grad_norm', 'clip_grad_value_', 'get_total_norm', 'clip_grads_with_norm_']


def _grads_of(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        parameters = list(parameters)
    return [p.grad for p in parameters if p.grad is not None], parameters


def _check_foreach(foreach, tensors):
    if foreach and any(t.device.type == 'cpu' for t in tensors):
        raise RuntimeError("foreach=True was passed, but can't use the foreach API on cpu tensors")


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of ``tensors`` (as if they were concatenated into one vector).

    Example::

        >>> ember.nn.utils.get_total_norm([ember.tensor([3., 0.]), ember.tensor([4.])])
        tensor(5.)
        >>> ember.nn.utils.get_total_norm([ember.tensor([3., 0.]), ember.tensor([4.])], norm_type=float('inf'))
        tensor(4.)
    """
    from ember import stack
    from ember.linalg import vector_norm   # the public ops: DTensor gradients (FSDP) give the whole norm
    from ember.ops.creation import tensor as make_tensor
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    else:
        tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return make_tensor(0.0)
    _check_foreach(foreach, tensors)
    device = tensors[0].device
    with no_grad():
        norms = [vector_norm(g, norm_type).to(device) for g in tensors]
        total = vector_norm(stack(norms), norm_type)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by ``max_norm / (total_norm + 1e-6)`` when that is below 1.

    Example::

        >>> w = ember.zeros(2, requires_grad=True)
        >>> (w * ember.tensor([3., 4.])).sum().backward()
        >>> total = ember.nn.utils.get_total_norm([w.grad])
        >>> ember.nn.utils.clip_grads_with_norm_([w], max_norm=1.0, total_norm=total)
        >>> w.grad
        tensor([0.6000, 0.8000])
    """
    grads, _ = _grads_of(parameters)
    if not grads:
        return
    _check_foreach(foreach, grads)
    with no_grad():
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.device).to(g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale gradients in place so their total ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm before clipping.

    >>> p = ember.nn.Parameter(ember.tensor([3., 4.]))
    >>> p.grad = ember.tensor([3., 4.])
    >>> clip_grad_norm_([p], 1.0)
    tensor(5.)
    """
    grads, parameters = _grads_of(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated: use :func:`clip_grad_norm_`, which it calls, with a ``FutureWarning``. Scales the gradients of
    ``parameters`` in place so that their total norm is at most ``max_norm``, and returns the total norm they
    had.

    Args:
        parameters (Tensor or iterable of Tensor): the tensors whose gradients to clip.
        max_norm (float): the largest total norm allowed.
        norm_type (float, optional): the order of the norm (``inf`` for the largest magnitude). Default: ``2``.
        error_if_nonfinite (bool, optional): raise when the total norm is ``nan`` or ``inf``. Default: ``False``.
        foreach (bool, optional): PyTorch's choice of a faster implementation; the result is the same.

    Example::

        >>> lin = nn.Linear(2, 2)
        >>> lin.weight.grad = ember.tensor([[3., 0.], [0., 4.]])
        >>> lin.bias.grad = ember.zeros(2)
        >>> nn.utils.clip_grad_norm(lin.parameters(), 1.0)
        tensor(5.)
        >>> lin.weight.grad
        tensor([[0.6000, 0.0000],
                [0.0000, 0.8000]])
    """
    warnings.warn("`ember.nn.utils.clip_grad_norm` is now deprecated in favor of `ember.nn.utils.clip_grad_norm_`."
                  .replace('torch', 'ember'), FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element to ``[-clip_value, clip_value]`` in place.

    Example::

        >>> w = ember.zeros(3, requires_grad=True)
        >>> (w * ember.tensor([5., -0.5, -9.])).sum().backward()
        >>> ember.nn.utils.clip_grad_value_([w], clip_value=1.0)
        >>> w.grad
        tensor([ 1.0000, -0.5000, -1.0000])
    """
    clip_value = float(clip_value)
    grads, _ = _grads_of(parameters)
    _check_foreach(foreach, grads)
    with no_grad():
        for g in grads:
            g.clamp_(min=-clip_value, max=clip_value)
