"""Calls of fx nodes in a normal form: ``normalize_function``/``normalize_module`` bind a call's
arguments to the callee's signature (defaults filled in), so passes can read an argument by name
whichever way the program passed it; and the type helpers passes match argument types with.

ember's ops are Python functions, so their signatures are the functions' own (PyTorch reads its
C++ ops' schemas instead); builtins with no Python signature (``operator.add``) are not normalized.
"""
import inspect
import typing
import warnings
from typing import NamedTuple

__all__ = ['ArgsKwargsPair', 'check_for_mutable_operation', 'create_type_hint', 'get_signature_for_torch_op',
           'normalize_function', 'normalize_module', 'type_matches']


class ArgsKwargsPair(NamedTuple):
    """The positional and keyword arguments of a normalized call."""
    args: tuple
    kwargs: dict


_BINDABLE = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _signature(fn):
    try:
        return inspect.signature(inspect.unwrap(fn))
    except (TypeError, ValueError):     # a builtin without a Python signature
        return None


def get_signature_for_torch_op(op, return_schemas=False):
    """The signatures ``op`` can be called with, as a list (one: ember's ops are Python functions),
    or None when it has none; with ``return_schemas``, ``(signatures, schemas)``, the schemas None
    (ember's ops have no C++ schema)."""
    sig = _signature(op) if callable(op) else None
    sigs = [sig] if sig is not None else None
    return (sigs, None) if return_schemas else sigs


def check_for_mutable_operation(target, args, kwargs):
    """Refuse tracing an in-place op (its name ends in ``_``, as ``add_``): the graph would lose the
    write. Raises RuntimeError."""
    name = getattr(target, '__name__', '')
    if name.endswith('_') and not name.endswith('__'):
        raise RuntimeError(f'Tried to trace mutable operation {name}. FX only supports functional code, so '
                           'operations that mutate operands in-place (e.g. via `out` arguments) are not supported')


def create_type_hint(x):
    """The type hint of a list or tuple of types (``[int, int]`` -> ``list[int]``; mixed types give
    their common base); anything else comes back unchanged, with a warning when it cannot be read."""
    try:
        if isinstance(x, (list, tuple)):
            if isinstance(x, list):
                def ret_type(t):
                    return list[t]
            else:
                def ret_type(t):
                    return tuple[t, ...]
            if len(x) == 0:
                return ret_type(typing.Any)
            base = x[0]
            for t in x:
                if issubclass(t, base):
                    continue
                if issubclass(base, t):
                    base = t
                else:
                    return ret_type(typing.Any)
            return ret_type(base)
    except Exception:
        warnings.warn(f'We were not able to successfully create type hint from the type {x}')
    return x


def type_matches(signature_type, argument_type):
    """Whether an argument of ``argument_type`` fits a parameter declared ``signature_type``: the same
    type or a subclass, one member of a Union, ``list[T]`` for a list or a homogeneous tuple of T (or
    an int for ``list[int]``), an int parameter for a bool or a dtype, ``numbers.Number`` for int
    and float."""
    import numbers
    import ember
    if signature_type is argument_type:
        return True
    if typing.get_origin(signature_type) is typing.Union:
        return any(type_matches(member, argument_type) for member in typing.get_args(signature_type))
    if typing.get_origin(signature_type) is list:
        elem = typing.get_args(signature_type)[0]
        if elem is int and argument_type is int:
            return True
        if not inspect.isclass(elem):
            warnings.warn(f"Does not support nested parametric types, got {signature_type}. Please file a bug.")
            return False
        if typing.get_origin(argument_type) is list:
            return issubclass(typing.get_args(argument_type)[0], elem)
        if typing.get_origin(argument_type) is not tuple:
            return False
        members = typing.get_args(argument_type)
        return members == ((),) or all(m is Ellipsis or issubclass(m, elem) for m in members)
    if signature_type is int and argument_type is ember.dtype:
        return True
    if signature_type is numbers.Number and argument_type in (int, float):
        return True
    return inspect.isclass(argument_type) and inspect.isclass(signature_type) and \
        issubclass(argument_type, signature_type)


def _bind(sig, args, kwargs, only_kwargs):
    if any(p.kind not in _BINDABLE for p in sig.parameters.values()):
        return None     # *args, **kwargs or positional-only parameters: no normal form
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    new_args, new_kwargs = [], {}
    for i, name in enumerate(sig.parameters):
        if name == 'out' and bound.arguments[name] is None and i >= len(args):
            continue    # PyTorch's op schemas have no out= (it is a separate overload there)
        if not only_kwargs and i < len(args):
            new_args.append(bound.arguments[name])
        else:
            new_kwargs[name] = bound.arguments[name]
    return ArgsKwargsPair(tuple(new_args), new_kwargs)


def normalize_function(target, args, kwargs=None, arg_types=None, kwarg_types=None,
                       normalize_to_only_use_kwargs=False):
    """``target(*args, **kwargs)`` bound to ``target``'s signature, defaults included: the arguments
    given positionally stay positional (all become keywords with ``normalize_to_only_use_kwargs``).
    None when the target has no signature to bind to (a builtin) or takes ``*args``/``**kwargs``.
    ``arg_types``/``kwarg_types`` choose between overloads where a function has several; ember's
    have one each, so they are not needed.

    Example::

        >>> from ember.fx.operator_schemas import normalize_function
        >>> def f(a, b=2, *, c=3):
        ...     return a
        >>> normalize_function(f, (1,), {'c': 4})
        ArgsKwargsPair(args=(1,), kwargs={'b': 2, 'c': 4})
    """
    sig = _signature(target)
    if sig is None:
        return None
    return _bind(sig, tuple(args), dict(kwargs or {}), normalize_to_only_use_kwargs)


def normalize_module(root, target, args, kwargs=None, normalize_to_only_use_kwargs=False):
    """The call of ``root``'s submodule ``target`` bound to its ``forward``'s signature, for the
    layers of ``ember.nn`` (None for other modules).

    Raises:
        RuntimeError: if ``root`` has no submodule ``target``.
    """
    import ember
    try:
        submod = root.get_submodule(target)
    except AttributeError as e:
        raise RuntimeError(f'Tried to normalize node with target {target} but root did not have that target!') from e
    cls = type(submod)
    if getattr(ember.nn, cls.__name__, None) is not cls:
        return None
    sig = _signature(submod.forward)
    return None if sig is None else _bind(sig, tuple(args), dict(kwargs or {}), normalize_to_only_use_kwargs)
