"""Links a first-order gradient to the input it was taken for, with zero derivative.

PyTorch's backward of a linear or piecewise-linear op (average pooling, padding, interpolation, NLL
loss, ...) is itself a recorded op that takes the forward's input, whose derivative in that input is
zero: a gradient of the gradient reaches the input with zeros, and the gradient requires grad even
where the incoming gradient does not. Where ember builds such a gradient from ops that never see the
input, ``link(gx, x, node_name)`` restores that: with a graph being recorded, ``gx`` comes back under
a node named as PyTorch's (``node_name``) that passes gradients on to ``gx`` unchanged and zeros to
``x``; otherwise ``gx`` comes back untouched (the first-order path costs one check).
"""
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd.function import Primitive


class _Link(Primitive):
    @staticmethod
    def forward(ctx, gx, x, zeros):
        ctx.x_like = (x.shape, x.dtype) if zeros else None
        return gx.copy()

    @staticmethod
    def backward(ctx, gg):
        gx = None
        if ctx.x_like is not None and ctx.needs_input_grad[1]:
            gx = Tensor._make(gg._xp.zeros(*ctx.x_like), gg._device)
        return gg, gx, None


_CLASSES = {}


def link(gx, x, node_name, zeros=True):
    """``gx``, recorded as a function of ``x`` too (zero derivative) where a graph is being recorded.

    ``zeros=False``: the node hands ``x`` nothing (PyTorch's backward-of-backward leaves it undefined, as
    for a convolution's bias gradient: it requires grad, but a gradient of it reaches neither input)."""
    if gx is None or not grad_mode._state.enabled or not x.requires_grad:
        return gx
    cls = _CLASSES.get(node_name)
    if cls is None:
        cls = _CLASSES[node_name] = type('InputLink', (_Link,), {'node_name': node_name})
    return cls.apply(gx, x, zeros)
