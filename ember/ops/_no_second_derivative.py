"""First-order gradients whose PyTorch backward op has no derivative of its own.

PyTorch records such a gradient under its not-implemented node: the gradient requires grad (it was
computed from an input that does), and differentiating it again raises "derivative for aten::<op> is not
implemented". ``mark(gx, x, aten_name)`` gives an ember gradient the same behaviour where a graph is being
recorded; with nothing recorded it hands ``gx`` back untouched (the first-order path costs nothing).
"""
from ember.autograd import grad_mode
from ember.autograd.function import Primitive


class _NotImplementedBackward(Primitive):
    node_name = 'torch::autograd::NotImplemented'

    @staticmethod
    def forward(ctx, gx, x, error):
        ctx.error = error
        return gx.copy()

    @staticmethod
    def backward(ctx, gg):
        kind, message = ctx.error
        raise kind(message)


_CLASSES = {}


def mark(gx, x, aten_name, node_name=None):
    """``gx`` (the gradient for input ``x``), linked to ``x`` by a node that refuses a second derivative.

    Without ``node_name`` the node is PyTorch's not-implemented placeholder, raising its RuntimeError; with
    it (``PdistBackwardBackward0``), a node of that name raising the NotImplementedError PyTorch's formula
    gives for ``aten_name``."""
    if gx is None or not grad_mode._state.enabled or not x.requires_grad:
        return gx
    if node_name is None:
        return _NotImplementedBackward.apply(gx, x, (RuntimeError, f"derivative for aten::{aten_name} is not "
                                                                   f"implemented"))
    cls = _CLASSES.get(node_name)
    if cls is None:
        cls = _CLASSES[node_name] = type('NoDerivative', (_NotImplementedBackward,), {'node_name': node_name})
    return cls.apply(gx, x, (NotImplementedError, f"the derivative for '{aten_name}' is not implemented."))
