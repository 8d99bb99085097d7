"""Grad modes: no_grad / enable_grad / set_grad_enabled / inference_mode.

Each works as a context manager and as a decorator, like PyTorch's.
"""
import functools
import inspect


from ember._grad_state import state as _state


def is_grad_enabled():
    """Returns ``True`` if gradient recording is currently enabled (it is, unless inside :class:`ember.no_grad`,
    :class:`ember.inference_mode` or ``set_grad_enabled(False)``).

    Example::

        >>> ember.is_grad_enabled()
        True
        >>> with ember.no_grad():
        ...     print(ember.is_grad_enabled())
        ...
        False
    """
    return _state.enabled


def is_inference_mode_enabled():
    """Returns ``True`` if inference mode is currently enabled (inside :class:`ember.inference_mode`).

    Example::

        >>> with ember.inference_mode():
        ...     print(ember.is_inference_mode_enabled())
        ...
        True
        >>> ember.is_inference_mode_enabled()
        False
    """
    return _state.inference


class _GradModeBase:
    """Shared decorator behaviour: wraps functions and generators alike."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("cannot decorate a class with a grad mode")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                try:
                    with self._fresh():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            gen.close()
                            raise
                        with self._fresh():
                            response = gen.send(request)
                except StopIteration as stop:
                    return stop.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return func(*args, **kwargs)
        return wrapper

    def _fresh(self):
        return self.__class__()

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False


class _NoParamGradMode(_GradModeBase):
    """A grad mode that may also decorate a function without parentheses (``@ember.no_grad``).

    The construction-time ``orig_func`` lives on this base so that ``no_grad``'s own signature
    is PyTorch's ``()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamGradMode):
    """Context manager (also a decorator) that turns gradient recording off: results computed
    inside it do not require grad, even when their inputs do.

    Example::

        >>> x = ember.tensor([1.], requires_grad=True)
        >>> with ember.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @ember.no_grad()
        ... def doubler(t):
        ...     return t * 2
        >>> doubler(x).requires_grad
        False
    """

    def __init__(self):
        pass

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = False


class enable_grad(_NoParamGradMode):
    """Context manager (and decorator) that enables gradient recording, for example inside a :class:`ember.no_grad`
    block. It affects only the current thread.

    Example::

        >>> x = ember.tensor([1.], requires_grad=True)
        >>> with ember.no_grad():
        ...     with ember.enable_grad():
        ...         y = x * 2
        ...
        >>> y.requires_grad
        True
    """
    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = True


class set_grad_enabled(_GradModeBase):
    """Context manager (and function) that turns gradient recording on or off according to ``mode``. Called as a
    function it sets the mode for the current thread until changed again.

    Args:
        mode (bool): whether to enable gradient recording.

    Example::

        >>> x = ember.tensor([1.], requires_grad=True)
        >>> with ember.set_grad_enabled(False):
        ...     y = x * 2
        ...
        >>> y.requires_grad
        False
        >>> _ = ember.set_grad_enabled(False)
        >>> (x * 2).requires_grad
        False
        >>> _ = ember.set_grad_enabled(True)
    """
    def __init__(self, mode):
        if mode.__class__ is not bool:     # (PyTorch's parser takes a bool only)
            from ember.ops._argparse import type_name
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {type_name(mode)}")
        self._mode = mode
        # set_grad_enabled(False) used as a plain call takes effect at once
        self._prev = _state.enabled
        _state.enabled = self._mode

    def _fresh(self):
        return set_grad_enabled(self._mode)

    def __enter__(self):
        pass

    def clone(self):
        return self._fresh()


class inference_mode(_GradModeBase):
    """Context manager (and decorator) for code that will never be differentiated: gradient recording
    is off inside, as with :class:`ember.no_grad`, and the tensors created inside are inference
    tensors (:meth:`Tensor.is_inference`). Outside the block an inference tensor cannot be changed in
    place, made to require gradient, or saved for backward by a recorded operation (PyTorch's errors);
    clone it to get a normal tensor.

    Args:
        mode (bool): whether to enable inference mode. Default: ``True``.

    Example::

        >>> x = ember.ones(1, 2, 3, requires_grad=True)
        >>> with ember.inference_mode():
        ...     y = x * x
        >>> y.requires_grad, y.is_inference()
        (False, True)
    """
    def __init__(self, mode=True):
        self._mode = mode

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def _fresh(self):
        return inference_mode(self._mode)

    def __enter__(self):
        self._prev = _state.enabled
        self._prev_inf = _state.inference
        if self._mode:
            _state.enabled = False
            _state.inference = True
        else:       # (PyTorch's inference_mode(False) turns grad mode back on, also inside no_grad)
            _state.enabled = True
            _state.inference = False

    def __exit__(self, *exc):
        _state.enabled = self._prev
        _state.inference = self._prev_inf
        return False
