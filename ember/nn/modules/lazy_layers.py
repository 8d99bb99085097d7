"""The lazy layers' old home: each now lives beside its regular layer as in PyTorch (LazyLinear in
linear.py, LazyConv* in conv.py, LazyBatchNorm* in batchnorm.py, LazyInstanceNorm* in
instancenorm.py); re-exported here so the old imports still work.
"""
from ember.nn.modules.batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, _LazyNormBase  # noqa: F401 (all names)
from ember.nn.modules.conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,  # noqa: F401
                                   LazyConvTranspose2d, LazyConvTranspose3d, _LazyConvXdMixin)  # noqa: F401
from ember.nn.modules.instancenorm import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d  # noqa: F401
from ember.nn.modules.linear import LazyLinear  # noqa: F401

__all__ = ['LazyLinear', 'LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d',
           'LazyConvTranspose3d', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d', 'LazyInstanceNorm1d',
           'LazyInstanceNorm2d', 'LazyInstanceNorm3d']
