"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad; 1-3 d) over F.pad."""
from ember.nn import functional as F
from ember.nn.modules.module import Module
from ember.nn.modules.utils import _pair, _quadruple  # noqa: F401 (PyTorch's padding module has them)

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
    """Pads the input tensor's boundaries with a constant value. For N-dimensional padding use
    :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 2-tuple
            is ``(padding_left, padding_right)``.
        value (float): the fill value for the padding.

    Shape:
        - Input: ``(C, W_in)`` or ``(N, C, W_in)``.
        - Output: the same with ``W_out = W_in + padding_left + padding_right``.

    Example::

        >>> m = nn.ConstantPad1d(2, 3.5)
        >>> m(ember.arange(4.).view(1, 1, 4))
        tensor([[[3.5000, 3.5000, 0.0000, 1.0000, 2.0000, 3.0000, 3.5000, 3.5000]]])
    """
    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the input tensor's boundaries with a constant value. For N-dimensional padding use
    :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 4-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom)``.
        value (float): the fill value for the padding.

    Shape:
        - Input: ``(C, H_in, W_in)`` or ``(N, C, H_in, W_in)``.
        - Output: the same with ``H_out = H_in + padding_top + padding_bottom, W_out = W_in + padding_left +
          padding_right``.

    Example::

        >>> m = nn.ConstantPad2d(1, 3.5)
        >>> m(ember.arange(4.).view(1, 1, 2, 2))
        tensor([[[[3.5000, 3.5000, 3.5000, 3.5000],
                  [3.5000, 0.0000, 1.0000, 3.5000],
                  [3.5000, 2.0000, 3.0000, 3.5000],
                  [3.5000, 3.5000, 3.5000, 3.5000]]]])
    """
    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the input tensor's boundaries with a constant value. For N-dimensional padding use
    :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 6-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom, padding_front, padding_back)``.
        value (float): the fill value for the padding.

    Shape:
        - Input: ``(C, D_in, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same with ``D_out = D_in + padding_front + padding_back, and likewise for H and W``.

    Example::

        >>> m = nn.ConstantPad3d(1, 3.5)
        >>> m(ember.arange(2.).view(1, 1, 1, 1, 2)).shape
        ember.Size([1, 1, 3, 3, 4])
    """
    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    # (a mixin before ConstantPad<N>d: ZeroPad2d is a ConstantPad2d, as in PyTorch)
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f'{self.padding}'


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pads the input tensor's boundaries with zero. For N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 2-tuple
            is ``(padding_left, padding_right)``.

    Shape:
        - Input: ``(C, W_in)`` or ``(N, C, W_in)``.
        - Output: the same with ``W_out = W_in + padding_left + padding_right``.

    Example::

        >>> m = nn.ZeroPad1d(2)
        >>> m(ember.arange(4.).view(1, 1, 4))
        tensor([[[0., 0., 0., 1., 2., 3., 0., 0.]]])
    """
    dims = 1


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pads the input tensor's boundaries with zero. For N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 4-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom)``.

    Shape:
        - Input: ``(C, H_in, W_in)`` or ``(N, C, H_in, W_in)``.
        - Output: the same with ``H_out = H_in + padding_top + padding_bottom, W_out = W_in + padding_left +
          padding_right``.

    Example::

        >>> m = nn.ZeroPad2d(1)
        >>> m(ember.arange(4.).view(1, 1, 2, 2))
        tensor([[[[0., 0., 0., 0.],
                  [0., 0., 1., 0.],
                  [0., 2., 3., 0.],
                  [0., 0., 0., 0.]]]])
    """
    dims = 2


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pads the input tensor's boundaries with zero. For N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 6-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom, padding_front, padding_back)``.

    Shape:
        - Input: ``(C, D_in, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same with ``D_out = D_in + padding_front + padding_back, and likewise for H and W``.

    Example::

        >>> m = nn.ZeroPad3d(1)
        >>> m(ember.arange(2.).view(1, 1, 1, 1, 2)).shape
        ember.Size([1, 1, 3, 3, 4])
    """
    dims = 3


class _ReflectionPadNd(_PadNd):
    mode = 'reflect'


class _ReplicationPadNd(_PadNd):
    mode = 'replicate'


class ReflectionPad1d(_ReflectionPadNd):
    """Pads the input tensor using the reflection of its boundary (the edge value is not repeated). For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 2-tuple
            is ``(padding_left, padding_right)``.

    Shape:
        - Input: ``(C, W_in)`` or ``(N, C, W_in)``.
        - Output: the same with ``W_out = W_in + padding_left + padding_right``.

    Example::

        >>> m = nn.ReflectionPad1d(2)
        >>> m(ember.arange(4.).view(1, 1, 4))
        tensor([[[2., 1., 0., 1., 2., 3., 2., 1.]]])
    """
    dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pads the input tensor using the reflection of its boundary (the edge value is not repeated). For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 4-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom)``.

    Shape:
        - Input: ``(C, H_in, W_in)`` or ``(N, C, H_in, W_in)``.
        - Output: the same with ``H_out = H_in + padding_top + padding_bottom, W_out = W_in + padding_left +
          padding_right``.

    Example::

        >>> m = nn.ReflectionPad2d(1)
        >>> m(ember.arange(4.).view(1, 1, 2, 2))
        tensor([[[[3., 2., 3., 2.],
                  [1., 0., 1., 0.],
                  [3., 2., 3., 2.],
                  [1., 0., 1., 0.]]]])
    """
    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pads the input tensor using the reflection of its boundary (the edge value is not repeated). For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 6-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom, padding_front, padding_back)``.

    Shape:
        - Input: ``(C, D_in, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same with ``D_out = D_in + padding_front + padding_back, and likewise for H and W``.

    Example::

        >>> m = nn.ReflectionPad3d(1)
        >>> m(ember.arange(8.).view(1, 1, 2, 2, 2)).shape
        ember.Size([1, 1, 4, 4, 4])
    """
    dims = 3


class ReplicationPad1d(_ReplicationPadNd):
    """Pads the input tensor using replication of its boundary (the edge value is repeated). For N-dimensional
    padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 2-tuple
            is ``(padding_left, padding_right)``.

    Shape:
        - Input: ``(C, W_in)`` or ``(N, C, W_in)``.
        - Output: the same with ``W_out = W_in + padding_left + padding_right``.

    Example::

        >>> m = nn.ReplicationPad1d(2)
        >>> m(ember.arange(4.).view(1, 1, 4))
        tensor([[[0., 0., 0., 1., 2., 3., 3., 3.]]])
    """
    dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pads the input tensor using replication of its boundary (the edge value is repeated). For N-dimensional
    padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 4-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom)``.

    Shape:
        - Input: ``(C, H_in, W_in)`` or ``(N, C, H_in, W_in)``.
        - Output: the same with ``H_out = H_in + padding_top + padding_bottom, W_out = W_in + padding_left +
          padding_right``.

    Example::

        >>> m = nn.ReplicationPad2d(1)
        >>> m(ember.arange(4.).view(1, 1, 2, 2))
        tensor([[[[0., 0., 1., 1.],
                  [0., 0., 1., 1.],
                  [2., 2., 3., 3.],
                  [2., 2., 3., 3.]]]])
    """
    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pads the input tensor using replication of its boundary (the edge value is repeated). For N-dimensional
    padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 6-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom, padding_front, padding_back)``.

    Shape:
        - Input: ``(C, D_in, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same with ``D_out = D_in + padding_front + padding_back, and likewise for H and W``.

    Example::

        >>> m = nn.ReplicationPad3d(1)
        >>> m(ember.arange(2.).view(1, 1, 1, 1, 2)).shape
        ember.Size([1, 1, 3, 3, 4])
    """
    dims = 3


class _CircularPadNd(_PadNd):
    mode = 'circular'

    def forward(self, input):
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.ndim}D input)")
        return F.pad(input, self.padding, 'circular')


class CircularPad1d(_CircularPadNd):
    """Pads the input tensor using circular padding: the values from the opposite side wrap around. For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 2-tuple
            is ``(padding_left, padding_right)``.

    Shape:
        - Input: ``(C, W_in)`` or ``(N, C, W_in)``.
        - Output: the same with ``W_out = W_in + padding_left + padding_right``.

    Example::

        >>> m = nn.CircularPad1d(2)
        >>> m(ember.arange(4.).view(1, 1, 4))
        tensor([[[2., 3., 0., 1., 2., 3., 0., 1.]]])
    """
    dims = 1


class CircularPad2d(_CircularPadNd):
    """Pads the input tensor using circular padding: the values from the opposite side wrap around. For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 4-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom)``.

    Shape:
        - Input: ``(C, H_in, W_in)`` or ``(N, C, H_in, W_in)``.
        - Output: the same with ``H_out = H_in + padding_top + padding_bottom, W_out = W_in + padding_left +
          padding_right``.

    Example::

        >>> m = nn.CircularPad2d(1)
        >>> m(ember.arange(4.).view(1, 1, 2, 2))
        tensor([[[[3., 2., 3., 2.],
                  [1., 0., 1., 0.],
                  [3., 2., 3., 2.],
                  [1., 0., 1., 0.]]]])
    """
    dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the input tensor using circular padding: the values from the opposite side wrap around. For
    N-dimensional padding use :func:`ember.nn.functional.pad`.

    Args:
        padding (int, tuple): the size of the padding. An int pads every boundary by the same amount; a 6-tuple
            is ``(padding_left, padding_right, padding_top, padding_bottom, padding_front, padding_back)``.

    Shape:
        - Input: ``(C, D_in, H_in, W_in)`` or ``(N, C, D_in, H_in, W_in)``.
        - Output: the same with ``D_out = D_in + padding_front + padding_back, and likewise for H and W``.

    Example::

        >>> m = nn.CircularPad3d(1)
        >>> m(ember.arange(8.).view(1, 1, 2, 2, 2)).shape
        ember.Size([1, 1, 4, 4, 4])
    """
    dims = 3
