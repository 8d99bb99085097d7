"""``split_module``: cut a traced module into submodules (``submod_0``, ``submod_1``, ...) by a
partition id per node, with a top-level graph that calls them in dependency order."""
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.node import map_arg

__all__ = ['split_module']


class _Partition:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inputs = {}       # node name -> None, ordered
        self.outputs = {}
        self.deps = {}


def _inputs(node):
    found = []
    map_arg(node.args, found.append)
    map_arg(node.kwargs, found.append)
    return found


def split_module(m, root_m, split_callback, qualname_map=None, keep_original_order=False,
                 keep_original_node_name=False, partition_affix=None):
    """Split ``m`` (a GraphModule) into one submodule per value of ``split_callback(node)``.

    Args:
        m (GraphModule): the traced module.
        root_m (Module): the module ``m`` was traced from, whose submodules and attributes the parts use.
        split_callback (callable): node -> partition id (any hashable, usually an int).
        qualname_map (dict, optional): filled with each submodule attribute's new qualified name -> its
            name in ``root_m``.

    Returns:
        GraphModule: calls ``submod_<id>`` in dependency order; each returns its one value, or a tuple.

    Example:
        >>> from ember.fx.passes.split_module import split_module
        >>> gm = ember.fx.symbolic_trace(lambda x: (x + 1).relu() * 2)
        >>> parts = split_module(gm, gm, lambda n: 0 if n.name in ('add', 'relu') else 1)
        >>> [name for name, _ in parts.named_children()]
        ['submod_0', 'submod_1']
        >>> parts(ember.tensor([-3., 1.])).tolist()
        [0.0, 4.0]
    """
    if keep_original_order or keep_original_node_name or partition_affix is not None:
        raise NotImplementedError('split_module: keep_original_order, keep_original_node_name and partition_affix '
                                  'are not supported by ember')
    partitions, owner, order = {}, {}, []
    placeholders = [n for n in m.graph.nodes if n.op == 'placeholder']
    output = next(n for n in m.graph.nodes if n.op == 'output')
    for node in m.graph.nodes:
        if node.op in ('placeholder', 'output'):
            continue
        pid = str(split_callback(node))
        if pid not in partitions:
            partitions[pid] = _Partition(pid)
            order.append(pid)
        partitions[pid].nodes.append(node)
        owner[node] = pid
    for pid in order:
        part = partitions[pid]
        for node in part.nodes:
            for inp in _inputs(node):
                if inp.op == 'placeholder':
                    part.inputs.setdefault(inp.name)
                elif owner[inp] != pid:
                    part.inputs.setdefault(inp.name)
                    partitions[owner[inp]].outputs.setdefault(inp.name)
                    part.deps[owner[inp]] = None
    for inp in _inputs(output):
        if inp.op != 'placeholder':
            partitions[owner[inp]].outputs.setdefault(inp.name)
    ordered = _topological(order, partitions)

    by_name = {n.name: n for n in m.graph.nodes}
    top = Graph()
    env = {}
    for p in placeholders:
        new = top.placeholder(p.target, default_value=p.args[0] if p.args else _empty())
        new.meta = dict(p.meta)
        env[p] = new
    submodules = {}
    for pid in ordered:
        part = partitions[pid]
        sub_graph, sub_env, attrs = Graph(), {}, {}
        for name in part.inputs:
            sub_env[by_name[name]] = sub_graph.placeholder(name)
        for node in part.nodes:
            sub_env[node] = sub_graph.node_copy(node, lambda n: sub_env[n])
            if node.op in ('get_attr', 'call_module'):
                attrs[node.target] = _fetch(root_m, node.target)
                if qualname_map is not None:
                    qualname_map[f'submod_{pid}.{node.target}'] = node.target
        outs = [sub_env[by_name[name]] for name in part.outputs]
        sub_graph.output(outs[0] if len(outs) == 1 else tuple(outs))
        submodules[f'submod_{pid}'] = GraphModule(attrs, sub_graph)
        call = top.call_module(f'submod_{pid}', tuple(env[by_name[name]] for name in part.inputs))
        if len(outs) == 1:
            env[by_name[next(iter(part.outputs))]] = call
        else:
            for i, name in enumerate(part.outputs):
                env[by_name[name]] = top.call_function(__import__('operator').getitem, (call, i))
    top.output(map_arg(output.args[0], lambda n: env[n]))
    return GraphModule(submodules, top)


def _empty():
    import inspect
    return inspect.Signature.empty


def _fetch(root, target):
    obj = root
    for part in target.split('.'):
        obj = getattr(obj, part)
    return obj


def _topological(order, partitions):
    done, out = set(), []
    pending = list(order)
    while pending:
        for pid in pending:
            if all(d in done for d in partitions[pid].deps):
                out.append(pid)
                done.add(pid)
                pending.remove(pid)
                break
        else:
            raise RuntimeError('cycle detected between the partitions of split_module')
    return out
