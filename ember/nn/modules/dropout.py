"""Dropout layers: active in training mode, the identity in eval mode."""
from ember.nn import functional as F
from ember.nn.modules.module import Module

__all__ = ['Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout']


class _DropoutNd(Module):
    __constants__ = ['p', 'inplace']

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f'p={self.p}, inplace={self.inplace}'


class Dropout(_DropoutNd):
    """Zero elements with probability ``p`` during training, scaling the rest by ``1/(1-p)``.

    Example::

        >>> m = nn.Dropout(p=0.5)
        >>> m(ember.ones(6))
        tensor([0., 0., 2., 0., 0., 0.])
        >>> m.eval()(ember.ones(6))
        tensor([1., 1., 1., 1., 1., 1.])
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Randomly zeroes entire channels of a 1-D input while training (a channel is the 1-D feature map ``input[i,
    j]``), each with probability ``p``, and scales the kept ones by ``1 / (1 - p)``. In evaluation mode it
    returns the input.

    Args:
        p (float, optional): probability of a channel to be zeroed. Default: ``0.5``.
        inplace (bool, optional): do the operation in place. Default: ``False``.

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``.
        - Output: same shape as the input.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> m = nn.Dropout1d(p=0.5)
        >>> m(ember.ones(1, 4, 3))
        tensor([[[0., 0., 0.],
                 [0., 0., 0.],
                 [2., 2., 2.],
                 [0., 0., 0.]]])
    """
    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Randomly zeroes entire channels of a 2-D input while training (a channel is the 2-D feature map ``input[i,
    j]``), each with probability ``p``, and scales the kept ones by ``1 / (1 - p)``. In evaluation mode it
    returns the input.

    Args:
        p (float, optional): probability of a channel to be zeroed. Default: ``0.5``.
        inplace (bool, optional): do the operation in place. Default: ``False``.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: same shape as the input.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> m = nn.Dropout2d(p=0.5)
        >>> m(ember.ones(1, 4, 2, 2))[0, :, 0, 0]
        tensor([0., 0., 2., 0.])
    """
    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Randomly zeroes entire channels of a 3-D input while training (a channel is the 3-D feature map ``input[i,
    j]``), each with probability ``p``, and scales the kept ones by ``1 / (1 - p)``. In evaluation mode it
    returns the input.

    Args:
        p (float, optional): probability of a channel to be zeroed. Default: ``0.5``.
        inplace (bool, optional): do the operation in place. Default: ``False``.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: same shape as the input.

    Example::

        >>> m = nn.Dropout3d(p=0.2).eval()
        >>> m(ember.ones(1, 2, 1, 1, 1)).flatten()
        tensor([1., 1.])
    """
    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Applies Alpha Dropout while training: dropped elements are set to SELU's negative saturation value and the
    result is rescaled so that inputs with zero mean and unit variance keep them. Made for networks of
    :class:`nn.SELU` units. In evaluation mode it returns the input.

    Args:
        p (float): probability of an element to be dropped. Default: ``0.5``.
        inplace (bool, optional): do the operation in place. Default: ``False``.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: same shape as the input.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.AlphaDropout(p=0.2)(ember.zeros(5))
        tensor([-1.2362,  0.3090,  0.3090, -1.2362,  0.3090])
    """
    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Applies Alpha Dropout to whole channels while training: each channel is either kept or set to SELU's
    negative saturation value, and the result is rescaled to keep zero mean and unit variance. In evaluation
    mode it returns the input.

    Args:
        p (float, optional): probability of a channel to be dropped. Default: ``0.5``.
        inplace (bool, optional): do the operation in place. Default: ``False``.

    Shape:
        - Input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        - Output: same shape as the input.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> nn.FeatureAlphaDropout(p=0.5)(ember.zeros(1, 4, 1, 1, 1)).flatten()
        tensor([-0.7792, -0.7792,  0.7792, -0.7792])
    """
    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
