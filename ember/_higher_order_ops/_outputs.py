"""The node a control flow operator's outputs come from when they take part in autograd."""
from ember._tensor import Tensor
from ember.autograd.function import Function
from ember.utils import _pytree as pytree


class _OutputsNode(Function):
    """The identity on the outputs (copies), so that they share one node named as PyTorch's operator's
    autograd node; gradients pass through unchanged to the ops that computed the outputs."""

    @staticmethod
    def forward(ctx, *outputs):
        return tuple(Tensor.clone(t) for t in outputs)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _node_class(name):
    return type(name, (_OutputsNode,), {'__doc__': f"The autograd node of the outputs of ``{name}``."})


CondAutogradOp = _node_class('CondAutogradOp')
ScanAutogradOp = _node_class('ScanAutogradOp')
MapAutogradOp = _node_class('MapAutogradOp')


def from_node(node, outputs):
    """``outputs`` (a pytree) with its tensors coming from ``node`` when any of them requires grad (and
    grad mode is on), as an autograd.Function's outputs do; otherwise ``outputs`` unchanged."""
    leaves, spec = pytree.tree_flatten(outputs)
    positions = [i for i, t in enumerate(leaves) if isinstance(t, Tensor)]
    if not any(leaves[i].requires_grad for i in positions):
        return outputs
    new = node.apply(*(leaves[i] for i in positions))
    new = new if isinstance(new, tuple) else (new,)
    for i, t in zip(positions, new):
        leaves[i] = t
    return pytree.tree_unflatten(leaves, spec)
