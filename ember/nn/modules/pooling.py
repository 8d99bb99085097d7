"""Pooling layers: thin holders of the arguments of ``F.*pool*`` (ember/ops/pooling.py)."""
from ember.nn import functional as F
from ember.nn.modules.module import Module
from ember.nn.modules.utils import _ntuple, _triple

__all__ = ['MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d',
           'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'LPPool1d',
           'LPPool2d', 'MaxUnpool1d', 'MaxUnpool2d', 'AdaptiveMaxPool3d', 'LPPool3d', 'MaxUnpool3d', 'FractionalMaxPool2d',
           'FractionalMaxPool3d']


def _single(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class _MaxPoolNd(Module):
    __constants__ = ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode']

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, '
                f'dilation={self.dilation}, ceil_mode={self.ceil_mode}')


class MaxPool1d(_MaxPoolNd):
    """Applies a 1-D max pooling over an input of several planes: each output is the maximum of a window of
    ``kernel_size`` elements, windows taken every ``stride``.

    Args:
        kernel_size (int or tuple): the size of the sliding window; must be > 0.
        stride (int or tuple, optional): the stride of the sliding window. Default: ``kernel_size``.
        padding (int or tuple): implicit negative-infinity padding on both sides; at most half of
            ``kernel_size``. Default: ``0``.
        dilation (int or tuple): the spacing between the elements of a window. Default: ``1``.
        return_indices (bool): also return the indices of the maxima (for :class:`nn.MaxUnpool1d`). Default:
            ``False``.
        ceil_mode (bool): use ceil instead of floor to compute the output length. Default: ``False``.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, with ``L_out = floor((L_in + 2 * padding - dilation *
          (kernel_size - 1) - 1) / stride + 1)``.

    Example::

        >>> m = nn.MaxPool1d(2, stride=2)
        >>> m(ember.tensor([[[1., 3., 2., 5., 4., 0.]]]))
        tensor([[[3., 5., 4.]]])
    """
    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over each ``kernel_size`` window; ``stride`` defaults to ``kernel_size``.

    >>> MaxPool2d(2, 2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """Applies a 3-D max pooling over an input of several planes: each output is the maximum of a ``kD x kH x kW``
    window.

    Args:
        kernel_size (int or tuple): the size of the window to take a max over.
        stride (int or tuple, optional): the stride of the window. Default: ``kernel_size``.
        padding (int or tuple): implicit negative-infinity padding on all three sides. Default: ``0``.
        dilation (int or tuple): the spacing between the elements of a window. Default: ``1``.
        return_indices (bool): also return the indices of the maxima (for :class:`nn.MaxUnpool3d`). Default:
            ``False``.
        ceil_mode (bool): use ceil instead of floor to compute the output shape. Default: ``False``.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.

    Example::

        >>> m = nn.MaxPool3d(2)
        >>> m(ember.arange(16.).view(1, 1, 2, 2, 4))
        tensor([[[[[13., 15.]]]]])
    """
    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _AvgPoolNd(Module):
    __constants__ = ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class AvgPool1d(_AvgPoolNd):
    """Applies a 1-D average pooling over an input of several planes: each output is the mean of a window of
    ``kernel_size`` elements.

    Args:
        kernel_size (int or tuple): the size of the window.
        stride (int or tuple, optional): the stride of the window. Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding on both sides. Default: ``0``.
        ceil_mode (bool): use ceil instead of floor to compute the output length. Default: ``False``.
        count_include_pad (bool): include the zero padding in the averaging calculation. Default: ``True``.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``, with ``L_out = floor((L_in + 2 * padding - kernel_size) /
          stride + 1)``.

    Example::

        >>> m = nn.AvgPool1d(3, stride=2)
        >>> m(ember.tensor([[[1., 2., 3., 4., 5., 6., 7.]]]))
        tensor([[[2., 4., 6.]]])
    """
    __constants__ = ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad']

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        Module.__init__(self)       # (not _AvgPoolNd's: no divisor_override in one dimension, as PyTorch)
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class AvgPool2d(_AvgPoolNd):
    """Mean over each window.

    >>> AvgPool2d(2)
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    """

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(_AvgPoolNd):
    """Applies a 3-D average pooling over an input of several planes: each output is the mean of a ``kD x kH x kW``
    window.

    Args:
        kernel_size (int or tuple): the size of the window.
        stride (int or tuple, optional): the stride of the window. Default: ``kernel_size``.
        padding (int or tuple): implicit zero padding on all three sides. Default: ``0``.
        ceil_mode (bool): use ceil instead of floor to compute the output shape. Default: ``False``.
        count_include_pad (bool): include the zero padding in the averaging calculation. Default: ``True``.
        divisor_override (int, optional): the divisor to use instead of the window size. Default: ``None``.

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.

    Example::

        >>> m = nn.AvgPool3d(2)
        >>> m(ember.arange(16.).view(1, 1, 2, 2, 4))
        tensor([[[[[6.5000, 8.5000]]]]])
    """
    def forward(self, input):
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptivePoolNd(Module):
    __constants__ = ['output_size']

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f'output_size={self.output_size}'


class _AdaptiveAvgPoolNd(_AdaptivePoolNd):
    pass            # (PyTorch's base of the adaptive average pools: libraries test isinstance against it)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Applies a 1-D adaptive average pooling: the output has length ``output_size`` whatever the input length,
    each element the mean of its share of the input.

    Args:
        output_size (int): the target output size ``L_out``.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``.

    Example::

        >>> m = nn.AdaptiveAvgPool1d(3)
        >>> m(ember.tensor([[[1., 2., 3., 4., 5., 6., 7.]]]))
        tensor([[[2., 4., 6.]]])
    """
    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size, whatever the input size.

    >>> AdaptiveAvgPool2d((6, 6))
    AdaptiveAvgPool2d(output_size=(6, 6))
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Applies a 3-D adaptive average pooling: the output is ``D_out x H_out x W_out`` whatever the input size.

    Args:
        output_size (int or tuple): the target output size (one int for a cube; ``None`` keeps that input size).

    Shape:
        - Input: ``(N, C, D_in, H_in, W_in)`` or ``(C, D_in, H_in, W_in)``.
        - Output: ``(N, C, D_out, H_out, W_out)`` or ``(C, D_out, H_out, W_out)``.

    Example::

        >>> m = nn.AdaptiveAvgPool3d((1, 1, 2))
        >>> m(ember.arange(16.).view(1, 1, 2, 2, 4))
        tensor([[[[[6.5000, 8.5000]]]]])
    """
    def forward(self, input):
        return F.adaptive_avg_pool3d(input, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    __constants__ = ['output_size', 'return_indices']

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Applies a 1-D adaptive max pooling: the output has length ``output_size`` whatever the input length, each
    element the maximum of its share of the input.

    Args:
        output_size (int): the target output size ``L_out``.
        return_indices (bool): also return the indices of the maxima. Default: ``False``.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``.

    Example::

        >>> m = nn.AdaptiveMaxPool1d(2)
        >>> m(ember.tensor([[[1., 5., 3., 4., 2., 6.]]]))
        tensor([[[5., 6.]]])
    """
    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Applies a 2-D adaptive max pooling: the output is ``H_out x W_out`` whatever the input size.

    Args:
        output_size (int or tuple): the target output size (one int for a square; ``None`` keeps that input
            size).
        return_indices (bool): also return the indices of the maxima. Default: ``False``.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.

    Example::

        >>> m = nn.AdaptiveMaxPool2d((1, 2))
        >>> m(ember.arange(16.).view(1, 1, 4, 4))
        tensor([[[[13., 15.]]]])
    """
    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class _LPPoolNd(Module):
    __constants__ = ['norm_type', 'kernel_size', 'stride', 'ceil_mode']

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f'norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, '
                f'ceil_mode={self.ceil_mode}')


class LPPool1d(_LPPoolNd):
    """Applies a 1-D power-average pooling: each output is ``(sum of x**p over the window) ** (1 / p)``. ``p =
    inf`` is max pooling; ``p = 1`` sum pooling.

    Args:
        norm_type (float): the power ``p``.
        kernel_size (int): the size of the window.
        stride (int, optional): the stride of the window. Default: ``kernel_size``.
        ceil_mode (bool): use ceil instead of floor to compute the output length. Default: ``False``.

    Shape:
        - Input: ``(N, C, L_in)`` or ``(C, L_in)``.
        - Output: ``(N, C, L_out)`` or ``(C, L_out)``.

    Example::

        >>> m = nn.LPPool1d(2, 3, stride=2)
        >>> m(ember.tensor([[[1., 2., 3., 4., 5., 6., 7.]]]))
        tensor([[[ 3.7417,  7.0711, 10.4881]]])
    """
    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """Applies a 2-D power-average pooling: each output is ``(sum of x**p over the window) ** (1 / p)``. ``p =
    inf`` is max pooling; ``p = 1`` sum pooling.

    Args:
        norm_type (float): the power ``p``.
        kernel_size (int or tuple): the size of the window.
        stride (int or tuple, optional): the stride of the window. Default: ``kernel_size``.
        ceil_mode (bool): use ceil instead of floor to compute the output shape. Default: ``False``.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``.

    Example::

        >>> m = nn.LPPool2d(1, 2)
        >>> m(ember.arange(16.).view(1, 1, 4, 4))
        tensor([[[[10., 18.],
                  [42., 50.]]]])
    """
    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class _MaxUnpoolNd(Module):
    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class MaxUnpool1d(_MaxUnpoolNd):
    """Computes a partial inverse of :class:`nn.MaxPool1d`: the maxima go back to the positions ``indices``
    recorded by the pooling, and every other position is zero.

    Args:
        kernel_size (int or tuple): size of the max pooling window.
        stride (int or tuple): stride of the max pooling window. Default: ``kernel_size``.
        padding (int or tuple): padding that was added to the input. Default: ``0``.

    Shape:
        - Input: ``(N, C, H_in)`` or ``(C, H_in)``, with the ``indices`` of the same shape.
        - Output: ``(N, C, H_out)`` or ``(C, H_out)``, or the ``output_size`` given to ``forward``.

    Example::

        >>> pool = nn.MaxPool1d(2, stride=2, return_indices=True)
        >>> unpool = nn.MaxUnpool1d(2, stride=2)
        >>> output, indices = pool(ember.tensor([[[1., 2, 3, 4, 5, 6, 7, 8]]]))
        >>> unpool(output, indices)
        tensor([[[0., 2., 0., 4., 0., 6., 0., 8.]]])
    """
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool2d(_MaxUnpoolNd):
    """Computes a partial inverse of :class:`nn.MaxPool2d`: the maxima go back to the positions ``indices``
    recorded by the pooling, and every other position is zero.

    Args:
        kernel_size (int or tuple): size of the max pooling window.
        stride (int or tuple): stride of the max pooling window. Default: ``kernel_size``.
        padding (int or tuple): padding that was added to the input. Default: ``0``.

    Shape:
        - Input: ``(N, C, H_in, W_in)`` or ``(C, H_in, W_in)``, with the ``indices`` of the same shape.
        - Output: ``(N, C, H_out, W_out)`` or ``(C, H_out, W_out)``, or the ``output_size`` given to
          ``forward``.

    Example::

        >>> pool = nn.MaxPool2d(2, stride=2, return_indices=True)
        >>> unpool = nn.MaxUnpool2d(2, stride=2)
        >>> output, indices = pool(ember.tensor([[[[1., 2., 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.], [13., 14., 15., 16.]]]]))
        >>> unpool(output, indices)
        tensor([[[[ 0.,  0.,  0.,  0.],
                  [ 0.,  6.,  0.,  8.],
                  [ 0.,  0.,  0.,  0.],
                  [ 0., 14.,  0., 16.]]]])
    """
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride if stride is not None else kernel_size)
        self.padding = _pair(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, D, H, W) input to ``output_size``.

    >>> AdaptiveMaxPool3d(2)
    AdaptiveMaxPool3d(output_size=2)
    """

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over 3-d windows: ``(sum x ** p) ** (1 / p)``.

    Example::

        >>> nn.LPPool3d(1, 2)(ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d: values back at their indices, zeros elsewhere.

    Example::

        >>> pool, unpool = nn.MaxPool3d(2, return_indices=True), nn.MaxUnpool3d(2)
        >>> out, idx = pool(ember.arange(8.).reshape(1, 1, 2, 2, 2))
        >>> unpool(out, idx).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _triple(kernel_size)
        self.stride = _triple(stride if stride is not None else kernel_size)
        self.padding = _triple(padding)

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class _FractionalMaxPoolNd(Module):
    __constants__ = ['kernel_size', 'return_indices', 'output_size', 'output_ratio']
    _n = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        n = self._n
        self.kernel_size = _ntuple(n)(kernel_size)
        self.return_indices = return_indices
        # fixed samples (a buffer) make the windows the same on every call; None draws new ones each time
        self.register_buffer('_random_samples', _random_samples)
        self.output_size = _ntuple(n)(output_size) if output_size is not None else None
        self.output_ratio = _ntuple(n)(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f'{type(self).__name__} requires specifying either an output size, or a pooling ratio')
        if output_size is not None and output_ratio is not None:
            raise ValueError('only one of output_size and output_ratio may be specified')
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f'output_ratio must be between 0 and 1 (got {output_ratio})')

    def forward(self, input):
        fn = F.fractional_max_pool2d if self._n == 2 else F.fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                  _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max pooling over pseudo-randomly placed windows of (N, C, H, W) input (Graham 2014).

    >>> FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    FractionalMaxPool2d()
    """
    _n = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, T, H, W) input.

    Example::

        >>> m = nn.FractionalMaxPool3d(2, output_ratio=0.5)
        >>> m(ember.arange(64.).reshape(1, 1, 4, 4, 4)).shape
        ember.Size([1, 1, 2, 2, 2])
    """
    _n = 3
