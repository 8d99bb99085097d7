"""``__torch_function__`` for Tensor subclasses: an op called with one hands the call to its class.

Looking for subclass arguments in every call would slow every op, so ops stay bound bare until the
first subclass that takes part in the protocol is defined (or, for torchvision's tensor types, until
``tv_tensors.set_return_type`` asks for it). Then every exported op (``ember.*``, Tensor methods and
operators, ``F.*``, ``linalg``, ``fft``, ``special``) is rebound, once, to a wrapper that looks for
such arguments. As in PyTorch, a subclass without its own ``__torch_function__`` keeps its type
through ops (``Tensor.__torch_function__``); one that sets ``__torch_function__ =
_disabled_torch_function_impl`` (as ``Parameter`` does) gets plain tensors and no dispatch.
"""
import functools
import sys
import types

from ember.overrides import DisableTorchFunctionSubclass, _disabled, _modes_on, handle_torch_function
from ember.utils import _python_dispatch

_active = False


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """The ``__torch_function__`` of a subclass that takes no part in the protocol: the plain op."""
    return func(*args, **(kwargs or {}))


def default_torch_function(cls, func, types, args=(), kwargs=None):
    """``Tensor.__torch_function__``: run the op, then give tensor results the subclass ``cls``."""
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunctionSubclass():
        return _as_subclass(func(*args, **(kwargs or {})), cls)


def _as_subclass(result, cls):
    from ember._tensor import Tensor
    if isinstance(result, Tensor):
        return result if isinstance(result, cls) else result.as_subclass(cls)
    if type(result) in (tuple, list):
        return type(result)(_as_subclass(r, cls) for r in result)
    return result


_WANTS = {}   # type -> whether its instances make an op dispatch


def _wants(t):
    wants = _WANTS.get(t)
    if wants is None:
        impl = getattr(t, '__torch_function__', None)
        wants = impl is not None and getattr(impl, '__func__', impl) is not _disabled_torch_function_impl
        if wants:
            from ember._tensor import Tensor
            wants = t is not Tensor
        _WANTS[t] = wants
    return wants


def _relevant(args, kwargs):
    found = []
    for a in (args if not kwargs else (*args, *kwargs.values())):
        t = type(a)
        if t is tuple or t is list:
            found.extend(b for b in a if _wants(type(b)))
        elif _wants(t):
            found.append(a)
    return found


def _dispatching(fn, name=None, api=None):
    """The wrapper of ``fn``; ``api()``, if given, is the function a ``__torch_function__`` is handed (an operator
    hands over the Tensor method it stands for), the wrapper itself otherwise."""
    name = name or fn.__name__
    # how the function's arguments reach a tensor type's __torch_function__ where it hands them on in another
    # form than it was called with (einsum's operands given as one list are handed on one by one, as PyTorch's
    # are; a mode sees the call as made)
    handed = getattr(fn, '_torch_function_args', None)

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _modes_on():
            return handle_torch_function(op if api is None else api(), _relevant(args, kwargs), *args, **kwargs)
        if not _disabled():
            relevant = _relevant(args, kwargs)
            if relevant:
                if handed is not None:
                    args = handed(args)
                return handle_torch_function(op if api is None else api(), relevant, *args, **kwargs)
        if _python_dispatch._active:      # __torch_dispatch__ modes and subclasses (utils/_python_dispatch.py)
            result = _python_dispatch.dispatch(name, fn, args, kwargs)
            if result is not NotImplemented:
                return result
        return fn(*args, **kwargs)
    # (functools.wraps leaves keyword defaults out; code reads them to learn what an op takes: MONAI's meshgrid_ij
    # passes indexing= only when torch.meshgrid.__kwdefaults__ names it, else PyTorch's deprecation warning shows)
    if getattr(fn, '__kwdefaults__', None):
        op.__kwdefaults__ = dict(fn.__kwdefaults__)
    return op


