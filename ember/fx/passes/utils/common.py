"""Lift a subgraph into a module of its own (with the attributes it reads), and compare graphs."""
from ember.fx.graph_module import GraphModule
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
    from ember.fx.passes.utils.matcher_utils import SubgraphMatcher
    return len(SubgraphMatcher(left, match_output=True, match_placeholder=True).match(right)) > 0
