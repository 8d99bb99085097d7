"""ember.jit: the eager side of PyTorch's ``torch.jit``.

Outside TorchScript, PyTorch's ``torch.jit`` helpers are plain Python: ``fork`` runs the function and
returns a completed Future, ``wait`` returns its value, ``annotate`` returns its value, ``ignore``/
``unused``/``export`` mark functions and return them, ``is_scripting()``/``is_tracing()`` are False.
ember has the same semantics. ember has no TorchScript compiler, so ``script`` returns the function or
module itself, which computes exactly what the scripted program would. ``trace`` records the ops a
module or function runs on example inputs (``ember.export``'s ATen graph) as a TorchScript program and
returns a traced module (or ``ScriptFunction``) running it (``_trace.py``, ``_trace_code.py``).
``ember.jit.load`` reads TorchScript archives written by PyTorch's ``torch.jit.save`` and runs their code
on ember (see ``ember/jit/_archive.py``); ``ember.jit.save`` writes traced and loaded modules as archives
PyTorch's ``torch.jit.load`` runs (``_archive_write.py``).

>>> fut = ember.jit.fork(lambda x: x + 1, ember.tensor(1.))
>>> ember.jit.wait(fut)
tensor(2.)
"""
import os
import threading
import warnings
from typing import Final  # noqa: F401  (torch.jit.Final: an annotation for constant attributes)

__all__ = ['Attribute', 'Final', 'ScriptFunction', 'ScriptModule', 'annotate', 'export', 'fork', 'freeze',
           'ignore', 'interface', 'is_scripting', 'is_tracing', 'isinstance', 'load', 'optimize_for_inference',
           'save', 'script', 'trace', 'trace_module', 'unused', 'wait', 'enable_onednn_fusion',
           'onednn_fusion_enabled', 'set_fusion_strategy', 'strict_fusion', 'Error', 'Future', 'script_if_tracing']

_builtin_isinstance = isinstance


def fork(func, *args, **kwargs):
    """Starts ``func(*args, **kwargs)`` as a task and returns an :class:`ember.futures.Future` of its result, to
    be collected with :func:`wait`. Outside TorchScript (always, in ember) the call runs at once, as in
    PyTorch.

    Args:
        func (callable): the function to run.
        ``*args``, ``**kwargs``: its arguments.

    Returns:
        ember.futures.Future

    Example::

        >>> fut = ember.jit.fork(ember.add, ember.ones(2), 1)
        >>> ember.jit.wait(fut)
        tensor([2., 2.])
    """
    from ember.futures import Future
    fut = Future()
    fut.set_result(func(*args, **kwargs))
    return fut


def wait(future):
    """Waits for a future returned by :func:`fork` and returns its value.

    Args:
        future (ember.futures.Future): the future.

    Example::

        >>> fut = ember.jit.fork(lambda t: t * 2, ember.tensor([1., 2.]))
        >>> ember.jit.wait(fut)
        tensor([2., 4.])
    """
    return future.wait()


def annotate(the_type, the_value):
    """Tells TorchScript the type of ``the_value``; returns ``the_value``."""
    return the_value


def is_scripting():
    """False: ember runs Python eagerly, never inside TorchScript."""
    return False


class _TracingState(threading.local):
    """What ``ember._C._get_tracing_state()`` gives while a trace records: libraries name the parts of the
    program they run (fvcore pushes each module's name from forward hooks), and each recorded operator carries
    the names pushed around it, joined by '/' (its ``scopeName()`` in :func:`_get_trace_graph`'s graph)."""

    def push_scope(self, name):
        """Opens the scope ``name`` inside the current one."""
        from ember.export._tracer import _tracer
        tracer = _tracer()
        if tracer is not None:
            tracer.scopes.append(name)

    def pop_scope(self):
        """Closes the innermost scope."""
        from ember.export._tracer import _tracer
        tracer = _tracer()
        if tracer is not None and tracer.scopes:
            tracer.scopes.pop()


_trace_state = _TracingState()


def _get_trace_graph(f, args=(), kwargs=None, strict=True, _force_outplace=False, return_inputs=False,
                     _return_inputs_states=False):
    """``(graph, outputs)``: the operators a module or function runs on ``args`` as a TorchScript IR graph
    (nodes with ``kind()`` such as ``'aten::linear'``, ``scopeName()``, ``inputs()``/``outputs()`` whose
    ``type()`` knows sizes and dtype) and what the call returned. Tools that count a model's operations read
    it (fvcore's ``FlopCountAnalysis``).

    Example::

        >>> graph, out = ember.jit._get_trace_graph(ember.nn.Linear(3, 2), (ember.ones(4, 3),))
        >>> [node.kind() for node in graph.nodes() if not node.kind().startswith('prim::')]
        ['aten::linear']
        >>> next(graph.nodes()).output().type().sizes()
        [4, 2]
    """
    from ember.jit._trace_graph import trace_graph
    return trace_graph(f, args, kwargs, strict, _force_outplace, return_inputs, _return_inputs_states)


