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


class _Recorded:
    """The composite recorded on detached copies of the inputs: the node's backward differentiates it."""
    __slots__ = ('inputs', 'output')

    def __init__(self, inputs, output):
        self.inputs, self.output = inputs, output


def one_node_keeping_graph(node, compute, tensors, *options):
    """:func:`one_node` for a composite too intricate for a formula of its own (grid_sample's): where autograd
    records the call, the composite is recorded as before, on detached copies of the inputs, and the node
    (called with the tensors, ``options`` and that record) hands its value back; its backward gets the
    gradients from the record (:func:`recorded_grads`), so a step costs what it did as a composite."""
    if not (grad_mode._state.enabled and any(isinstance(t, Tensor) and t.requires_grad for t in tensors)):
        return compute(*tensors)
    if any(isinstance(t, Tensor) and type(t) is not Tensor for t in tensors):   # (vmap's tensors: recomputed)
        return one_node(node, compute, tensors, *options)
    inputs = [t.detach().requires_grad_() if isinstance(t, Tensor) and t.requires_grad else t for t in tensors]
    return node.apply(*tensors, *options, _Recorded(inputs, compute(*inputs)))


def value_of(value):
    """The node's value from what :func:`one_node_keeping_graph` (or :func:`one_node`) handed its forward."""
    return value.output._data if type(value) is _Recorded else value


def recorded_grads(ctx, compute, tensors, needs, g):
    """:func:`composite_grads` for a node made by :func:`one_node_keeping_graph`: read from the composite
    recorded in the forward where the backward does not record (``create_graph`` off), without running the
    composite again; else :func:`composite_grads` (the gradients then functions of the saved inputs)."""
    from ember.autograd import grad
    recorded = getattr(ctx, 'recorded', None)
    if type(recorded) is not _Recorded or grad_mode._state.enabled:
        return composite_grads(compute, tensors, needs, g)
    wanted = [t for t, need in zip(recorded.inputs, needs) if need]
    with grad_mode.enable_grad():
        found = list(grad(recorded.output, wanted, g, retain_graph=True, allow_unused=True))
    return tuple(found.pop(0) if need else None for need in needs)
