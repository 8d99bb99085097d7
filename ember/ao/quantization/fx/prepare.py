"""prepare: observers (or fake quantization modules) inserted into a fused, traced model where the backend's
patterns say quantized values will flow: on the inputs of each matched op that are not observed yet, and on
its output (its own observer, or its input's where the output keeps the input's quantization)."""
import copy

from ember._torch_function import unwrapped as bare
from ember.ao.quantization.backend_config.backend_config import ObservationType
from ember.ao.quantization.fx.pattern_utils import node_matches, match_chain
from ember.ao.quantization.fx.qconfig_mapping_utils import node_name_to_qconfig, _update_qconfig_for_fusion
from ember.ao.quantization.observer import ReuseInputObserver

__all__ = ['prepare', 'ObservedGraphModuleAttrs', 'OBSERVER_PREFIX']

OBSERVER_PREFIX = 'activation_post_process_'
_SHARE = ObservationType.OUTPUT_SHARE_OBSERVER_WITH_INPUT
_NOT_OBSERVED = ObservationType.INPUT_OUTPUT_NOT_OBSERVED


class ObservedGraphModuleAttrs:
    """What ``convert_fx`` needs to know about a prepared model (kept in its ``meta``)."""

    def __init__(self, node_name_to_qconfig, node_name_to_scope, qconfig_mapping, backend_config, is_qat,
                 matched_roots):
        self.node_name_to_qconfig = node_name_to_qconfig
        self.node_name_to_scope = node_name_to_scope
        self.qconfig_mapping = qconfig_mapping
        self.backend_config = backend_config
        self.is_qat = is_qat
        # {node name: the pattern config it was observed by} for the first node of each matched pattern
        self.matched_roots = matched_roots


def is_observer_node(node, modules):
    from ember.ao.quantization.quantize import _is_activation_post_process
    return node.op == 'call_module' and _is_activation_post_process(modules.get(node.target))


def _is_dynamic(qconfig):
    return bool(getattr(qconfig.activation(), 'is_dynamic', False))


def _split_patterns(backend_config):
    """The backend's patterns as (chains, singles): tuples to match node by node (longest first) and
    ``{op: config}`` for one-op patterns; fusion-only patterns are left out (fusion already ran)."""
    chains, singles = [], {}
    for config in backend_config.configs:
        if isinstance(config.pattern, tuple):
            if config.fuser_method is None:
                chains.append(config)
        else:
            singles[bare(config.pattern)] = config
    chains.sort(key=lambda c: -len(c.pattern))
    return chains, singles


def _match(node, modules, chains, singles):
    """(pattern config, matched nodes) for the pattern starting at ``node``, or (None, None)."""
    for config in chains:
        nodes = match_chain(node, config.pattern, modules)
        if nodes is not None:
            return config, nodes
    key = type(modules[node.target]) if node.op == 'call_module' else bare(node.target)
    try:
        config = singles.get(key)
    except TypeError:        # an unhashable target
        config = None
    if config is not None and node_matches(node, config.pattern, modules):
        return config, [node]
    return None, None


def _single_config(node, singles):
    if node.op in ('call_function', 'call_method'):
        try:
            return singles.get(bare(node.target))
        except TypeError:
            return None
    return None


_NON_TENSOR_METHODS = frozenset({'size', 'dim', 'numel', 'nelement', 'ndimension', 'element_size', 'stride',
                                 'tolist', 'item', '__len__'})
_NON_TENSOR_ATTRS = frozenset({'shape', 'ndim', 'dtype', 'device', 'is_cuda', 'layout', 'requires_grad'})


def _produces_tensor(node, memo):
    """Whether ``node``'s value may be a tensor: not a size, a shape entry, or arithmetic on them."""
    if node in memo:
        return memo[node]
    import operator
    if node.op == 'call_method' and node.target in _NON_TENSOR_METHODS:
        result = False
    elif node.op == 'call_function' and node.target is getattr and len(node.args) > 1 and \
            node.args[1] in _NON_TENSOR_ATTRS:
        result = False
    elif node.op == 'call_function' and node.target is len:
        result = False
    elif node.op == 'call_function' and getattr(operator, getattr(node.target, '__name__', ''), None) is node.target:
        inputs = node.all_input_nodes
        result = not inputs or any(_produces_tensor(n, memo) for n in inputs)
    else:
        result = True
    memo[node] = result
    return result


def _tensor_args(node, config):
    """The arguments of ``node`` whose values are activations to observe."""
    from ember.fx import Node
    import ember
    if bare(node.target) in (bare(ember.cat), bare(ember.stack)):
        seq = node.args[0] if node.args else node.kwargs.get('tensors', ())
        return [a for a in seq if isinstance(a, Node)]
    if config._num_tensor_args_to_observation_type:       # binary ops: both operands may be tensors
        return [a for a in node.args[:2] if isinstance(a, Node)]
    if config._input_type_to_index:                       # functional linear/conv: the activation only
        return [node.args[0]] if node.args and isinstance(node.args[0], Node) else []
    return [node.args[0]] if node.args and isinstance(node.args[0], Node) else []


