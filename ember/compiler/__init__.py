"""ember.compiler: PyTorch's ``torch.compiler`` controls. ``compile`` captures programs into fx graphs
and hands them to the backend (see ``ember.compile``); ``reset`` forgets the captured graphs.

>>> ember.compiler.is_compiling()
False
"""
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
    """Whether ``ember.compile`` is capturing the code that calls this (False when that code runs eagerly,
    including a compiled function's eager fallbacks), as PyTorch's ``torch.compiler.is_compiling``.

    Example::

        >>> f = ember.compile(lambda x: x + 1 if ember.compiler.is_compiling() else x - 1)
        >>> f(ember.zeros(2)), ember.compiler.is_compiling()
        (tensor([1., 1.]), False)
    """
    import sys
    tracer = sys.modules.get('ember._dynamo._tracer')
    return bool(tracer is not None and tracer.ACTIVE)


is_dynamo_compiling = is_compiling


def is_exporting():
    return False


_CONSTANT_RESULTS = {}      # id -> function marked with assume_constant_result (reached as a module's attribute)


def assume_constant_result(fn):
    """Marks ``fn`` as giving the same result at every call: compiled code calls it once, when it is
    captured (on the values the capture has), and its result is fixed in the graph (a tensor as an
    attribute of the GraphModule named ``<fn>_0``). Eager calls are unchanged; returns ``fn``.

    Example::

        >>> @ember.compiler.assume_constant_result
        ... def scale():
        ...     return 3
        >>> ember.compile(lambda x: x * scale())(ember.ones(2))
        tensor([3., 3.])
    """
    fn._dynamo_marked_constant = True
    _CONSTANT_RESULTS[id(fn)] = fn
    return fn


def wrap_numpy(fn):
    """Makes a NumPy function take and return tensors: tensor arguments (anywhere in nested lists, tuples
    and dicts) reach ``fn`` as NumPy arrays, and the arrays it returns come back as tensors.

    Example::

        >>> import numpy as np
        >>> @ember.compiler.wrap_numpy
        ... def f(a):
        ...     return np.sum(a * a, axis=0)
        >>> f(ember.ones(2, 3))
        tensor([2., 2., 2.])
    """
    import numpy as np
    from ember._tensor import Tensor
    from ember.utils._pytree import tree_map_only

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        args, kwargs = tree_map_only(Tensor, lambda t: t.numpy(), (args, kwargs))
        out = fn(*args, **kwargs)
        import ember
        return tree_map_only(np.ndarray, ember.as_tensor, out)
    return wrapped
_ALLOWED_IN_GRAPH = {}      # id -> function: compiled code records calls to them as one graph node
_DISALLOWED_IN_GRAPH = {}   # id -> function: compiled code breaks the graph around calls to them
_SUBSTITUTES = {}           # id of an original (or of its wrapper) -> (it, the stand-in traced in its place)


def allow_in_graph(fn):
    """Marks ``fn`` (or each of a list of functions) to appear in compiled graphs as one call rather
    than traced through, where the compiled code calls it by a global name; returns ``fn``.

    Example::

        >>> @ember.compiler.allow_in_graph
        ... def my_op(t):
        ...     return t * 2 + 1
        >>> ember.compile(lambda x: my_op(x))(ember.zeros(1))
        tensor([1.])
    """
    if isinstance(fn, (list, tuple)):
        return [allow_in_graph(f) for f in fn]
    if not callable(fn):
        raise AssertionError("allow_in_graph expects a callable")
    from ember._torch_function import unwrapped
    _DISALLOWED_IN_GRAPH.pop(id(unwrapped(fn)), None)
    _ALLOWED_IN_GRAPH[id(fn)] = fn
    return fn


def _in_graph_as_is(fn):
    """Whether compiled code records calls to ``fn`` as one node without being told: ember's operators."""
    module = getattr(fn, '__module__', None) or getattr(getattr(fn, '__objclass__', None), '__module__', None) or ''
    return module == 'ember' or module.startswith('ember.')


