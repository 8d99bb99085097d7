"""``ember._assert``: Python's ``assert`` as a function that graph capture can record."""
from ember._tensor import Tensor


def _assert(condition, message):
    """Raises ``AssertionError(message)`` when ``condition`` is false, like an ``assert`` statement, but as a
    call: :func:`ember.fx.symbolic_trace` records it as a node (a proxy condition has no truth value while
    tracing), and it is not skipped under ``python -O``. Libraries guard input shapes with it (open_clip, timm).

    Args:
        condition (bool or Tensor): what must hold.
        message (str): the error's text when it does not.

    Example::

        >>> x = ember.zeros(2, 3)
        >>> ember._assert(x.shape[1] == 3, "expected 3 channels")
        >>> ember._assert(x.dim() == 4, "expected a 4-d input")
        Traceback (most recent call last):
            ...
        AssertionError: expected a 4-d input
    """
    if type(condition) is not Tensor:
        from ember.overrides import handle_torch_function, has_torch_function
        if has_torch_function((condition,)):
            return handle_torch_function(_assert, (condition,), condition, message)
    if not condition:
        raise AssertionError(message)
