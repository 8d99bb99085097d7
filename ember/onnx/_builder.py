"""Collects ONNX nodes and initializers while a captured graph is translated."""
import numpy as np


class Builder:
    """Names ONNX values, adds nodes and constant initializers; ``opset`` is the target opset."""

    def __init__(self, onnx, opset):
        self.onnx, self.opset = onnx, opset
        self.nodes, self.initializers = [], []
        self._count = 0

    def fresh(self, hint):
        self._count += 1
        return f"{hint}_{self._count}"

    def op(self, op_type, inputs, outputs=1, name=None, **attrs):
        """Add one node; ``outputs`` is a count or a list of names. Returns the output name(s)."""
        if isinstance(outputs, int):
            outputs = [self.fresh(op_type) for _ in range(outputs)]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), list(outputs),
                                                     name=name or self.fresh('n_' + op_type), **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def const(self, value, dtype=None, name=None):
        """An initializer holding ``value`` (array-like); returns its name."""
        arr = np.asarray(value, dtype=dtype)
        name = name or self.fresh('const')
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def ints(self, values):
        """An int64 initializer (shapes, axes, ...)."""
        return self.const(np.asarray(values, dtype=np.int64))
