"""``implicit_replication``: plain tensors beside DTensors count as replicated DTensors."""
import contextlib

__all__ = ['implicit_replication', 'allowed']

_depth = [0]


def allowed():
    """Whether plain tensors may mix with DTensors here."""
    return _depth[0] > 0


@contextlib.contextmanager
def implicit_replication():
    """Inside the context, an operation on DTensors may also take plain tensors: each is taken as the same
    whole tensor on every rank (Replicate). Outside it, mixing them raises, as PyTorch does.

    Example::

        >>> from ember.distributed.tensor.experimental import implicit_replication
        >>> with implicit_replication():                       # doctest: +SKIP
        ...     y = dtensor + ember.ones(dtensor.shape)
    """
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
