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
    def forward(ctx, gx, x, aten_name):
        ctx.aten_name = aten_name
        return gx.copy()

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError(f"derivative for aten::{ctx.aten_name} is not implemented")


def mark(gx, x, aten_name):
    """``gx`` (the gradient for input ``x``), linked to ``x`` by a node that refuses a second derivative."""
    if gx is None or not grad_mode._state.enabled or not x.requires_grad:
        return gx
    return _NotImplementedBackward.apply(gx, x, aten_name)
