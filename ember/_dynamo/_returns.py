"""What a compiled call returns, and what it leaves in the containers it was given.

As PyTorch's compiler hands its backend a graph, the graph returns the tensors it computes as one flat tuple,
each once; the call's result is rebuilt around them: in the containers the code returned them in (lists,
tuples, dicts, namedtuples, nested), with the input tensors it returned as they are (the caller's own objects,
read at each call) and its other values (numbers, strings, None) as traced. A container of an argument that
the code returns is the caller's container, not a copy.

The code may change the containers it was given (``xs.append(y)``, ``batch['out'] = h``, ``del d[k]``): the
capture ran on copies, so each call writes the traced final items into the caller's containers, the tensors
among them being graph outputs like the result's (as PyTorch's compiled code replays such changes)."""
from ember.utils import _pytree

_COMPUTED, _INPUT, _FIXED, _ARGUMENT_PART = 0, 1, 2, 3


class Returns:
    """How to rebuild a call's result and redo its changes to argument containers: ``spec`` (the structure of
    both) and one ``(kind, what)`` per leaf: a graph output's index, an input's node (its source once the
    inputs are named: ``resolve_inputs``), an argument's container (name and key path), a value."""

    def __init__(self, tracer, result, changed=()):
        from ember import Tensor
        from ember.fx.proxy import Proxy
        # where each changed container is, and its items at the end of the trace
        self.changes = [(name, path, isinstance(copy, dict)) for copy, name, path in changed]
        final = [_items(copy) for copy, _, _ in changed]
        # a container of an argument (changed or not) is the caller's, not a copy
        sources = tracer.container_sources
        is_leaf = (lambda v: id(v) in sources) if sources else None
        leaves, self.spec = _pytree.tree_flatten((result, final), is_leaf=is_leaf)
        unknown = [isinstance(leaf, (dict, list, tuple)) and id(leaf) not in sources and _holds_proxy(leaf)
                   for leaf in leaves]
        if any(unknown):
            # traced values inside a container pytree does not know (a dict subclass): in a plain dict, list or
            # tuple, as fx's graph output held them
            plain = [_plain(leaf) if odd else leaf for leaf, odd in zip(leaves, unknown)]
            leaves, self.spec = _pytree.tree_flatten(self.spec.unflatten(plain), is_leaf=is_leaf)
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
                # only values a graph can hold (numbers, strings, None, dtypes, ...): another object (one the code
                # made, holding traced values in its attributes) fails here, and the call runs eagerly
                tracer.create_arg(leaf)
                self.leaves.append((_FIXED, leaf))
            elif leaf.node.op == 'placeholder':
                self.leaves.append((_INPUT, leaf.node))
            else:
                if leaf.node not in index:
                    index[leaf.node] = len(self.outputs)
                    self.outputs.append(leaf.node)
                self.leaves.append((_COMPUTED, index[leaf.node]))
        # the common shapes, returned without rebuilding: the graph's tuple, or its one value
        result_spec = self.spec.children_specs[0]
        computed = [k == _COMPUTED for k, _ in self.leaves]
        in_order = not self.changes and all(computed) and [i for _, i in self.leaves] == list(range(len(self.outputs)))
        self.whole = in_order and result_spec.type is tuple and not result_spec.is_leaf() and all(
            c.is_leaf() for c in result_spec.children_specs)
        self.single = in_order and result_spec.is_leaf()

    def resolve_inputs(self):
        """Once the graph's inputs are named: an input leaf becomes where the input comes from."""
        self.leaves = [(kind, what.meta['input']) if kind == _INPUT else (kind, what) for kind, what in self.leaves]

    def rebuild(self, outputs, read_input, arguments):
        """The call's result from the graph's ``outputs``, the changes to the caller's containers made;
        ``read_input(where)`` reads an input's value, ``arguments`` are the call's (by parameter name)."""
        if self.whole:
            return outputs if type(outputs) is tuple else tuple(outputs)
        if self.single:
            return outputs[0]
        # every value is found before any container changes: key paths name the containers as the call gave them
        targets = [_part(arguments, name, path) for name, path, _ in self.changes]
        values = [outputs[what] if kind == _COMPUTED else read_input(what) if kind == _INPUT else
                  _part(arguments, *what) if kind == _ARGUMENT_PART else what for kind, what in self.leaves]
        result, final = self.spec.unflatten(values)
        for target, (_, _, mapping), items in zip(targets, self.changes, final):
            _write(target, mapping, items)
        return result


class Writes:
    """For a call run graph by graph (``_segments``): the changes its code made to the copies of its container
    arguments, to make to the caller's containers. ``proxies``: the traced values among the final items (the
    last graph returns them); ``apply`` takes their real values."""

    def __init__(self, tracer, changed):
        from ember.fx.proxy import Proxy
        self.changes = [(name, path, isinstance(copy, dict)) for copy, name, path in changed]
        sources = tracer.container_sources
        leaves, self.spec = _pytree.tree_flatten([_items(copy) for copy, _, _ in changed],
                                                 is_leaf=lambda v: id(v) in sources)
        self.leaves = [(_ARGUMENT_PART, sources[id(leaf)]) if id(leaf) in sources else
                       (_COMPUTED, leaf) if isinstance(leaf, Proxy) else (_FIXED, leaf) for leaf in leaves]
        self.proxies = tuple(leaf for kind, leaf in self.leaves if kind == _COMPUTED)

    def apply(self, values, arguments):
        """Makes the changes in the caller's containers (``arguments``: the call's, by parameter name), the
        ``proxies`` having ``values``."""
        targets = [_part(arguments, name, path) for name, path, _ in self.changes]
        computed = iter(values)
        final = self.spec.unflatten([next(computed) if kind == _COMPUTED else _part(arguments, *what)
                                     if kind == _ARGUMENT_PART else what for kind, what in self.leaves])
        for target, (_, _, mapping), items in zip(targets, self.changes, final):
            _write(target, mapping, items)


def _write(target, mapping, items):
    target.clear()
    if mapping:
        target.update(items)
    else:
        target.extend(items)


def _holds_proxy(value):
    from ember.fx.proxy import Proxy
    if isinstance(value, Proxy):
        return True
    if isinstance(value, dict):
        return any(_holds_proxy(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_proxy(v) for v in value)
    return False


def _plain(value):
    """``value`` with the dicts, lists and tuples that hold traced values made plain ones."""
    if not _holds_proxy(value) or _pytree._node_of(value) is not None and type(value) not in (dict, list, tuple):
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _items(container):
    """A container's final items, as a list the result's spec holds (a mapping's as ``(key, value)`` pairs)."""
    return [tuple(item) for item in container.items()] if isinstance(container, dict) else list(container)


def _part(arguments, name, path):
    value = arguments[name]
    for key in path:
        value = key.get(value)
    return value
