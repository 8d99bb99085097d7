"""``ember.cpu.amp.GradScaler``: the deprecated CPU spelling of ``ember.amp.GradScaler('cpu')``."""
import warnings

from ember.amp import grad_scaler

__all__ = ['GradScaler']


class GradScaler(grad_scaler.GradScaler):
    """``ember.cpu.amp.GradScaler(...)`` is ``ember.amp.GradScaler('cpu', ...)`` (deprecated spelling)."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        warnings.warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use `torch.amp.GradScaler('cpu', "
                      "args...)` instead.".replace('torch.', 'ember.'), FutureWarning, stacklevel=2)
        super().__init__('cpu', init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)