class _Inserter:
    """Adds observer modules to the model and their call nodes to the graph."""

    def __init__(self, model, graph):
        self.model, self.graph = model, graph
        self.modules = dict(model.named_modules(remove_duplicate=False))

    def _new_name(self):
        i = 0
        while hasattr(self.model, f'{OBSERVER_PREFIX}{i}'):
            i += 1
        return f'{OBSERVER_PREFIX}{i}'

    def after(self, node, observer):
        name = self._new_name()
        setattr(self.model, name, observer)
        self.modules[name] = observer
        with self.graph.inserting_after(node):
            return self.graph.call_module(name, (node,))


def _observe_input(ins, arg, consumer, qconfig):
    """Makes ``consumer`` read an observed ``arg``: ``arg`` itself when it is an observer's output, else an
    observer of ``arg`` (one already observing it is reused)."""
    if is_observer_node(arg, ins.modules):
        return arg
    for user in arg.users:
        if is_observer_node(user, ins.modules) and user is not consumer:
            consumer.replace_input_with(arg, user)
            return user
    obs_node = ins.after(arg, qconfig.activation())
    consumer.replace_input_with(arg, obs_node)
    return obs_node


def _observe_output(ins, node, observer):
    obs_node = ins.after(node, observer)
    node.replace_all_uses_with(obs_node, delete_user_cb=lambda user: user is not obs_node)
    return obs_node


def _swap_qat_modules(model, graph, node_qconfigs, singles):
    """Training-time counterparts (weights fake-quantized) for the modules with a QConfig whose pattern has
    a QAT module."""
    modules = dict(model.named_modules(remove_duplicate=False))
    for node in graph.nodes:
        if node.op != 'call_module' or node_qconfigs.get(node.name) is None:
            continue
        module = modules[node.target]
        config = singles.get(type(module))
        if config is None or config.qat_module is None:
            continue
        for part in module.modules():     # a fused module's parts are read with their own qconfig
            part.qconfig = node_qconfigs[node.name]
        qat = config.qat_module.from_float(module)
        parent, _, name = node.target.rpartition('.')
        setattr(model.get_submodule(parent) if parent else model, name, qat)


def prepare(model, qconfig_mapping, is_qat, node_name_to_scope, backend_config):
    """Inserts observers into ``model`` (a fused GraphModule) in place, by ``qconfig_mapping`` and the
    backend's patterns; returns it with ``meta['_observed_graph_module_attrs']`` set."""
    graph = model.graph
    qconfig_mapping = copy.deepcopy(qconfig_mapping)
    _update_qconfig_for_fusion(model, graph, qconfig_mapping)
    node_qconfigs = node_name_to_qconfig(model, graph, qconfig_mapping, node_name_to_scope)
    chains, singles = _split_patterns(backend_config)
    if is_qat:
        _swap_qat_modules(model, graph, node_qconfigs, singles)
    ins = _Inserter(model, graph)
    matched_roots = {}
    consumed = set()
    tensor_memo = {}
    for node in list(graph.nodes):
        if node.op not in ('call_module', 'call_function', 'call_method') or node in consumed:
            continue
        if is_observer_node(node, ins.modules):
            continue
        qconfig = node_qconfigs.get(node.name)
        if qconfig is None:
            continue
        config, nodes = _match(node, ins.modules, chains, singles)
        if config is None or config.observation_type is _NOT_OBSERVED:
            continue
        consumed.update(nodes)
        dynamic = _is_dynamic(qconfig)
        if dynamic and not any(d.is_dynamic for d in config.dtype_configs):
            continue      # the backend has no dynamically quantized form of this op
        if not _produces_tensor(node, tensor_memo):
            continue      # shape arithmetic (x.size(1) // groups)
        matched_roots[node.name] = config
        end = nodes[-1]
        args = [a for a in _tensor_args(node, config) if _produces_tensor(a, tensor_memo)]
        observation = config.observation_type
        if config._num_tensor_args_to_observation_type:
            observation = config._num_tensor_args_to_observation_type[len(args)]
        reuse_input = isinstance(qconfig.activation(), ReuseInputObserver)
        if observation is _SHARE or reuse_input:
            if not args:
                continue
            if reuse_input:
                if not is_observer_node(args[0], ins.modules):
                    continue
                observed = [args[0]]
            else:
                observed = [_observe_input(ins, a, node, qconfig) for a in args]
            shared = ins.modules[observed[0].target]
            for other in observed[1:]:       # cat: every input takes the first input's parameters
                setattr(model, other.target, shared)
                ins.modules[other.target] = shared
            _observe_output(ins, end, shared)
            continue
        for a in args:
            _observe_input(ins, a, node, qconfig)
        # a chain (F.linear, F.relu) takes the weight position from its first op's own pattern
        weight_index = (config._input_type_to_index or getattr(_single_config(node, singles), '_input_type_to_index',
                                                                {})).get('weight')
        if weight_index is not None and not dynamic:     # functional linear/conv: the weight's own observer
            weight = node.args[weight_index] if len(node.args) > weight_index else node.kwargs.get('weight')
            if weight is not None and not is_observer_node(weight, ins.modules):
                obs_node = ins.after(weight, qconfig.weight())
                node.replace_input_with(weight, obs_node)
        if not dynamic:
            _observe_output(ins, end, qconfig.activation())
    graph.lint()
    model.recompile()
    model.meta['_observed_graph_module_attrs'] = ObservedGraphModuleAttrs(
        node_qconfigs, node_name_to_scope, qconfig_mapping, backend_config, is_qat, matched_roots)
    return model
