"""``ember.cuda.amp.GradScaler``: the deprecated CUDA spelling of ``ember.amp.GradScaler``."""
from ember.amp import grad_scaler
from ember.cuda.amp.common import _deprecated

__all__ = ['GradScaler']


class GradScaler(grad_scaler.GradScaler):
    """``ember.cuda.amp.GradScaler(...)`` is ``ember.amp.GradScaler('cuda', ...)`` (deprecated spelling).
    Without a GPU it warns and disables itself (every method passes through), as PyTorch does."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated('GradScaler', "GradScaler('cuda', args...)")
        super().__init__('cuda', init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)
