"""Which nodes a backend supports, as composable predicates: ``OperatorSupport`` from a table of
target names and accepted input dtypes, ``create_op_support`` from a function, ``chain``/``any_chain``
to combine them, and the ready-made rules of ``OpSupports``."""
import abc

from ember.fx.node import Node
from ember.fx.passes.shape_prop import TensorMetadata
from ember.fx.passes.tools_common import CALLABLE_NODE_OPS, get_node_target

__all__ = ['OperatorSupportBase', 'OperatorSupport', 'create_op_support', 'chain', 'OpSupports', 'any_chain']


class OperatorSupportBase(abc.ABC):
    """Decides whether a backend supports an fx node."""

    @abc.abstractmethod
    def is_node_supported(self, submodules, node):
        raise NotImplementedError


def _arg_dtype(arg):
    if not isinstance(arg, Node):
        raise AssertionError(f'Expected ember.fx.Node, got {type(arg)}')
    meta = arg.meta.get('tensor_meta')
    return meta.dtype if isinstance(meta, TensorMetadata) else arg.meta['type']


class OperatorSupport(OperatorSupportBase):
    """Support from a table ``{target type name: dtypes}``: a target missing from the table is not
    supported; None accepts any dtype; otherwise ``((dtypes of args[0], ...), {kwarg: dtypes})``,
    None in place of an argument's dtypes skipping it (input dtypes come from ShapeProp).

    Example::

        >>> from ember.fx.passes.operator_support import OperatorSupport
        >>> gm = ember.fx.symbolic_trace(lambda x: ember.relu(x) + 1)
        >>> support = OperatorSupport({'ember.relu': None})
        >>> [support.is_node_supported({}, n) for n in gm.graph.nodes]
        [True, True, False, True]
    """

    def __init__(self, support_dict=None):
        self._support_dict = support_dict or {}

    def is_node_supported(self, submodules, node):
        if node.op not in CALLABLE_NODE_OPS:
            return True
        target = get_node_target(submodules, node)
        if target not in self._support_dict:
            return False
        rule = self._support_dict[target]
        if rule is None:
            return True
        args_dtypes, kwargs_dtypes = rule
        for arg, dtypes in zip(node.args, args_dtypes):
            if dtypes is not None and isinstance(arg, Node) and _arg_dtype(arg) not in dtypes:
                return False
        for name, dtypes in kwargs_dtypes.items():
            arg = node.kwargs.get(name)
            if isinstance(arg, Node) and _arg_dtype(arg) not in dtypes:
                return False
        return True


class _FunctionSupport(OperatorSupportBase):
    def __init__(self, fn):
        self._fn = fn

    def is_node_supported(self, submodules, node):
        return self._fn(submodules, node)


def create_op_support(is_node_supported):
    """An :class:`OperatorSupportBase` answering with ``is_node_supported(submodules, node)``."""
    return _FunctionSupport(is_node_supported)


def chain(*op_support):
    """Supported where every one of ``op_support`` supports the node."""
    return create_op_support(lambda submods, node: all(s.is_node_supported(submods, node) for s in op_support))


def any_chain(*op_support):
    """Supported where any one of ``op_support`` supports the node."""
    return create_op_support(lambda submods, node: any(s.is_node_supported(submods, node) for s in op_support))


class OpSupports:
    """Ready-made rules to combine with :func:`chain` and :func:`any_chain`."""

    @classmethod
    def decline_if_input_dtype(cls, dtype):
        """Not supported where any input of the node has ``dtype``."""
        return create_op_support(lambda submods, node: all(_arg_dtype(a) != dtype for a in node.all_input_nodes))

    @classmethod
    def decline_if_node_in_names(cls, disallow_set):
        """Not supported where the node's name is in ``disallow_set``."""
        return create_op_support(lambda submods, node: node.name not in disallow_set)
