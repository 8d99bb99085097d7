"""``ember.compile``, ``ember.cond`` and ``ember.while_loop``.

``ember.compile`` validates its arguments as PyTorch does and returns a callable (or, for a module, a
wrapping ``OptimizedModule``) that captures the program into an fx graph on its first call and hands
the graph to the backend (ember._dynamo._capture). ``cond``/``while_loop`` are PyTorch's control-flow
operators with their eager semantics.
"""
import functools
import os

_MODES = ('default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs', 'max-autotune')
_BACKENDS = ('cudagraphs', 'eager', 'inductor', 'aot_eager')


class InvalidBackend(RuntimeError):
    """A ``backend=`` name that is not registered."""

    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}, see `ember._dynamo.list_backends()` for available backends.")


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
    values, grad mode, the structure of list, tuple, dict and namedtuple arguments, ``*args`` and
    ``**kwargs`` among them) captures again; tensors inside such containers are graph inputs as tensor
    arguments are, and what the code adds to, sets in or removes from such a container is done again at
    each call. Code that cannot be captured (data-dependent control flow) runs eagerly and is recorded as a
    graph break
    (see ``ember._dynamo.explain``), or raises ``ember._dynamo.exc.Unsupported`` under
    ``fullgraph=True``. The built-in backends (``'inductor'``, the default, ``'eager'``,
    ``'aot_eager'``, ``'cudagraphs'``) run the captured graph as it is. Called without ``model`` it
    returns a decorator (which checks the settings when it gets the model, as PyTorch's does).

    Args:
        model (Callable or nn.Module, optional): what to compile.
        fullgraph (bool): raise ``Unsupported`` instead of breaking the graph, and
            ``FailOnRecompileLimitHit`` instead of running eagerly past the recompile limit.
        dynamic (bool or None): ``True`` treats sizes as varying from the start (one capture for all
            sizes above 1), ``False`` captures again for every new size, ``None`` (default) captures
            again once, with the sizes seen to change treated as varying from then on.
        backend (str or Callable, optional): the compiler backend's name, or a callable.
        mode (str, optional): ``'default'``, ``'lite'``, ``'reduce-overhead'``, ``'max-autotune'`` or
            ``'max-autotune-no-cudagraphs'`` for Inductor (whose settings ember checks but, generating no
            code, does not use); a custom backend receives it as ``mode=`` unless it is ``'default'``,
            and ``'eager'``, ``'aot_eager'`` and ``'cudagraphs'`` log that they ignore it, as in PyTorch.
        options (dict, optional): backend options (not together with ``mode``), passed on like ``mode``
            as ``options=``; Inductor's are checked by name and type.
        name (str, optional): labels Inductor's compiled-region wrappers, which exist only with the
            setting ``wrap_inductor_compiled_regions``; ember refuses it there with ``NotImplementedError``
            (other backends never see it, as in PyTorch).
        disable (bool): return ``model`` itself (as does the environment variable ``TORCHDYNAMO_DISABLE=1``).
        recompile_limit (int, optional): how many graphs to capture for the function
            (``ember._dynamo.config.recompile_limit`` by default, 8); calls needing another run eagerly,
            with a warning.
        isolate_recompiles (bool): by default every ``compile`` of one function shares its captured
            graphs (and the recompile limit); ``True`` keeps this call's new graphs to itself (it still
            reuses graphs the shared compiles captured).
        shapes_spec: PyTorch's unbacked-shape specification; ember raises ``NotImplementedError`` for it
            (``ValueError`` together with ``dynamic``, as PyTorch).

    Returns:
        A callable computing what ``model`` computes (an ``OptimizedModule`` for a module).

    Example::

        >>> f = ember.compile(lambda x: x * 2)
        >>> f(ember.tensor([1., 2.]))
        tensor([2., 4.])
    """
    if model is None:            # as PyTorch, a decorator checks the settings when it gets the model
        def decorate(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorate
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if backend is None:
        from ember.compiler import get_default_backend
        backend = get_default_backend()
    options = _settings_for_dynamo(options)
    if backend == 'inductor':
        _check_inductor_settings(mode, options, name)
    else:
        _check_backend(backend)
    return _optimize(model, backend, fullgraph=fullgraph, dynamic=dynamic, disable=disable, mode=mode,
                     options=options, recompile_limit=recompile_limit, isolate_recompiles=isolate_recompiles,
                     shapes_spec=shapes_spec)


def _settings_for_dynamo(options):
    """``options`` without the two entries PyTorch reads itself rather than passing to the backend
    (``guard_filter_fn``, ``use_aoti``), which ember cannot honour (the caller's dict is left as it is)."""
    if options is not None and not isinstance(options, dict):
        raise RuntimeError(f"options must be a dict, got {type(options).__name__}")
    if not options:
        return options
    options = dict(options)
    if options.pop('guard_filter_fn', None) is not None:
        raise NotImplementedError("ember.compile does not support options['guard_filter_fn']: ember's guards are "
                                  "fixed (tensor dtypes, devices, sizes, requires_grad; other arguments' values)")
    if options.pop('use_aoti', False):
        raise NotImplementedError("ember.compile does not support options['use_aoti']: ember has no AOTInductor")
    return options


def _check_inductor_settings(mode, options, name):
    """What the Inductor backend checks: ``mode`` is known, ``options`` are Inductor settings of the
    right types. ``name`` labels Inductor's compiled-region wrappers, made only when the setting
    ``wrap_inductor_compiled_regions`` is on; ember's Inductor runs the captured graph, so it refuses
    the name there rather than drop it."""
    if mode is not None and mode != 'default' and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if options:
        _check_inductor_options(options)
    if name is not None:
        import ember._inductor.config as config
        if (options or {}).get('wrap_inductor_compiled_regions', config.wrap_inductor_compiled_regions):
            raise NotImplementedError(f"ember.compile(name={name!r}) with wrap_inductor_compiled_regions: ember's "
                                      "Inductor backend makes no compiled-region wrappers to name")


def _optimize(model, backend, *, fullgraph=False, dynamic=None, disable=False, mode=None, options=None,
              recompile_limit=None, isolate_recompiles=False, shapes_spec=None, error_on_graph_break=None):
    """``model`` compiled with ``backend`` (already checked): what ``compile`` and ``_dynamo.optimize`` return."""
    if disable or os.environ.get('TORCHDYNAMO_DISABLE', '') == '1':
        return model
    if shapes_spec is not None:
        if dynamic is not None:
            raise ValueError("`dynamic` and `shapes_spec` cannot both be set. `shapes_spec` controls dynamic "
                             "behavior.")
        raise NotImplementedError("ember.compile does not support shapes_spec (unbacked symbolic shapes); "
                                  "use dynamic=True or ember._dynamo.mark_dynamic to let sizes vary")
    from ember.nn import Module
    from ember._dynamo._capture import CompiledCallable
    if not isinstance(model, Module) and not callable(model):
        raise RuntimeError(f"Expected a callable to compile, got {type(model).__name__}")
    graph = CompiledCallable(model, backend, fullgraph, dynamic, recompile_limit, isolate_recompiles, mode, options,
                             error_on_graph_break)
    if isinstance(model, Module):
        from ember._dynamo.eval_frame import OptimizedModule
        return OptimizedModule(model, graph)

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
    from ember._higher_order_ops._outputs import CondAutogradOp, from_node
    return from_node(CondAutogradOp, true_fn(*operands) if bool(pred) else false_fn(*operands))


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
