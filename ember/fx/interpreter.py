"""``Interpreter`` runs a ``GraphModule`` node by node; ``Transformer`` builds a new graph as it goes."""
import inspect

from ember.fx.graph import Graph
from ember.fx.graph_module import GraphModule
from ember.fx.node import Node, map_aggregate, map_arg
from ember.fx.proxy import Proxy, TracerBase


def _fetch_attr(module, target):
    obj = module
    for i, atom in enumerate(target.split('.')):
        if not hasattr(obj, atom):
            raise RuntimeError(f"Node referenced nonexistent target {'.'.join(target.split('.')[:i + 1])}")
        obj = getattr(obj, atom)
    return obj


class Interpreter:
    """Runs a ``GraphModule`` one node at a time. Subclass it and override ``run_node`` or the
    per-op methods (``placeholder``, ``get_attr``, ``call_function``, ``call_method``,
    ``call_module``, ``output``) to change what happens.

    Args:
        module (Module): the module to run (its ``graph`` unless ``graph`` is given).
        garbage_collect_values (bool): drop each value after its last use.
        graph (Graph, optional): run this graph instead of ``module.graph``.

    Example:
        >>> class NegateRelu(ember.fx.Interpreter):
        ...     def call_function(self, target, args, kwargs):
        ...         if target is ember.relu:
        ...             return ember.neg(*args)
        ...         return super().call_function(target, args, kwargs)
        >>> gm = ember.fx.symbolic_trace(lambda x: ember.relu(x))
        >>> NegateRelu(gm).run(ember.tensor([1., -2.]))
        tensor([-1.,  2.])
    """

    def __init__(self, module, garbage_collect_values=True, graph=None):
        self.module = module
        self.submodules = dict(module.named_modules())
        self.graph = graph if graph is not None else module.graph
        self.env = {}
        self.name = 'Interpreter'
        self.garbage_collect_values = garbage_collect_values
        self.extra_traceback = True
        if garbage_collect_values:
            node_to_last_use, self.user_to_last_uses = {}, {}
            for node in reversed(list(self.graph.nodes)):
                for n in node._input_nodes:
                    if n not in node_to_last_use:
                        node_to_last_use[n] = node
                        self.user_to_last_uses.setdefault(node, []).append(n)

    def run(self, *args, initial_env=None, enable_io_processing=True):
        """Run the graph on ``args``; returns what its output node returns."""
        self.env = initial_env if initial_env is not None else {}
        self.args_iter = iter(args)
        for node in self.graph.nodes:
            if node in self.env:
                continue
            try:
                self.env[node] = self.run_node(node)
            except Exception as e:
                if self.extra_traceback and not getattr(e, '_fx_noted', False):
                    msg = f'While executing {node.format_node()}'
                    e.args = ((f'{e.args[0]}\n\n{msg}' if e.args and isinstance(e.args[0], str) else msg),
                              *e.args[1:])
                    e._fx_noted = True
                raise
            if self.garbage_collect_values:
                for to_delete in self.user_to_last_uses.get(node, []):
                    del self.env[to_delete]
            if node.op == 'output':
                return self.env[node]
        return None

    def run_node(self, n):
        """Run one node: fetch its arguments from the environment and call the method for its op."""
        args, kwargs = self.fetch_args_kwargs_from_env(n)
        return getattr(self, n.op)(n.target, args, kwargs)

    def placeholder(self, target, args, kwargs):
        """The next positional input (or the placeholder's default)."""
        if target.startswith('*'):
            return list(self.args_iter)
        try:
            return next(self.args_iter)
        except StopIteration:
            if len(args) > 0:
                return args[0]
            raise RuntimeError(f'Expected positional argument for parameter {target}, but one was not passed in!')

    def get_attr(self, target, args, kwargs):
        """The module's attribute ``target``."""
        return self.fetch_attr(target)

    def call_function(self, target, args, kwargs):
        """``target(*args, **kwargs)``."""
        return target(*args, **kwargs)

    def call_method(self, target, args, kwargs):
        """``args[0].target(*args[1:], **kwargs)``."""
        self_obj, *args_tail = args
        return getattr(self_obj, target)(*args_tail, **kwargs)

    def call_module(self, target, args, kwargs):
        """Call the submodule ``target``."""
        return self.fetch_attr(target)(*args, **kwargs)

    def output(self, target, args, kwargs):
        """The graph's result."""
        return args[0]

    def fetch_attr(self, target):
        """The attribute at the dotted path ``target`` of the module."""
        return _fetch_attr(self.module, target)

    def fetch_args_kwargs_from_env(self, n):
        """``n``'s arguments with every node replaced by its value."""
        return self.map_nodes_to_values(n.args, n), self.map_nodes_to_values(n.kwargs, n)

    def map_nodes_to_values(self, args, n):
        """Replace the nodes in ``args`` by their computed values."""
        def load_arg(n_arg):
            if n_arg not in self.env:
                raise RuntimeError(f'Node {n} referenced nonexistent value {n_arg}! Run Graph.lint() to diagnose '
                                   'such issues')
            return self.env[n_arg]
        return map_arg(args, load_arg)

    def boxed_run(self, args_list):
        """``run`` on the values of a list, which is cleared."""
        args_iter = iter(args_list)
        env = {}
        for n in self.graph.nodes:
            if n.op == 'placeholder':
                env[n] = next(args_iter)
        args_list.clear()
        return self.run(initial_env=env)


