"""Quasi-random (low-discrepancy) sequences, as ``torch.quasirandom``: :class:`SobolEngine`."""
from ember.quasirandom.sobol import SobolEngine  # noqa: F401

__all__ = ['SobolEngine']
