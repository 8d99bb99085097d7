"""The lazy layers: LazyLinear, LazyConv*/LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*.

Each is built like its regular layer with zero input features, holds uninitialized parameters,
and on the first forward call takes the feature count from the input (last dim for Linear, the
channel dim otherwise), materializes, initialises as the regular layer does and becomes it.
"""
from ember._dtype import int64
from ember.autograd import grad_mode
from ember.nn.modules.conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ember.nn.modules.lazy import LazyModuleMixin
from ember.nn.modules.linear import Linear
from ember.nn.modules.normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d,
                                            InstanceNorm3d, _BatchNorm, _InstanceNorm, _NormBase)
from ember.nn.parameter import UninitializedBuffer, UninitializedParameter
from ember.ops.creation import tensor

__all__ = ['LazyLinear', 'LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d', 'LazyConvTranspose2d',
           'LazyConvTranspose3d', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d', 'LazyInstanceNorm1d',
           'LazyInstanceNorm2d', 'LazyInstanceNorm3d']


class LazyLinear(LazyModuleMixin, Linear):
    """A Linear whose ``in_features`` is the last dim of its first input.

    >>> LazyLinear(10)
    LazyLinear(in_features=0, out_features=10, bias=True)
    """
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            with grad_mode.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()


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


class _LazyNormBase(LazyModuleMixin, _NormBase):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=int64, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """A BatchNorm1d whose ``num_features`` is the channel count of its first input.

    Example::

        >>> m = nn.LazyBatchNorm1d()
        >>> m(ember.ones(4, 3)).shape
        ember.Size([4, 3])
        >>> m.num_features
        3
    """
    cls_to_become = BatchNorm1d
    _check_input_dim = BatchNorm1d._check_input_dim


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """A :class:`nn.BatchNorm2d` whose ``num_features`` is inferred from the input's second dimension at the first
    forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.BatchNorm2d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``True``.

    Example::

        >>> m = nn.LazyBatchNorm2d()
        >>> _ = m(ember.randn(2, 3, 4, 4))
        >>> type(m).__name__, m.num_features
        ('BatchNorm2d', 3)
    """
    cls_to_become = BatchNorm2d
    _check_input_dim = BatchNorm2d._check_input_dim


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """A :class:`nn.BatchNorm3d` whose ``num_features`` is inferred from the input's second dimension at the first
    forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.BatchNorm3d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``True``.

    Example::

        >>> m = nn.LazyBatchNorm3d()
        >>> _ = m(ember.randn(2, 3, 2, 2, 2))
        >>> type(m).__name__, m.num_features
        ('BatchNorm3d', 3)
    """
    cls_to_become = BatchNorm3d
    _check_input_dim = BatchNorm3d._check_input_dim


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm1d whose ``num_features`` is the channel count of its first input."""
    cls_to_become = InstanceNorm1d
    _no_batch_dim = 2


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """A :class:`nn.InstanceNorm2d` whose ``num_features`` is inferred from the input's second dimension at the
    first forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.InstanceNorm2d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``False``.

    Example::

        >>> m = nn.LazyInstanceNorm2d()
        >>> _ = m(ember.randn(2, 3, 4, 4))
        >>> type(m).__name__, m.num_features
        ('InstanceNorm2d', 3)
    """
    cls_to_become = InstanceNorm2d
    _no_batch_dim = 3


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """A :class:`nn.InstanceNorm3d` whose ``num_features`` is inferred from the input's second dimension at the
    first forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.InstanceNorm3d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``False``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``False``.

    Example::

        >>> m = nn.LazyInstanceNorm3d()
        >>> _ = m(ember.randn(2, 3, 2, 2, 2))
        >>> type(m).__name__, m.num_features
        ('InstanceNorm3d', 3)
    """
    cls_to_become = InstanceNorm3d
    _no_batch_dim = 4
