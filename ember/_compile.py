"""``ember.compile``, ``ember.cond`` and ``ember.while_loop``.

``ember.compile`` validates its arguments as PyTorch does and returns a callable (or, for a module, a
wrapping ``OptimizedModule``) that captures the program into an fx graph on its first call and hands
the graph to the backend (ember._dynamo._capture). ``cond``/``while_loop`` are PyTorch's control-flow
operators with their eager semantics.
"""
import functools

_MODES = ('default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs', 'max-autotune')
_BACKENDS = ('cudagraphs', 'eager', 'inductor', 'aot_eager')


class InvalidBackend(RuntimeError):
    """A ``backend=`` name that is not registered."""

    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}, see `ember.compiler.list_backends()` for available backends.")


def _check_backend(backend):
    """Raises InvalidBackend for a name neither built in nor registered with ``register_backend``."""
    if isinstance(backend, str):
        from ember._dynamo import _REGISTERED
        if backend not in _BACKENDS and backend not in _REGISTERED:
            raise InvalidBackend(backend)


def _check_inductor_options(options):
    """PyTorch's checks of ``options`` for the Inductor backend: known setting names (``-`` read as
    ``_``), and values of the setting's type."""
    import ember._inductor.config as config
    known = config.get_config_copy()
    for key, value in options.items():
        name = key.replace('-', '_')
        if name not in known:
            raise RuntimeError(f"Unexpected optimization option {key}, known options are {list(known)}")
        default = known[name]
        if isinstance(default, (bool, int, float, str)) and not isinstance(value, type(default)):
            raise RuntimeError(f"Unexpected type of attr {key}, got {type(value).__name__} should be "
                               f"{type(default).__name__}")


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """Compiles ``model`` (a function or an ``nn.Module``): on a call it is captured into an
    ``fx.GraphModule`` (with ember's symbolic tracer) and the backend is called once per captured
    graph as ``backend(gm, example_inputs)``; what it returns runs this and later calls with the same
    input signature. A new signature (shapes, dtypes, devices, ``requires_grad``, the other arguments'
    values, grad mode) captures again. Code that cannot be captured (data-dependent control flow,
    ``*args`` signatures, tensors inside containers) runs eagerly and is recorded as a graph break
    (see ``ember._dynamo.explain``), or raises ``ember._dynamo.exc.Unsupported`` under
    ``fullgraph=True``. The built-in backends (``'inductor'``, the default, ``'eager'``,
    ``'aot_eager'``, ``'cudagraphs'``) run the captured graph as it is. Called without ``model`` it
    returns a decorator.

    Args:
        model (Callable or nn.Module, optional): what to compile.
        fullgraph (bool): raise ``Unsupported`` instead of breaking the graph.
        dynamic (bool or None): ``True`` treats sizes as varying from the start (one capture for all
            sizes above 1), ``False`` captures again for every new size, ``None`` (default) captures
            again once, with the sizes seen to change treated as varying from then on.
        disable (bool): return ``model`` itself.
        recompile_limit (int, optional): how many graphs to capture (``ember._dynamo.config.recompile_limit``
            by default, 8); calls needing another run eagerly, with a warning.
        name, isolate_recompiles, shapes_spec: compiler settings accepted for compatibility; ember does
            not use them.
        backend (str or Callable, optional): the compiler backend's name, or a callable.
        mode (str, optional): ``'default'``, ``'lite'``, ``'reduce-overhead'``, ``'max-autotune'`` or
            ``'max-autotune-no-cudagraphs'``.
        options (dict, optional): backend options (not together with ``mode``).

    Returns:
        A callable computing what ``model`` computes (an ``OptimizedModule`` for a module).

    Example::

        >>> f = ember.compile(lambda x: x * 2)
        >>> f(ember.tensor([1., 2.]))
        tensor([2., 4.])
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    _check_backend(backend)
    if options is not None and not isinstance(options, dict):
        raise RuntimeError(f"options must be a dict, got {type(options).__name__}")
    if options and (backend or 'inductor') == 'inductor':
        _check_inductor_options(options)
    if model is None:
        def decorate(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorate
    if disable:
        return model
    from ember.nn import Module
    from ember._dynamo._capture import CompiledCallable
    if backend is None:
        from ember.compiler import get_default_backend
        backend = get_default_backend()
    if isinstance(model, Module):
        from ember._dynamo.eval_frame import OptimizedModule
        return OptimizedModule(model, CompiledCallable(model, backend, fullgraph, dynamic, recompile_limit))
    if not callable(model):
        raise RuntimeError(f"Expected a callable to compile, got {type(model).__name__}")
    graph = CompiledCallable(model, backend, fullgraph, dynamic, recompile_limit)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return graph(*args, **kwargs)
    compiled._torchdynamo_orig_callable = model
    return compiled


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` else ``false_fn(*operands)``.

    Args:
        pred (bool or Tensor): a Python bool or a one-element tensor.
        true_fn, false_fn (Callable): the branches, taking the operands.
        operands (tuple or list): the branches' inputs.

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> ember.cond(x.sum() > 0, lambda a: a + 1, lambda a: a - 1, (x,))
        tensor([2., 3.])
    """
    from ember import Tensor
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    elif not isinstance(pred, (bool, int, float)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    if not (callable(true_fn) and callable(false_fn)):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expect operands to be a tuple or list of possibly nested dict/list/tuple, but got "
                           f"{type(operands).__name__}.")
    return true_fn(*operands) if bool(pred) else false_fn(*operands)


def while_loop(cond_fn, body_fn, carried_inputs):
    """Runs ``carried = body_fn(*carried)`` while ``cond_fn(*carried)`` holds; returns ``carried``.

    Args:
        cond_fn (Callable): returns a bool or a one-element boolean tensor.
        body_fn (Callable): returns the next values, as many as ``carried_inputs``.
        carried_inputs (tuple or list): the loop's initial values.

    Example::

        >>> ember.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 2), (ember.tensor(0), ember.tensor(1.)))
        (tensor(3), tensor(8.))
    """
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list, got {type(carried_inputs)}")
    if not (callable(cond_fn) and callable(body_fn)):
        raise RuntimeError("Expect cond_fn and body_fn to be callable.")
    carried = tuple(carried_inputs)
    while bool(cond_fn(*carried)):
        out = body_fn(*carried)
        out = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        if len(out) != len(carried):
            raise RuntimeError(f"body_fn should return as many values as carried_inputs: expected {len(carried)}, "
                               f"got {len(out)}")
        carried = out
    return carried
