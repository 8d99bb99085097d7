"""``torch.nn.modules.batchnorm``'s names: the batch-norm layers (defined in normalization.py, lazy_layers.py
and _syncbn.py), importable from PyTorch's module path."""
from ember.nn.modules._syncbn import SyncBatchNorm  # noqa: F401
from ember.nn.modules.lazy import LazyModuleMixin  # noqa: F401
from ember.nn.modules.lazy_layers import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, _LazyNormBase  # noqa: F401
from ember.nn.modules.normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _BatchNorm, _NormBase  # noqa: F401
from ember.nn.parameter import UninitializedBuffer, UninitializedParameter  # noqa: F401

__all__ = ['BatchNorm1d', 'LazyBatchNorm1d', 'BatchNorm2d', 'LazyBatchNorm2d', 'BatchNorm3d', 'LazyBatchNorm3d',
           'SyncBatchNorm']
