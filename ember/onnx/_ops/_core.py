"""The converter registry and what a converter sees of the captured call.

A converter gets the builder ``b`` and the call ``c`` (:class:`Call`) and writes ONNX nodes whose
last output is named ``c.out`` (``c.outs`` for several).
"""
import numpy as np

CONVERTERS = {}


def converts(*names):
    def register(fn):
        for n in names:
            CONVERTERS[n] = fn
        return fn
    return register


class Call:
    """One captured node seen by its converter: ONNX names of its tensor arguments, its constants."""

    def __init__(self, node, names, dynamic):
        # ``dynamic``: the exporter's record of what follows the dynamic axes (see _dynamic.py)
        self.node, self.names, self.dynamic = node, names, dynamic
        self.args = node.args
        self.outs = [names[id(v)] if v is not None else '' for v in node.outputs]
        self.out = self.outs[0]
        self.dtype = node.outputs[0].example._data.dtype

    def x(self, i, b=None, dtype=None):
        """The ONNX name of argument ``i``; a Python number becomes a constant of ``dtype`` (default:
        the result's dtype); with ``dtype`` a tensor of another dtype is cast to it."""
        return self.name(self.args[i], b, dtype)

    def name(self, a, b=None, dtype=None):
        """:meth:`x` for an argument given itself (a Value, a number or an array), such as one
        nested in an index key."""
        from ember._trace import Value
        if isinstance(a, Value):
            name = self.names[id(a)]
            have = a.example._data.dtype
            if dtype is not None and have != dtype:
                name = b.op('Cast', [name], to=_onnx_type(dtype))
            return name
        return b.const(np.asarray(a, dtype=self.dtype if dtype is None else dtype))

    def operand_dtype(self):
        """The dtype two tensor operands of a comparison meet in (a Python number adapts to them)."""
        from ember._trace import Value
        dts = [a.example._data.dtype for a in self.args if isinstance(a, Value)]
        return np.result_type(*dts)

    def shape(self, b, i, unknown=None):
        """The ONNX name of argument ``i``, a target shape; entries that follow dynamic axes are
        computed from the inputs' sizes (an entry none explains becomes ``unknown``)."""
        first = tuple(self.args[i])
        second = self.dynamic.args.get(id(self.node), {}).get(i, first)
        return self.dynamic.shape(b, self.names, first, second, self.node.inputs, unknown)

    def rank(self, i=0):
        return len(self.args[i].shape)


def _onnx_type(np_dtype):
    import onnx
    return onnx.helper.np_dtype_to_tensor_dtype(np.dtype(np_dtype))


def _unsupported(c, what):
    raise NotImplementedError(f"ember.onnx.export: {c.node.name} with {what} is not supported")


def reduce(b, op_type, x, axes, keepdims=1):
    """A Reduce* node over ``axes``: an input from opset 18 on (ReduceSum: 13), an attribute before.
    No axes (a 0-dim input) leave ``x`` as it is (ONNX would read them as every axis)."""
    if not len(axes):
        return b.op('Identity', [x])
    if op_type == 'ReduceSum' or b.opset >= 18:
        return b.op(op_type, [x, b.ints(axes)], keepdims=keepdims)
    return b.op(op_type, [x], axes=list(axes), keepdims=keepdims)
