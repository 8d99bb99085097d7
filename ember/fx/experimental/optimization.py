"""``ember.fx.experimental.optimization``: rewrites of a traced model for inference.

:func:`fuse` folds each eval-mode batch norm into the convolution or linear layer that feeds it, on the model's
FX graph, so that the fused model computes one layer where there were two.
"""
import copy

__all__ = ['fuse']


def _owner_and_attr(qualified_name):
    """``'layer1.0.conv1'`` -> ``('layer1.0', 'conv1')``; a top-level name has the owner ``''``."""
    owner, _, attr = qualified_name.rpartition('.')
    return owner, attr


def _module_call(node, modules, kind):
    """Whether ``node`` calls a submodule of exactly the type ``kind`` (subclasses may compute otherwise)."""
    from ember.fx import Node
    return (isinstance(node, Node) and node.op == 'call_module' and isinstance(node.target, str)
            and node.target in modules and type(modules[node.target]) is kind)


def fuse(model, inplace=False, no_trace=False):
    """Folds eval-mode batch norms into the layer before them: ``Conv1d/2d/3d`` followed by
    ``BatchNorm1d/2d/3d`` and ``Linear`` followed by ``BatchNorm1d``.

    The model is traced with :func:`ember.fx.symbolic_trace` (or used as it is when ``no_trace`` is set
    and it already is a ``GraphModule``); each batch norm whose input is a matching layer's output, used by
    nothing else, is removed from the graph and folded into that layer (a batch norm that keeps no running
    statistics is left alone). Both layers must be in eval mode.

    Args:
        model (nn.Module): the model to fuse.
        inplace (bool): rewrite ``model``'s own submodules instead of a deep copy. Default: ``False``.
        no_trace (bool): ``model`` is already a ``GraphModule``: do not trace it again. Default: ``False``.

    Returns:
        GraphModule: the fused model.

    Example::

        >>> import ember.fx.experimental.optimization as optimization
        >>> _ = ember.manual_seed(0)
        >>> model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU()).eval()
        >>> fused = optimization.fuse(model)
        >>> [type(m).__name__ for m in fused.children()]
        ['Conv2d', 'ReLU']
        >>> x = ember.randn(1, 3, 6, 6)
        >>> ember.allclose(fused(x), model(x), atol=1e-6)
        True
    """
    from ember import fx, nn
    from ember.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval
    patterns = ((nn.Conv1d, nn.BatchNorm1d), (nn.Conv2d, nn.BatchNorm2d), (nn.Conv3d, nn.BatchNorm3d),
                (nn.Linear, nn.BatchNorm1d))
    if not inplace:
        model = copy.deepcopy(model)
    traced = model if no_trace and isinstance(model, fx.GraphModule) else fx.symbolic_trace(model)
    modules = dict(traced.named_modules())
    graph = copy.deepcopy(traced.graph)
    for layer_kind, norm_kind in patterns:
        for node in list(graph.nodes):
            if not node.args or not _module_call(node, modules, norm_kind):
                continue
            feeder = node.args[0]
            if not _module_call(feeder, modules, layer_kind) or len(feeder.users) > 1:
                continue
            norm = modules[node.target]
            if not norm.track_running_stats:
                continue
            layer = modules[feeder.target]
            folded = fuse_linear_bn_eval(layer, norm) if layer_kind is nn.Linear else fuse_conv_bn_eval(layer, norm)
            owner, attr = _owner_and_attr(feeder.target)
            setattr(modules[owner], attr, folded)
            modules[feeder.target] = folded
            node.replace_all_uses_with(feeder)
            graph.erase_node(node)
    return fx.GraphModule(traced, graph)
