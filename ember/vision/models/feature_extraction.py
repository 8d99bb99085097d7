"""torchvision's ``models.feature_extraction``: name the intermediate nodes of a model
(``get_graph_node_names``) and build a module that returns some of them (``create_feature_extractor``),
through an ``ember.fx`` trace."""
import inspect
import math
import re
import warnings
from collections import OrderedDict
from copy import deepcopy
from itertools import chain

import ember.nn as nn
from ember import fx
from ember.fx.graph_module import _copy_attr

__all__ = ['create_feature_extractor', 'get_graph_node_names']


class LeafModuleAwareTracer(fx.Tracer):
    """An ``fx.Tracer`` that also treats the module types in ``leaf_modules`` as leaves."""

    def __init__(self, *args, leaf_modules=(), **kwargs):
        self.leaf_modules = tuple(leaf_modules)
        super().__init__(*args, **kwargs)

    def is_leaf_module(self, m, module_qualname):
        if isinstance(m, self.leaf_modules):
            return True
        return super().is_leaf_module(m, module_qualname)


class NodePathTracer(LeafModuleAwareTracer):
    """Records, for every node, its path in the module hierarchy (``layer1.0.relu``): the path of
    the module being traced, then the node's name for operations; repeated names get ``_1``, ``_2``..."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_module_qualname = ''
        self.node_to_qualname = OrderedDict()

    def call_module(self, m, forward, args, kwargs):
        outer = self.current_module_qualname
        try:
            qualname = self.path_of_module(m)
            self.current_module_qualname = qualname
            if not self.is_leaf_module(m, qualname):
                return forward(*args, **kwargs)
            return self.create_proxy('call_module', qualname, args, kwargs)
        finally:
            self.current_module_qualname = outer

    def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, *_):
        proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr)
        self.node_to_qualname[proxy.node] = self._get_node_qualname(self.current_module_qualname, proxy.node)
        return proxy

    def _get_node_qualname(self, module_qualname, node):
        qualname = module_qualname
        if node.op != 'call_module':
            qualname = f'{qualname}.{node}' if qualname else str(node)
        # the graph's own ``_<n>`` suffix counts over the whole graph; ours counts per path
        if re.match(r'.+_[0-9]+$', qualname) is not None:
            qualname = qualname.rsplit('_', 1)[0]
        for existing in reversed(self.node_to_qualname.values()):
            if re.match(rf'{qualname}(_[0-9]+)?$', existing) is not None:
                postfix = existing.replace(qualname, '')
                qualname += f'_{int(postfix[1:]) + 1 if postfix else 1}'
                break
        return qualname


def _is_subseq(x, y):
    it = iter(x)
    return all(any(a == b for a in it) for b in y)


def _warn_graph_differences(train_tracer, eval_tracer):
    train_nodes = list(train_tracer.node_to_qualname.values())
    eval_nodes = list(eval_tracer.node_to_qualname.values())
    if train_nodes == eval_nodes:
        return
    hint = ('When choosing nodes for feature extraction, you may need to specify output nodes for train and eval '
            'mode separately.')
    if _is_subseq(train_nodes, eval_nodes):
        msg = ('NOTE: The nodes obtained by tracing the model in eval mode are a subsequence of those obtained in '
               'train mode. ')
    elif _is_subseq(eval_nodes, train_nodes):
        msg = ('NOTE: The nodes obtained by tracing the model in train mode are a subsequence of those obtained in '
               'eval mode. ')
    else:
        msg = 'The nodes obtained by tracing the model in train mode are different to those obtained in eval mode. '
    warnings.warn(msg + hint)


def _ops_leaf_modules():
    from ember.vision import ops
    return [obj for _, obj in inspect.getmembers(ops) if inspect.isclass(obj) and issubclass(obj, nn.Module)]


def _tracer_kwargs(given):
    # torchvision's defaults: math and vision.ops functions are recorded as calls, its modules are leaves
    from ember.vision import ops
    kwargs = {} if given is None else dict(given)
    default_modules = (math, ops)
    kwargs['autowrap_modules'] = tuple(set(tuple(kwargs['autowrap_modules']) + default_modules)) \
        if 'autowrap_modules' in kwargs else default_modules
    leaves = _ops_leaf_modules()
    kwargs['leaf_modules'] = list(set(list(kwargs['leaf_modules']) + leaves)) if 'leaf_modules' in kwargs else leaves
    return kwargs


def get_graph_node_names(model, tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """The names of a model's nodes in execution order, traced once in train mode and once in eval
    mode: paths in the module hierarchy (``layer1.0.conv1``) for leaf modules, and the path plus the
    operation's name for functions and methods (``layer1.0.add``, ``flatten``).

    Args:
        model (nn.Module): the model to trace.
        tracer_kwargs (dict, optional): keyword arguments for the tracer (``autowrap_modules``,
            ``autowrap_functions``, ``leaf_modules``); ``math``, ``ember.vision.ops`` and its
            modules are always added.
        suppress_diff_warning (bool): don't warn when the train and eval graphs differ.
        concrete_args (dict, optional): values fixed for the trace (see ``ember.fx.symbolic_trace``).

    Returns:
        tuple(list, list): the node names in train mode and in eval mode.

    Example:
        >>> model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 2))
        >>> get_graph_node_names(model)
        (['input', '0', '1', '2', '3'], ['input', '0', '1', '2', '3'])
    """
    kwargs = _tracer_kwargs(tracer_kwargs)
    is_training = model.training
    train_tracer = NodePathTracer(**kwargs)
    train_tracer.trace(model.train(), concrete_args=concrete_args)
    eval_tracer = NodePathTracer(**kwargs)
    eval_tracer.trace(model.eval(), concrete_args=concrete_args)
    if not suppress_diff_warning:
        _warn_graph_differences(train_tracer, eval_tracer)
    model.train(is_training)
    return list(train_tracer.node_to_qualname.values()), list(eval_tracer.node_to_qualname.values())


class DualGraphModule(fx.GraphModule):
    """A ``GraphModule`` holding a train-mode and an eval-mode graph; ``train(mode)`` switches."""

    def __init__(self, root, train_graph, eval_graph, class_name='GraphModule'):
        nn.Module.__init__(self)
        self.__class__.__name__ = class_name
        self.train_graph = train_graph
        self.eval_graph = eval_graph
        for node in chain(train_graph.nodes, eval_graph.nodes):
            if node.op in ('get_attr', 'call_module'):
                _copy_attr(root, self, node.target)
        self.train()
        self.graph = train_graph
        if eval_graph._tracer_cls is not train_graph._tracer_cls:
            raise TypeError(f'Train mode and eval mode should use the same tracer class. Instead got '
                            f'{eval_graph._tracer_cls} for eval vs {train_graph._tracer_cls} for train')
        self._tracer_cls = train_graph._tracer_cls
        self.meta = {}

    def train(self, mode=True):
        """Switch to the train graph (``mode=True``) or the eval graph, and set the mode."""
        if mode and not self.training:
            self.graph = self.train_graph
        elif not mode and self.training:
            self.graph = self.eval_graph
        return super().train(mode)

    def __deepcopy__(self, memo):
        res = nn.Module.__new__(type(self))
        memo[id(self)] = res
        fake = nn.Module()
        fake.__dict__ = deepcopy(self.__dict__, memo)
        DualGraphModule.__init__(res, fake, fake.__dict__['train_graph'], fake.__dict__['eval_graph'],
                                 type(self).__name__)
        res.train(self.training)
        return res


def _to_strdict(n):
    if isinstance(n, list):
        return {str(i): str(i) for i in n}
    return {str(k): str(v) for k, v in n.items()}


def create_feature_extractor(model, return_nodes=None, train_return_nodes=None, eval_return_nodes=None,
                             tracer_kwargs=None, suppress_diff_warning=False, concrete_args=None):
    """A module that runs ``model`` and returns a dict of some of its intermediate values.

    Nodes are named as ``get_graph_node_names`` lists them; a name may be a prefix path
    (``layer1`` selects the last node inside ``layer1``). The graph is rewritten to return the
    chosen nodes and everything they do not need is removed.

    Args:
        model (nn.Module): the model.
        return_nodes (list or dict, optional): node names to return (a dict maps each name to the
            key it gets in the output). Give either this, or both of the next two.
        train_return_nodes (list or dict, optional): the nodes to return in train mode.
        eval_return_nodes (list or dict, optional): the nodes to return in eval mode.
        tracer_kwargs (dict, optional): keyword arguments for the tracer (see
            ``get_graph_node_names``).
        suppress_diff_warning (bool): don't warn when the train and eval graphs differ.
        concrete_args (dict, optional): values fixed for the trace.

    Returns:
        GraphModule: calling it returns a dict from output key to tensor.

    Example:
        >>> model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 2))
        >>> body = create_feature_extractor(model, return_nodes={'1': 'act', '3': 'out'})
        >>> out = body(ember.zeros(1, 3, 4, 4))
        >>> [(k, tuple(v.shape)) for k, v in out.items()]
        [('act', (1, 4, 2, 2)), ('out', (1, 2))]
        >>> print(body.code.strip())
        def forward(self, input):
            input_1 = input
            _0 = getattr(self, "0")(input_1);  input_1 = None
            _1 = getattr(self, "1")(_0);  _0 = None
            _2 = getattr(self, "2")(_1)
            _3 = getattr(self, "3")(_2);  _2 = None
            return {'act': _1, 'out': _3}
    """
    kwargs = _tracer_kwargs(tracer_kwargs)
    is_training = model.training
    if all(arg is None for arg in (return_nodes, train_return_nodes, eval_return_nodes)):
        raise ValueError('Either `return_nodes` or `train_return_nodes` and `eval_return_nodes` together, should be '
                         'specified')
    if (train_return_nodes is None) ^ (eval_return_nodes is None):
        raise ValueError('If any of `train_return_nodes` and `eval_return_nodes` are specified, then both should be '
                         'specified')
    if not ((return_nodes is None) ^ (train_return_nodes is None)):
        raise ValueError('If `train_return_nodes` and `eval_return_nodes` are specified, then both should be '
                         'specified')
    if train_return_nodes is None:
        return_nodes = _to_strdict(return_nodes)
        train_return_nodes, eval_return_nodes = dict(return_nodes), dict(return_nodes)
    else:
        train_return_nodes, eval_return_nodes = _to_strdict(train_return_nodes), _to_strdict(eval_return_nodes)

    tracers, graphs = {}, {}
    wanted = {'train': train_return_nodes, 'eval': eval_return_nodes}
    name = model.__class__.__name__
    for mode in ('train', 'eval'):
        model.train(mode == 'train')
        tracer = NodePathTracer(**kwargs)
        graph = tracer.trace(model, concrete_args=concrete_args)
        graph_module = fx.GraphModule(tracer.root, graph, name)
        available = list(tracer.node_to_qualname.values())
        if len(set(available)) != len(available):
            raise ValueError('There are duplicate nodes! Please raise an issue https://github.com/pytorch/vision/issues')
        for query in wanted[mode]:
            if not any(re.match(rf'^{query}(\.|$)', n) is not None for n in available):
                raise ValueError(f"node: '{query}' is not present in model. Hint: use `get_graph_node_names` to make "
                                 'sure the `return_nodes` you specified are present. It may even be that you need to '
                                 'specify `train_return_nodes` and `eval_return_nodes` separately.')
        for n in [n for n in reversed(graph.nodes) if n.op == 'output']:
            graph.erase_node(n)
        nodes = list(graph.nodes)
        # the last node whose path starts with each query is the one returned
        pending = dict(wanted[mode])
        outputs = OrderedDict()
        for n in reversed(nodes):
            qualname = tracer.node_to_qualname.get(n)
            if qualname is None:
                continue
            for query in pending:
                if '.'.join(qualname.split('.')[:query.count('.') + 1]) == query:
                    outputs[pending.pop(query)] = n
                    break
        outputs = OrderedDict(reversed(list(outputs.items())))
        with graph.inserting_after(nodes[-1]):
            graph.output(dict(outputs))
        graph.eliminate_dead_code()
        graph_module.recompile()
        tracers[mode], graphs[mode] = tracer, graph
    if not suppress_diff_warning:
        _warn_graph_differences(tracers['train'], tracers['eval'])
    extractor = DualGraphModule(model, graphs['train'], graphs['eval'], class_name=name)
    model.train(is_training)
    extractor.train(is_training)
    return extractor
