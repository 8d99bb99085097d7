"""Convolution layers: Conv1d/2d/3d, ConvTranspose1d/2d/3d and their lazy forms.

The math is ``F.conv*`` (ember/ops/conv.py); these classes hold the weight and bias, PyTorch's
default initialisation and repr, and the non-zero padding modes (done with ``F.pad`` first).
"""
import math

from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.fold import Fold, Unfold  # noqa: F401 (their old home; both names)
from ember.nn.modules.lazy import LazyModuleMixin
from ember.nn.modules.module import Module
from ember.nn.modules.utils import _pair, _single, _triple  # noqa: F401 (PyTorch's conv module has them)
from ember.nn.parameter import Parameter, UninitializedParameter
from ember.ops.creation import empty

__all__ = ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d', 'LazyConv1d',
           'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d', 'LazyConvTranspose3d']

_PADDING_STRINGS = {'same', 'valid'}
_PADDING_MODES = {'zeros', 'reflect', 'replicate', 'circular'}


def _ntuple(value, n):
    if isinstance(value, (list, tuple)):
        return tuple(value) if len(value) != 1 or n == 1 else tuple(value) * n
    return (value,) * n


def _reverse_repeat_tuple(t, n):
    """(a, b) -> (b, b, a, a): F.pad's order (last dim first) from per-dim paddings."""
    return tuple(x for x in reversed(t) for _ in range(n))


