"""Fold and Unfold: sliding local blocks to and from columns (PyTorch's ``torch.nn.modules.fold``)."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['Fold', 'Unfold']


class Fold(Module):
    """Combine an array of sliding local blocks into a tensor (col2im): ``F.fold``.

    Example::

        >>> blocks = ember.arange(8.).reshape(1, 4, 2)
        >>> nn.Fold(output_size=(2, 4), kernel_size=2, stride=2)(blocks)
        tensor([[[[0., 2., 1., 3.],
                  [4., 6., 5., 7.]]]])
    """
    __constants__ = ['output_size', 'kernel_size', 'dilation', 'padding', 'stride']

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f'output_size={self.output_size}, kernel_size={self.kernel_size}, dilation={self.dilation}, '
                f'padding={self.padding}, stride={self.stride}')


class Unfold(Module):
    """Extract sliding local blocks of a batched input (im2col): ``F.unfold``.

    Example::

        >>> nn.Unfold(kernel_size=2, stride=2)(ember.arange(8.).reshape(1, 1, 2, 4))
        tensor([[[0., 2.],
                 [1., 3.],
                 [4., 6.],
                 [5., 7.]]])
    """
    __constants__ = ['kernel_size', 'dilation', 'padding', 'stride']

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, stride={self.stride}'
