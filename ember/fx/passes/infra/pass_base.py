"""``PassBase``: the interface of a pass over a ``GraphModule``; ``PassResult``: what a pass returns."""
import abc
from collections import namedtuple

__all__ = ['PassResult', 'PassBase']


class PassResult(namedtuple('PassResult', ['graph_module', 'modified'])):
    """What a pass gives back: the (possibly new) ``graph_module`` and whether it ``modified`` it."""
    __slots__ = ()

    def __new__(cls, graph_module, modified):
        return super().__new__(cls, graph_module, modified)


class PassBase(abc.ABC):
    """A pass: subclass it, implement ``call(graph_module)`` returning a :class:`PassResult`, and
    optionally ``requires``/``ensures`` (checks run before and after). An instance is called like a
    function and can be handed to a ``PassManager``.

    Example:
        >>> class Negate(PassBase):
        ...     def call(self, gm):
        ...         for node in gm.graph.nodes:
        ...             if node.target is ember.relu:
        ...                 node.target = ember.neg
        ...         gm.recompile()
        ...         return PassResult(gm, True)
        >>> gm = ember.fx.symbolic_trace(lambda x: ember.relu(x))
        >>> Negate()(gm).graph_module(ember.tensor([1., -2.]))
        tensor([-1.,  2.])
    """

    def __call__(self, graph_module):
        self.requires(graph_module)
        result = self.call(graph_module)
        self.ensures(graph_module)
        return result

    @abc.abstractmethod
    def call(self, graph_module):
        """Run the pass on ``graph_module``; return a :class:`PassResult`."""

    def requires(self, graph_module):  # noqa: B027 - optional
        """Check the preconditions of the pass (nothing by default)."""

    def ensures(self, graph_module):  # noqa: B027 - optional
        """Check the postconditions of the pass (nothing by default)."""
