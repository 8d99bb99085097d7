"""An op that ember computes with several recorded primitives, recorded instead as the one node PyTorch
records (``LinalgCrossBackward0``, ``RenormBackward0``, ...).

The value is the composite's, computed unrecorded (so its numbers, dtypes and errors stay those of the
existing function); the node hands it back and differentiates with PyTorch's formula written with ember's
ops, so any order of derivatives works.  A node class's ``forward(ctx, *tensors, *options, value)`` saves
what its backward needs and returns ``value``.
"""
from ember._tensor import Tensor
from ember.autograd import grad_mode


def one_node(node, compute, tensors, *options):
    """``compute(*tensors)`` recorded as ``node`` (called with the tensors, ``options`` and the value: an
    array, or a tuple of arrays where ``compute`` returns several tensors) when autograd records the call;
    ``compute``'s own result otherwise."""
    if not (grad_mode._state.enabled and any(isinstance(t, Tensor) and t.requires_grad for t in tensors)):
        return compute(*tensors)
    with grad_mode.no_grad():
        value = compute(*[t.detach() if isinstance(t, Tensor) else t for t in tensors])
    return node.apply(*tensors, *options, value._data if isinstance(value, Tensor) else tuple(v._data for v in value))


def composite_grads(compute, tensors, needs, g):
    """The gradients of ``compute(*tensors)`` (the composite an op's value comes from) for ``g``, through
    autograd: for a node whose PyTorch formula is long, the composite's own derivative.  Where the backward
    itself is recorded (``create_graph``), the gradients are functions of the saved inputs, so any order
    works; ``None`` for each input whose gradient is not needed."""
    from ember.autograd import grad
    create = grad_mode._state.enabled
    inputs = [t if create or not need else t.detach().requires_grad_() for t, need in zip(tensors, needs)]
    wanted = [t for t, need in zip(inputs, needs) if need]
    with grad_mode.enable_grad():
        value = compute(*inputs)
        found = list(grad(value, wanted, g, create_graph=create, allow_unused=True))
    return tuple(found.pop(0) if need else None for need in needs)