def is_tracing():
    """True while :func:`trace` records a program (on this thread)."""
    return getattr(_trace_state, 'depth', 0) > 0


def export(fn):
    """Marks a module method to compile as an entry point; returns ``fn``."""
    fn._torchscript_modifier = 'export'
    return fn


def unused(fn):
    """Marks a function TorchScript should replace by a raising stub; eagerly it runs as written."""
    if _builtin_isinstance(fn, property):
        return fn
    fn._torchscript_modifier = 'unused'
    return fn


def ignore(drop=False, **kwargs):
    """Marks a function TorchScript leaves to Python; usable as ``@ignore`` or ``@ignore(drop=True)``."""
    if callable(drop):
        drop._torchscript_modifier = 'ignore'
        return drop
    if not _builtin_isinstance(drop, bool):
        raise RuntimeError(f"Argument to @torch.jit.ignore must be a bool or a function but got {drop}")

    def decorate(fn):
        fn._torchscript_modifier = 'unused' if drop else 'ignore'
        return fn
    return decorate


def interface(obj):
    """Declares a TorchScript interface: a class (or ``nn.Module`` subclass) whose methods, typed and
    with ``pass`` bodies, are what a value annotated with it must have; scripted code calls the methods of
    whatever object (or submodule) it holds. Eagerly the class is returned as is.

    Example::

        >>> @ember.jit.interface
        ... class Scorer:
        ...     def score(self, x: ember.Tensor) -> ember.Tensor:
        ...         pass
        >>> class Doubler:
        ...     def __init__(self):
        ...         pass
        ...     def score(self, x: ember.Tensor) -> ember.Tensor:
        ...         return x * 2
        >>> def run(x: ember.Tensor) -> ember.Tensor:
        ...     s: Scorer = Doubler()
        ...     return s.score(x)
        >>> ember.jit.script(run)(ember.ones(2))
        tensor([2., 2.])
    """
    # attributed to ember's line, as PyTorch attributes it to torch's: hidden under the default filters
    warnings.warn("`ember.jit.interface` is deprecated. Please use `ember.compile` instead.", DeprecationWarning,
                  stacklevel=1)
    if not _builtin_isinstance(obj, type):
        raise RuntimeError("interface must be applied to a class")
    from ember import nn
    if len(obj.__mro__) > 2 and not (issubclass(obj, nn.Module) and len(obj.__mro__) == 3):
        raise RuntimeError("TorchScript interface does not support inheritance yet. Please directly inherit from "
                           "'object' or 'nn.Module'.")
    from ember.jit._script import ScriptUnit, _qualified_module
    obj.__torch_script_interface__ = f'{_qualified_module(obj.__module__)}.{obj.__name__}'
    ScriptUnit().script_class(obj)      # the methods' types checked now, as PyTorch checks them
    return obj


def isinstance(obj, target_type):
    """``isinstance`` that also understands ``List[int]``-style container types."""
    import typing
    origin = typing.get_origin(target_type)
    if origin is None:
        return _builtin_isinstance(obj, target_type)
    if not _builtin_isinstance(obj, origin):
        return False
    params = typing.get_args(target_type)
    if origin in (list, tuple) and params:
        if origin is tuple and len(params) != len(obj):
            return False
        kinds = params if origin is tuple else params * len(obj)
        return all(isinstance(v, k) for v, k in zip(obj, kinds))
    if origin is dict and params:
        return all(isinstance(k, params[0]) and isinstance(v, params[1]) for k, v in obj.items())
    return True


