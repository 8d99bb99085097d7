"""ember.cuda.amp: the deprecated CUDA spellings of ``ember.amp`` (autocast, GradScaler, custom_fwd/bwd)."""
from ember.cuda.amp.autocast_mode import autocast, custom_bwd, custom_fwd  # noqa: F401
from ember.cuda.amp.common import amp_definitely_not_available  # noqa: F401
from ember.cuda.amp.grad_scaler import GradScaler  # noqa: F401

__all__ = ['autocast', 'GradScaler', 'custom_fwd', 'custom_bwd']
