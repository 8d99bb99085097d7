"""``AsyncCollectiveTensor``: what PyTorch's functional collectives return, a tensor standing for a collective's
result until it is first used. ember's collectives have completed by the time they return, so the wrapper
waits for nothing; it keeps PyTorch's surface: ``elem``, ``completed``, ``wait()``/``trigger_wait()`` giving
the plain result, views that stay wrapped, other operations that give plain tensors, and its repr."""
from ember import _torch_function
from ember._tensor import Tensor
from ember.overrides import DisableTorchFunctionSubclass

__all__ = ['AsyncCollectiveTensor']

# Operations whose result is a view of their input: PyTorch keeps those wrapped (the collective may still be
# in flight under a view), everything else waits and gives a plain tensor.
_VIEWS = frozenset((
    'view', 'view_as', 'reshape', 'reshape_as', 'transpose', 'transpose_', 't', 'permute', 'unsqueeze', 'squeeze',
    'expand', 'expand_as', 'narrow', 'select', '__getitem__', 'getitem', 'split', 'split_with_sizes', 'chunk', 'unbind',
    'tensor_split', 'flatten', 'unflatten', 'as_strided', 'diagonal', 'movedim', 'moveaxis', 'swapaxes',
    'swapdims', 'unfold', 'alias', 'detach', 'view_as_real', 'view_as_complex'))
# view properties: they reach no __torch_function__, so the class wraps them itself
_VIEW_PROPERTIES = ('T', 'mT', 'H', 'mH', 'real', 'imag')


def _wrap(t):
    """``t`` (a plain result) as an AsyncCollectiveTensor over it, keeping its autograd history."""
    if not _torch_function._active:    # one exists now: operations must dispatch on it
        _torch_function.activate()
    out = Tensor.view_as(t, t) if t.requires_grad else Tensor.detach(t)
    out.__class__ = AsyncCollectiveTensor
    out.elem = t
    out.completed = True
    return out


def _wrap_views(result):
    if isinstance(result, Tensor):
        return _wrap(result)
    if type(result) in (tuple, list):
        return type(result)(_wrap_views(r) for r in result)
    return result


class AsyncCollectiveTensor(Tensor):
    """The result of a functional collective (``ember.distributed._functional_collectives``).

    Use it as a tensor: operations on it give plain tensors, views of it stay wrapped. ``wait()`` (or
    ``wait_tensor``) gives the plain result, ``elem``.

    Example::

        >>> out = funcol.all_reduce(ember.ones(2), 'sum', dist.group.WORLD)   # doctest: +SKIP
        >>> out                                                               # with 2 ranks  # doctest: +SKIP
        AsyncCollectiveTensor(tensor([2., 2.]))
        >>> type(out + 1).__name__, type(out.wait()).__name__                 # doctest: +SKIP
        ('Tensor', 'Tensor')
    """
    _torch_function_on_demand = True     # switch dispatch on when the first one is made, not when defined

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        with DisableTorchFunctionSubclass():
            result = func(*args, **(kwargs or {}))
        return _wrap_views(result) if getattr(func, '__name__', '') in _VIEWS else result

    def trigger_wait(self):
        """The plain result (the collective has completed).

        Example::

            >>> out = funcol.all_reduce(ember.ones(2), 'sum', dist.group.WORLD)   # doctest: +SKIP
            >>> out.trigger_wait()                                                # doctest: +SKIP
            tensor([2., 2.])
        """
        return self.elem

    def wait(self):
        """The plain result (the collective has completed).

        Example::

            >>> out = funcol.all_reduce(ember.ones(2), 'sum', dist.group.WORLD)   # doctest: +SKIP
            >>> out.wait()                                                        # doctest: +SKIP
            tensor([2., 2.])
        """
        return self.elem

    def _get_acs_underlying_tensor(self):
        return self.elem

    def __repr__(self, *, tensor_contents=None):
        return f"AsyncCollectiveTensor({self.elem!r})"

    __str__ = __repr__


def _view_property(name):
    plain = getattr(Tensor, name)
    return property(lambda self: _wrap_views(plain.__get__(self)), doc=plain.__doc__)


for _name in _VIEW_PROPERTIES:
    setattr(AsyncCollectiveTensor, _name, _view_property(_name))
