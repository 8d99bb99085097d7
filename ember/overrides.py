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

from ember._mode_stack import Mode, ModeStack

__all__ = ['get_ignored_functions', 'get_overridable_functions', 'get_testing_overrides', 'handle_torch_function',
           'has_torch_function', 'has_torch_function_unary', 'has_torch_function_variadic', 'is_tensor_like',
           'is_tensor_method_or_property', 'wrap_torch_function', 'DisableTorchFunction',
           'DisableTorchFunctionSubclass', 'TorchFunctionMode', 'BaseTorchFunctionMode']

_state = threading.local()


def _disabled():
    return getattr(_state, 'disabled', 0)


_entered = [0]       # how many times a TorchFunctionMode was entered (ember.compile's capture watches it)


def _switch_dispatch_on():
    from ember._torch_function import activate
    _entered[0] += 1
    activate()          # every op passes through the dispatching wrappers from now on


_modes = ModeStack(on_push=_switch_dispatch_on)


def _modes_on():
    """Whether a TorchFunctionMode takes calls now (one is entered and DisableTorchFunction is not on)."""
    return _modes.any() and not getattr(_state, 'modes_disabled', 0)


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
    """Whether a TorchFunctionMode is on or any argument's type defines ``__torch_function__`` (and the
    protocol is enabled)."""
    return _modes_on() or (not _disabled() and bool(_overloaded(relevant_args)))


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
    overloaded = _overloaded(relevant_args) if not _disabled() else []
    types = tuple(type(a) for a in overloaded)
    if _modes_on():
        with _pop_mode_temporarily() as mode:
            result = mode.__torch_function__(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
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

        >>> with ember.DisableTorchFunctionSubclass():
        ...     pass
    """

    def __enter__(self):
        _state.disabled = _disabled() + 1
        return self

    def __exit__(self, *exc):
        _state.disabled = _disabled() - 1
        return False


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """Within this context no ``__torch_function__`` override runs: neither tensor subclasses' (as with
    :class:`DisableTorchFunctionSubclass`) nor entered :class:`TorchFunctionMode` s, which see no calls.

    Example::

        >>> class Log(ember.overrides.TorchFunctionMode):
        ...     def __torch_function__(self, func, types, args=(), kwargs=None):
        ...         print('saw', func.__name__)
        ...         return func(*args, **(kwargs or {}))
        >>> with Log():
        ...     x = ember.ones(2)
        ...     with ember.DisableTorchFunction():
        ...         y = x.exp()
        ...     z = x.neg()
        saw ones
        saw neg
    """

    def __enter__(self):
        _state.modes_disabled = getattr(_state, 'modes_disabled', 0) + 1
        return super().__enter__()

    def __exit__(self, *exc):
        _state.modes_disabled = getattr(_state, 'modes_disabled', 0) - 1
        return super().__exit__(*exc)


DisableTorchFunction.__module__ = DisableTorchFunctionSubclass.__module__ = 'ember'


# ---------------------------------------------------------------------------------------- modes
class TorchFunctionMode(Mode):
    """A context manager through which every ember function call passes while it is entered: ember's
    functions, Tensor methods and operators, ``F.*``, ``linalg``/``fft``/``special`` call
    ``mode.__torch_function__(func, types, args, kwargs)`` instead of running (the mode is popped while its
    ``__torch_function__`` runs, so calls made there reach the next mode, or the op itself).

    Example::

        >>> class Log(ember.overrides.TorchFunctionMode):
        ...     def __torch_function__(self, func, types, args=(), kwargs=None):
        ...         print(func.__name__)
        ...         return func(*args, **(kwargs or {}))
        >>> with Log():
        ...     _ = ember.ones(2).exp()
        ones
        exp
    """

    inner = None
    _stack = _modes

    def __init__(self, inner=None):
        if inner is not None:
            raise ValueError("TorchFunctionMode's inner argument was removed in PyTorch; nest modes with 'with'")

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError


class BaseTorchFunctionMode(TorchFunctionMode):
    """A TorchFunctionMode that runs every call as it is (a base for modes that handle only some)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _push_mode(mode):
    _modes.push(mode)


def _pop_mode():
    return _modes.pop()


def _pop_mode_temporarily():
    return _modes.pop_temporarily()


def _get_current_function_mode():
    return _modes.current()


def _get_current_function_mode_stack():
    return list(_modes.modes())


def _is_torch_function_mode_enabled():
    return _modes_on()
