"""Graph edits and size accounting used when partitioning a model for devices: retarget nodes,
and each node's output size and total size (output plus its module's parameters) in bytes."""
from typing import NamedTuple

from ember.fx.graph import Graph
from ember.fx.node import map_arg
from ember.fx.passes.shape_prop import ShapeProp

__all__ = ['replace_target_nodes_with', 'size_bytes', 'get_size_of_all_nodes', 'get_tensor_meta',
           'get_size_of_node']


def replace_target_nodes_with(fx_module, old_op, old_target, new_op, new_target):
    """Rebuild ``fx_module``'s graph with every node of op ``old_op`` and target ``old_target`` turned
    into a node of ``new_op``/``new_target`` (same arguments and name)."""
    new_graph, copied = Graph(), {}
    for node in fx_module.graph.nodes:
        if node.op == old_op and node.target == old_target:
            args = map_arg(node.args, lambda n: copied[n])
            kwargs = map_arg(node.kwargs, lambda n: copied[n])
            copied[node] = new_graph.create_node(new_op, new_target, tuple(args), dict(kwargs), node.name)
        else:
            copied[node] = new_graph.node_copy(node, lambda n: copied[n])
    fx_module.graph = new_graph


class size_bytes(NamedTuple):
    """A node's output size and total size (output and parameters), in bytes."""
    output_size: int
    total_size: int


def get_tensor_meta(node):
    """``node.meta['tensor_meta']`` (set by ShapeProp).

    Raises:
        RuntimeError: if shape propagation has not run.
    """
    meta = node.meta.get('tensor_meta')
    if not meta:
        raise RuntimeError(f"Node {node} has no tensor metadata associated with it! "
                           f"Check that shape propagation has run.")
    return meta


def get_size_of_node(fx_module, node):
    """The :class:`size_bytes` of ``node``: its output's, and for a module call the module's
    parameters' too, at the output's element size."""
    import ember
    count = 0
    if node.op == 'call_module':
        count += sum(p.numel() for _, p in dict(fx_module.named_modules())[node.target].named_parameters())
    meta = get_tensor_meta(node)
    out = meta.shape.numel()
    itemsize = ember.tensor([], dtype=meta.dtype).element_size()
    return size_bytes(itemsize * out, itemsize * (count + out))


def get_size_of_all_nodes(fx_module, args=None):
    """Set ``node.size_bytes`` on every node before the output (running ShapeProp on ``args`` first
    when given)."""
    if args is not None:
        ShapeProp(fx_module).propagate(*args)
    for node in fx_module.graph.nodes:
        if node.op == 'output':
            break
        node.size_bytes = get_size_of_node(fx_module, node)
