"""Fetch the attributes a lowering backend needs from the leaf modules of a traced model
(``node.attrs_for_lowering``): the weights and settings of Linear, Conv2d, BatchNorm2d and the
pooling and activation layers it knows."""
import ember.nn as nn

__all__ = ['default_matching', 'extract_attrs_for_lowering', 'lift_lowering_attrs_to_nodes', 'module_fetch_book']


def default_matching(name, target_version):
    """The attribute's name in the module: the same name."""
    return name


# module class -> (the module version the list was written for, attributes to fetch, name matching)
module_fetch_book = {
    nn.Linear: (1, ['weight', 'bias'], default_matching),
    nn.Conv2d: (1, ['weight', 'bias', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'padding_mode'],
                default_matching),
    nn.BatchNorm2d: (2, ['weight', 'bias', 'running_mean', 'running_var', 'eps'], default_matching),
    nn.AdaptiveAvgPool2d: (1, [], default_matching),
    nn.MaxPool2d: (1, ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
                   default_matching),
    nn.ReLU: (1, ['inplace'], default_matching),
}


def extract_attrs_for_lowering(mod):
    """``{'name': the module's type name, attribute: value, ...}`` for a module of the book.

    Raises:
        RuntimeError: if the module's class is not in the book, or is newer than its entry.
    """
    import ember
    attrs = {'name': ember.typename(mod)}
    entry = module_fetch_book.get(type(mod))
    if entry is None:
        raise RuntimeError(f"{ember.typename(mod)} is not in the module_fetch_book yet, please add it to the "
                           "module_fetch_book, open an issue and @842974287 or report a bug to AIACC team directly.")
    version, names, matching = entry
    if version < mod._version:
        raise RuntimeError(f"Fetcher version {version} try to fetch {ember.typename(mod)} version {mod._version}, "
                           "please upgrade the module_fetch_book, open an issue and @842974287 or report a bug to "
                           "AIACC team directly.")
    for name in names:
        attrs[name] = getattr(mod, matching(name, mod._version))
    return attrs


def lift_lowering_attrs_to_nodes(fx_module):
    """Set ``node.attrs_for_lowering`` on each module-call node (recursing into GraphModules)."""
    from ember.fx.graph_module import GraphModule
    modules = dict(fx_module.named_modules())
    for node in fx_module.graph.nodes:
        if node.op == 'call_module':
            mod = modules[node.target]
            if isinstance(mod, GraphModule):
                lift_lowering_attrs_to_nodes(mod)
            else:
                node.attrs_for_lowering = extract_attrs_for_lowering(mod)
