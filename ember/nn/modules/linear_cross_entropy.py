"""``nn.LinearCrossEntropyLoss``: a linear layer to class logits and the cross entropy, in one module."""
import math

from ember.nn import functional as F
from ember.nn.modules.linear import Linear
from ember.nn.modules.linear_cross_entropy_options import LinearCrossEntropyOptions  # noqa: F401
from ember.nn.modules.loss import _WeightedLoss


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of ``Linear(in_features, num_classes * prod(out_features))``'s logits against
    ``target`` (see :func:`~ember.nn.functional.linear_cross_entropy`).

    Args:
        in_features: size of each input sample.
        num_classes: number of classes ``C``.
        out_features: dims ``(d_1, ..., d_K)`` of a K-dimensional loss. Default: ``()``
        bias: whether the linear layer adds a learnable bias. Default: ``False``
        device, dtype: of the linear layer's parameters.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        weight: a rescaling weight for each class, shape ``(C,)``.
        ignore_index: a target value that is ignored (``None``: -100 for class indices).
        label_smoothing: in ``[0, 1]``. Default: 0.0
        options: a :class:`LinearCrossEntropyOptions` to compute the loss in chunks.

    Shape:
        - Input: ``(in_features)`` or ``(N, in_features)``
        - Target: class indices ``()``, ``(N)`` or ``(N, *out_features)``, or class probabilities
          ``(C)`` or ``(N, C, *out_features)``
        - Output: scalar, or the target's shape with ``reduction='none'``

    Example:
        >>> loss = nn.LinearCrossEntropyLoss(3, 4)
        >>> loss(ember.randn(2, 3), ember.tensor([1, 3])).shape
        ember.Size([])
    """
    __constants__ = ['num_classes', 'out_features', 'reduction', 'ignore_index', 'label_smoothing']

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction='mean', weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight=weight, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # NOTE: Linear's weight is 2-D; forward views it as (num_classes, *out_features, in_features)
        self.linear = Linear(in_features, math.prod(out_features) * num_classes, bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        weight = self.linear.weight.reshape((self.num_classes, *self.out_features, self.linear.in_features))
        bias = None if self.linear.bias is None else self.linear.bias.reshape((self.num_classes, *self.out_features))
        return F.linear_cross_entropy(input, weight, target, linear_bias=bias, weight=self.weight,
                                      reduction=self.reduction, ignore_index=self.ignore_index,
                                      label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


__all__ = ['LinearCrossEntropyLoss', 'LinearCrossEntropyOptions']
