"""Grad modes: no_grad / enable_grad / set_grad_enabled / inference_mode.

Each works as a context manager and as a decorator, like PyTorch's.
"""
import functools
import inspect


class _State:
    enabled = True
    inference = False


_state = _State()


def is_grad_enabled():
    return _state.enabled


def is_inference_mode_enabled():
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


class no_grad(_GradModeBase):
    def __init__(self, orig_func=None):
        self._func = orig_func

    def __new__(cls, orig_func=None):
        # @no_grad used without parentheses decorates the function directly
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = False


class enable_grad(no_grad):
    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = True


class set_grad_enabled(_GradModeBase):
    def __init__(self, mode):
        self._mode = bool(mode)
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

    def __exit__(self, *exc):
        _state.enabled = self._prev
        _state.inference = self._prev_inf
        return False
