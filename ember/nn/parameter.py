"""nn.Parameter and nn.Buffer: the tensors a Module registers as its state.

A ``Parameter`` is a Tensor subclass (so ``isinstance(p, ember.Tensor)`` holds and every op
accepts it); assigning one to a Module attribute registers it.  Ops on a Parameter return plain
Tensors, as in PyTorch.

>>> p = Parameter(ember.zeros(2))
>>> p
Parameter containing:
tensor([0., 0.], requires_grad=True)
"""

from ember._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module parameter: ``requires_grad=True`` by default.

    The parameter shares storage with ``data`` (like PyTorch's ``_make_subclass``).
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ember.ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter.__new__(): argument 'data' must be Tensor, not {type(data).__name__}")
        p = cls._from(data)
        p._is_param = True
        if requires_grad:
            if not (data.dtype.is_floating_point or data.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            p._requires_grad = True
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """PyTorch's ``torch._utils._rebuild_parameter``: the unpickling side of a Parameter."""
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    # NOTE: a Buffer is a plain Tensor carrying a flag (as in PyTorch): ``isinstance`` reads the flag.
    def __instancecheck__(cls, obj):
        if cls is Buffer:
            return isinstance(obj, Tensor) and getattr(obj, '_is_buffer', False)
        return super().__instancecheck__(obj)


class Buffer(metaclass=_BufferMeta):
    """A tensor that a Module registers as a buffer when assigned as an attribute.

    ``persistent=False`` keeps it out of ``state_dict()``.

    >>> m = ember.nn.Module()
    >>> m.running = Buffer(ember.zeros(2))
    >>> list(m.state_dict())
    ['running']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ember.ops.creation import empty
            data = empty(0)
        t = data.detach()
        t._is_buffer = True
        t.persistent = persistent
        return t


def is_lazy(param):
    """Whether ``param`` is an uninitialized (lazy) parameter: ember has none."""
    return False
