"""``CSEPass``: common subexpression elimination over an fx graph of functional ops: a call with the
same target and the same (already deduplicated) arguments as an earlier one is replaced by it."""
from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.node import Node
from ember.fx.passes.infra.pass_base import PassBase, PassResult
from ember.utils._pytree import tree_flatten

__all__ = ['CSEPass', 'get_CSE_banned_ops']


def get_CSE_banned_ops():
    """Ops never merged by default: those that draw random numbers or write in place (their repeats
    differ), as the public functions of ember."""
    import ember
    random = {ember.rand, ember.rand_like, ember.randn, ember.randn_like, ember.randint, ember.randint_like,
              ember.randperm, ember.bernoulli, ember.multinomial, ember.normal, ember.poisson,
              ember.nn.functional.dropout}
    return random


class CSEPass(PassBase):
    """Common subexpression elimination; ``banned_ops`` are never merged (give the random and
    stateful ops of your graph's dialect: the pass assumes every other op is a pure function).

    Example::

        >>> from ember.fx.passes.dialect.common.cse_pass import CSEPass
        >>> gm = ember.fx.symbolic_trace(lambda a: a * a + a * a)
        >>> result = CSEPass()(gm)
        >>> result.modified, [n.name for n in result.graph_module.graph.nodes]
        (True, ['a', 'mul', 'add', 'output'])
    """

    def __init__(self, banned_ops=None):
        self.banned_ops = set() if banned_ops is None else banned_ops
        super().__init__()

    def call(self, graph_module):
        new_graph, copied, seen, modified = Graph(), {}, {}, False

        def renamed(args):
            leaves, spec = tree_flatten(args)
            return tuple(copied.get(v, v) if isinstance(v, Node) else v for v in leaves), spec

        for node in graph_module.graph.nodes:
            target = getattr(node.target, 'overloadpacket', node.target)
            if node.op in ('placeholder', 'output', 'get_attr') or target in self.banned_ops:
                copied[node] = new_graph.node_copy(node, lambda n: copied[n])
                continue
            args, args_spec = renamed(node.args)
            kwargs, kwargs_spec = renamed(node.kwargs)
            key = (node.op, node.target, args, kwargs)
            token = (args_spec, kwargs_spec)
            earlier = seen.get(key)
            if earlier is not None and earlier[1] == token:
                copied[node] = earlier[0]
                modified = True
                continue
            copied[node] = new_graph.node_copy(node, lambda n: copied[n])
            seen.setdefault(key, (copied[node], token))
        if not modified:
            return PassResult(graph_module, False)
        return PassResult(GraphModule(graph_module, new_graph), True)
