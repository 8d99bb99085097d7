"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad; 1-3 d) over F.pad."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d', 'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d',
           'ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d', 'ReplicationPad1d', 'ReplicationPad2d',
           'ReplicationPad3d', 'CircularPad1d', 'CircularPad2d', 'CircularPad3d']


def _ntuple(padding, n):
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    return tuple(padding)


class _PadNd(Module):
    __constants__ = ['padding']
    mode = 'constant'
    dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(padding, self.dims)

    def forward(self, input):
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f'{self.padding}'


class _ConstantPadNd(_PadNd):
    __constants__ = ['padding', 'value']

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, 'constant', self.value)

    def extra_repr(self):
        return f'padding={self.padding}, value={self.value}'


class ConstantPad1d(_ConstantPadNd):
    dims = 1


class ConstantPad2d(_ConstantPadNd):
    dims = 2


class ConstantPad3d(_ConstantPadNd):
    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f'{self.padding}'


class ZeroPad1d(_ZeroPadNd):
    dims = 1


class ZeroPad2d(_ZeroPadNd):
    dims = 2


class ZeroPad3d(_ZeroPadNd):
    dims = 3


class ReflectionPad1d(_PadNd):
    mode, dims = 'reflect', 1


class ReflectionPad2d(_PadNd):
    mode, dims = 'reflect', 2


class ReflectionPad3d(_PadNd):
    mode, dims = 'reflect', 3


class ReplicationPad1d(_PadNd):
    mode, dims = 'replicate', 1


class ReplicationPad2d(_PadNd):
    mode, dims = 'replicate', 2


class ReplicationPad3d(_PadNd):
    mode, dims = 'replicate', 3


class _CircularPadNd(_PadNd):
    mode = 'circular'

    def forward(self, input):
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.ndim}D input)")
        return F.pad(input, self.padding, 'circular')


class CircularPad1d(_CircularPadNd):
    dims = 1


class CircularPad2d(_CircularPadNd):
    dims = 2


class CircularPad3d(_CircularPadNd):
    dims = 3


def __getattr__(name):  # PyTorch's names for this file that ember defines elsewhere (see _other_homes)
    from ember.nn.modules._other_homes import lookup
    return lookup(__name__, name)


def __dir__():
    from ember.nn.modules._other_homes import names
    return sorted(set(globals()) | set(names(__name__)))
