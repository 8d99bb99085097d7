"""One registration per op: the decorator that says where an op function is exported.

An op is defined once, in its family file under ``ember/ops``, and says in one line where users
find it::

    @op('ember', 'Tensor', inplace=('Tensor', 'ember'), aliases=('arcsin',))
    def asin(input):
        return Asin.apply(input)

binds ``ember.asin``, ``ember.arcsin``, the method ``Tensor.asin`` (the function itself: its first
argument is the tensor), ``Tensor.arcsin``, and the in-place ``Tensor.asin_``/``ember.asin_`` (and
``arcsin_``), made by ``ember.ops.inplace``.

Targets are the namespaces PyTorch has: ``'ember'`` (``torch.*``), ``'Tensor'`` (methods), ``'F'``
(``torch.nn.functional``), ``'linalg'``, ``'fft'``, ``'special'``. A target may give the op another
name there (``'special.expit'`` binds ``ember.special.expit``); ``aliases`` apply in every target.

Binding happens once, at import: each namespace calls :func:`bind` after its op modules are
imported, so a call costs nothing extra (the exported object *is* the function). The coverage tests
read :data:`REGISTRY` to know every exported op.
"""
import sys
import types
from typing import Callable, TypeVar

_Fn = TypeVar('_Fn', bound=Callable)

NAMESPACES = ('ember', 'Tensor', 'F', 'linalg', 'fft', 'special')


class OpEntry:
    """Where one op function is exported: ``exports`` maps a namespace to the names it is bound under."""
    __slots__ = ('fn', 'name', 'exports', 'inplace', 'inplace_exports', 'ufunc')

    def __init__(self, fn, name, exports, inplace, inplace_exports, ufunc):
        self.fn, self.name, self.exports = fn, name, exports
        self.inplace, self.inplace_exports, self.ufunc = inplace, inplace_exports, ufunc

    def __repr__(self):
        return f'OpEntry({self.name!r}, exports={self.exports!r})'


REGISTRY = []


def _parse(targets, name, aliases):
    exports = {}
    for target in targets:
        namespace, _, rename = target.partition('.')
        if namespace not in NAMESPACES:
            raise ValueError(f"unknown op namespace {namespace!r}; expected one of {NAMESPACES}")
        names = exports.setdefault(namespace, [])
        for n in ((rename,) if rename else (name, *aliases)):
            if n not in names:
                names.append(n)
    return exports


def op(*targets, name=None, aliases=(), inplace=(), ufunc=None, guard=False) -> Callable[[_Fn], _Fn]:
    """Register the decorated function as an op exported into ``targets`` (see the module docstring).

    ``inplace`` lists the namespaces that get the in-place variant ``<name>_`` (``True`` means the
    Tensor method only); ``ufunc`` names the NumPy ufunc that writes a binary in-place result
    directly when no graph is recorded. ``guard`` wraps the op so that a call failing on arguments
    PyTorch's parser refuses (a list for a tensor, a missing argument) raises PyTorch's error
    (:func:`ember.ops._argparse.guarded`): one Python call more per call, for ops whose own work
    dwarfs it (every op found only in ``linalg``, ``fft`` and ``special`` is guarded); the hottest
    ops test inside their own code instead.
    """
    if inplace is True:
        inplace = ('Tensor',)

    # ops found only in linalg/fft/special do work that dwarfs the guard's one call: all guarded
    guard = guard or not any(t.partition('.')[0] in ('ember', 'Tensor', 'F') for t in targets)

    def register(fn: _Fn) -> _Fn:     # the function itself: its signature stays visible to type checkers
        if guard:
            from ember.ops._argparse import guarded
            fn = guarded(fn)
        op_name = name or fn.__name__
        exports = _parse(targets, op_name, aliases)
        inplace_exports = {ns: [n + '_' for n in (op_name, *aliases)] for ns in inplace}
        REGISTRY.append(OpEntry(fn, op_name, exports, bool(inplace), inplace_exports, ufunc))
        return fn
    return register


def inplace_variant(entry):
    """The in-place method ``<name>_`` for ``entry``, made once and shared by its namespaces."""
    fn = _INPLACE_CACHE.get(entry.name)
    if fn is None:
        from ember.ops import inplace
        if entry.ufunc is not None:
            import numpy as np
            fn = inplace._binary_inplace(entry.name + '_', entry.fn, getattr(np, entry.ufunc))
        else:
            fn = inplace._unary_inplace(entry.name + '_', entry.fn)
        fn.__doc__ = _inplace_doc(entry)
        _INPLACE_CACHE[entry.name] = fn
    return fn


_INPLACE_CACHE = {}

_VARARGS, _VARKEYWORDS = 0x04, 0x08      # code flags: the function takes *args, **kwargs


