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


def _inplace_doc(entry):
    """PyTorch's docstring for an in-place method: its call form, and a pointer to the op."""
    import inspect
    try:
        params = list(inspect.signature(entry.fn).parameters.values())[1:]
        call = str(inspect.Signature([p for p in params if p.name != 'out']))
    except (TypeError, ValueError):
        call = '(...)'
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
            put(n, entry.fn)
            BOUND.append((target, n, entry.fn))
            name_after_binding(entry.fn, target, n)
        names = entry.inplace_exports.get(namespace)
        if names:
            fn = inplace_variant(entry)
            for n in names:
                put(n, fn)
                BOUND.append((target, n, fn))
                name_after_binding(fn, target, n)


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
