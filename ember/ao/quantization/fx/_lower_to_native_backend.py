"""Lowering a reference graph (float ops between quantize_per_tensor and dequantize) to the native
backend's quantized modules and ops, pattern by pattern; what has no quantized form stays as it is, float
ops on dequantized values."""
import operator

from ember._torch_function import unwrapped as bare
import ember
from ember import nn
import ember.nn.functional as F
from ember.ao.quantization.backend_config.backend_config import ObservationType

__all__ = ['lower_to_native_backend']

# ops that run on quantized tensors as they are (their output keeps the input's parameters)
_QUANTIZED_AS_IS = frozenset(bare(op) for op in {
    nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, F.avg_pool1d, nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AvgPool2d, nn.ReLU, nn.ReLU6,
    nn.Hardtanh, nn.Identity, F.relu, F.relu6, F.hardtanh, F.max_pool1d, F.max_pool2d, F.adaptive_avg_pool1d,
    F.adaptive_avg_pool2d, F.avg_pool2d, ember.flatten, ember.transpose, ember.squeeze, ember.unsqueeze, ember.cat,
    'reshape', 'view', 'mean', 'relu', 'transpose', 'permute', 'squeeze', 'unsqueeze', 'contiguous', 'detach'})

# fixed-parameter ops ember computes on quantized tensors (their outputs take the kernel's fixed parameters),
# with the quint8 output parameters each kernel gives: [0, 1] in steps of 1/256, or [-1, 1] in steps of 2/256
_FIXED_QPARAMS_QUANTIZED = {
    **dict.fromkeys((nn.Hardsigmoid, bare(F.hardsigmoid), 'hardsigmoid', nn.Sigmoid, bare(ember.sigmoid), 'sigmoid'),
                    (1.0 / 256, 0)),
    **dict.fromkeys((nn.Tanh, bare(ember.tanh), 'tanh'), (2.0 / 256, 128))}

_BINARY = {operator.add: 'add', bare(ember.add): 'add', operator.mul: 'mul', bare(ember.mul): 'mul'}


def _has_kernel_qparams(observer, key):
    """Whether a fixed-parameter observer chose what the quantized kernel of ``key`` produces."""
    scale, zero_point = observer.calculate_qparams()
    return observer.dtype is ember.quint8 and (float(scale), int(zero_point)) == _FIXED_QPARAMS_QUANTIZED[key]


def _is_quantize(node):
    return node.op == 'call_function' and bare(node.target) in (bare(ember.quantize_per_tensor),
                                                                bare(ember.quantize_per_channel))


def _is_dequantize(node):
    return node.op == 'call_method' and node.target == 'dequantize'


def _only_quantize_user(node):
    users = list(node.users)
    if len(users) == 1 and _is_quantize(users[0]):
        return users[0]
    return None


def _set_module(model, path, module):
    parent, _, name = path.rpartition('.')
    setattr(model.get_submodule(parent) if parent else model, name, module)


def _erase_if_unused(graph, *nodes):
    for node in nodes:
        if node is not None and node.graph is not None and not node.users:
            graph.erase_node(node)


def _drop_quantize(graph, quantize, replacement):
    """Uses of the quantize node read ``replacement`` (already quantized) instead; it and its parameters go."""
    quantize.replace_all_uses_with(replacement)
    graph.erase_node(quantize)
    _erase_if_unused(graph, *quantize.args[1:3])


def _take_quantized_inputs(node, graph):
    """``node`` reads the quantized values its dequantized arguments came from; True if it had any."""
    changed = False
    for arg in list(node.all_input_nodes):
        if _is_dequantize(arg):
            node.replace_input_with(arg, arg.args[0])
            _erase_if_unused(graph, arg)
            changed = True
    return changed


def _swap_static_module(model, graph, node, module, qconfig, quantize, observer_of):
    from ember.ao.quantization.quantization_mappings import get_default_static_quant_module_mappings
    from ember.ao.nn import quantized as nnq
    # graph mode also runs a softmax quantized (eager mode leaves it float)
    quantized_class = {**get_default_static_quant_module_mappings(), nn.Softmax: nnq.Softmax}.get(type(module))
    if quantized_class is None:
        return False
    for part in module.modules():     # a fused module's parts are read with their own qconfig
        part.qconfig = qconfig
    module.activation_post_process = observer_of[quantize]
    quantized = quantized_class.from_float(module)
    del module.activation_post_process
    _set_module(model, node.target, quantized)
    _take_quantized_inputs(node, graph)
    _drop_quantize(graph, quantize, node)
    return True


