"""``ShapeProp``: run a ``GraphModule`` on example inputs and note each node's tensor shape and dtype."""
from typing import NamedTuple

from ember.fx.interpreter import Interpreter
from ember.fx.node import map_aggregate


class TensorMetadata(NamedTuple):
    """What ``ShapeProp`` records for a tensor value (``node.meta['tensor_meta']``)."""
    shape: object
    dtype: object
    requires_grad: bool
    stride: tuple
    memory_format: object
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result):
    import ember
    memory_format = None
    for fmt in (ember.contiguous_format, ember.channels_last, ember.channels_last_3d):
        if result.is_contiguous(memory_format=fmt):
            memory_format = fmt
            break
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          False, {})


class ShapeProp(Interpreter):
    """Runs the module on example inputs, storing each tensor-valued node's ``TensorMetadata`` in
    ``node.meta['tensor_meta']`` (and its type in ``node.type``).

    Example:
        >>> from ember.fx.passes.shape_prop import ShapeProp
        >>> gm = ember.fx.symbolic_trace(nn.Sequential(nn.Linear(4, 2), nn.ReLU()))
        >>> _ = ShapeProp(gm).propagate(ember.zeros(3, 4))
        >>> [(n.name, tuple(n.meta['tensor_meta'].shape)) for n in gm.graph.nodes]
        [('input_1', (3, 4)), ('_0', (3, 2)), ('_1', (3, 2)), ('output', (3, 2))]
    """

    def run_node(self, n):
        import ember
        result = super().run_node(n)
        found = [False]

        def extract(obj):
            if isinstance(obj, ember.Tensor):
                found[0] = True
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found[0]:
            n.meta['tensor_meta'] = meta
        n.meta['type'] = type(result)
        return result

    def propagate(self, *args):
        """Run the module on ``args``, recording the metadata; returns its output."""
        return super().run(*args)
