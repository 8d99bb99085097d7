"""``ember._dynamo``: PyTorch's TorchDynamo entry points that programs call directly.

``ember.compile`` captures a program into an fx graph with ember's symbolic tracer and hands it to the
backend (``explain`` reports the graphs and graph breaks, ``reset`` forgets them); the marking helpers
keep PyTorch's signatures, and ``config`` holds TorchDynamo's settings.

>>> import ember._dynamo
>>> ember._dynamo.is_compiling()
False
"""
from ember._compile import _BACKENDS, InvalidBackend, _check_backend, _optimize
from ember._dynamo import config, exc  # noqa: F401
from ember._dynamo._explain import explain  # noqa: F401
from ember.compiler import (allow_in_graph, assume_constant_result, disable, is_compiling, list_backends,  # noqa: F401
                            reset, set_stance, substitute_in_graph)

__all__ = ['config', 'exc', 'explain', 'reset', 'disable', 'optimize', 'is_compiling', 'allow_in_graph', 'disallow_in_graph',
           'forbid_in_graph', 'graph_break', 'mark_dynamic', 'maybe_mark_dynamic', 'mark_static',
           'mark_static_address', 'is_dynamo_supported', 'is_inductor_supported', 'list_backends', 'lookup_backend',
           'register_backend', 'set_stance', 'assume_constant_result', 'substitute_in_graph']

_REGISTERED = {}


def __getattr__(name):
    if name in ('OptimizedModule', 'eval_frame'):    # loads ember.nn: only when asked for
        import importlib
        eval_frame = importlib.import_module('ember._dynamo.eval_frame')
        return eval_frame if name == 'eval_frame' else eval_frame.OptimizedModule
    raise AttributeError(f"module 'ember._dynamo' has no attribute '{name}'")


