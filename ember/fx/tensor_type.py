"""Types for gradual shape checking of fx graphs: ``TensorType`` (a tensor of given dims, each an
int or ``Dyn``), ``Dyn`` (nothing known) and the relations between types."""

__all__ = ['Dyn', 'TensorType', 'is_consistent', 'is_more_precise']


class TensorType:
    """The type of a tensor whose dims are ``dim`` (a sequence of ints and ``Dyn``); also written
    ``TensorType[1, 2, Dyn]``.

    Example::

        >>> TensorType((1, 2)) == TensorType[1, 2]
        True
        >>> TensorType[1, Dyn]
        TensorType[(1, Dyn)]
    """

    def __init__(self, dim):
        self.__origin__ = TensorType
        self.__args__ = dim

    @property
    def dims(self):
        return self.__args__

    def __repr__(self):
        return f"TensorType[{self.dims}]"

    def __eq__(self, other):
        return isinstance(other, type(self)) and list(self.dims) == list(other.dims)

    __hash__ = None     # equal by dims, which may be a list: unhashable, as PyTorch's

    def __class_getitem__(cls, *dims):
        if len(dims) == 1 and isinstance(dims[0], tuple):
            dims = dims[0]
        return TensorType(tuple(dims))


class _DynType:
    """Stands for the absence of type information: consistent with every type."""

    def __init__(self):
        self.__name__ = '_DynType'

    def __eq__(self, other):
        return isinstance(other, type(self))

    __hash__ = object.__hash__

    def __str__(self):
        return 'Dyn'

    __repr__ = __str__


Dyn = _DynType()


def is_consistent(t1, t2):
    """Whether ``t1`` and ``t2`` may describe the same value (reflexive, symmetric, not transitive):
    ``Dyn`` fits anything; tensor types fit dim by dim.

    Example::

        >>> is_consistent(TensorType((1, Dyn, 3)), TensorType((1, 2, 3))), is_consistent(int, float)
        (True, False)
    """
    if t1 == t2 or t1 == Dyn or t2 == Dyn:
        return True
    if isinstance(t1, TensorType) and isinstance(t2, TensorType):
        return len(t1.dims) == len(t2.dims) and all(is_consistent(a, b) for a, b in zip(t1.dims, t2.dims))
    return False


def is_more_precise(t1, t2):
    """Whether ``t1`` says at least as much as ``t2`` (reflexive, transitive): everything is more
    precise than ``Dyn``; tensor types compare dim by dim.

    Example::

        >>> is_more_precise(TensorType((1, 2)), TensorType((1, Dyn))), is_more_precise(Dyn, int)
        (True, False)
    """
    if t1 == t2 or isinstance(t2, _DynType):
        return True
    if isinstance(t1, TensorType) and isinstance(t2, TensorType):
        return len(t1.dims) == len(t2.dims) and all(is_more_precise(a, b) for a, b in zip(t1.dims, t2.dims))
    return False
