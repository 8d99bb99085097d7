"""ember.cpu.amp: the deprecated CPU spellings of ``ember.amp.autocast`` and ``ember.amp.GradScaler``."""
from ember.cpu.amp.autocast_mode import autocast  # noqa: F401
from ember.cpu.amp.grad_scaler import GradScaler  # noqa: F401

__all__ = ['autocast', 'GradScaler']