# the Tensor operators that PyTorch routes through __torch_function__ too
_OPERATORS = ('__abs__', '__add__', '__and__', '__eq__', '__floordiv__', '__ge__', '__getitem__', '__gt__',
              '__iadd__', '__iand__', '__ifloordiv__', '__ilshift__', '__imod__', '__imul__', '__invert__',
              '__ior__', '__ipow__', '__irshift__', '__isub__', '__itruediv__', '__ixor__', '__le__',
              '__lshift__', '__lt__', '__matmul__', '__mod__', '__mul__', '__ne__', '__neg__', '__or__', '__pos__',
              '__pow__', '__radd__', '__rand__', '__rfloordiv__', '__rlshift__', '__rmatmul__', '__rmod__',
              '__rmul__', '__ror__', '__rpow__', '__rrshift__', '__rshift__', '__rsub__', '__rtruediv__',
              '__rxor__', '__setitem__', '__sub__', '__truediv__', '__xor__')


# the operators a __torch_function__ sees as the Tensor method they run, as in PyTorch: ``x + y`` hands over
# ``Tensor.add`` (so a mode may test ``func == torch.Tensor.add``), ``2 * x`` ``Tensor.mul`` with (x, 2), ``x -= y``
# ``Tensor.sub_``; the others are handed over as themselves (``Tensor.__floordiv__``, ``Tensor.__rsub__``, ...)
_OPERATOR_METHODS = {'__abs__': 'abs', '__neg__': 'neg', '__pos__': 'positive',
                     '__add__': 'add', '__radd__': 'add', '__sub__': 'sub', '__mul__': 'mul', '__rmul__': 'mul',
                     '__truediv__': 'div', '__mod__': 'remainder', '__matmul__': 'matmul',
                     '__iadd__': 'add_', '__isub__': 'sub_', '__imul__': 'mul_', '__itruediv__': 'div_',
                     '__ifloordiv__': 'floor_divide_', '__imod__': 'remainder_',
                     '__lt__': 'lt', '__le__': 'le', '__gt__': 'gt', '__ge__': 'ge', '__ne__': 'ne',
                     '__rand__': 'bitwise_and', '__ror__': 'bitwise_or', '__rxor__': 'bitwise_xor'}


def _method_of(name):
    from ember._tensor import Tensor
    return lambda: getattr(Tensor, name)      # the method's binding now (its own dispatching wrapper)


# Tensor methods defined on the class itself (not bound from an op family) that PyTorch routes through
# __torch_function__ and __torch_dispatch__ too: conversions, detaching, the new_* factories, random fills
_METHODS = ('to', 'cpu', 'cuda', 'float', 'double', 'half', 'bfloat16', 'long', 'int', 'short', 'char', 'byte',
            'bool', 'type_as', 'detach', 'detach_', 'new_zeros', 'new_ones', 'new_empty', 'new_full', 'new_tensor',
            # the in-place random fills (what nn.init calls; a sharded DTensor fills its own pieces)
            'uniform_', 'normal_', 'bernoulli_', 'random_', 'exponential_', 'geometric_', 'log_normal_', 'cauchy_')

_WRAPPERS = {}
# id(wrapper) -> the function it dispatches to; _WRAPPERS keeps every wrapper alive, so no other object
# can share its id
_BEHIND = {}


def unwrapped(fn):
    """``fn`` past its dispatching wrapper if it is one, ``fn`` itself otherwise: ``F.relu`` taken before and
    after dispatch was switched on (which rebinds it to a wrapper) is the same op. A user's own
    ``functools.wraps`` decorator is not looked through."""
    return _BEHIND.get(id(fn), fn)


def _wrapped(fn, where):
    # one wrapper per function and namespace kind: as in PyTorch, ``Tensor.add``, ``ember.add`` and
    # ``Tensor.__add__`` are different objects, which a __torch_function__ may tell apart
    key = (where, id(fn))
    w = _WRAPPERS.get(key)
    if w is None:
        method = _OPERATOR_METHODS.get(where)
        w = _WRAPPERS[key] = _dispatching(fn, where if where.startswith('__') else None,
                                          None if method is None else _method_of(method))
        _BEHIND[id(w)] = fn
    return w


def wrap_bound(entries):
    """Rebind registry bindings ``(namespace dict or class, name, function)`` to their wrappers (those
    still holding the bare function)."""
    from ember.ops._registry import name_after_binding
    for target, name, fn in entries:
        if isinstance(target, dict):
            if target.get(name) is fn:
                target[name] = w = _wrapped(fn, 'functions')
                _name_once(name_after_binding, w, target, name)
        elif target.__dict__.get(name) is fn:
            setattr(target, name, _wrapped(fn, 'methods'))
            _name_once(name_after_binding, target.__dict__[name], target, name)


