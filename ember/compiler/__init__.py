"""ember.compiler: PyTorch's ``torch.compiler`` controls. ``compile`` captures programs into fx graphs
and hands them to the backend (see ``ember.compile``); ``reset`` forgets the captured graphs.

>>> ember.compiler.is_compiling()
False
"""
import contextlib
import functools

from ember._compile import _BACKENDS, InvalidBackend, _check_backend, compile  # noqa: F401

__all__ = ['compile', 'reset', 'allow_in_graph', 'substitute_in_graph', 'list_backends', 'disable',
           'set_stance', 'cudagraph_mark_step_begin', 'wrap_numpy', 'is_compiling', 'is_dynamo_compiling',
           'is_exporting', 'assume_constant_result', 'get_default_backend', 'set_default_backend']

_default_backend = ['inductor']
_STANCES = ('default', 'force_eager', 'eager_on_recompile', 'fail_on_recompile', 'eager_then_compile',
            'aot_eager_then_compile')


def list_backends(exclude_tags=('debug', 'experimental')):
    """The names ``ember.compile(backend=...)`` accepts."""
    from ember._dynamo import _REGISTERED
    exclude = set(exclude_tags or ())
    names = [b for b in _BACKENDS if not (exclude_tags and b in ('eager', 'aot_eager'))]
    names += [name for name, (_, tags) in _REGISTERED.items() if not exclude.intersection(tags)]
    return sorted(names)


def get_default_backend():
    return _default_backend[0]


def set_default_backend(backend):
    _check_backend(backend)
    _default_backend[0] = backend


def reset():
    """Forgets every captured graph: compiled functions capture again and call their backend again.

    Example::

        >>> ember.compiler.reset()
    """
    from ember._dynamo._capture import reset as reset_captures
    reset_captures()


def is_compiling():
    return False


is_dynamo_compiling = is_compiling


def is_exporting():
    return False


def _identity_decorator(fn=None, *args, **kwargs):
    if fn is None or not callable(fn):
        return lambda f: f
    return fn


allow_in_graph = assume_constant_result = wrap_numpy = _identity_decorator


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    """A decorator registering a traceable stand-in for ``original_fn``: eager code keeps calling the
    original, so the stand-in is returned unchanged."""
    return lambda fn: fn


def disable(fn=None, recursive=True, *, reason=None):
    """Marks ``fn`` as never compiled: code compiled with ``ember.compile`` that calls it breaks the
    graph there and runs it eagerly on real values (``reason`` is kept as
    ``_torchdynamo_disable_msg``). Only ``recursive=True`` is supported: ember cannot compile the
    functions a disabled function calls. Usable as a decorator.

    Example::

        >>> @ember.compiler.disable
        ... def helper(t):
        ...     return t + 1
        >>> ember.compile(lambda x: helper(x.sin()).cos())(ember.zeros(2))
        tensor([0.5403, 0.5403])
    """
    if not recursive:
        raise NotImplementedError("ember.compiler.disable(recursive=False): ember cannot compile the functions a "
                                  "disabled function calls; use recursive=True")
    if fn is None:
        return lambda f: disable(f, recursive, reason=reason)
    from ember.nn import Module
    if isinstance(fn, Module):
        fn.forward = disable(fn.forward, recursive, reason=reason)
        return fn
    from ember._dynamo._segments import call_disabled

    @functools.wraps(fn)
    def disabled(*args, **kwargs):
        return call_disabled(fn, args, kwargs)
    disabled._torchdynamo_disable = True
    disabled._torchdynamo_disable_msg = reason
    return disabled


@contextlib.contextmanager
def _stance(stance, skip_guard_eval_unsafe, force_backend):
    yield


def set_stance(stance='default', *, skip_guard_eval_unsafe=False, force_backend=None):
    """Sets how compiled functions behave; under ember every stance runs eagerly."""
    if stance not in _STANCES:
        raise RuntimeError(f"invalid torch.compile stance '{stance}'")
    return _stance(stance, skip_guard_eval_unsafe, force_backend)


def cudagraph_mark_step_begin():
    """Marks a new iteration for CUDA graph trees (ember records no CUDA graphs)."""
