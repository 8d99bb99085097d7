"""Forward-mode AD (PyTorch's ``torch.autograd.forward_ad``): dual tensors carrying a tangent.

Inside ``dual_level()``, ``make_dual(x, t)`` gives a tensor equal to ``x`` whose directional
derivative along ``t`` travels with every computation made from it; ``unpack_dual(y)`` returns
``(primal, tangent)`` where ``tangent`` is exactly ``J_y(x) @ t``.

How ember computes the tangent: ember records every op for reverse mode, so the tangent of ``y``
is obtained when asked for, from the recorded graph, by the double-vjp identity
``J t = d/du (J^T u) . t`` (``J^T u`` is linear in ``u``, so one more reverse pass over it gives
``J t`` exactly, for every op whose backward is differentiable - all of ember's are). Because the
graph is recorded, dual tensors (and results computed from them) report ``requires_grad=True``
inside the level, where PyTorch reports the flag of the primal alone.
"""
from collections import namedtuple

from ember._tensor import Tensor
from ember.autograd import function as _function
from ember.autograd.grad_mode import enable_grad

__all__ = ['UnpackedDualTensor', 'enter_dual_level', 'exit_dual_level', 'make_dual', 'unpack_dual', 'dual_level']

_current_level = [-1]
_duals = _function._fwad_duals  # (dual tensor, tangent, primal required grad) of the open level; custom
# Functions read it to know forward AD is running, and add their outputs (register_tangents)


class UnpackedDualTensor(namedtuple('UnpackedDualTensor', ['primal', 'tangent'])):
    """:func:`unpack_dual`'s result, a named tuple: the primal value and its tangent (``None`` when it has none).

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> with fwAD.dual_level():
        ...     dual = fwAD.make_dual(ember.tensor(2.), ember.tensor(1.))
        ...     unpacked = fwAD.unpack_dual(dual * dual)
        >>> unpacked
        UnpackedDualTensor(primal=tensor(4.), tangent=tensor(4.))
        >>> primal, tangent = unpacked
    """


def enter_dual_level():
    """Open a forward-AD level and return its number (only one level may be open at a time).

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> level = fwAD.enter_dual_level()
        >>> dual = fwAD.make_dual(ember.tensor(2.), ember.tensor(1.))
        >>> fwAD.unpack_dual(dual * dual).tangent
        tensor(4.)
        >>> fwAD.exit_dual_level()
    """
    if _current_level[0] >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _current_level[0] += 1
    return _current_level[0]


def exit_dual_level(*, level=None):
    """Close the open level; every tangent made in it is dropped.

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> _ = fwAD.enter_dual_level()
        >>> dual = fwAD.make_dual(ember.tensor(2.), ember.tensor(3.))
        >>> fwAD.exit_dual_level()
        >>> fwAD.unpack_dual(dual).tangent is None
        True
    """
    if level is None:
        level = _current_level[0]
    if level != _current_level[0]:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. "
                           "This is not supported.")
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    _duals.clear()
    _current_level[0] = level - 1


def _check_level(level):
    if level is None:
        level = _current_level[0]
    if level < 0 or level != _current_level[0]:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")


def make_dual(tensor, tangent, *, level=None):
    """A tensor equal to ``tensor`` carrying ``tangent`` as its directional derivative.

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> x = ember.tensor([1., 2., 3.])
        >>> with fwAD.dual_level():
        ...     dual = fwAD.make_dual(x, ember.ones(3))
        ...     out = dual.sin()
        ...     fwAD.unpack_dual(out).tangent
        tensor([ 0.5403, -0.4161, -0.9900])
    """
    _check_level(level)
    if not (tensor.dtype.is_floating_point or tensor.dtype.is_complex):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {tensor.dtype}")
    if not (tangent.dtype.is_floating_point or tangent.dtype.is_complex):
        raise ValueError(f"Expected tangent to be floating point or complex, but got: {tangent.dtype}")
    if tuple(tensor.shape) != tuple(tangent.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                           f"forward gradient is of size {list(tangent.shape)}.")
    with enable_grad():
        dual = tensor.view_as(tensor) if tensor.requires_grad else tensor.detach().requires_grad_(True)
    _duals.append((dual, tangent, tensor.requires_grad))
    return dual


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)`` of ``tensor``; the tangent is None outside a level or when no dual reaches it.

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> with fwAD.dual_level():
        ...     out = fwAD.make_dual(ember.tensor(2.), ember.tensor(1.)) ** 3
        ...     primal, tangent = fwAD.unpack_dual(out)
        >>> primal, tangent
        (tensor(8.), tensor(12.))
    """
    if level is None:
        level = _current_level[0]
    if level < 0 or level != _current_level[0] or not isinstance(tensor, Tensor):
        return UnpackedDualTensor(tensor, None)
    keep = any(t.requires_grad or primal_rg for _, t, primal_rg in _duals)
    primal = tensor if keep else tensor.detach()
    for dual, tangent, _ in _duals:
        if dual is tensor:
            return UnpackedDualTensor(primal, tangent)
    if not tensor.requires_grad or not _duals:
        return UnpackedDualTensor(primal, None)
    return UnpackedDualTensor(primal, _tangent_of(tensor, keep))


def register_tangents(pairs):
    """Make each (output, tangent) a dual of the open level: a custom Function's jvp computed them."""
    for out, tangent in pairs:
        # (the output requires grad only because forward AD records the graph: that is not the user's)
        _duals.append((out, tangent, False))


def _tangent_of(y, keep):
    previous = _function.TANGENT_PASS[0]
    _function.TANGENT_PASS[0] = True
    try:
        return _tangent_by_double_vjp(y, keep)
    finally:
        _function.TANGENT_PASS[0] = previous


def _tangent_by_double_vjp(y, keep):
    from ember.autograd.engine import grad as autograd_grad
    from ember.ops.creation import zeros_like
    duals = [d for d, _, _ in _duals]
    with enable_grad():
        u = zeros_like(y).requires_grad_(True)
        vjps = autograd_grad([y], duals, [u], retain_graph=True, create_graph=True, allow_unused=True)
        pairs = [(g, t) for g, (_, t, _) in zip(vjps, _duals) if g is not None and g.requires_grad]
        if not pairs:
            reached = any(g is not None for g in vjps)
            return zeros_like(y) if reached else None
        (jt,) = autograd_grad([p[0] for p in pairs], [u], [p[1] for p in pairs], retain_graph=True,
                              create_graph=keep, allow_unused=True)
    if jt is None:
        return zeros_like(y)
    return jt if keep else jt.detach()


class dual_level:
    """Context manager opening a forward-AD level for its body (``with dual_level(): ...``).

    Example::

        >>> fwAD = ember.autograd.forward_ad
        >>> with fwAD.dual_level():
        ...     y = fwAD.make_dual(ember.tensor(3.), ember.tensor(1.)).exp()
        ...     fwAD.unpack_dual(y).tangent
        tensor(20.0855)
        >>> fwAD.unpack_dual(y).tangent is None
        True
    """

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
