"""``split_by_tags``: split a GraphModule into submodules by a ``tag`` attribute on each node (one
submodule per tag, in the tags' order), called in turn by a new top-level graph."""
import operator
from dataclasses import dataclass, field

import ember.nn as nn
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.node import map_arg
from ember.fx.passes.utils.common import HolderModule, lift_subgraph_as_module

__all__ = ['getattr_recursive', 'setattr_recursive', 'Component', 'split_by_tags']


def getattr_recursive(obj, name):
    """The attribute at the dotted path ``name`` (entries of a ModuleList by index), or None."""
    for layer in name.split('.'):
        if isinstance(obj, nn.ModuleList):
            if layer not in obj._modules:
                return None
            obj = obj._modules[layer]
        elif hasattr(obj, layer):
            obj = getattr(obj, layer)
        else:
            return None
    return obj


def setattr_recursive(obj, attr, value):
    """Set the attribute at the dotted path ``attr``."""
    *path, name = attr.split('.')
    for layer in path:
        obj = getattr(obj, layer)
    setattr(obj, name, value)


@dataclass
class Component:
    """The subgraph of one tag while it is built: its graph, position, name, the original nodes it
    reads (``orig_inputs``, as its ``input_placeholders``) and those read after it (``orig_outputs``)."""
    graph: Graph
    order: int
    name: str
    input_placeholders: list = field(default_factory=list)
    orig_inputs: list = field(default_factory=list)
    orig_outputs: list = field(default_factory=list)
    getattr_maps: dict = field(default_factory=dict)
    constructor_args: list = field(default_factory=list)
    gm: GraphModule = None


def _nodes_in(arg):
    found = []
    map_arg(arg, found.append)
    return found


def split_by_tags(gm, tags, return_fqn_mapping=False, return_tuple=False, GraphModuleCls=GraphModule):
    """Split ``gm`` into one submodule per tag of ``tags``: each non-placeholder, non-get_attr node
    must carry a ``tag`` attribute, and a node's tag may not come before the tags of the nodes it reads.
    The result's graph calls the submodules (named by their tags) in order; with
    ``return_fqn_mapping`` also ``{original attribute path: path after the split}``.

    Example::

        >>> from ember.fx.passes.split_utils import split_by_tags
        >>> gm = ember.fx.symbolic_trace(lambda x: (x + 1).relu() * 2)
        >>> for node, tag in zip(list(gm.graph.nodes)[1:4], ['a', 'a', 'b']):
        ...     node.tag = tag
        >>> split = split_by_tags(gm, ['a', 'b'])
        >>> [n.op for n in split.graph.nodes], split(ember.ones(1))
        (['placeholder', 'call_module', 'call_module', 'output'], tensor([4.]))
    """
    components = [Component(Graph(), i, tag) for i, tag in enumerate(tags)]
    by_tag = {c.name: c for c in components}
    owner, copies, read_by_main = {}, {}, {}
    main, in_main, output = Graph(), {}, None
    for node in gm.graph.nodes:
        if node.op == 'output':
            if output is not None:
                raise RuntimeError('Multiple output nodes in graph!')
            output = node
            continue
        if node.op == 'placeholder':
            in_main[node] = main.placeholder(node.name, type_expr=node.type)
            in_main[node].meta = dict(node.meta)
            continue
        if node.op == 'get_attr':
            continue
        if not hasattr(node, 'tag'):
            raise AssertionError(f'Node does not have tag: {node.format_node()}')
        comp = by_tag[node.tag]
        upstream = [owner[x].order for x in _nodes_in(node.args) + _nodes_in(node.kwargs)
                    if x.op not in ('placeholder', 'get_attr')]
        latest = max(upstream, default=0)
        if comp.order < latest:
            raise AssertionError(f'Component {comp.name} order must be >= max of its upstream components, '
                                 f'order={comp.order} and max={latest}')
        owner[node] = comp

        def remap(x, comp=comp):
            if x.op == 'get_attr':
                if x not in comp.getattr_maps:
                    comp.getattr_maps[x] = comp.graph.get_attr(x.target, type_expr=x.type)
                    comp.getattr_maps[x].meta = dict(x.meta)
                return comp.getattr_maps[x]
            if x.op != 'placeholder' and owner[x] is comp:
                return copies[x]
            if x not in comp.orig_inputs:      # read from an earlier component or the inputs
                comp.orig_inputs.append(x)
                placeholder = comp.graph.placeholder(x.name, type_expr=x.type)
                placeholder.meta = dict(x.meta)
                comp.input_placeholders.append(placeholder)
                read_by_main[x] = None
            return comp.input_placeholders[comp.orig_inputs.index(x)]
        copies[node] = comp.graph.node_copy(node, remap)
        copies[node].tag = node.tag
    if output is None:
        raise RuntimeError('Graph had no output node!')
    for x in _nodes_in(output.args[0]):
        if x.op == 'get_attr':
            in_main[x] = main.get_attr(x.name, type_expr=x.type)
        else:
            read_by_main[x] = None
    for node in read_by_main:
        if node.op != 'placeholder':
            owner[node].orig_outputs.append(node)
    renamed = {}
    for comp in components:
        outs = tuple(copies[n] for n in comp.orig_outputs)
        comp.graph.output(outs if return_tuple or len(outs) != 1 else outs[0])
        comp.gm, mapping = lift_subgraph_as_module(gm, subgraph=comp.graph, comp_name=comp.name)
        renamed.update(mapping)
        call = main.call_module(comp.name, args=tuple(in_main[x] for x in comp.orig_inputs), kwargs=None)
        if len(outs) == 1 and not return_tuple:
            in_main[comp.orig_outputs[0]] = call
        else:
            for i, out in enumerate(comp.orig_outputs):
                in_main[out] = main.call_function(operator.getitem, (call, i))
    main.output(map_arg(output.args[0], lambda n: in_main[n]))
    root = HolderModule({comp.name: comp.gm for comp in components})
    for x in _nodes_in(output.args[0]):
        if x.op == 'get_attr':
            setattr(root, x.name, getattr_recursive(gm, x.target))
    result = GraphModuleCls(root, main)
    return (result, renamed) if return_fqn_mapping else result