def substitute_in_graph(original_fn, *, can_constant_fold_through=False, skip_signature_check=False):
    """A decorator registering a traceable stand-in for ``original_fn`` (usually a C function that
    compiled code cannot trace into): code being compiled that calls the original (or the decorated
    name) runs the stand-in, traced; eager calls run the original. The stand-in must take the
    original's parameters (unless ``skip_signature_check``); the decorator returns a function named
    as the stand-in that calls the original.

    Example::

        >>> import operator
        >>> @ember.compiler.substitute_in_graph(operator.indexOf)
        ... def index_of(a, b, /):
        ...     for i, item in enumerate(a):
        ...         if item is b or item == b:
        ...             return i
        ...     raise ValueError("sequence.index(x): x not in sequence")
        >>> index_of([1, 2, 3], 3)
        2
    """
    if not _is_function(original_fn):
        raise TypeError(f"substitute_in_graph expects a function but got {type(original_fn)!r}")

    def register(traceable_fn):
        import inspect
        if not _is_function(traceable_fn):
            raise TypeError(f"@substitute_in_graph(...) expects a function but got {type(traceable_fn)!r}")
        if not skip_signature_check:
            try:
                original_sig = inspect.signature(original_fn)
            except ValueError:          # a builtin without a signature: nothing to compare
                original_sig = None
            if original_sig is not None:
                traceable_sig = inspect.signature(traceable_fn)
                wildcard = _signature_ident(inspect.signature(lambda *args, **kwargs: None))
                ours, theirs = _signature_ident(original_sig), _signature_ident(traceable_sig)
                if ours != theirs and wildcard not in (ours, theirs):
                    raise TypeError(f"Signature mismatch between {original_fn} and {traceable_fn}: "
                                    f"{original_sig} != {traceable_sig}")
        if id(original_fn) in _SUBSTITUTES:
            raise ValueError(f"Duplicate dispatch rule for {original_fn}: already registered in VariableBuilder's "
                             "id dispatch map")

        @functools.wraps(traceable_fn)
        def wrapped(*args, **kwargs):
            return original_fn(*args, **kwargs)
        _SUBSTITUTES[id(original_fn)] = (original_fn, traceable_fn)
        _SUBSTITUTES[id(wrapped)] = (wrapped, traceable_fn)
        return wrapped
    return register


def _is_function(fn):
    import types
    return isinstance(fn, (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                           types.WrapperDescriptorType))


def _signature_ident(sig):
    """A signature as compared by ``substitute_in_graph``: positional names, keyword-only names,
    defaults (annotations and the names of ``*args``/``**kwargs`` left out)."""
    params = sig.parameters.values()
    return (tuple(p.name for p in params if p.kind not in (p.KEYWORD_ONLY, p.VAR_POSITIONAL, p.VAR_KEYWORD)),
            {p.name for p in params if p.kind == p.KEYWORD_ONLY},
            {p.name: p.default for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)})


def disable(fn=None, recursive=True, *, reason=None):
    """Marks ``fn`` as never compiled: code compiled with ``ember.compile`` that calls it breaks the
    graph there and runs it eagerly on real values (``reason`` is kept as
    ``_torchdynamo_disable_msg``). With ``recursive=False`` PyTorch still compiles the functions ``fn``
    calls, as graphs of their own; ember runs them eagerly with ``fn`` (the same results; only what is
    compiled differs). Usable as a decorator.

    Example::

        >>> @ember.compiler.disable
        ... def helper(t):
        ...     return t + 1
        >>> ember.compile(lambda x: helper(x.sin()).cos())(ember.zeros(2))
        tensor([0.5403, 0.5403])
    """
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
    disabled._torchdynamo_disable_recursive = recursive
    disabled._torchdynamo_disable_msg = reason
    return disabled


# what compiled callables read at each call (set_stance)
_STANCE = {'stance': 'default', 'skip_guard_eval_unsafe': False, 'force_backend': None}


class set_stance:
    """Sets how compiled functions behave, at once and until set again; usable as a context manager
    (the previous stance comes back on exit) or a decorator (the stance holds during each call):

    - ``'default'``: capture and call the backend (``force_backend`` then replaces every compile's backend);
    - ``'force_eager'``: compiled functions run eagerly;
    - ``'eager_on_recompile'``: a call needing a new graph runs eagerly (captured graphs are still used);
    - ``'fail_on_recompile'``: a call needing a new graph raises ``RuntimeError``;
    - ``'eager_then_compile'``, ``'aot_eager_then_compile'``: a compiled function's first call runs eagerly.

    ``skip_guard_eval_unsafe`` lets PyTorch skip guard checks for speed; ember always checks them, which
    gives the same results whenever the flag is used as meant (on warmed-up inputs).

    Example::

        >>> f = ember.compile(lambda x: x + 1)
        >>> with ember.compiler.set_stance('force_eager'):
        ...     f(ember.zeros(1))
        tensor([1.])
    """

    def __init__(self, stance='default', *, skip_guard_eval_unsafe=False, force_backend=None):
        if stance not in _STANCES:
            raise RuntimeError(f"invalid torch.compile stance '{stance}'")
        if force_backend is not None:
            if stance != 'default':
                raise RuntimeError("non-default stance cannot have force_backend set")
            _check_backend(force_backend)
        self.stance = {'stance': stance, 'skip_guard_eval_unsafe': skip_guard_eval_unsafe,
                       'force_backend': force_backend}
        self.previous = dict(_STANCE)
        _STANCE.update(self.stance)

    def __enter__(self):
        _STANCE.update(self.stance)
        return self

    def __exit__(self, *exc):
        _STANCE.update(self.previous)

    def __call__(self, fn):
        _STANCE.update(self.previous)        # as a decorator: the stance holds only during the calls

        @functools.wraps(fn)
        def with_stance(*args, **kwargs):
            previous = dict(_STANCE)
            _STANCE.update(self.stance)
            try:
                return fn(*args, **kwargs)
            finally:
                _STANCE.update(previous)
        return with_stance


def cudagraph_mark_step_begin():
    """Marks a new iteration for CUDA graph trees (ember records no CUDA graphs)."""
