"""ember.overrides: the helpers of PyTorch's ``__torch_function__`` protocol (``torch.overrides``).

ember's ops dispatch on ``__torch_function__`` of Tensor subclasses as PyTorch's do, switched on by
the first such subclass (until then no call pays for looking; see ``ember/_torch_function.py``).
The helpers here let library code implement the protocol for its own functions the way PyTorch's
Python functions do::

    def my_op(x):
        if has_torch_function((x,)):
            return handle_torch_function(my_op, (x,), x)
        ...

>>> from ember.overrides import is_tensor_like, has_torch_function
>>> is_tensor_like(ember.ones(1)), has_torch_function((ember.ones(1),))
(True, False)
"""
import functools
import threading

__all__ = ['get_ignored_functions', 'get_overridable_functions', 'get_testing_overrides', 'handle_torch_function',
           'has_torch_function', 'has_torch_function_unary', 'has_torch_function_variadic', 'is_tensor_like',
           'is_tensor_method_or_property', 'wrap_torch_function', 'DisableTorchFunction',
           'DisableTorchFunctionSubclass']

_state = threading.local()


def _disabled():
    return getattr(_state, 'disabled', 0)


def _overloaded(relevant_args):
    """The arguments whose types define ``__torch_function__``, subclasses before their bases."""
    from ember._torch_function import _wants     # plain tensors and Parameters take no part
    found, types = [], []
    for arg in relevant_args:
        t = type(arg)
        if t in types or not _wants(t):
            continue
        index = len(found)
        for i, other in enumerate(types):
            if issubclass(t, other):
                index = i
                break
        found.insert(index, arg)
        types.insert(index, t)
    return found


def has_torch_function(relevant_args):
    """Whether any argument's type defines ``__torch_function__`` (and the protocol is enabled)."""
    return not _disabled() and bool(_overloaded(relevant_args))


def has_torch_function_unary(obj):
    return has_torch_function((obj,))


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Calls the ``__torch_function__`` of the overloaded arguments in turn until one returns
    something other than ``NotImplemented``.

    Raises:
        TypeError: if every implementation returned ``NotImplemented``.
    """
    overloaded = _overloaded(relevant_args)
    types = tuple(type(a) for a in overloaded)
    for arg in overloaded:
        result = type(arg).__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    name = getattr(public_api, '__module__', '') + '.' + getattr(public_api, '__name__', str(public_api))
    raise TypeError(f"no implementation found for '{name}' on types that implement __torch_function__: "
                    f"{[type(a) for a in overloaded]}")


def is_tensor_like(inp):
    """True for tensors and for objects whose type defines ``__torch_function__``."""
    from ember import Tensor
    return type(inp) is Tensor or hasattr(type(inp), '__torch_function__')


def is_tensor_method_or_property(func):
    """Whether ``func`` is a method or property of ``ember.Tensor``."""
    from ember import Tensor
    name = getattr(func, '__name__', None)
    return name is not None and getattr(Tensor, name, None) is func or \
        any(v is func for v in vars(Tensor).values())


def wrap_torch_function(dispatcher):
    """Decorates a function so that it honours ``__torch_function__`` of the arguments
    ``dispatcher(*args, **kwargs)`` names."""
    def decorate(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            relevant = dispatcher(*args, **kwargs)
            if has_torch_function(relevant):
                return handle_torch_function(wrapped, relevant, *args, **kwargs)
            return func(*args, **kwargs)
        return wrapped
    return decorate


def get_ignored_functions():
    """The public functions that take tensors but cannot be overridden (creation functions and
    settings)."""
    import ember
    names = ('tensor', 'as_tensor', 'from_numpy', 'zeros', 'ones', 'empty', 'full', 'arange', 'linspace', 'logspace',
             'eye', 'rand', 'randn', 'randint', 'randperm', 'manual_seed', 'set_default_dtype', 'get_default_dtype',
             'is_tensor', 'is_storage', 'set_printoptions', 'typename', 'promote_types', 'can_cast', 'result_type')
    return {getattr(ember, n) for n in names if hasattr(ember, n)}


def get_overridable_functions():
    """``{namespace: [functions]}`` for ``ember``, ``ember.Tensor``, ``ember.nn.functional``,
    ``ember.linalg``, ``ember.fft`` and ``ember.special``."""
    import ember
    import ember.nn.functional as F
    ignored = get_ignored_functions()
    result = {}
    for ns in (ember, ember.Tensor, F, ember.linalg, ember.fft, ember.special):
        funcs = []
        for name in dir(ns):
            if name.startswith('_'):
                continue
            f = getattr(ns, name, None)
            if callable(f) and not isinstance(f, type) and f not in ignored and not hasattr(f, '__path__'):
                funcs.append(f)
        result[ns] = funcs
    return result


def get_testing_overrides():
    """``{function: dummy}``: for each overridable function, a lambda with a compatible signature
    returning -1 (for testing ``__torch_function__`` implementations)."""
    return {f: (lambda *args, **kwargs: -1) for fs in get_overridable_functions().values() for f in fs}


class DisableTorchFunctionSubclass:
    """Within this context ``has_torch_function`` is False: code runs the plain implementation even
    for tensor-likes defining ``__torch_function__``.

    Example::

        >>> with ember.overrides.DisableTorchFunctionSubclass():
        ...     pass
    """

    def __enter__(self):
        _state.disabled = _disabled() + 1
        return self

    def __exit__(self, *exc):
        _state.disabled = _disabled() - 1
        return False


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """Like :class:`DisableTorchFunctionSubclass` (ember has no torch-function modes to disable too)."""


DisableTorchFunction.__module__ = DisableTorchFunctionSubclass.__module__ = 'ember'
