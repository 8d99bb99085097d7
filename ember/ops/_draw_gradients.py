"""The graph node a random draw gets from parameters that require grad.

A draw depends on its parameters only through chance, so PyTorch records ``normal``, ``bernoulli`` and
``poisson`` with a gradient of zeros for each tensor parameter (``NormalBackward1`` ...): the result requires
grad, and a backward through it reaches the parameters with zeros rather than failing. Some draws (and the
sample-gradient helpers their backwards use) are recorded with a node whose backward refuses.
"""
from ember.autograd import grad_mode
from ember.autograd.function import Primitive, _node_class


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


def _no_derivative(op, node_name='NotImplemented'):
    """The node of a result PyTorch records but gives no derivative (``bernoulli(input, p)`` with a number
    ``p``, ``_sample_dirichlet``, ``_dirichlet_grad``, ``_standard_gamma_grad``): its backward fails naming
    the op, in PyTorch's words for that node."""
    def backward(ctx, g):
        if node_name == 'NotImplemented':
            raise RuntimeError(f"derivative for aten::{op} is not implemented")
        raise NotImplementedError(f"the derivative for '{op}' is not implemented.")
    return type(node_name, (_Drawn,), {'node_name': node_name, 'backward': staticmethod(backward)})


_NODES = {name: _node(name) for name in ('NormalBackward1', 'NormalBackward2', 'NormalBackward3',
                                         'BernoulliBackward0', 'PoissonBackward0')}
# (native_channel_shuffle is no draw, but PyTorch records it the same way: F.channel_shuffle differentiates)
_NODES.update({('NotImplemented', op): _no_derivative(op) for op in ('bernoulli', '_sample_dirichlet',
                                                                      '_dirichlet_grad', 'native_channel_shuffle')})
# PyTorch's NotImplemented node is namespaced, as CopySlices (it prints as <NotImplemented>)
_node_class('NotImplemented').name = lambda node: 'ember::autograd::NotImplemented'
_NODES[('StandardGammaGradBackward0', '_standard_gamma_grad')] = _no_derivative('_standard_gamma_grad',
                                                                               'StandardGammaGradBackward0')


def recorded(result, node_name, *params, op=None):
    """``result`` (a fresh draw) recorded as ``node_name`` over the tensor ``params`` when one of them
    requires grad and grad mode is on; ``result`` itself otherwise. A 'NotImplemented' node names its
    ``op``."""
    if not grad_mode.is_grad_enabled() or not any(p.requires_grad for p in params):
        return result
    return _NODES[node_name if op is None else (node_name, op)].apply(result._data, *params)
