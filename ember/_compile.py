"""``ember.compile``, ``ember.cond`` and ``ember.while_loop``, run eagerly.

ember has no graph compiler: ``ember.compile`` validates its arguments as PyTorch does and returns
a callable (or, for a module, a wrapping ``OptimizedModule``) that runs the original code eagerly,
giving the same results an uncompiled program gives. ``cond``/``while_loop`` are PyTorch's
control-flow operators with their eager semantics.
"""
import functools

_MODES = ('default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs', 'max-autotune')
_BACKENDS = ('cudagraphs', 'eager', 'inductor', 'aot_eager')


class InvalidBackend(RuntimeError):
    """A ``backend=`` name that is not registered."""

    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}, see `ember.compiler.list_backends()` for available backends.")


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None, name=None,
            disable=False, recompile_limit=None, isolate_recompiles=False, shapes_spec=None):
    """Prepares ``model`` (a function or an ``nn.Module``) for repeated calls; ember runs it eagerly.

    The arguments are checked as PyTorch checks them (``mode`` one of PyTorch's modes, not both
    ``mode`` and ``options``, ``backend`` a known name or a callable); the result computes exactly
    what ``model`` computes. Called without ``model`` it returns a decorator.

    Args:
        model (Callable or nn.Module, optional): what to compile.
        fullgraph, dynamic, name, disable, recompile_limit, isolate_recompiles, shapes_spec: compiler
            settings, accepted for compatibility (eager execution has no graph to tune).
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
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise InvalidBackend(backend)
    if options is not None and not isinstance(options, dict):
        raise RuntimeError(f"options must be a dict, got {type(options).__name__}")
    if model is None:
        def decorate(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           name=name, disable=disable, recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return decorate
    from ember.nn import Module
    if isinstance(model, Module):
        from ember._dynamo.eval_frame import OptimizedModule
        return OptimizedModule(model)
    if not callable(model):
        raise RuntimeError(f"Expected a callable to compile, got {type(model).__name__}")

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)
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
