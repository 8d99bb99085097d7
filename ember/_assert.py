"""``ember._assert``: Python's ``assert`` as a function that graph capture can record; ``ember._assert_async``:
an assertion on a one-element tensor's value."""
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


_NO_MESSAGE = object()    # (PyTorch refuses an explicit None: omitting the message differs from passing one)


def _assert_async(input, assert_msg=_NO_MESSAGE):
    """Raises ``RuntimeError`` unless the one-element tensor ``input`` is nonzero (``False``, ``0`` and ``0j``
    fail; NaN passes, as ``bool(float('nan'))``). On a GPU PyTorch checks this without waiting for the device;
    ember's check happens at the call on every device. kornia's histogram equalisation guards its lookup
    indices with it.

    Args:
        input (Tensor): a tensor of exactly one element.
        assert_msg (str, optional): the error's text when ``input`` is zero.

    Example::

        >>> ember._assert_async(ember.tensor(1.5))
        >>> ember._assert_async(ember.tensor([False]), "mask is empty")
        Traceback (most recent call last):
            ...
        RuntimeError: mask is empty
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"_assert_async(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if assert_msg is not _NO_MESSAGE and not isinstance(assert_msg, str):
        raise TypeError("_assert_async(): argument 'assert_msg' (position 2) must be str, not "
                        f"{type(assert_msg).__name__}")
    if not input.is_nonzero():        # (zero or several elements raise is_nonzero's own errors, as in PyTorch)
        raise RuntimeError(assert_msg if assert_msg is not _NO_MESSAGE else
                           'Expected Tensor with single nonzero value, but got zero')
