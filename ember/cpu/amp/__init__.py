"""ember.cpu.amp: the deprecated CPU spellings of ``ember.amp.autocast`` and ``ember.amp.GradScaler``."""
import warnings

from ember.amp import autocast_mode, grad_scaler

__all__ = ['autocast', 'GradScaler']


def _bfloat16_or_none():
    import ember
    return ember.bfloat16 if ember._dtype.HAS_BFLOAT16 else None   # bfloat16 needs ml_dtypes


class autocast(autocast_mode.autocast):
    """``ember.cpu.amp.autocast(...)`` is ``ember.amp.autocast('cpu', ...)`` (deprecated spelling)."""

    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        warnings.warn("`torch.cpu.amp.autocast(args...)` is deprecated. Please use `torch.amp.autocast('cpu', "
                      "args...)` instead.".replace('torch.', 'ember.'), FutureWarning, stacklevel=2)
        dtype = _bfloat16_or_none() if dtype is None else dtype
        super().__init__('cpu', enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """``ember.cpu.amp.GradScaler(...)`` is ``ember.amp.GradScaler('cpu', ...)`` (deprecated spelling)."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        warnings.warn("`torch.cpu.amp.GradScaler(args...)` is deprecated. Please use `torch.amp.GradScaler('cpu', "
                      "args...)` instead.".replace('torch.', 'ember.'), FutureWarning, stacklevel=2)
        super().__init__('cpu', init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


