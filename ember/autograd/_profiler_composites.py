"""PyTorch's composite ops in a profile: ``aten::matmul`` around the ``aten::mm`` it runs, ``aten::linear``
around ``aten::t`` and ``aten::addmm``, ``aten::conv2d`` around ``aten::convolution``.

ember computes these with one or two primitives, which the op observer times; the public functions are
not ops of their own. While a profile records, their public names (``ember.matmul``, ``Tensor.__matmul__``,
``F.linear``, ``F.conv2d``, ...) are rebound to versions that open an event around the call, and given
back when the last profile stops: calls cost nothing more when no profile runs. Code that rebinds those
names itself (``__torch_function__`` dispatch switched on inside a profile) does so inside ``set_aside()``.
"""
import contextlib
import functools
import sys

# (where the name lives, name, event): PyTorch's records of the composite ops ember computes as primitives
_COMPOSITES = (
    [('ember', 'matmul', 'aten::matmul')]
    + [('Tensor', name, 'aten::matmul') for name in ('matmul', '__matmul__', '__rmatmul__')]
    + [('ember.nn.functional', 'linear', 'aten::linear')]
    + [(space, f'conv{n}d', f'aten::conv{n}d') for n in (1, 2, 3) for space in ('ember', 'ember.nn.functional')]
)

_installed = []     # (owner, name, original, ranged)
_callbacks = []     # the (open_event, close_event) of the installed versions


def _owner(where):
    if where == 'Tensor':
        from ember._tensor import Tensor
        return Tensor
    return sys.modules.get(where)


def _ranged(fn, event, open_event, close_event):
    @functools.wraps(fn)
    def ranged(*args, **kwargs):
        ev = open_event(event, args)
        result = None
        try:
            result = fn(*args, **kwargs)
            return result
        finally:
            close_event(ev, result, args)
    return ranged


def install(open_event, close_event):
    """Rebind the composite ops' public names to ranged versions (``open_event(name, args)`` gives the event
    that ``close_event(event, result, args)`` ends)."""
    from ember import _torch_function
    for where, name, event in _COMPOSITES:
        owner = _owner(where)
        if owner is None:
            continue
        original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if original is None:
            continue
        ranged = _ranged(original, event, open_event, close_event)
        _torch_function._BEHIND[id(ranged)] = _torch_function.unwrapped(original)   # the same op by identity
        setattr(owner, name, ranged)
        _installed.append((owner, name, original, ranged))
    _callbacks[:] = [(open_event, close_event)]


def uninstall():
    """Give the names back their functions (those still holding the ranged version)."""
    from ember import _torch_function
    while _installed:
        owner, name, original, ranged = _installed.pop()
        current = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if current is ranged:
            setattr(owner, name, original)
        _torch_function._BEHIND.pop(id(ranged), None)


@contextlib.contextmanager
def set_aside():
    """Around code that rebinds the public names: the ranged versions come off first and go back on over the
    new bindings after."""
    if not _installed:
        yield
        return
    callbacks = _callbacks[0]
    uninstall()
    try:
        yield
    finally:
        install(*callbacks)
