"""``ember.cpu.amp.autocast``: the deprecated CPU spelling of ``ember.amp.autocast('cpu')``."""
import warnings

from ember.amp import autocast_mode

__all__ = ['autocast']


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