class Attribute:
    """``self.x = ember.jit.Attribute(value, type)`` in a module: eagerly, the value."""

    def __new__(cls, value, type=None):
        return value


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Compile ``obj`` (a function or an ``nn.Module``) to TorchScript and return the compiled program.

    A function becomes a ``ScriptFunction``; a module a ``RecursiveScriptModule`` whose classes hold
    ``forward``, the ``@ember.jit.export`` methods and the methods they call, for it and each submodule
    (``@ember.jit.ignore`` methods are left to Python, ``@ember.jit.unused`` ones replaced by a stub that
    raises). The program is the function's source as TorchScript: typed (annotations; Tensor where there
    is none), control flow kept (a branch on data takes the path the data says at each call), the
    module's constants inlined and loops over ``ModuleList``/``Sequential`` unrolled. ``.code`` shows it,
    ``.save`` / :func:`save` write it as an archive that PyTorch's ``torch.jit.load`` and
    :func:`load` run. A scripted module shares the original's parameters and buffers.

    Python TorchScript cannot express raises ``ember.jit.frontend.NotSupportedError`` (or
    ``UnsupportedNodeError``) naming the construct and its line. A plain class is compiled as a
    TorchScript class (its attributes typed from what ``__init__`` assigns, every method compiled; what
    cannot be compiled raises here) and returned itself; classes a scripted program uses are compiled
    with it, decorated or not, and objects it returns are objects of the user's class. An object
    already scripted is returned as it is.

    Example::

        >>> def clip_sum(x, n: int):
        ...     for i in range(n):
        ...         x = x * 2
        ...     if x.sum() > 0:
        ...         return x
        ...     return -x
        >>> f = ember.jit.script(clip_sum)
        >>> f(ember.tensor([1., 2.]), 2)
        tensor([4., 8.])
        >>> f(ember.tensor([-1., -2.]), 1)
        tensor([2., 4.])
    """
    # attributed to ember's line, as PyTorch attributes it to torch's: hidden under the default filters
    warnings.warn("`ember.jit.script` is deprecated. Please switch to `ember.compile` or `ember.export`.",
                  DeprecationWarning, stacklevel=1)
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=2)
    from ember import nn
    from ember.jit import _script
    from ember.jit._script_module import ScriptModule
    from ember.jit._trace import ScriptFunction
    if _builtin_isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    if _builtin_isinstance(obj, nn.Module):
        return _script.script_module(obj)
    if _builtin_isinstance(obj, type) and issubclass(obj, nn.Module):
        raise RuntimeError(f"Type '{obj}' cannot be compiled since it inherits from nn.Module, pass an instance "
                           "instead")
    if _builtin_isinstance(obj, type):
        from ember.jit._script_classes import is_script_class, script_class
        return script_class(obj) if is_script_class(obj) and not getattr(obj, '__torch_script_interface__', False) \
            else obj
    if callable(obj) and hasattr(obj, '__code__'):
        return _script.script_function(obj)
    raise TypeError(f"ember.jit.script compiles functions and modules, not a {type(obj).__name__}")


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """Trace ``func`` (a module or a function) on ``example_inputs``: the ops it runs are recorded as a
    TorchScript program, which the result runs (Python control flow is frozen as it ran for the example).

    A module gives a ``TopLevelTracedModule`` sharing its parameters and buffers; a function an
    ``ember.jit.ScriptFunction``. Both have ``.code`` and save with :func:`save` as archives PyTorch's
    ``torch.jit.load`` runs. ``check_trace`` traces again on ``check_inputs`` (default: the example) and
    compares: a different program raises ``TracingCheckError``, outputs differing from the Python
    function's by more than ``check_tolerance`` warn (``TracerWarning``). ``strict=False`` allows
    list and dict outputs. ``_store_inputs`` keeps the example inputs in the saved archive, as PyTorch
    does. Models ember computes with operators it cannot write as TorchScript raise
    an error naming the operator."""
    from ember.jit import _trace
    # attributed to ember's line, as PyTorch attributes it to torch's: hidden under the default filters
    warnings.warn("`ember.jit.trace` is deprecated. Please switch to `ember.compile` or `ember.export`.",
                  DeprecationWarning, stacklevel=1)
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs or example_inputs must be provided")
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=2)
    if _force_outplace or _module_class is not None or _compilation_unit is not None:
        raise RuntimeError("ember.jit.trace: _force_outplace, _module_class and _compilation_unit are not supported")
    return _trace.trace(func, example_inputs, check_trace, check_inputs, check_tolerance, strict,
                        example_kwarg_inputs, _store_inputs)


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5, strict=True,
                 _force_outplace=False, _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):
    """Trace ``mod``'s methods on ``inputs`` ({method name: example inputs}) as :func:`trace` does; ember
    traces ``forward`` (other methods are refused)."""
    if not _builtin_isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    others = sorted(set(inputs) - {'forward'})
    if others or not inputs:
        raise RuntimeError("ember.jit.trace_module traces forward only; it cannot trace "
                           f"{', '.join(others) or 'no method'}")
    checks = None if check_inputs is None else [c['forward'] for c in check_inputs]
    example = inputs['forward']
    if example_inputs_is_kwarg:
        return trace(mod, None, optimize, check_trace, checks, check_tolerance, strict, _force_outplace, _module_class,
                     _compilation_unit, example_kwarg_inputs=example, _store_inputs=_store_inputs)
    return trace(mod, example, optimize, check_trace, checks, check_tolerance, strict, _force_outplace, _module_class,
                 _compilation_unit, _store_inputs=_store_inputs)


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """Freeze the scripted or traced module ``mod`` (in eval mode): a new :class:`RecursiveScriptModule` whose
    ``forward`` has its submodules' methods inlined and its parameters and buffers folded into constants
    (``CONSTANTS.c0`` in ``.code``). Attributes named in ``preserved_attrs`` (and methods named there) stay,
    as do attributes the program assigns. ``optimize_numerics`` is accepted for PyTorch's signature: ember
    runs no numerics-changing passes either way.

    Example::

        >>> scripted = ember.jit.script(ember.nn.Linear(2, 1).eval())
        >>> frozen = ember.jit.freeze(scripted)
        >>> len(list(frozen.parameters())), 'CONSTANTS.c0' in frozen.code
        (0, True)
    """
    from ember.jit._freeze import freeze_module
    from ember.jit._script_module import ScriptModule
    warnings.warn("`ember.jit.freeze` is deprecated. Please use `ember.compile` instead.", DeprecationWarning,
                  stacklevel=2)
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use ember.jit.script or ember.jit.trace "
                           "to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() on "
                           "your module before freezing.")
    return freeze_module(mod, preserved_attrs)


def optimize_for_inference(mod, other_methods=None):
    """Returns ``mod`` in eval mode (the eager part of PyTorch's inference optimisation)."""
    return mod.eval() if hasattr(mod, 'eval') else mod


def save(m, f, _extra_files=None):
    """Write the traced or loaded module ``m`` (from :func:`trace` or :func:`load`) as a TorchScript
    archive to ``f`` (a path or a binary file object): PyTorch's ``torch.jit.load`` reads it and runs its
    code. ``_extra_files`` ({name: str or bytes}) are stored beside it, as ``extra/<name>``."""
    from ember.jit._archive_write import write_archive
    write_archive(getattr(m, '_program_module', m), f, _extra_files)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Load a TorchScript archive written by ``torch.jit.save`` (of a scripted or traced module) as a
    :class:`RecursiveScriptModule` whose methods run the archive's code on ember.

    ``map_location`` places the tensors as in :func:`ember.load`; ``_extra_files`` (a dict of names)
    is filled with the archive's extra files. The archive's code is checked to be TorchScript before it
    runs (no imports or other Python beyond what TorchScript writes)."""
    from ember.jit._archive import load_archive
    # attributed to ember's line, as PyTorch attributes it to torch's: hidden under the default filters
    warnings.warn("`ember.jit.load` is deprecated. Please switch to `ember.export`.", DeprecationWarning,
                  stacklevel=1)
    if isinstance(f, (str, os.PathLike)):
        if not os.path.exists(f):
            raise ValueError(f"The provided filename {f} does not exist")
        if os.path.isdir(f):
            raise ValueError(f"The provided filename {f} is a directory")
    return load_archive(f, map_location, _extra_files)


_fusion = {'onednn': False, 'strategy': [('STATIC', 2), ('DYNAMIC', 10)]}


def enable_onednn_fusion(enabled):
    _fusion['onednn'] = bool(enabled)


def onednn_fusion_enabled():
    return _fusion['onednn']


def set_fusion_strategy(strategy):
    old, _fusion['strategy'] = _fusion['strategy'], list(strategy)
    return old


class strict_fusion:
    """Asserts in TorchScript that a region fuses; eagerly a no-op context manager."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Error(Exception):
    """The error TorchScript raises from a failing scripted program (``except torch.jit.Error:``). ember runs
    programs eagerly, so their own exceptions arrive instead; the name exists for code that catches it."""


def script_if_tracing(fn):
    """Returns ``fn``: PyTorch scripts it when called during tracing, and ember neither scripts nor traces."""
    return fn


def __getattr__(name):
    if name == 'frontend':      # the errors of script (imported with it)
        import importlib
        return importlib.import_module('ember.jit.frontend')
    if name == 'Future':        # the same class as ember.futures.Future, as in PyTorch
        from ember.futures import Future
        return Future
    if name in ('RecursiveScriptModule', 'ScriptModule'):
        from ember.jit import _script_module
        return getattr(_script_module, name)
    if name in ('ScriptFunction', 'TracerWarning', 'TracingCheckError', 'TopLevelTracedModule', 'TracedModule'):
        from ember.jit import _trace
        return getattr(_trace, name)
    raise AttributeError(f"module 'ember.jit' has no attribute '{name}'")


def _overload(func):
    """Declares one typed signature of a function TorchScript compiles per call type (``@torch.jit._overload``
    stubs, then the real definition under the same name). Run eagerly, the real definition that follows is
    what the name calls; the declaration is returned as it is."""
    return func


def _overload_method(func):
    """``_overload`` for methods of a module (``@torch.jit._overload_method``)."""
    return func