# (wrapper, place, name) already named: dispatch is switched on at every fx trace (a compiled call split
# by graph breaks traces at each call), and naming each of the ~1000 wrappers again costs milliseconds
_NAMED_AT = set()


def _name_once(name_after_binding, w, target, name):
    key = (id(w), id(target), name)      # wrappers live in _WRAPPERS; places are modules and classes
    if key not in _NAMED_AT:
        name_after_binding(w, target, name)
        _NAMED_AT.add(key)


def wrap_python_functionals(space):
    from ember.ops._registry import name_after_binding
    # the functionals written in Python (F.softmax, F.cross_entropy, ...) dispatch too, as PyTorch's do
    for name, fn in list(space.items()):
        if (not name.startswith('_') and isinstance(fn, types.FunctionType)
                and fn.__module__.startswith('ember') and fn.__module__ != 'ember.overrides'
                and not hasattr(fn, '__wrapped__')):
            space[name] = w = _wrapped(fn, 'functions')
            name_after_binding(w, space, name)


def activate():
    """Rebind every exported op to its dispatching wrapper, once; namespaces bound later (loaded lazily)
    are wrapped as they bind (``_registry.bind``)."""
    global _active
    if _active:
        return
    _active = True
    composites = sys.modules.get('ember.autograd._profiler_composites')
    if composites is None:
        _wrap_everything()
    else:
        with composites.set_aside():    # a profile's ranges around matmul/linear/conv come off, then back on
            _wrap_everything()


# BOUND's entries with their wrappers, as [place, name, function, wrapper, named], split by place kind
# (namespace dicts, classes): dispatch goes on and off at every fx trace (a compiled call split by graph
# breaks traces at each call), so the ~1000 rebindings are looked up once, not at each switch
_SWITCH = {'done': 0, 'spaces': [], 'classes': []}


def bound_switches():
    """``(spaces, classes)``: every registry binding with its wrapper (see ``_SWITCH``)."""
    from ember.ops._registry import BOUND
    done = _SWITCH['done']
    for target, name, fn in BOUND[done:]:
        if isinstance(target, dict):
            _SWITCH['spaces'].append([target, name, fn, _wrapped(fn, 'functions'), False])
        else:
            _SWITCH['classes'].append([target, name, fn, _wrapped(fn, 'methods'), False])
    _SWITCH['done'] = len(BOUND)
    return _SWITCH['spaces'], _SWITCH['classes']


def _wrap_all_bound():
    """``wrap_bound(BOUND)``, from the looked-up switches."""
    from ember.ops._registry import name_after_binding
    spaces, classes = bound_switches()
    for entry in spaces:
        target, name, fn, w, named = entry
        if target.get(name) is fn:
            target[name] = w
            if not named:
                name_after_binding(w, target, name)
                entry[4] = True
    for entry in classes:
        target, name, fn, w, named = entry
        if target.__dict__.get(name) is fn:
            setattr(target, name, w)
            if not named:
                name_after_binding(w, target, name)
                entry[4] = True


def _wrap_everything():
    from ember._tensor import Tensor
    _wrap_all_bound()
    for name in _OPERATORS:
        fn = Tensor.__dict__.get(name)
        if fn is not None:
            setattr(Tensor, name, _wrapped(fn, name))
    from ember.ops._registry import name_after_binding
    for name in _METHODS:
        fn = Tensor.__dict__.get(name)
        if fn is not None and not hasattr(fn, '__wrapped__'):
            setattr(Tensor, name, _wrapped(fn, 'methods'))
            name_after_binding(Tensor.__dict__[name], Tensor, name)
    functional = sys.modules.get('ember.nn.functional')
    if functional is not None:          # else wrapped when it is first imported (see its bind)
        wrap_python_functionals(vars(functional))


def subclass_defined(cls):
    """Called for each new Tensor subclass: one that takes part in the protocol switches dispatch on."""
    if not _active and not getattr(cls, '_torch_function_on_demand', False) and _wants(cls):
        activate()
