"""``FakeTensorProp``: run a ``GraphModule`` on example inputs and record each node's value as a
meta-device tensor of the same shape, dtype and strides in ``node.meta['val']``."""
from ember.fx.interpreter import Interpreter
from ember.fx.node import map_aggregate

__all__ = ['FakeTensorProp']


class FakeTensorProp(Interpreter):
    """Fills ``node.meta['val']`` for every node (PyTorch's runs on fake tensors; ember runs on the real
    inputs given and keeps meta tensors, which hold no data).

    Example:
        >>> from ember.fx.passes.fake_tensor_prop import FakeTensorProp
        >>> gm = ember.fx.symbolic_trace(nn.Linear(4, 2))
        >>> _ = FakeTensorProp(gm).propagate(ember.zeros(3, 4))
        >>> [tuple(n.meta['val'].shape) for n in gm.graph.nodes if n.op != 'output']
        [(3, 4), (2, 4), (2,), (3, 2)]
    """

    def __init__(self, module, mode=None):
        if mode is not None:
            raise NotImplementedError('FakeTensorProp(mode=...): ember has no fake tensor modes')
        super().__init__(module)

    def run_node(self, n):
        from ember.export._tracer import _meta_value
        result = super().run_node(n)
        if n.op != 'output':
            n.meta['val'] = map_aggregate(result, _meta_value)
        return result

    def propagate(self, *args):
        """Run the module on ``args``, recording the values; returns its output."""
        return self.run(*args)

    def propagate_dont_convert_inputs(self, *args):
        """``propagate`` (ember's inputs need no conversion)."""
        return self.run(*args)