def _swap_dynamic_module(model, node, module, qconfig):
    from ember.ao.quantization.quantization_mappings import get_default_dynamic_quant_module_mappings
    dynamic_class = get_default_dynamic_quant_module_mappings().get(type(module))
    if dynamic_class is None:
        return
    for part in module.modules():
        part.qconfig = qconfig
    _set_module(model, node.target, dynamic_class.from_float(module))


def _lower_binary(graph, root, end, quantize):
    """``dequantize``d operands -> add/mul (-> relu) -> quantize becomes ``quantized.add(_relu)``/
    ``quantized.mul(_relu)``: of two quantized tensors with the output's parameters, or of a quantized tensor
    and a number (the ``.Scalar`` overload, which chooses its own parameters)."""
    from ember.fx import Node
    operands = root.args[:2]
    if len(root.args) != 2 or root.kwargs:
        return
    relu = end is not root
    op = getattr(ember.ops.quantized, _BINARY[root.target] + ('_relu' if relu else ''))
    scale, zero_point = quantize.args[1], quantize.args[2]
    tensors = [a for a in operands if isinstance(a, Node)]
    if len(tensors) == 2 and all(_is_dequantize(a) for a in tensors):
        args = (operands[0].args[0], operands[1].args[0], scale, zero_point)
    elif len(tensors) == 1 and _is_dequantize(tensors[0]) and \
            isinstance(operands[1 - operands.index(tensors[0])], (int, float)) and \
            not isinstance(operands[1 - operands.index(tensors[0])], bool):
        args = (tensors[0].args[0], operands[1 - operands.index(tensors[0])])
    else:
        return
    with graph.inserting_before(quantize):
        lowered = graph.call_function(op, args)
    quantize.replace_all_uses_with(lowered)
    graph.erase_node(quantize)
    _erase_if_unused(graph, scale, zero_point)
    if relu:
        graph.erase_node(end)
    graph.erase_node(root)
    _erase_if_unused(graph, *tensors)


_FUNCTIONAL_WEIGHTED = {bare(F.linear): 'linear', bare(F.conv1d): 'conv1d', bare(F.conv2d): 'conv2d',
                        bare(F.conv3d): 'conv3d'}


def _argument(node, index, name, default=None):
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(name, default)


def _attr_value(model, node):
    """The tensor a ``get_attr`` node reads (None for no node)."""
    if node is None:
        return None
    value = model
    for part in node.target.split('.'):
        value = getattr(value, part)
    return value


def _lower_functional_weighted(model, graph, root, end, quantize, observer_of):
    """``dequantize -> F.linear/F.conv2d (-> relu) -> quantize`` with an observed weight becomes
    ``quantized.linear(_relu)``/``quantized.conv2d(_relu)`` on a packed quantized weight."""
    from ember.quantized._ops_namespace import PackedWeight
    from ember.ao.nn.quantized.modules.utils import _quantize_weight
    from ember.ao.quantization.fx.convert import _new_attr_name
    data, weight_dq = root.args[0], _argument(root, 1, 'weight')
    if not (_is_dequantize(data) and _is_dequantize(weight_dq)):
        return
    weight_q = weight_dq.args[0]
    kind = _FUNCTIONAL_WEIGHTED[root.target]
    weight = _attr_value(model, weight_q.args[0]).detach().float()
    observer = observer_of[weight_q]
    bias_node = _argument(root, 2, 'bias')
    bias = _attr_value(model, bias_node)
    if kind == 'linear':
        packed = PackedWeight(_quantize_weight(weight, observer), None if bias is None else bias.detach())
    else:
        dims = int(kind[4])
        as_tuple = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * dims)
        packed = PackedWeight(_quantize_weight(weight, observer), None if bias is None else bias.detach(),
                              as_tuple(_argument(root, 3, 'stride', 1)), as_tuple(_argument(root, 4, 'padding', 0)),
                              as_tuple(_argument(root, 5, 'dilation', 1)), _argument(root, 6, 'groups', 1))
    name = _new_attr_name(model, '_packed_weight_')
    setattr(model, name, packed)
    scale, zero_point = quantize.args[1], quantize.args[2]
    with graph.inserting_before(root):
        packed_node = graph.create_node('get_attr', name)
    root.prepend(scale)
    root.prepend(zero_point)
    relu = end is not root
    root.target = getattr(ember.ops.quantized, kind + ('_relu' if relu else ''))
    root.args, root.kwargs = (data.args[0], packed_node, scale, zero_point), {}
    quantize.replace_all_uses_with(root)
    graph.erase_node(quantize)
    if relu:
        graph.erase_node(end)
    _erase_if_unused(graph, weight_dq)
    _erase_if_unused(graph, weight_q)
    _erase_if_unused(graph, *weight_q.args[:3], bias_node, data)


