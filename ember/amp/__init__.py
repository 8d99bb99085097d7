"""ember.amp: automatic mixed precision, like ``torch.amp``.

``autocast`` runs the ops of a region in per-op dtypes (matmuls and convolutions in float16/bfloat16,
precision-sensitive ops in float32); ``GradScaler`` scales the loss so small gradients survive, skips
steps with inf/NaN gradients and adapts the scale.

>>> import ember
>>> with ember.amp.autocast('cpu', dtype=ember.float16):
...     y = ember.ones(2, 2) @ ember.ones(2, 2)
>>> y.dtype
ember.float16
"""
from ember.amp.autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from ember.amp.grad_scaler import GradScaler

__all__ = ['GradScaler', 'autocast', 'custom_bwd', 'custom_fwd', 'is_autocast_available']
