"""TensorBoard logging: :class:`SummaryWriter` writes event files that TensorBoard reads.

Needs the optional ``tensorboard`` package (``pip install ember[tensorboard]``).
"""
try:
    import tensorboard  # noqa: F401
except ImportError as exc:  # the base install works without it; only this module needs it
    raise ImportError(
        "ember.utils.tensorboard needs the 'tensorboard' package: pip install tensorboard") from exc

from .writer import FileWriter, SummaryWriter

__all__ = ['FileWriter', 'SummaryWriter']
