"""The old home of SyncBatchNorm, now in batchnorm.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.batchnorm import SyncBatchNorm, _sync_batch_norm  # noqa: F401 (both names)

__all__ = ['SyncBatchNorm']
