"""ember.cuda.amp: the deprecated CUDA spellings of ``ember.amp`` (autocast, GradScaler, custom_fwd/bwd)."""
import functools
import warnings

from ember._dtype import float16
from ember.amp import autocast_mode, grad_scaler

__all__ = ['autocast', 'GradScaler', 'custom_fwd', 'custom_bwd']


def _deprecated(old, new):
    warnings.warn(f"`ember.cuda.amp.{old}(args...)` is deprecated. Please use `ember.amp.{new}` instead.",
                  FutureWarning, stacklevel=3)


class autocast(autocast_mode.autocast):
    """``ember.cuda.amp.autocast(...)`` is ``ember.amp.autocast('cuda', ...)`` (deprecated spelling).
    Without a GPU it warns and runs with autocast off, as PyTorch does."""

    def __init__(self, enabled=True, dtype=float16, cache_enabled=True):
        _deprecated('autocast', "autocast('cuda', args...)")
        super().__init__('cuda', enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


class GradScaler(grad_scaler.GradScaler):
    """``ember.cuda.amp.GradScaler(...)`` is ``ember.amp.GradScaler('cuda', ...)`` (deprecated spelling).
    Without a GPU it warns and disables itself (every method passes through), as PyTorch does."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        _deprecated('GradScaler', "GradScaler('cuda', args...)")
        super().__init__('cuda', init_scale=init_scale, growth_factor=growth_factor, backoff_factor=backoff_factor,
                         growth_interval=growth_interval, enabled=enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """``ember.amp.custom_fwd(device_type='cuda')`` (deprecated spelling)."""
    _deprecated('custom_fwd', "custom_fwd(args..., device_type='cuda')")
    if fwd is None:
        return functools.partial(autocast_mode.custom_fwd, device_type='cuda', cast_inputs=cast_inputs)
    return autocast_mode.custom_fwd(fwd, device_type='cuda', cast_inputs=cast_inputs)


def custom_bwd(bwd=None):
    """``ember.amp.custom_bwd(device_type='cuda')`` (deprecated spelling)."""
    _deprecated('custom_bwd', "custom_bwd(args..., device_type='cuda')")
    if bwd is None:
        return functools.partial(autocast_mode.custom_bwd, device_type='cuda')
    return autocast_mode.custom_bwd(bwd, device_type='cuda')
