"""``torch.nn.modules.instancenorm``'s names: the instance-norm layers (defined in normalization.py and
lazy_layers.py), importable from PyTorch's module path."""
from ember.nn.modules.lazy_layers import (LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d,  # noqa: F401
                                          _LazyNormBase)
from ember.nn.modules.normalization import (InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _InstanceNorm,  # noqa: F401
                                            _NormBase)

__all__ = ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d',
           'LazyInstanceNorm3d']
