"""``torch.utils._contextlib``: context managers that also decorate functions (and generator functions,
whose every resumption runs inside a fresh context), the base libraries subclass for their own
(tensordict's option setters).

Example::

    >>> from ember.utils._contextlib import _DecoratorContextManager
    >>> class shout(_DecoratorContextManager):
    ...     def __enter__(self):
    ...         print('in')
    ...     def __exit__(self, *exc):
    ...         print('out')
    >>> @shout()
    ... def f():
    ...     return 1
    >>> f()
    in
    out
    1
"""
import functools
import inspect
import sys
import warnings


def _wrap_generator(ctx_factory, func):
    """``func`` (a generator function) with each step of its generator run inside ``ctx_factory()``."""
    @functools.wraps(func)
    def generator_context(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with ctx_factory():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with ctx_factory():
                        gen.close()
                    raise
                except BaseException:
                    with ctx_factory():
                        response = gen.throw(*sys.exc_info())
                else:
                    with ctx_factory():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value
    return generator_context


def context_decorator(ctx, func):
    """``func`` run inside ``ctx``: a context manager used as is, or a function making a fresh one per call.

    Example::

        >>> from ember.utils._contextlib import context_decorator
        >>> g = context_decorator(lambda: ember.no_grad(), lambda x: (x * 2).requires_grad)
        >>> g(ember.ones(1, requires_grad=True))
        False
    """
    if callable(ctx) and hasattr(ctx, '__enter__'):
        raise AssertionError(f"Passed in {ctx} is both callable and also a valid context manager (has "
                             "__enter__), making it ambiguous which interface to use.  If you intended to "
                             "pass a context manager factory, rewrite your call as context_decorator(lambda: "
                             "ctx()); if you intended to pass a context manager directly, rewrite your call "
                             "as context_decorator(lambda: ctx)")
    ctx_factory = ctx if callable(ctx) else (lambda: ctx)
    if inspect.isclass(func):
        raise RuntimeError("Cannot decorate classes; it is ambiguous whether only the `__init__` method should be "
                           "decorated or not.\nPlease decorate the `__init__` method directly.")
    if inspect.isgeneratorfunction(func):
        return _wrap_generator(ctx_factory, func)

    @functools.wraps(func)
    def decorate_context(*args, **kwargs):
        with ctx_factory():
            return func(*args, **kwargs)
    return decorate_context


class _DecoratorContextManager:
    """A context manager that decorates functions too: each call of a decorated function runs inside a
    fresh copy (``clone()``, by default the class called with no arguments).

    Example::

        >>> from ember.utils._contextlib import _DecoratorContextManager
        >>> class quiet(_DecoratorContextManager):
        ...     def __enter__(self):
        ...         self.prev = ember.is_grad_enabled(); ember.set_grad_enabled(False)
        ...     def __exit__(self, *exc):
        ...         ember.set_grad_enabled(self.prev)
        >>> quiet()(lambda: ember.is_grad_enabled())()
        False
    """

    def __call__(self, orig_func):
        if inspect.isclass(orig_func):
            warnings.warn("Decorating classes is deprecated and will be disabled in future versions. You should "
                          "only decorate functions or methods. To preserve the current behavior of class "
                          "decoration, you can directly decorate the `__init__` method and nothing else.",
                          FutureWarning, stacklevel=2)
            func = lambda *args, **kwargs: orig_func(*args, **kwargs)   # noqa: E731
        else:
            func = orig_func
        return context_decorator(self.clone, func)

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc_value, traceback):
        raise NotImplementedError

    def clone(self):
        """A fresh context manager like this one (for one call of a decorated function).

        Example::

            >>> from ember.utils._contextlib import _DecoratorContextManager
            >>> class c(_DecoratorContextManager):
            ...     pass
            >>> type(c().clone()).__name__
            'c'
        """
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """A decorating context manager that also decorates without parentheses (``@ctx`` as ``@ctx()``).

    Example::

        >>> from ember.utils._contextlib import _NoParamDecoratorContextManager
        >>> class off(_NoParamDecoratorContextManager):
        ...     def __enter__(self):
        ...         self.prev = ember.is_grad_enabled(); ember.set_grad_enabled(False)
        ...     def __exit__(self, *exc):
        ...         ember.set_grad_enabled(self.prev)
        >>> @off
        ... def f():
        ...     return ember.is_grad_enabled()
        >>> f()
        False
    """

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)