def _call_form(fn):
    """``fn``'s parameters after the first, ``out`` left out, written as ``inspect.Signature`` writes
    them: read off the code object of a plain function (unwrapped as inspect unwraps it), since the
    in-place variants are made at import and inspect takes ~20 us a function; inspect for the rest."""
    plain = fn
    while hasattr(plain, '__wrapped__') and not hasattr(plain, '__signature__'):
        plain = plain.__wrapped__
    if type(plain) is not types.FunctionType or plain.__annotations__ or hasattr(plain, '__signature__'):
        return _call_form_by_inspect(fn)
    code = plain.__code__
    names, npos, nkw = code.co_varnames, code.co_argcount, code.co_kwonlyargcount
    defaults, kwdefaults = plain.__defaults__ or (), plain.__kwdefaults__ or {}
    first_default = npos - len(defaults)
    params = []                       # (text, kind): 0 positional-only, 1 either, 2 *args, 3 keyword-only, 4 **kw
    for i in range(npos):
        text = names[i] if i < first_default else f'{names[i]}={defaults[i - first_default]!r}'
        params.append((names[i], text, 0 if i < code.co_posonlyargcount else 1))
    at = npos + nkw
    if code.co_flags & _VARARGS:
        params.append((names[at], '*' + names[at], 2))
        at += 1
    for name in names[npos:npos + nkw]:
        params.append((name, f'{name}={kwdefaults[name]!r}' if name in kwdefaults else name, 3))
    if code.co_flags & _VARKEYWORDS:
        params.append((names[at], '**' + names[at], 4))
    parts, slash_due, star_due = [], False, True
    for name, text, kind in params[1:]:
        if name == 'out':
            continue
        if kind == 0:
            slash_due = True
        elif slash_due:
            parts.append('/')
            slash_due = False
        if kind == 2:
            star_due = False
        elif kind == 3 and star_due:
            parts.append('*')
            star_due = False
        parts.append(text)
    if slash_due:
        parts.append('/')
    return f"({', '.join(parts)})"


def _call_form_by_inspect(fn):
    import inspect
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
        return str(inspect.Signature([p for p in params if p.name != 'out']))
    except (TypeError, ValueError):
        return '(...)'


def _inplace_doc(entry):
    """PyTorch's docstring for an in-place method: its call form, and a pointer to the op."""
    call = _call_form(entry.fn)
    from ember.ops._inplace_examples import EXAMPLES
    return (f"\n``{entry.name}_{call} -> Tensor``\n\nIn-place version of :meth:`~Tensor.{entry.name}`.\n"
            + EXAMPLES.get(entry.name, ''))


def bind(namespace, target):
    """Bind every registered op exported into ``namespace`` onto ``target`` (a dict or a class)."""
    first = len(BOUND)
    try:
        _bind(namespace, target)
    finally:
        from ember import _torch_function
        if _torch_function._active:     # bound after a Tensor subclass switched dispatch on: wrap now
            _torch_function.wrap_bound(BOUND[first:])


def _bind(namespace, target):
    put = target.__setitem__ if isinstance(target, dict) else (lambda k, v: setattr(target, k, v))
    for entry in REGISTRY:
        for n in entry.exports.get(namespace, ()):
            fn = named(entry.fn, n)
            put(n, fn)
            BOUND.append((target, n, fn))
            name_after_binding(fn, target, n)
        names = entry.inplace_exports.get(namespace)
        if names:
            variant = inplace_variant(entry)
            for n in names:
                fn = named(variant, n)
                put(n, fn)
                BOUND.append((target, n, fn))
                name_after_binding(fn, target, n)


# (id(function), name) -> the function's copy that carries that name; copy -> function
_NAMED = {}
ORIGINAL_OF = {}


def named(fn, name):
    """``fn`` itself when its ``__name__`` is ``name``, else a copy of it named ``name``: PyTorch's
    aliases are functions of their own (``torch.arctan.__name__`` is ``'arctan'``, and fx writes a node
    of ``torch.arctan`` as ``arctan = torch.arctan(x)``), so each exported name gets a function that
    carries it. The copy shares the code, defaults, closure and attributes: calls cost the same."""
    if getattr(fn, '__name__', name) == name or not isinstance(fn, types.FunctionType) or \
            getattr(fn, 'same_function_for_every_name', False):
        return fn
    key = (id(fn), name)
    copy = _NAMED.get(key)
    if copy is None:
        copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
        copy.__kwdefaults__ = fn.__kwdefaults__
        copy.__dict__.update(fn.__dict__)
        copy.__doc__, copy.__module__, copy.__annotations__ = fn.__doc__, fn.__module__, fn.__annotations__
        copy.__qualname__ = name
        _NAMED[key] = copy
        ORIGINAL_OF[copy] = fn
    return copy


def _found_by_name(fn):
    module = sys.modules.get(fn.__module__)
    qualname = fn.__qualname__
    if '.' not in qualname:
        return module is not None and module.__dict__.get(qualname) is fn
    obj = module
    for part in qualname.split('.'):
        obj = getattr(obj, part, None)
    return obj is fn


def name_after_binding(fn, target, name):
    """Name ``fn`` after the public place it is bound at (``ember.exp_``, ``ember.Tensor.exp_``) when the
    name it was made with does not lead back to it: pickle stores a function as module + qualified name,
    so ``pickle.dumps(ember.exp_)`` (a model holding an op, multiprocessing) needs one that does."""
    if isinstance(target, dict):
        module, qualname = target.get('__name__'), name
    else:
        module, qualname = target.__module__, f'{target.__qualname__}.{name}'
    if module is not None and not _found_by_name(fn):
        fn.__module__ = module
        fn.__qualname__ = qualname


BOUND = []   # (namespace dict or class, name, function): what ember.overrides' dispatch may rebind


def exported(namespace):
    """``{name: entry}`` for every op bound into ``namespace`` (in-place variants included)."""
    found = {}
    for entry in REGISTRY:
        for n in entry.exports.get(namespace, ()):
            found[n] = entry
        for n in entry.inplace_exports.get(namespace, ()):
            found[n] = entry
    return found
