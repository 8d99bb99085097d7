"""What the compiler markers do to a capture: the functions they mark are met by the traced code
wherever it finds them (a global name, a closure variable, an argument, an attribute of a module or of
an object the code names)
and stand in for themselves there while the trace runs:

- ``compiler.allow_in_graph`` (and custom operators): one ``call_function`` node each, not traced into;
- ``compiler.assume_constant_result``: called once on the capture's values, its result fixed in the
  graph (a tensor as an attribute of the GraphModule, named ``<function>_<n>`` as PyTorch names it);
- ``_dynamo.disallow_in_graph``: a graph break around the call, run on real values (``disallow_in_graph``
  on one of ember's operators is met where the operator is recorded: ``CaptureTracer.create_proxy``);
- ``compiler.substitute_in_graph``: the traceable stand-in is traced in place of the original.
"""
from ember.fx.node import map_aggregate
from ember.fx.proxy import Proxy

# a break's reason for a function disallow_in_graph marked (PyTorch's first line)
SKIPPED_REASON = 'Attempted to call function marked as skipped'


def stand_in(tracer, fn):
    """What the traced code calls in place of ``fn`` (None where ``fn`` is not marked)."""
    from ember.compiler import _ALLOWED_IN_GRAPH, _DISALLOWED_IN_GRAPH, _SUBSTITUTES
    from ember.library import CustomOpDef
    try:
        key = id(fn)
        if key in _DISALLOWED_IN_GRAPH:
            return _skipped(tracer, fn)
        if key in _ALLOWED_IN_GRAPH or isinstance(fn, CustomOpDef):
            return recorded_whole(tracer, fn)
        if key in _SUBSTITUTES:
            return _SUBSTITUTES[key][1]
        if getattr(fn, '_dynamo_marked_constant', False) is True:
            return _constant(tracer, fn)
    except Exception:           # an object whose attributes cannot be read: not marked
        return None
    return None


def marked_any():
    from ember.compiler import _ALLOWED_IN_GRAPH, _DISALLOWED_IN_GRAPH, _SUBSTITUTES, _CONSTANT_RESULTS
    return bool(_ALLOWED_IN_GRAPH or _DISALLOWED_IN_GRAPH or _SUBSTITUTES or _CONSTANT_RESULTS)


def patch_marked(tracer, patcher, functions):
    """Swaps the marked functions ``functions``' code can reach for their stand-ins, for the trace."""
    import sys
    import types
    from ember.compiler import _ALLOWED_IN_GRAPH, _DISALLOWED_IN_GRAPH, _SUBSTITUTES, _CONSTANT_RESULTS
    from ember.library import CustomOpDef
    spaces = {id(g): g for g in (getattr(f, '__globals__', None) for f in functions) if g is not None}
    for space in spaces.values():
        for name, value in list(space.items()):
            if callable(value) and not isinstance(value, type):
                replacement = stand_in(tracer, value)
                if replacement is not None:
                    patcher.set_item(space, name, replacement)
    if not marked_any():
        return
    for f in functions:
        for cell in getattr(f, '__closure__', None) or ():
            try:
                value = cell.cell_contents
            except ValueError:      # an empty cell
                continue
            replacement = stand_in(tracer, value) if callable(value) else None
            if replacement is not None:
                _set_cell(patcher, cell, replacement)
    # a plain object the code reaches (``ops.op(x)``, ``ops`` a global): its marked attributes
    for space in spaces.values():
        for value in list(space.values()):
            if (not isinstance(value, (types.ModuleType, type, types.FunctionType)) and not callable(value)
                    and isinstance(getattr(value, '__dict__', None), dict)):
                for name, held in list(vars(value).items()):
                    replacement = stand_in(tracer, held) if callable(held) else None
                    if replacement is not None:
                        patcher.set_attr(value, name, replacement)
    # a module the code reaches (``mylib.op(x)``, ``math.copysign(...)``): its marked attributes
    modules = {id(v): v for space in spaces.values() for v in list(space.values()) if isinstance(v, types.ModuleType)}
    for registry in (_ALLOWED_IN_GRAPH, _DISALLOWED_IN_GRAPH, _SUBSTITUTES, _CONSTANT_RESULTS):
        for key, entry in list(registry.items()):
            fn = entry[0] if isinstance(entry, tuple) else entry
            home = sys.modules.get(getattr(fn, '__module__', None) or '')
            name = getattr(fn, '__name__', None)
            if home is not None and id(home) in modules and name and home.__dict__.get(name) is fn:
                replacement = stand_in(tracer, fn)
                if replacement is not None and not isinstance(fn, CustomOpDef):
                    patcher.set_attr(home, name, replacement)


def marked_arguments(tracer, constants):
    """The call's fixed arguments, a marked function passed as one (``fn=my_op``) swapped for its stand-in."""
    if not constants or not marked_any():
        return constants
    return {name: (stand_in(tracer, v) or v) if callable(v) else v for name, v in constants.items()}


def _set_cell(patcher, cell, value):
    old = cell.cell_contents
    patcher._undo.append(lambda: setattr(cell, 'cell_contents', old))
    cell.cell_contents = value


def _traced(args, kwargs):
    found = []
    map_aggregate((args, kwargs), lambda a: found.append(a) if isinstance(a, Proxy) else None)
    return found


def recorded_whole(tracer, fn):
    """``fn`` recording one ``call_function`` node when an argument is a traced value, else just running."""
    import functools

    @functools.wraps(fn)
    def recorded(*args, **kwargs):
        return tracer.create_proxy('call_function', fn, args, kwargs) if _traced(args, kwargs) else fn(*args, **kwargs)
    return recorded


def _skipped(tracer, fn):
    import functools

    @functools.wraps(fn)
    def skipped(*args, **kwargs):
        return tracer.skipped_call(fn, args, kwargs) if _traced(args, kwargs) else fn(*args, **kwargs)
    return skipped


def _constant(tracer, fn):
    import functools

    @functools.wraps(fn)
    def constant(*args, **kwargs):
        # the capture's own values (the traced tensors' real values), the result fixed in the graph
        return tracer.constant_result(fn, fn(*tracer._reals(args), **tracer._reals(kwargs)))
    return constant
