"""Collects ONNX nodes while a captured graph is translated."""
import numpy as np


class Builder:
    """Names ONNX values and adds nodes; ``opset`` is the target opset."""

    def __init__(self, onnx, opset):
        self.onnx, self.opset = onnx, opset
        self.nodes = []
        self._count = 0
        self._consts = {}   # (dtype, shape, bytes) -> name: one Constant node per distinct value

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

    def const(self, value, dtype=None):
        """A Constant node holding ``value`` (array-like); returns its output's name.

        NOTE: translation constants (shapes, axes, scalars) are node attributes rather than
        initializers, so saving the weights as external data never moves them out of the model:
        runtimes must read a Reshape's target shape while loading it."""
        arr = np.asarray(value, dtype=dtype)
        key = (arr.dtype.str, arr.shape, arr.tobytes())
        if key not in self._consts:
            name = self.fresh('const')
            tensor = self.onnx.numpy_helper.from_array(arr, name)
            self._consts[key] = self.op('Constant', [], [name], value=tensor)
        return self._consts[key]

    def ints(self, values):
        """An int64 constant (shapes, axes, ...)."""
        return self.const(np.asarray(values, dtype=np.int64))