class _ConvNd(Module):
    __constants__ = ['stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding', 'in_channels',
                     'out_channels', 'kernel_size']

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError('groups must be a positive integer')
        if in_channels % groups != 0:
            raise ValueError('in_channels must be divisible by groups')
        if out_channels % groups != 0:
            raise ValueError('out_channels must be divisible by groups')
        if isinstance(padding, str):
            if padding not in _PADDING_STRINGS:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {_PADDING_STRINGS}")
            if padding == 'same' and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        n = len(kernel_size)
        if isinstance(padding, str):
            # F.pad amounts for 'same' (the extra pixel of an even kernel goes last, as in F.conv)
            self._reversed_padding_repeated_twice = [0, 0] * n
            if padding == 'same':
                for d, k, i in zip(dilation, kernel_size, range(n - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i] = left
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - left
        else:
            self._reversed_padding_repeated_twice = list(_reverse_repeat_tuple(padding, 2))
        shape = (in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty(shape + tuple(kernel_size), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        # kaiming_uniform_ with a=sqrt(5) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f'{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}'
        if self.padding != (0,) * len(self.kernel_size):
            s += f', padding={self.padding}'
        if self.dilation != (1,) * len(self.dilation):
            s += f', dilation={self.dilation}'
        if self.output_padding != (0,) * len(self.output_padding):
            s += f', output_padding={self.output_padding}'
        if self.groups != 1:
            s += f', groups={self.groups}'
        if self.bias is None:
            s += ', bias=False'
        if self.padding_mode != 'zeros':
            s += f', padding_mode={self.padding_mode}'
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'padding_mode'):
            self.padding_mode = 'zeros'


class _Conv(_ConvNd):
    _n = 2
    _fn = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', device=None, dtype=None):
        n = self._n
        padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n), padding,
                         _ntuple(dilation, n), False, _ntuple(0, n), groups, bias, padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        fn = getattr(F, f'conv{self._n}d')
        if self.padding_mode != 'zeros':
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(padded, weight, bias, self.stride, _ntuple(0, self._n), self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L) input: ``weight`` is (C_out, C_in / groups, kernel_size).

    >>> Conv1d(16, 33, 3, stride=2)
    Conv1d(16, 33, kernel_size=(3,), stride=(2,))
    """
    _n = 1


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W) input: ``weight`` is (C_out, C_in / groups, kH, kW).

    >>> Conv2d(3, 6, 5)
    Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))
    """
    _n = 2


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W) input.

    Example::

        >>> m = nn.Conv3d(2, 4, kernel_size=3, padding=1)
        >>> m(ember.ones(1, 2, 5, 5, 5)).shape
        ember.Size([1, 4, 5, 5, 5])
        >>> m.weight.shape
        ember.Size([4, 2, 3, 3, 3])
    """
    _n = 3


class _ConvTransposeNd(_ConvNd):
    _n = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None):
        if padding_mode != 'zeros':
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        n = self._n
        super().__init__(in_channels, out_channels, _ntuple(kernel_size, n), _ntuple(stride, n), _ntuple(padding, n),
                         _ntuple(dilation, n), True, _ntuple(output_padding, n), groups, bias, padding_mode, device,
                         dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        """The output_padding that makes the output ``output_size`` (PyTorch's checks and wording)."""
        if output_size is None:
            return _ntuple(self.output_padding, num_spatial_dims)
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements (got "
                             f"{len(output_size)})")
        dilation = dilation if dilation is not None else (1,) * num_spatial_dims
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d] - 2 * padding[d] +
                        dilation[d] * (kernel_size[d] - 1) + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i in range(len(output_size)):
            size, lo, hi = output_size[i], min_sizes[i], max_sizes[i]
            if size < lo or size > hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
                                 f"to {max_sizes} (for an input of {input.size()[2:]})")
        return tuple(output_size[d] - min_sizes[d] for d in range(num_spatial_dims))

    def forward(self, input, output_size=None):
        n = self._n
        output_padding = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size, n,
                                              self.dilation)
        fn = getattr(F, f'conv_transpose{n}d')
        return fn(input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                  self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution: ``weight`` is (C_in, C_out / groups, kernel_size).

    Example::

        >>> m = nn.ConvTranspose1d(2, 3, kernel_size=2, stride=2)
        >>> m(ember.ones(1, 2, 4)).shape
        ember.Size([1, 3, 8])
    """
    _n = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (a "deconvolution"): ``weight`` is (C_in, C_out / groups, kH, kW).

    >>> ConvTranspose2d(16, 8, 3, stride=2, output_padding=1)
    ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))
    """
    _n = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution (a "deconvolution") over ``(N, C_in, D, H, W)`` volumes: the gradient of a
    :class:`Conv3d` with respect to its input, used to upsample. ``weight`` is
    ``(C_in, C_out / groups, kD, kH, kW)``.

    Args:
        in_channels (int): channels of the input.
        out_channels (int): channels of the output.
        kernel_size (int or tuple): the size of the kernel.
        stride (int or tuple, optional): the stride. Default: ``1``.
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zeros are added on both
            sides of the input. Default: ``0``.
        output_padding (int or tuple, optional): extra size added to one side of the output. Default: ``0``.
        groups (int, optional): blocked connections from input to output channels. Default: ``1``.
        bias (bool, optional): add a learnable bias. Default: ``True``.
        dilation (int or tuple, optional): spacing between kernel elements. Default: ``1``.

    Shape:
        - Input: ``(N, C_in, D_in, H_in, W_in)`` or ``(C_in, D_in, H_in, W_in)``.
        - Output: ``(N, C_out, D_out, H_out, W_out)``, each size
          ``(in - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1``.

    Example::

        >>> m = nn.ConvTranspose3d(2, 4, kernel_size=2, stride=2)
        >>> m(ember.ones(1, 2, 3, 3, 3)).shape
        ember.Size([1, 4, 6, 6, 6])
        >>> m.weight.shape
        ember.Size([2, 4, 2, 2, 2])
    """
    _n = 3


class _LazyConvXdMixin(LazyModuleMixin):
    _spatial = 2

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError('in_channels must be divisible by groups')
            if self.transposed:
                self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
            else:
                self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input):
        unbatched = self._spatial + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f'Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to '
                               f'{self.__class__.__name__}, but got input of size: {input.shape}')
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]

    def _lazy_parameters(self, out_channels, bias, device, dtype):
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)


class _LazyConv(_LazyConvXdMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', device=None, dtype=None):
        # built with bias=False: the regular layer's bias would be replaced by an uninitialized one anyway
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device=device,
                         dtype=dtype)
        self._lazy_parameters(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode='zeros', device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device=device, dtype=dtype)
        self._lazy_parameters(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose ``in_channels`` comes from its first input.

    Example::

        >>> m = nn.LazyConv1d(4, kernel_size=3)
        >>> m(ember.ones(2, 6, 10)).shape
        ember.Size([2, 4, 8])
        >>> m.weight.shape
        ember.Size([4, 6, 3])
    """
    cls_to_become = Conv1d
    _spatial = 1


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose ``in_channels`` comes from its first input.

    >>> LazyConv2d(8, 3)
    LazyConv2d(0, 8, kernel_size=(3, 3), stride=(1, 1))
    """
    cls_to_become = Conv2d
    _spatial = 2


class LazyConv3d(_LazyConv, Conv3d):
    """A :class:`nn.Conv3d` whose ``in_channels`` is inferred from the input: its ``weight`` and ``bias`` are
    :class:`nn.UninitializedParameter` until the first forward call, which reads ``input.size(1)``, creates
    them, initializes them, and turns the module into a plain :class:`nn.Conv3d`. The other arguments are those
    of :class:`nn.Conv3d`.

    Args:
        out_channels (int): number of channels produced by the convolution.
        kernel_size (int or tuple): size of the convolving kernel.

    Example::

        >>> m = nn.LazyConv3d(4, 2)
        >>> m(ember.zeros(1, 3, 4, 4, 4)).shape
        ember.Size([1, 4, 3, 3, 3])
        >>> m.weight.shape, type(m).__name__
        (ember.Size([4, 3, 2, 2, 2]), 'Conv3d')
    """
    cls_to_become = Conv3d
    _spatial = 3


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A :class:`nn.ConvTranspose1d` whose ``in_channels`` is inferred from the input: its ``weight`` and ``bias``
    are :class:`nn.UninitializedParameter` until the first forward call, which reads ``input.size(1)``, creates
    them, initializes them, and turns the module into a plain :class:`nn.ConvTranspose1d`. The other arguments
    are those of :class:`nn.ConvTranspose1d`.

    Args:
        out_channels (int): number of channels produced by the convolution.
        kernel_size (int or tuple): size of the convolving kernel.

    Example::

        >>> m = nn.LazyConvTranspose1d(4, 2)
        >>> m(ember.zeros(1, 3, 5)).shape
        ember.Size([1, 4, 6])
        >>> m.weight.shape, type(m).__name__
        (ember.Size([3, 4, 2]), 'ConvTranspose1d')
    """
    cls_to_become = ConvTranspose1d
    _spatial = 1


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A :class:`nn.ConvTranspose2d` whose ``in_channels`` is inferred from the input: its ``weight`` and ``bias``
    are :class:`nn.UninitializedParameter` until the first forward call, which reads ``input.size(1)``, creates
    them, initializes them, and turns the module into a plain :class:`nn.ConvTranspose2d`. The other arguments
    are those of :class:`nn.ConvTranspose2d`.

    Args:
        out_channels (int): number of channels produced by the convolution.
        kernel_size (int or tuple): size of the convolving kernel.

    Example::

        >>> m = nn.LazyConvTranspose2d(4, 2)
        >>> m(ember.zeros(1, 3, 5, 5)).shape
        ember.Size([1, 4, 6, 6])
        >>> m.weight.shape, type(m).__name__
        (ember.Size([3, 4, 2, 2]), 'ConvTranspose2d')
    """
    cls_to_become = ConvTranspose2d
    _spatial = 2


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A :class:`nn.ConvTranspose3d` whose ``in_channels`` is inferred from the input: its ``weight`` and ``bias``
    are :class:`nn.UninitializedParameter` until the first forward call, which reads ``input.size(1)``, creates
    them, initializes them, and turns the module into a plain :class:`nn.ConvTranspose3d`. The other arguments
    are those of :class:`nn.ConvTranspose3d`.

    Args:
        out_channels (int): number of channels produced by the convolution.
        kernel_size (int or tuple): size of the convolving kernel.

    Example::

        >>> m = nn.LazyConvTranspose3d(4, 2)
        >>> m(ember.zeros(1, 3, 2, 2, 2)).shape
        ember.Size([1, 4, 3, 3, 3])
        >>> m.weight.shape, type(m).__name__
        (ember.Size([3, 4, 2, 2, 2]), 'ConvTranspose3d')
    """
    cls_to_become = ConvTranspose3d
    _spatial = 3
