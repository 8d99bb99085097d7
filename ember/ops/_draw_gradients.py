"""The graph node a random draw gets from parameters that require grad.

A draw depends on its parameters only through chance, so PyTorch records ``normal``, ``bernoulli`` and
``poisson`` with a gradient of zeros for each tensor parameter (``NormalBackward1`` ...): the result requires
grad, and a backward through it reaches the parameters with zeros rather than failing.
"""
from ember.autograd import grad_mode
from ember.autograd.function import Primitive


class _Drawn(Primitive):
    @staticmethod
    def forward(ctx, drawn, *params):
        ctx.shapes = [p.shape for p in params]
        return drawn

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(g.new_zeros(shape) for shape in ctx.shapes)


def _node(name):
    return type(name, (_Drawn,), {'node_name': name})


class _NoDerivative(_Drawn):
    """``bernoulli(input, p)`` with a number ``p``: PyTorch records the draw but gives it no derivative."""
    node_name = 'NotImplemented'

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::bernoulli is not implemented")


_NODES = {name: _node(name) for name in ('NormalBackward1', 'NormalBackward2', 'NormalBackward3',
                                         'BernoulliBackward0', 'PoissonBackward0')}
_NODES['NotImplemented'] = _NoDerivative


def recorded(result, node_name, *params):
    """``result`` (a fresh draw) recorded as ``node_name`` over the tensor ``params`` when one of them
    requires grad and grad mode is on; ``result`` itself otherwise."""
    if not grad_mode.is_grad_enabled() or not any(p.requires_grad for p in params):
        return result
    return _NODES[node_name].apply(result._data, *params)
