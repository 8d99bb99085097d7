"""Seeing a capture change Python state that a replayed graph would leave alone.

A captured graph holds tensor operations only. Python statements the compiled code runs besides them (appending
to a global list, counting calls in a dict, ``self.calls += 1`` in a module's forward) run once, while ember
captures; later calls replay the graph without them. PyTorch's compiler records such changes and makes them
again at every call. ember instead notices them: before a capture it notes, shallowly, the state the code can
reach by name (the globals its code reads, its closure, the non-tensor attributes of the compiled module and its
submodules), and compares after it. A change means the call must run eagerly at every call (correct each time),
as a graph break whose reason names what changed."""
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


def _fingerprint(value):
    """What a change to ``value`` (one level deep) alters."""
    from ember.nn import Module
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
    returns None."""

    def __init__(self, fn):
        self.watched = _reachable(fn)
        self.before = {label: _fingerprint(v) for label, v in self.watched.items()}

    def changed(self):
        for label, value in self.watched.items():
            if _fingerprint(value) != self.before[label]:
                return label
        return None


def reason(label):
    return (f"Unsupported: the compiled code changes Python state ({label}) that replaying its graph would not "
            "change again; the call runs eagerly")

