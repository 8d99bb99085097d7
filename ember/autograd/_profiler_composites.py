"""PyTorch's composite ops in a profile: ``aten::matmul`` around the ``aten::mm`` it runs, ``aten::linear``
around ``aten::t`` and ``aten::addmm``, ``aten::conv2d`` around ``aten::convolution``, ``aten::layer_norm``,
``aten::dropout``, ``aten::batch_norm``, ``aten::max_pool2d`` and ``aten::nll_loss_nd`` around theirs, and the
factories' (``aten::zeros``, ``aten::randn``, ...), which no primitive records.

ember computes these with one or two primitives, which the op observer times; the public functions are
not ops of their own. While a profile records, their public names (``ember.matmul``, ``Tensor.__matmul__``,
``F.linear``, ``F.conv2d``, ...) are rebound to versions that open an event around the call, and given
back when the last profile stops: calls cost nothing more when no profile runs. Code that rebinds those
names itself (``__torch_function__`` dispatch switched on inside a profile) does so inside ``set_aside()``.
"""
import contextlib
import functools
import sys



def _without_indices(args, kwargs):
    # F.max_poolNd(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices): PyTorch's
    # aten::max_poolNd is the call without indices (with them it is aten::max_poolNd_with_indices alone)
    return not (kwargs.get('return_indices') or len(args) > 6 and args[6])


# (where the name lives, name, events, when): PyTorch's records of the composite ops ember computes as
# primitives, each event nested in the one before (``when(args, kwargs)``, if given, says whether a call is one)
_COMPOSITES = (
    [('ember', 'matmul', ('aten::matmul',), None)]
    + [('Tensor', name, ('aten::matmul',), None) for name in ('matmul', '__matmul__', '__rmatmul__')]
    + [('ember.nn.functional', 'linear', ('aten::linear',), None)]
    + [(space, f'conv{n}d', (f'aten::conv{n}d',), None) for n in (1, 2, 3) for space in ('ember', 'ember.nn.functional')]
    + [(space, 'layer_norm', ('aten::layer_norm',), None) for space in ('ember', 'ember.nn.functional')]
    + [(space, 'dropout', ('aten::dropout',), None) for space in ('ember', 'ember.nn.functional')]
    + [(space, 'batch_norm', ('aten::batch_norm', 'aten::_batch_norm_impl_index'), None)
       for space in ('ember', 'ember.nn.functional')]
    + [('ember.nn.functional', f'max_pool{n}d', (f'aten::max_pool{n}d',), _without_indices) for n in (1, 2, 3)]
    + [('ember.nn.functional', 'nll_loss', ('aten::nll_loss_nd',), None)]
    + [('ember.nn.functional', f'adaptive_avg_pool{n}d', (f'aten::adaptive_avg_pool{n}d',), None) for n in (1, 2, 3)]
    + [('ember.nn.functional', 'avg_pool1d', ('aten::avg_pool1d',), None)]
    + [('ember', 'norm_except_dim', ('aten::norm_except_dim',), None)]
    + [('ember.fft', name, ('aten::fft_' + name,), None) for name in (
        'fft', 'ifft', 'rfft', 'irfft', 'fft2', 'ifft2', 'rfft2', 'irfft2', 'fftn', 'ifftn', 'rfftn', 'irfftn', 'hfft',
        'ihfft')]
    # the random fills (what nn.init runs), which write their arrays directly
    + [('Tensor', name, ('aten::' + name,), None) for name in (
        'uniform_', 'normal_', 'bernoulli_', 'random_', 'exponential_', 'geometric_', 'log_normal_', 'cauchy_')]
    # the factories: ember fills their arrays directly (PyTorch's aten::empty and aten::fill_/normal_ inside
    # them are not shown)
    + [('ember', name, ('aten::' + name,), None) for name in (
        'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'randperm', 'arange', 'linspace', 'eye',
        'zeros_like', 'ones_like', 'empty_like', 'full_like', 'rand_like', 'randn_like')]
)

_installed = []     # (owner, name, original, ranged)
_callbacks = []     # the (open_event, close_event) of the installed versions


def _owner(where):
    if where == 'Tensor':
        from ember._tensor import Tensor
        return Tensor
    return sys.modules.get(where)


def _ranged(fn, events, when, open_event, close_event):
    @functools.wraps(fn)
    def ranged(*args, **kwargs):
        if when is not None and not when(args, kwargs):
            return fn(*args, **kwargs)
        opened = [open_event(event, args) for event in events]
        result = None
        try:
            result = fn(*args, **kwargs)
            return result
        finally:
            for ev in reversed(opened):
                close_event(ev, result, args)
    return ranged


def install(open_event, close_event):
    """Rebind the composite ops' public names to ranged versions (``open_event(name, args)`` gives the event
    that ``close_event(event, result, args)`` ends)."""
    from ember import _torch_function
    for where, name, events, when in _COMPOSITES:
        owner = _owner(where)
        if owner is None:
            continue
        original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
        if original is None:
            continue
        ranged = _ranged(original, events, when, open_event, close_event)
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
