"""Lift a subgraph into a module of its own (with the attributes it reads), and compare graphs."""
from ember.fx.graph_module import GraphModule
from ember.fx.node import Node
from ember.nn import Module

__all__ = ['HolderModule', 'lift_subgraph_as_module', 'compare_graphs']


class HolderModule(Module):
    """A module holding the given submodules (``{name: module}``): the path a lifted subgraph's
    attributes hang on."""

    def __init__(self, d):
        super().__init__()
        for name, mod in d.items():
            self.add_module(name, mod)


def lift_subgraph_as_module(gm, subgraph, comp_name='', class_name='GraphModule'):
    """A GraphModule running ``subgraph`` (nodes copied from ``gm``'s graph), holding the modules and
    attributes its call_module and get_attr nodes use at the same dotted paths; and
    ``{original path: '<comp_name>.<path>'}``."""
    root, renamed = HolderModule({}), {}
    for node in subgraph.nodes:
        if node.op not in ('call_module', 'get_attr'):
            continue
        if not isinstance(node.target, str):
            raise AssertionError(f'Expected str target, got {type(node.target)}')
        *path, leaf = node.target.split('.')
        holder, source = root, gm
        for name in path:
            if not hasattr(holder, name):
                holder.add_module(name, HolderModule({}))
            holder, source = getattr(holder, name), getattr(source, name)
        setattr(holder, leaf, getattr(source, leaf))
        renamed[node.target] = f'{comp_name}.{node.target}'
    return GraphModule(root, subgraph, class_name), renamed


def compare_graphs(left, right):
    """Whether two graphs compute the same thing the same way: as many inputs, the same outputs, and
    the same ops (kind and target) connected alike. Names, and the order of the inputs, do not matter.

    Example::

        >>> from ember.fx.passes.utils.common import compare_graphs
        >>> trace = ember.fx.symbolic_trace
        >>> compare_graphs(trace(lambda a: a + 1).graph, trace(lambda b: b + 1).graph)
        True
    """
    def inputs(g):
        return [n for n in g.nodes if n.op == 'placeholder']

    def output(g):
        return next((n for n in g.nodes if n.op == 'output'), None)
    lhs_in, rhs_in = inputs(left), inputs(right)
    if len(lhs_in) != len(rhs_in):
        return False
    pairs = {}

    def same(a, b):
        if isinstance(a, Node) or isinstance(b, Node):
            if not (isinstance(a, Node) and isinstance(b, Node)):
                return False
            if a in pairs:
                return pairs[a] is b
            if b in pairs.values() or a.op != b.op:
                return False
            if a.op not in ('output', 'placeholder') and a.target != b.target:
                return False
            pairs[a] = b
            return same(a.args, b.args) and same(dict(a.kwargs), dict(b.kwargs))
        if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
            return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        return type(a) is type(b) and a == b
    lhs_out, rhs_out = output(left), output(right)
    if lhs_out is None or rhs_out is None:
        return lhs_out is rhs_out
    return same(lhs_out, rhs_out) and len(pairs) == len(left.nodes) == len(right.nodes)
