"""Calling a module with other parameter and buffer values, without changing the module.

``functional_call(model, {'weight': w}, (x,))`` runs ``model(x)`` with ``w`` in place of
``model.weight`` for the duration of the call (gradients flow to ``w``), then puts the module's
own tensors back, even if the call raises.
"""
import contextlib
import warnings

from ember._tensor import Tensor

__all__ = ['functional_call']


def _tied_names(module):
    """``{name: [every name of the same tensor]}`` for tensors registered under several names."""
    by_id = {}
    for name, t in module.named_parameters(remove_duplicate=False):
        by_id.setdefault(id(t), []).append(name)
    for name, t in module.named_buffers(remove_duplicate=False):
        by_id.setdefault(id(t), []).append(name)
    return {n: names for names in by_id.values() if len(names) > 1 for n in names}


def _untie(module, parameters_and_buffers):
    tied = _tied_names(module)
    out = dict(parameters_and_buffers)
    for name, value in parameters_and_buffers.items():
        for other in tied.get(name, ()):
            given = parameters_and_buffers.get(other)
            if given is not None and given is not value:
                keys = sorted(n for n in tied[name] if n in parameters_and_buffers)
                raise ValueError(f'functional_call got multiple values for keys {keys}, which are tied. Consider '
                                 'using tie_weights=False')
            out.setdefault(other, value)
    return out


def _owner(module, name):
    *path, attr = name.split('.')
    for part in path:
        module = getattr(module, part)
    return module, attr


def _swap(module, name, value):
    """Put ``value`` at ``name``; returns what was there (a restore token)."""
    owner, attr = _owner(module, name)
    for store in (owner._parameters, owner._buffers):
        if attr in store:
            old = store[attr]
            store[attr] = value
            return owner, attr, store, old
    old = getattr(owner, attr, None)
    object.__setattr__(owner, attr, value)
    return owner, attr, None, old


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    if tie_weights:
        parameters_and_buffers = _untie(module, parameters_and_buffers)
    if strict:
        expected = {n for n, _ in module.named_parameters(remove_duplicate=False)} | \
            {n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing = sorted(expected - set(parameters_and_buffers))
        unexpected = sorted(set(parameters_and_buffers) - expected)
        errors = []
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError('Error(s) in reparametrizing for {}:\n\t{}'.format(module._get_name(),
                                                                                 '\n\t'.join(errors)))
    restore = []
    try:
        for name, value in parameters_and_buffers.items():
            restore.append(_swap(module, name, value))
        yield
    finally:
        for owner, attr, store, old in reversed(restore):
            if store is not None:
                store[attr] = old
            else:
                object.__setattr__(owner, attr, old)


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    if isinstance(parameters_and_buffers, (list, tuple)):
        merged = {}
        for d in parameters_and_buffers:
            repeated = sorted(set(merged) & set(d))
            if repeated:
                raise ValueError(f'{repeated} appeared in multiple dictionaries; behavior of functional call is '
                                 'ambiguous')
            merged.update(d)
        parameters_and_buffers = merged
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    for name, value in parameters_and_buffers.items():
        if not isinstance(value, Tensor):
            raise TypeError(f'{value} is not an instance of ember.Tensor')
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with ``parameters_and_buffers`` (name -> tensor) standing in for the
    module's own tensors during the call.

    ``tie_weights``: a value given for one name of a tensor registered under several names is
    used for all of them. ``strict``: every parameter and buffer must be given, and nothing else.

    Example::

        >>> model = nn.Linear(2, 1, bias=False)
        >>> nn.utils.stateless.functional_call(model, {'weight': ember.tensor([[1., -1.]])}, (ember.tensor([[5., 3.]]),))
        tensor([[2.]])
    """
    warnings.warn('`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a '
                  'future version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in '
                  'replacement.', FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
