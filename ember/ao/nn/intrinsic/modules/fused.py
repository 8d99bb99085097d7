"""Fused float modules: a sequence of layers that quantization treats as one (``fuse_modules`` makes them;
preparation observes only the last output; conversion swaps the whole for one quantized module)."""
from ember import nn

__all__ = ['ConvReLU1d', 'ConvReLU2d', 'ConvReLU3d', 'LinearReLU', 'ConvBn1d', 'ConvBn2d', 'ConvBn3d',
           'ConvBnReLU1d', 'ConvBnReLU2d', 'ConvBnReLU3d', 'BNReLU2d', 'BNReLU3d', 'LinearBn1d']


class _FusedModule(nn.Sequential):
    """Base of the fused modules: an ``nn.Sequential`` of the layers it fuses."""


def _fused(name, parts, doc):
    """A fused module class ``name`` over the float layers ``parts`` (names in ``ember.nn``)."""
    def __init__(self, *modules):
        if len(modules) != len(parts) or any(type(m) is not getattr(nn, p) for m, p in zip(modules, parts)):
            names = [type(m).__name__ for m in modules]
            listed = ' and '.join(names) if len(names) == 2 else ', '.join(names[:-1]) + ', and ' + names[-1]
            raise AssertionError("Incorrect types for input modules: " + listed)
        _FusedModule.__init__(self, *modules)
    cls = type(name, (_FusedModule,), {'__init__': __init__, '__doc__': doc, '__module__': __name__})
    return cls


ConvReLU1d = _fused('ConvReLU1d', ('Conv1d', 'ReLU'), "Conv1d followed by ReLU, fused for quantization.")
ConvReLU2d = _fused('ConvReLU2d', ('Conv2d', 'ReLU'), "Conv2d followed by ReLU, fused for quantization.")
ConvReLU3d = _fused('ConvReLU3d', ('Conv3d', 'ReLU'), "Conv3d followed by ReLU, fused for quantization.")
LinearReLU = _fused('LinearReLU', ('Linear', 'ReLU'), "Linear followed by ReLU, fused for quantization.")
ConvBn1d = _fused('ConvBn1d', ('Conv1d', 'BatchNorm1d'), "Conv1d followed by BatchNorm1d (for QAT).")
ConvBn2d = _fused('ConvBn2d', ('Conv2d', 'BatchNorm2d'), "Conv2d followed by BatchNorm2d (for QAT).")
ConvBn3d = _fused('ConvBn3d', ('Conv3d', 'BatchNorm3d'), "Conv3d followed by BatchNorm3d (for QAT).")
ConvBnReLU1d = _fused('ConvBnReLU1d', ('Conv1d', 'BatchNorm1d', 'ReLU'), "Conv1d, BatchNorm1d and ReLU (for QAT).")
ConvBnReLU2d = _fused('ConvBnReLU2d', ('Conv2d', 'BatchNorm2d', 'ReLU'), "Conv2d, BatchNorm2d and ReLU (for QAT).")
ConvBnReLU3d = _fused('ConvBnReLU3d', ('Conv3d', 'BatchNorm3d', 'ReLU'), "Conv3d, BatchNorm3d and ReLU (for QAT).")
BNReLU2d = _fused('BNReLU2d', ('BatchNorm2d', 'ReLU'), "BatchNorm2d followed by ReLU, fused for quantization.")
BNReLU3d = _fused('BNReLU3d', ('BatchNorm3d', 'ReLU'), "BatchNorm3d followed by ReLU, fused for quantization.")
LinearBn1d = _fused('LinearBn1d', ('Linear', 'BatchNorm1d'), "Linear followed by BatchNorm1d (for QAT).")