def optimize(backend='inductor', *, nopython=False, error_on_graph_break=None, guard_export_fn=None,
             guard_fail_fn=None, guard_filter_fn=None, disable=False, dynamic=None, package=None,
             recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """The old spelling of ``ember.compile``: a decorator compiling with ``backend`` (``nopython`` is
    ``fullgraph``; ``error_on_graph_break=True`` raises ``Unsupported`` at a graph break). The guard
    hooks and ``package`` are not supported (ember's guards are fixed): setting one raises
    ``NotImplementedError``.

    Example::

        >>> f = ember._dynamo.optimize('eager')(lambda x: x + 1)
        >>> f(ember.ones(2))
        tensor([2., 2.])
    """
    unsupported = {'guard_export_fn': guard_export_fn, 'guard_fail_fn': guard_fail_fn,
                   'guard_filter_fn': guard_filter_fn, 'package': package}
    for name, value in unsupported.items():
        if value is not None:
            raise NotImplementedError(f"ember._dynamo.optimize does not support {name}: ember's guards and "
                                      "compiled artifacts are not user-visible")
    _check_backend(backend)

    def decorate(fn):
        return _optimize(fn, backend, fullgraph=nopython, dynamic=dynamic, disable=disable,
                         recompile_limit=recompile_limit, isolate_recompiles=isolate_recompiles,
                         shapes_spec=shapes_spec, error_on_graph_break=error_on_graph_break)
    return decorate


def disallow_in_graph(fn):
    """Marks ``fn`` (one of ember's operators, or a function ``allow_in_graph`` marked; or each of a
    list of them) to stay out of compiled graphs: compiled code breaks the graph around a call to it
    and runs it eagerly on real values. Eager calls are unchanged; returns ``fn``.

    Example::

        >>> ember._dynamo.disallow_in_graph(ember.sub)
        <function sub at ...>
        >>> out = ember._dynamo.explain(lambda x: ember.sub(x * 2, 1).cos())(ember.ones(2))
        >>> out.graph_count, out.break_reasons[0].reason
        (2, 'Attempted to call function marked as skipped')
        >>> _ = ember._dynamo.allow_in_graph(ember.sub)     # back in graphs
    """
    from ember.compiler import _ALLOWED_IN_GRAPH, _DISALLOWED_IN_GRAPH, _in_graph_as_is
    if isinstance(fn, (list, tuple)):
        return [disallow_in_graph(x) for x in fn]
    if not callable(fn):
        raise AssertionError("disallow_in_graph expects a callable")
    if id(fn) not in _ALLOWED_IN_GRAPH and not _in_graph_as_is(fn):
        raise RuntimeError("disallow_in_graph is expected to be used on an already allowed callable (like torch.* "
                           "ops). Allowed callables means callables that TorchDynamo puts as-is in the extracted "
                           "graph.")
    from ember._torch_function import unwrapped
    _ALLOWED_IN_GRAPH.pop(id(fn), None)
    _DISALLOWED_IN_GRAPH[id(unwrapped(fn))] = fn
    return fn


forbid_in_graph = disallow_in_graph


def graph_break(msg=''):
    """Splits the graph of compiled code that calls it (``msg`` is shown in the break's reason); does
    nothing in eager code, as in PyTorch.

    Example::

        >>> def f(x):
        ...     y = x.sin()
        ...     ember._dynamo.graph_break()
        ...     return y.cos()
        >>> ember._dynamo.explain(f)(ember.zeros(1)).graph_count
        2
    """
    from ember._dynamo._segments import user_break
    user_break(msg)


def _mark(t, attr, index):
    indices = [index] if isinstance(index, int) else list(index)
    for i in indices:
        if not -t.dim() <= i < t.dim():
            raise IndexError(f"Dimension out of range (expected to be in range of [{-t.dim()}, {t.dim() - 1}], "
                             f"but got {i})")
    marked = getattr(t, attr, set())
    marked.update(i % t.dim() for i in indices)
    setattr(t, attr, marked)


def mark_dynamic(t, index, *, hint_override=None, min=None, max=None, specialize_on=None):
    """Marks dimensions of ``t`` as varying between calls (``t._dynamo_dynamic_indices``); eager code
    has no shapes to specialise."""
    _mark(t, '_dynamo_dynamic_indices', index)


def maybe_mark_dynamic(t, index):
    """``mark_dynamic`` as a hint (``t._dynamo_weak_dynamic_indices``)."""
    _mark(t, '_dynamo_weak_dynamic_indices', index)


def mark_static(t, index=None):
    """Marks dimensions of ``t`` (all when ``index`` is None) as fixed (``t._dynamo_static_indices``)."""
    if index is None:
        t._dynamo_static_input_type = 'unguarded'
        return
    _mark(t, '_dynamo_static_indices', index)


def mark_static_address(t, guard=False):
    """Marks ``t``'s memory as fixed between calls (``t._dynamo_static_input_type``)."""
    from ember import Tensor
    if not isinstance(t, Tensor):
        raise TypeError(f"mark_static_address expects a tensor but received {type(t)}")
    t._dynamo_static_input_type = 'guarded' if guard else 'unguarded'


def is_dynamo_supported():
    """True: ember's ``compile`` runs on every platform (eagerly)."""
    return True


def is_inductor_supported():
    """False: ember has no Inductor back end to generate code with."""
    return False


def register_backend(compiler_fn=None, name=None, tags=()):
    """Registers a compiler back end under ``name`` (the function's name by default), so that
    ``ember.compile(backend=name)`` accepts it; usable as a decorator."""
    if compiler_fn is None:
        return lambda fn: register_backend(fn, name=name, tags=tags)
    name = name or compiler_fn.__name__
    if name in _REGISTERED or name in _BACKENDS:
        raise AssertionError(f"duplicate name: {name}")
    _REGISTERED[name] = (compiler_fn, tuple(tags))
    return compiler_fn


def lookup_backend(compiler_fn):
    """The back end registered under a name (a callable is returned as it is)."""
    if not isinstance(compiler_fn, str):
        return compiler_fn
    if compiler_fn in _REGISTERED:
        return _REGISTERED[compiler_fn][0]
    if compiler_fn in _BACKENDS:
        return compiler_fn
    raise InvalidBackend(compiler_fn)
