"""The QConfig of each node of a traced model, from a QConfigMapping and the module each node belongs to."""
from ember._torch_function import unwrapped as bare
import re

from ember.ao.quantization.qconfig_mapping import QConfigMapping

__all__ = ['as_qconfig_mapping', 'node_name_to_qconfig']


def as_qconfig_mapping(qconfig_mapping):
    if qconfig_mapping is None:
        return QConfigMapping()
    if isinstance(qconfig_mapping, dict):
        import warnings
        warnings.warn("Passing a QConfig dictionary to prepare is deprecated and will not be supported in a future "
                      "version. Please pass in a QConfigMapping instead.", FutureWarning, stacklevel=3)
        return QConfigMapping.from_dict(qconfig_mapping)
    if not isinstance(qconfig_mapping, QConfigMapping):
        raise TypeError(f"qconfig_mapping must be a QConfigMapping, got {type(qconfig_mapping).__name__}")
    return qconfig_mapping


def _module_name_qconfig(mapping, module_name, fallback):
    # a module's name, else its parent's, ... (the entry for 'features' covers 'features.3.conv')
    while True:
        if module_name in mapping.module_name_qconfigs:
            return mapping.module_name_qconfigs[module_name]
        if not module_name:
            return fallback
        module_name = module_name.rpartition('.')[0]


def _regex_qconfig(mapping, module_name, fallback):
    for pattern, qconfig in mapping.module_name_regex_qconfigs.items():
        if re.match(pattern, module_name):
            return qconfig
    return fallback


def _module_qconfig(mapping, object_type, module_name, fallback):
    """Module name (or a parent's), else the first matching regex, else the object type, else ``fallback``."""
    qconfig = mapping.object_type_qconfigs.get(object_type, fallback)
    qconfig = _regex_qconfig(mapping, module_name, qconfig)
    return _module_name_qconfig(mapping, module_name, qconfig)


def _update_qconfig_for_fusion(model, graph, mapping):
    """A fused module (ConvReLU2d) takes the object-type entry its parts share; parts with different
    entries are refused."""
    from ember.ao.nn.intrinsic.modules.fused import _FusedModule
    from ember.ao.quantization.qconfig import qconfig_equals
    object_types = mapping.object_type_qconfigs
    if not object_types:
        return
    modules = dict(model.named_modules(remove_duplicate=False))
    for node in graph.nodes:
        module = modules.get(node.target) if node.op == 'call_module' else None
        if not isinstance(module, _FusedModule):
            continue
        parts = list(module._modules.values())
        fused_qconfig = object_types.get(type(parts[0]))
        for part in parts[1:]:
            if not qconfig_equals(object_types.get(type(part)), fused_qconfig):
                raise LookupError("During fusion, we need to specify the same qconfigs for all module types in "
                                  f"{type(module)} offending type: {type(part)}")
        if fused_qconfig is not None:
            object_types[type(module)] = fused_qconfig


def node_name_to_qconfig(model, graph, mapping, node_name_to_scope):
    """``{node name: QConfig or None}`` for the nodes of ``graph`` (placeholders and the output have none).
    Modules: their name, a regex, their class, the global entry, in decreasing priority; function calls:
    their enclosing module's name or class over the function's own entry; method calls: the enclosing
    module's entries over the method name's; a (module, type, call index) entry beats them all."""
    modules = dict(model.named_modules(remove_duplicate=False))
    glob = mapping.global_qconfig
    result = {}
    call_index = {}

    # the mapping's function keys as bare as traced targets (ember.add given after a Tensor subclass switched
    # dispatch on is its dispatching wrapper)
    by_function = {bare(k): v for k, v in mapping.object_type_qconfigs.items() if not isinstance(k, (type, str))}
    by_position = {(p, bare(t) if not isinstance(t, (type, str)) else t, i): v
                   for (p, t, i), v in mapping.module_name_object_type_order_qconfigs.items()}

    def by_order(path, target, qconfig):
        index = call_index.get((path, target), 0)
        call_index[(path, target)] = index + 1
        return by_position.get((path, target, index), qconfig)

    for node in graph.nodes:
        qconfig = None
        if node.op == 'get_attr':
            parent = node.target.rpartition('.')[0]
            qconfig = _module_qconfig(mapping, type(modules[parent]), parent, glob)
        elif node.op == 'call_function':
            path, scope_type = node_name_to_scope.get(node.name, ('', None))
            qconfig = _module_qconfig(mapping, scope_type, path, by_function.get(node.target, glob))
            qconfig = by_order(path, node.target, qconfig)
        elif node.op == 'call_method':
            path, scope_type = node_name_to_scope.get(node.name, ('', None))
            qconfig = _module_qconfig(mapping, node.target, path, glob)
            qconfig = _module_qconfig(mapping, scope_type, path, qconfig)
        elif node.op == 'call_module':
            module = modules[node.target]
            qconfig = _module_qconfig(mapping, type(module), node.target, glob)
            qconfig = by_order(node.target.rpartition('.')[0], type(module), qconfig)
        result[node.name] = qconfig
    return result
