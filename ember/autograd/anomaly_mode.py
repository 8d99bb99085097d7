"""Anomaly detection: find the forward operation whose backward failed or produced ``nan``.

While it is on, every recorded graph node keeps the stack of the forward call that made it. When a
node's backward raises, a warning shows that stack before the error propagates; with ``check_nan``
a backward that returns ``nan`` raises ``RuntimeError`` naming the node and the output. The
engine and ``Function.apply`` read ``_enabled``/``_check_nan`` (one global read each), so the
detector costs nothing while off.
"""
import os
import warnings

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

_enabled = False
_check_nan = True


def is_anomaly_enabled():
    """Returns ``True`` if anomaly detection is on."""
    return _enabled


def _set(enabled, check_nan):
    global _enabled, _check_nan
    _enabled, _check_nan = bool(enabled), bool(check_nan)


class set_detect_anomaly:
    """Context manager (or function) that turns anomaly detection on or off.

    Called as a function it sets the mode until changed again; as a context manager it restores
    the previous mode on exit.

    Args:
        mode (bool): turn anomaly detection on (``True``) or off (``False``).
        check_nan (bool): raise when a backward returns ``nan``. Default: ``True``.

    Example::

        >>> with ember.autograd.set_detect_anomaly(True, check_nan=False):
        ...     print(ember.is_anomaly_enabled(), ember.is_anomaly_check_nan_enabled())
        True False
        >>> ember.is_anomaly_enabled()
        False
    """

    def __init__(self, mode, check_nan=True):
        self._prev = (_enabled, _check_nan)
        _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self._prev)


class detect_anomaly(set_detect_anomaly):
    """Context manager that turns anomaly detection on for its block (it slows every op down:
    use it to debug).

    Inside the block, an error in a backward is preceded by a warning with the traceback of the
    forward call that made the failing node, and (with ``check_nan``) a backward that returns
    ``nan`` raises ``RuntimeError: Function 'XBackward0' returned nan values in its 0th output.``

    Args:
        check_nan (bool): raise when a backward returns ``nan``. Default: ``True``.

    Example::

        >>> x = ember.tensor([0.0], requires_grad=True)
        >>> with ember.autograd.detect_anomaly():  # doctest: +SKIP
        ...     (x.sqrt() * 0).sum().backward()
        Traceback (most recent call last):
            ...
        RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan=True):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", UserWarning, stacklevel=2)
        super().__init__(True, check_nan)


# ----------------------------------------------------------------- used by Function.apply and the engine
def forward_stack():
    """The user's part of the current stack, as ``traceback`` formats it (ember's frames dropped)."""
    import traceback    # (loaded with anomaly mode's first record, not at ``import ember``)
    frames = [f for f in traceback.extract_stack()[:-1] if not os.path.abspath(f.filename).startswith(_EMBER_DIR)]
    return ''.join(traceback.format_list(frames))


def warn_failed(node):
    """Show the forward stack of ``node``, whose backward has just failed."""
    stack = getattr(node, '_anomaly_stack', None)
    if stack is None:
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{stack}",
                  UserWarning, stacklevel=2)


def check_nan(node, grads):
    """Raise PyTorch's error when ``node``'s backward returned ``nan`` in some output."""
    for k, g in enumerate(grads):
        if g is not None and g._data.dtype.kind in 'fc' and g._xp.isnan(g._data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {k}th output.")
