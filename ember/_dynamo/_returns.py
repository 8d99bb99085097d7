"""What a compiled call returns. As PyTorch's compiler hands its backend a graph, the graph returns the tensors
it computes as one flat tuple, each once; the call's result is rebuilt around them: in the containers the code
returned them in (lists, tuples, dicts, namedtuples, nested), with the input tensors it returned as they are
(the caller's own objects, read at each call) and its other values (numbers, strings, None) as traced."""
from ember.utils import _pytree

_COMPUTED, _INPUT, _FIXED, _ARGUMENT_PART = 0, 1, 2, 3


class Returns:
    """How to rebuild a call's result: ``spec`` (its structure) and one ``(kind, what)`` per leaf: a graph
    output's index, an input's node (its source once the inputs are named: ``resolve_inputs``), a value."""

    def __init__(self, tracer, result):
        from ember import Tensor
        from ember.fx.proxy import Proxy
        # a container of an argument returned as it came (``return xs``) is the caller's, not a copy
        sources = tracer.container_sources
        leaves, self.spec = _pytree.tree_flatten(result, is_leaf=(lambda v: id(v) in sources) if sources else None)
        self.outputs = []                    # the graph's output nodes
        self.leaves = []
        index = {}
        for leaf in leaves:
            if isinstance(leaf, Tensor) and not isinstance(leaf, Proxy):
                # a tensor the code reached without tracing it: a state input, or fixed in the graph
                state = tracer.state_input(leaf)
                leaf = state if state is not None else tracer.proxy(tracer.create_arg(leaf))
            if id(leaf) in sources:
                self.leaves.append((_ARGUMENT_PART, sources[id(leaf)]))
            elif not isinstance(leaf, Proxy):
                self.leaves.append((_FIXED, leaf))
            elif leaf.node.op == 'placeholder':
                self.leaves.append((_INPUT, leaf.node))
            else:
                if leaf.node not in index:
                    index[leaf.node] = len(self.outputs)
                    self.outputs.append(leaf.node)
                self.leaves.append((_COMPUTED, index[leaf.node]))
        # the common shapes, returned without rebuilding: the graph's tuple, or its one value
        computed = [k == _COMPUTED for k, _ in self.leaves]
        in_order = all(computed) and [i for _, i in self.leaves] == list(range(len(self.outputs)))
        self.whole = in_order and self.spec.type is tuple and not self.spec.is_leaf() and all(
            c.is_leaf() for c in self.spec.children_specs)
        self.single = in_order and self.spec.is_leaf()

    def resolve_inputs(self):
        """Once the graph's inputs are named: an input leaf becomes where the input comes from."""
        self.leaves = [(kind, what.meta['input']) if kind == _INPUT else (kind, what) for kind, what in self.leaves]

    def rebuild(self, outputs, read_input, arguments):
        """The call's result from the graph's ``outputs``; ``read_input(where)`` reads an input's value,
        ``arguments`` are the call's (by parameter name)."""
        if self.whole:
            return outputs if type(outputs) is tuple else tuple(outputs)
        if self.single:
            return outputs[0]
        values = [outputs[what] if kind == _COMPUTED else read_input(what) if kind == _INPUT else
                  _part(arguments, *what) if kind == _ARGUMENT_PART else what for kind, what in self.leaves]
        return self.spec.unflatten(values)


def _part(arguments, name, path):
    value = arguments[name]
    for key in path:
        value = key.get(value)
    return value