class _TransformerTracer(TracerBase):
    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        self.tensor_attrs = {}

    def is_leaf_module(self, _, __):
        return True


class Transformer(Interpreter):
    """An ``Interpreter`` that builds a new graph: each op method returns a ``Proxy``, so overriding
    one (say ``call_function``) rewrites those nodes. ``transform()`` returns the new ``GraphModule``.

    Example:
        >>> class ReluToSigmoid(ember.fx.Transformer):
        ...     def call_function(self, target, args, kwargs):
        ...         if target is ember.relu:
        ...             target = ember.sigmoid
        ...         return super().call_function(target, args, kwargs)
        >>> gm = ReluToSigmoid(ember.fx.symbolic_trace(lambda x: ember.relu(x))).transform()
        >>> gm(ember.zeros(2))
        tensor([0.5000, 0.5000])
    """

    def __init__(self, module):
        super().__init__(module)
        self.new_graph = Graph()
        self.new_graph._tracer_cls = getattr(module.graph, '_tracer_cls', None)
        self.tracer = _TransformerTracer(self.new_graph)
        self.tracer.root = module

    def placeholder(self, target, args, kwargs):
        """A placeholder of the new graph."""
        default = next(iter(args)) if args else inspect.Signature.empty
        return Proxy(self.new_graph.placeholder(target, default_value=default), self.tracer)

    def get_attr(self, target, args, kwargs):
        """A ``get_attr`` node of the new graph."""
        return self.tracer.create_proxy('get_attr', target, args, kwargs)

    def call_module(self, target, args, kwargs):
        """A ``call_module`` node of the new graph."""
        return self.tracer.create_proxy('call_module', target, args, kwargs)

    def call_function(self, target, args, kwargs):
        """A ``call_function`` node of the new graph."""
        return self.tracer.create_proxy('call_function', target, args, kwargs)

    def call_method(self, target, args, kwargs):
        """A ``call_method`` node of the new graph."""
        return self.tracer.create_proxy('call_method', target, args, kwargs)

    def run_node(self, n):
        if n.op == 'call_function':
            # overrides compare targets with what is bound now (``target is F.relu``)
            from ember.fx._dispatch import current_binding
            args, kwargs = self.fetch_args_kwargs_from_env(n)
            result = self.call_function(current_binding(n.target), args, kwargs)
        else:
            result = super().run_node(n)
        if isinstance(result, Proxy) and n.op != 'output':
            result.node.meta.update(n.meta)
        return result

    def transform(self):
        """Run the transformation; returns the new ``GraphModule``."""
        from ember.fx._dispatch import dispatch_for_tracing, plain_targets
        with dispatch_for_tracing():
            result = super().run(enable_io_processing=False)
        plain_targets(self.new_graph)
        if result is not None:
            def strip_proxy(a):
                return a.node if isinstance(a, Proxy) else a
            self.new_graph.output(map_aggregate(result, strip_proxy))
        return GraphModule(self.module, self.new_graph)