def _lower_hardswish(graph, root, quantize):
    data = root.args[0]
    if not _is_dequantize(data):
        return
    scale, zero_point = quantize.args[1], quantize.args[2]
    with graph.inserting_before(quantize):
        lowered = graph.call_function(ember.ops.quantized.hardswish, (data.args[0],),
                                      {'output_scale': scale, 'output_zero_point': zero_point})
    quantize.replace_all_uses_with(lowered)
    graph.erase_node(quantize)
    graph.erase_node(root)
    _erase_if_unused(graph, data)


def lower_to_native_backend(model, graph, attrs, observer_of):
    """Lowers, in place, the patterns ``prepare`` matched (``attrs.matched_roots``)."""
    from ember.ao.quantization.fx.prepare import _is_dynamic
    modules = dict(model.named_modules(remove_duplicate=False))
    by_name = {n.name: n for n in graph.nodes}
    for name, config in attrs.matched_roots.items():
        root = by_name.get(name)
        if root is None or root.graph is None:
            continue
        qconfig = attrs.node_name_to_qconfig[name]
        nodes = [root]
        if isinstance(config.pattern, tuple):
            while len(nodes) < len(config.pattern):
                nodes.append(next(iter(nodes[-1].users)))
        end = nodes[-1]
        if root.op == 'call_module' and _is_dynamic(qconfig):
            _swap_dynamic_module(model, root, modules[root.target], qconfig)
            continue
        quantize = _only_quantize_user(end)
        target = bare(root.target) if root.op == 'call_function' else root.target
        if target in _BINARY and quantize is not None:
            _lower_binary(graph, root, end, quantize)
            continue
        if root.op == 'call_function' and target in _FUNCTIONAL_WEIGHTED and quantize is not None:
            _lower_functional_weighted(model, graph, root, end, quantize, observer_of)
            continue
        if root.op == 'call_function' and target is bare(F.hardswish) and quantize is not None:
            _lower_hardswish(graph, root, quantize)
            continue
        key = type(modules[root.target]) if root.op == 'call_module' else target
        if config.observation_type is ObservationType.OUTPUT_SHARE_OBSERVER_WITH_INPUT:
            if key in _QUANTIZED_AS_IS and quantize is not None and len(nodes) == 1 and \
                    any(_is_dequantize(a) for a in root.all_input_nodes):
                _take_quantized_inputs(root, graph)
                _drop_quantize(graph, quantize, root)
            continue
        if key in _FIXED_QPARAMS_QUANTIZED and quantize is not None and len(nodes) == 1 and \
                _is_dequantize(root.args[0]) and _has_kernel_qparams(observer_of[quantize], key):
            _take_quantized_inputs(root, graph)
            _drop_quantize(graph, quantize, root)
            continue
        if root.op == 'call_module' and quantize is not None and len(nodes) == 1 and \
                all(_is_dequantize(a) for a in root.all_input_nodes):
            _swap_static_module(model, graph, root, modules[root.target], qconfig, quantize, observer_of)
    # sizes and shapes read the quantized value itself
    from ember.ao.quantization.fx.prepare import _NON_TENSOR_METHODS, _NON_TENSOR_ATTRS
    for node in list(graph.nodes):
        if not _is_dequantize(node):
            continue
        for user in list(node.users):
            if (user.op == 'call_method' and user.target in _NON_TENSOR_METHODS and user.args[0] is node) or \
                    (user.op == 'call_function' and user.target is getattr and user.args[1] in _NON_TENSOR_ATTRS):
                user.replace_input_with(node, node.args[0])
        _erase_if_unused(graph, node)
