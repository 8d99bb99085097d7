"""The captured graph: values (inputs, parameters, constants, op results) and the op nodes between them."""


class Value:
    """One tensor of the graph; ``example`` is the tensor it held while the function was captured.

    ``kind`` is ``'input'``, ``'param'`` (a module's parameter or buffer, named by ``name``),
    ``'constant'`` (any other tensor that existed before the op using it) or ``'node'`` (an op's result).
    """

    def __init__(self, kind, example, name=None, producer=None, index=0):
        self.kind, self.example, self.name = kind, example, name
        self.producer, self.index = producer, index

    @property
    def shape(self):
        return tuple(self.example.shape)

    @property
    def dtype(self):
        return self.example.dtype

    def __repr__(self):
        return f"%{self.name}"


class Node:
    """One op call: the Primitive class ``op``, its arguments in order (a :class:`Value` where a
    tensor was passed, the Python value otherwise), its keyword arguments and its results.
    ``scope`` is the path of modules that called it (``'Sequential/Linear[0]'``), empty outside modules;
    ``caller`` the public op the user called that ran it, ``(namespace, name)`` as ``('linalg', 'pinv')``,
    or None when the user's code called the primitive itself."""

    def __init__(self, op, args, kwargs, outputs, scope='', caller=None):
        self.op, self.args, self.kwargs, self.outputs, self.scope = op, args, kwargs, outputs, scope
        self.caller = caller

    @property
    def name(self):
        """The op's name: its Primitive class name (``'Addmm'``, ``'Convolution'``, ...)."""
        return self.op.__name__

    @property
    def inputs(self):
        """The tensor arguments, in order (also those nested in tuples and lists, as an index key's)."""
        return _values(list(self.args) + list(self.kwargs.values()))

    def __repr__(self):
        outs = ', '.join(map(repr, self.outputs))
        args = ', '.join(map(repr, self.args))
        extra = ''.join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"{outs} = {self.name}({args}{extra})"


def _values(obj):
    if isinstance(obj, Value):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [v for o in obj for v in _values(o)]
    return []


class Graph:
    """``inputs`` → ``nodes`` (in the order they ran) → ``outputs``; ``params`` and ``constants``
    are the other tensors the nodes read."""

    def __init__(self):
        self.inputs, self.nodes, self.outputs = [], [], []
        self.params, self.constants = [], []

    def __repr__(self):
        lines = [f"graph({', '.join(map(repr, self.inputs))}):"]
        lines += [f"  {n!r}" for n in self.nodes]
        lines.append(f"  return {', '.join(map(repr, self.outputs))}")
        return '\n'.join(lines)
