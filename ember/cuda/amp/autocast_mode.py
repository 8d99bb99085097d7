"""``ember.cuda.amp.autocast`` and ``custom_fwd``/``custom_bwd``: the deprecated CUDA spellings of ember.amp's."""
import functools

from ember._dtype import float16
from ember.amp import autocast_mode
from ember.cuda.amp.common import _deprecated

__all__ = ['autocast', 'custom_fwd', 'custom_bwd']


class autocast(autocast_mode.autocast):
    """``ember.cuda.amp.autocast(...)`` is ``ember.amp.autocast('cuda', ...)`` (deprecated spelling).
    Without a GPU it warns and runs with autocast off, as PyTorch does."""

    def __init__(self, enabled=True, dtype=float16, cache_enabled=True):
        _deprecated('autocast', "autocast('cuda', args...)")
        super().__init__('cuda', enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)


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
