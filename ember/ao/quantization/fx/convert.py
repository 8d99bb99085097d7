"""convert: a prepared model's observers become ``quantize_per_tensor`` + ``dequantize`` nodes with the
observed parameters (the reference form), then the patterns the backend runs quantized are lowered: a
``dequantize -> op -> quantize`` chain becomes the quantized module or op working on quantized tensors."""
import copy

from ember._torch_function import unwrapped as bare
import ember
from ember import nn
from ember.fx import GraphModule
from ember.ao.quantization.fx.prepare import is_observer_node
from ember.ao.quantization.fx._lower_to_native_backend import lower_to_native_backend

__all__ = ['convert']


def _new_attr_name(model, prefix):
    prefix = prefix.replace('.', '_')
    i = 0
    while hasattr(model, f'{prefix}{i}'):
        i += 1
    return f'{prefix}{i}'


def create_getattr_from_value(model, graph, prefix, value):
    """A ``get_attr`` node of a new buffer of ``model`` holding ``value`` (named ``prefix<n>``)."""
    name = _new_attr_name(model, prefix)
    model.register_buffer(name, value.detach().clone() if isinstance(value, ember.Tensor) else ember.tensor(value))
    return graph.create_node('get_attr', name)


def _module_path_and_prefix(obs_node, scopes, qconfigs):
    """Where the quantization parameters of an observed value are named after: the module that made it, or,
    for a model input (or another value no quantized op made), ``<first user's module>_input``."""
    observed = obs_node.args[0]
    if observed.name in qconfigs and qconfigs[observed.name] is None:
        users = list(obs_node.users)
        named_after = next((u for u in users if u.op == 'call_function' and bare(u.target) is bare(nn.functional.linear)),
                           users[0] if users else None)
        prefix = '_input'
    else:
        named_after, prefix = observed, ''
    path = scopes[named_after.name][0] if named_after is not None and named_after.name in scopes else ''
    return path, prefix


def _is_float_observer(observer):
    dtype = getattr(observer, 'dtype', None)
    return getattr(observer, 'is_dynamic', False) or dtype in (ember.float32, ember.float16, None)


def _replace_observers(model, graph, attrs):
    """Each observer call becomes quantize_per_tensor + dequantize; returns ``{quantize node: observer}``.
    Dynamic and float observers (placeholders) are just removed."""
    modules = dict(model.named_modules(remove_duplicate=False))
    observer_of = {}
    for node in list(graph.nodes):
        if not is_observer_node(node, modules):
            continue
        observer = modules[node.target]
        source = node.args[0]
        if _is_float_observer(observer):
            node.replace_all_uses_with(source)
            graph.erase_node(node)
            continue
        scale, zero_point = observer.calculate_qparams()
        path, prefix = _module_path_and_prefix(node, attrs.node_name_to_scope, attrs.node_name_to_qconfig)
        per_channel = observer.qscheme in (ember.per_channel_affine, ember.per_channel_symmetric)
        with graph.inserting_before(node):
            if per_channel:     # a functional op's weight, quantized per output channel
                scale_node = create_getattr_from_value(model, graph, f'{path}{prefix}_scale_', scale)
                zp_node = create_getattr_from_value(model, graph, f'{path}{prefix}_zero_point_', zero_point)
                quantize = graph.call_function(ember.quantize_per_channel,
                                               (source, scale_node, zp_node, int(observer.ch_axis), observer.dtype))
            else:
                scale_node = create_getattr_from_value(model, graph, f'{path}{prefix}_scale_', float(scale))
                zp_node = create_getattr_from_value(model, graph, f'{path}{prefix}_zero_point_', int(zero_point))
                quantize = graph.call_function(ember.quantize_per_tensor,
                                               (source, scale_node, zp_node, observer.dtype))
            dequantize = graph.call_method('dequantize', (quantize,))
        node.replace_all_uses_with(dequantize)
        graph.erase_node(node)
        observer_of[quantize] = observer
    return observer_of


def _swap_reference_modules(model, graph, attrs, lowering=False):
    """Weighted modules (conv, linear, and the conv/linear inside a fused module) become reference quantized
    modules: their weights quantized and dequantized with the parameters their QConfig's weight observer
    chooses. ``lowering``: done to the prepared model after the quantized model was made from it (as
    PyTorch's convert does on its way), leaving alone the modules reference modules do not cover."""
    from ember.ao.nn.intrinsic.modules.fused import _FusedModule
    from ember.ao.nn.quantized import reference as nnqr
    from ember.ao.nn.quantized.reference.modules.utils import weight_qparams_from_observer
    from ember.ao.quantization.fx.prepare import _is_dynamic
    reference_classes = {nn.Linear: nnqr.Linear, nn.Conv1d: nnqr.Conv1d, nn.Conv2d: nnqr.Conv2d,
                          nn.Conv3d: nnqr.Conv3d}
    modules = dict(model.named_modules(remove_duplicate=False))
    for name, config in attrs.matched_roots.items():
        qconfig = attrs.node_name_to_qconfig[name]
        node = next((n for n in graph.nodes if n.name == name), None)
        if node is None or node.op != 'call_module' or config.root_module not in reference_classes:
            continue
        module = modules[node.target]
        if lowering and (_is_dynamic(qconfig) or hasattr(module, 'weight_fake_quant')):
            continue
        if _is_dynamic(qconfig):
            raise NotImplementedError("ember's convert_to_reference_fx has no reference modules for dynamic "
                                      "quantization; use convert_fx")
        if hasattr(module, 'weight_fake_quant'):
            raise NotImplementedError("ember's convert_to_reference_fx does not convert QAT modules; use "
                                      "convert_fx")
        float_module = module[0] if isinstance(module, _FusedModule) else module
        if type(float_module) not in reference_classes:
            continue
        observer = qconfig.weight()
        observer(float_module.weight)
        reference = reference_classes[type(float_module)].from_float(float_module,
                                                                     weight_qparams_from_observer(observer))
        if isinstance(module, _FusedModule):
            module[0] = reference
        else:
            parent, _, attr = node.target.rpartition('.')
            setattr(model.get_submodule(parent) if parent else model, attr, reference)


def convert(model, attrs, is_reference, backend_config):
    """Converts the prepared GraphModule ``model`` and returns the quantized one. As PyTorch's convert, the
    prepared model is rewritten on the way: its graph becomes the converted graph (its ``forward`` is not
    regenerated, so it still runs as prepared) and it gains the quantization parameters as buffers; the
    result is a new GraphModule sharing the modules that stay float."""
    graph = model.graph
    observer_of = _replace_observers(model, graph, attrs)
    graph.eliminate_dead_code()
    meta = {k: v for k, v in model.meta.items() if k != '_observed_graph_module_attrs'}
    prepared = model
    if is_reference:
        _swap_reference_modules(prepared, graph, attrs)
    model = GraphModule(prepared, graph, 'GraphModule')
    if not is_reference:
        lower_to_native_backend(model, graph, attrs, observer_of)
        _swap_reference_modules(prepared, graph, attrs, lowering=True)
    graph.eliminate_dead_code()
    for node in list(graph.nodes):        # parameters of erased quantize nodes
        if node.op == 'get_attr' and not node.users:
            graph.erase_node(node)
    graph.lint()
    graph.owning_module = prepared
    result = GraphModule(model, copy.deepcopy(graph), 'GraphModule')
    result.meta = meta
    return result
