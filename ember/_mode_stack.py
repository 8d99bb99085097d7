"""What TorchFunctionMode (ember/overrides.py) and TorchDispatchMode (ember/utils/_python_dispatch.py)
share: a thread-local stack of entered modes, and the context-manager base that pushes onto it."""
import contextlib
import threading
import warnings


class ModeStack:
    """The modes entered on each thread, innermost last."""

    def __init__(self, on_push=None):
        self._local = threading.local()
        self._on_push = on_push

    def modes(self):
        stack = getattr(self._local, 'modes', None)
        if stack is None:
            stack = self._local.modes = []
        return stack

    def any(self):
        return bool(getattr(self._local, 'modes', None))

    def push(self, mode):
        if self._on_push is not None:
            self._on_push()
        self.modes().append(mode)

    def pop(self):
        stack = self.modes()
        if not stack:
            raise AssertionError("Trying to pop from an empty mode stack")
        return stack.pop()

    @contextlib.contextmanager
    def pop_temporarily(self):
        """The innermost mode, off the stack while the block runs (calls there reach the next one)."""
        mode = self.pop()
        try:
            yield mode
        finally:
            self.modes().append(mode)

    def current(self):
        stack = self.modes()
        return stack[-1] if stack else None


class Mode:
    """Base of the mode classes: ``with mode:`` pushes it on its class's ``_stack``."""
    _stack = None

    def __enter__(self):
        self._stack.push(self)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self._stack.pop()

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn("`Mode.push()` is no longer necessary and can be replaced with just `with Mode()`",
                      stacklevel=2)
        return cls(*args, **kwargs)

    @classmethod
    def is_infra_mode(cls):
        return False
