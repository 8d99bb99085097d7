"""Fusion in a traced graph: each chain of nodes that matches a fusion pattern of the backend (conv + bn +
relu, linear + relu, ...) becomes one call of the fused module, installed at the first module's path."""
from ember._torch_function import unwrapped as bare
from ember import nn
import ember.nn.functional as F
import ember
from ember.ao.quantization.fx.pattern_utils import match_chain, fusion_patterns

__all__ = ['fuse']


def _as_module(node, modules, training):
    if node.op == 'call_module':
        return modules[node.target]
    if bare(node.target) in (bare(F.relu), bare(ember.relu)) or node.target == 'relu':
        return nn.ReLU().train(training)
    raise NotImplementedError(f"can't fuse {node.format_node() if hasattr(node, 'format_node') else node}")


def _set_module(root, path, module):
    parent, _, name = path.rpartition('.')
    setattr(root.get_submodule(parent) if parent else root, name, module)


def fuse(model, is_qat, backend_config):
    """Fuses ``model`` (a GraphModule) in place by the backend's fusion patterns; returns it."""
    modules = dict(model.named_modules(remove_duplicate=False))
    patterns = fusion_patterns(backend_config)
    graph = model.graph
    for node in list(graph.nodes):
        if node.op != 'call_module' or node.graph is None:
            continue
        for config in patterns:
            chain = match_chain(node, config.pattern, modules)
            if chain is None:
                continue
            training = modules[node.target].training
            fused = config.fuser_method(is_qat, *(_as_module(n, modules, training) for n in chain))
            _set_module(model, node.target, fused)
            modules[node.target] = fused
            chain[-1].replace_all_uses_with(node)
            for n in reversed(chain[1:]):
                graph.erase_node(n)
            break
    graph.lint()
    return model
