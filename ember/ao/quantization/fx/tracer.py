"""The tracer of FX graph mode quantization: quantization's modules stay leaves, and every node remembers
the module whose ``forward`` made it (its scope), which names the quantization parameters of its output."""
from ember import nn
from ember.fx import Tracer

__all__ = ['QuantizationTracer', 'Scope']


class Scope:
    """The module path and class a node was recorded in."""

    def __init__(self, module_path, module_type):
        self.module_path = module_path
        self.module_type = module_type


class QuantizationTracer(Tracer):
    """Traces like ``ember.fx.Tracer``; the modules of ``ember.nn`` and ``ember.ao.nn`` and observers are leaves
    (``nn.Sequential`` is traced through), and so are the ones named in ``skipped_module_names`` or of a class
    in ``skipped_module_classes``. ``node_name_to_scope`` maps each node's name to its (module path, class)."""

    def __init__(self, skipped_module_names, skipped_module_classes):
        super().__init__()
        self.skipped_module_names = list(skipped_module_names)
        self.skipped_module_classes = list(skipped_module_classes)
        self.scope = Scope('', None)
        self.node_name_to_scope = {}

    def trace(self, root, concrete_args=None):
        # functions as bare as the pattern tables hold them: a Tensor subclass or mode switching dispatch on
        # after ember's quantization modules were imported rebinds ember.flatten & co to wrappers
        from ember._torch_function import unwrapped as bare
        graph = super().trace(root, concrete_args)
        for node in graph.nodes:
            if node.op == 'call_function':
                node.target = bare(node.target)
        return graph

    def is_leaf_module(self, m, module_qualified_name):
        from ember.ao.quantization.quantize import _is_activation_post_process
        module = type(m).__module__ or ''
        builtin = module.startswith(('ember.nn', 'ember.ao.nn', 'torch.nn')) and not isinstance(m, nn.Sequential)
        return (builtin or module_qualified_name in self.skipped_module_names
                or type(m) in self.skipped_module_classes or _is_activation_post_process(m))

    def call_module(self, m, forward, args, kwargs):
        outer = self.scope
        self.scope = Scope(self.path_of_module(m), type(m))
        try:
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.scope = outer

    def create_node(self, *args, **kwargs):
        node = super().create_node(*args, **kwargs)
        self.node_name_to_scope[node.name] = (self.scope.module_path, self.scope.module_type)
        return node
