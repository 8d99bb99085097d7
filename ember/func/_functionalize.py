"""``functionalize`` and ``debug_unwrap`` (PyTorch's ``torch.func``).

PyTorch's functionalize runs a function on wrapper tensors so that a tracer sees a program without in-place
ops (and, with ``remove='mutations_and_views'``, without views), the inputs' mutations copied back at the end.
ember runs eagerly and has no tracer, so what a caller can observe is what remains: the same outputs, the
same updates of mutated inputs, gradients through it, and — with ``'mutations_and_views'`` — outputs that are
copies rather than views of other tensors.
"""
import functools

from ember._tensor import Tensor
from ember.func._tree import flatten

__all__ = ['functionalize', 'debug_unwrap']

_REMOVE_HELP = ("     remove='mutations': all inplace and out= operators will be removed from the program, and replaced "
                "with their out-of-place equivalents.\n"
                "     remove='mutations_and_views': In addition to the above, all aliasing operators {view} will be "
                "replaced with their non-aliasing counterparts, {view}_copy.\n")


def functionalize(func, *, remove='mutations'):
    """``func`` as a program without mutations (and, with ``remove='mutations_and_views'``, without views).

    Called eagerly it computes what ``func`` computes: outputs equal, inputs that ``func`` modifies in place are
    modified the same way, and it composes with ``grad``/``vjp``/``vmap``. With ``'mutations_and_views'`` an
    output that would be a view of another tensor is a copy instead (an input returned as it is stays itself).

    Args:
        func (Callable): the function.
        remove (str): ``'mutations'`` (default) or ``'mutations_and_views'``.

    Returns:
        Callable: the functionalized function.

    Example::

        >>> from ember.func import functionalize
        >>> def f(a):
        ...     b = a.clone()
        ...     b.add_(1)
        ...     return b.view(-1)
        >>> x = ember.ones(2, 2)
        >>> functionalize(f)(x)
        tensor([2., 2., 2., 2.])
        >>> out = functionalize(lambda a: a[1:], remove='mutations_and_views')(x)
        >>> out._base is None
        True
    """
    if remove not in ('mutations', 'mutations_and_views'):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. "
                           f"Valid options are:\n{_REMOVE_HELP}")
    copy_views = remove == 'mutations_and_views'

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        out = func(*args, **kwargs)
        if not copy_views:
            return out
        inputs = {id(t) for t in flatten((args, kwargs))[0] if isinstance(t, Tensor)}
        leaves, rebuild = flatten(out)
        return rebuild([t.clone() if isinstance(t, Tensor) and t._base is not None and id(t) not in inputs else t
                        for t in leaves])
    return wrapped


def debug_unwrap(tensor, *, recurse=True):
    """The plain tensor inside a ``torch.func`` transform's wrapper, for debugging.

    ember's transforms (``grad``, ``vjp``, ``vmap``, ``functionalize``) hand functions ordinary tensors, so
    there is nothing to unwrap: the tensor itself is returned.

    Args:
        tensor (Tensor): the tensor.
        recurse (bool): unwrap every level of nested transforms (PyTorch's default) or just one.

    Returns:
        Tensor: ``tensor``.

    Example::

        >>> from ember.func import debug_unwrap
        >>> x = ember.ones(2)
        >>> debug_unwrap(x) is x
        True
    """
    return tensor
