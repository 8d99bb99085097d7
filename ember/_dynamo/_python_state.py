"""Seeing a capture change Python state that a replayed graph would leave alone.

A captured graph holds tensor operations only. Python statements the compiled code runs besides them (appending
to a global list, counting calls in a dict, ``self.calls += 1`` in a module's forward) run once, while ember
captures; later calls replay the graph without them. PyTorch's compiler records such changes and makes them
again at every call. ember instead notices them: before a capture it notes, shallowly, the state the code can
reach by name (the globals its code reads, its closure, the non-tensor attributes of the compiled module and its
submodules), and compares after it. A change means the call must run eagerly at every call (correct each time),
as a graph break whose reason names what changed. The capture ran the code on traced values (what it appended
may be a proxy), so the state it changed is put back as it was (``restore``) and the call runs eagerly too."""
import inspect

_CONTAINERS = (list, dict, set, bytearray)


def _code_of(fn):
    target = getattr(fn, 'forward', fn) if not inspect.isfunction(fn) else fn
    target = inspect.unwrap(target)
    return getattr(target, '__func__', target)


def _reachable(fn):
    """{label: object} of the state ``fn``'s code reaches by name (watched across a capture)."""
    from ember.nn import Module
    found = {}
    code_fn = _code_of(fn)
    code = getattr(code_fn, '__code__', None)
    if code is not None:
        scope = getattr(code_fn, '__globals__', {})
        found['globals'] = (scope, tuple(n for n in code.co_names if n in scope))
        for name, cell in zip(code.co_freevars, getattr(code_fn, '__closure__', None) or ()):
            try:
                value = cell.cell_contents
            except ValueError:          # an empty cell
                continue
            if isinstance(value, _CONTAINERS):
                found[name] = value
        for name in found['globals'][1]:
            value = scope[name]
            if isinstance(value, _CONTAINERS):
                found[name] = value
    if isinstance(fn, Module):
        for name, module in fn.named_modules():
            found[f'self.{name}' if name else 'self'] = module
    return found


class _Attributes:
    """An object the call was given (as an argument or inside one): its attributes are watched, and the items of
    its list and dict attributes (a cache object the code appends to)."""

    def __init__(self, obj):
        self.obj = obj


def _arguments(arguments):
    """{label: watched} for the objects among a call's arguments (``arguments``: name -> value) and inside its
    container arguments."""
    import types
    from ember import Tensor
    from ember.nn import Module
    from ember.utils._pytree import tree_leaves
    found = {}
    for name, value in arguments.items():
        for i, leaf in enumerate(tree_leaves(value)):
            if isinstance(leaf, Tensor) or isinstance(leaf, (type, types.FunctionType, types.MethodType,
                                                            types.BuiltinFunctionType, types.ModuleType)):
                continue
            label = name if i == 0 and leaf is value else f'{name} (an item)'
            if isinstance(leaf, Module):
                found[f'argument {label}'] = leaf
            elif isinstance(getattr(leaf, '__dict__', None), dict):
                found[f'argument {label}'] = _Attributes(leaf)
    return found


def _items(value):
    if isinstance(value, list):
        return tuple(id(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, id(v)) for k, v in value.items())
    return None


def _fingerprint(value):
    """What a change to ``value`` (one level deep) alters."""
    from ember.nn import Module
    if isinstance(value, _Attributes):
        return tuple((k, id(v), _items(v)) for k, v in vars(value.obj).items())
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict):      # (globals, names)
        scope, names = value
        return tuple(id(scope.get(n)) for n in names)
    if isinstance(value, Module):
        return tuple((k, id(v)) for k, v in vars(value).items()
                     if k not in ('_parameters', '_buffers', '_modules') and not k.startswith('_forward'))
    if isinstance(value, dict):
        return tuple((id(k), id(v)) for k, v in value.items())
    if isinstance(value, set):
        return frozenset(id(v) for v in value)
    if isinstance(value, bytearray):
        return bytes(value)
    return tuple(id(v) for v in value)


class PythonState:
    """Entered around a capture of ``fn``: ``changed()`` names the first watched state the capture changed, or
    returns None; ``restore()`` puts the watched state back as it was (shallowly, as it is watched)."""

    def __init__(self, fn, arguments=None):
        self.watched = _reachable(fn)
        if arguments:
            self.watched.update(_arguments(arguments))
        self.before = {label: _fingerprint(v) for label, v in self.watched.items()}
        self.saved = {label: _contents(v) for label, v in self.watched.items()}

    def changed(self):
        for label, value in self.watched.items():
            if _fingerprint(value) != self.before[label]:
                return label
        return None

    def restore(self):
        for label, value in self.watched.items():
            if _fingerprint(value) != self.before[label]:
                _put_back(value, self.saved[label])


_MISSING = object()


def _contents(value):
    """What ``_put_back`` needs to undo a change to ``value`` (the items ``_fingerprint`` watches)."""
    from ember.nn import Module
    if isinstance(value, _Attributes):
        attributes = vars(value.obj)
        return dict(attributes), {k: (list(v.items()) if isinstance(v, dict) else list(v))
                                  for k, v in attributes.items() if _items(v) is not None}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict):      # (globals, names)
        scope, names = value
        return {n: scope.get(n, _MISSING) for n in names}
    if isinstance(value, Module):
        return dict(vars(value))
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, set):
        return set(value)
    return list(value) if isinstance(value, list) else bytes(value)


def _put_back(value, saved):
    from ember.nn import Module
    if isinstance(value, _Attributes):
        saved, inner = saved
        _put_back_attributes(vars(value.obj), saved)
        for name, items in inner.items():
            _put_back(saved[name], items)
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict):
        scope = value[0]
        for name, old in saved.items():
            if old is _MISSING:
                scope.pop(name, None)
            else:
                scope[name] = old
    elif isinstance(value, Module):
        _put_back_attributes(vars(value), saved)
    elif isinstance(value, (dict, set)):
        value.clear()
        value.update(saved)
    else:                       # a list or a bytearray
        value[:] = saved


def reason(label):
    return (f"Unsupported: the compiled code changes Python state ({label}) that replaying its graph would not "
            "change again; the call runs eagerly")


def _put_back_attributes(attributes, saved):
    for name in [n for n in attributes if n not in saved]:
        del attributes[name]
    attributes.update(saved)
