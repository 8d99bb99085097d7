"""Loss modules: the state (reduction, weights, margins) in classes, the math in ember.ops.loss.

>>> import ember
>>> loss = CrossEntropyLoss(label_smoothing=0.1)
>>> loss(ember.tensor([[2.0, 0.5, -1.0]]), ember.tensor([0]))
tensor(0.3913)
"""
import math
import warnings

from ember.nn import functional as F
from ember.nn.modules.distance import PairwiseDistance  # noqa: F401 (PyTorch's loss module has it too)
from ember.nn.modules.linear import Linear
from ember.nn.modules.linear_cross_entropy_options import LinearCrossEntropyOptions  # noqa: F401 (PyTorch's home too)
from ember.nn.modules.module import Module
from ember.ops import loss as _L

__all__ = ['L1Loss', 'MSELoss', 'CrossEntropyLoss', 'NLLLoss', 'BCELoss', 'BCEWithLogitsLoss', 'KLDivLoss',
           'SmoothL1Loss', 'HuberLoss', 'SoftMarginLoss', 'MultiLabelSoftMarginLoss', 'CosineEmbeddingLoss',
           'MarginRankingLoss', 'HingeEmbeddingLoss', 'PoissonNLLLoss', 'GaussianNLLLoss', 'TripletMarginLoss',
           'TripletMarginWithDistanceLoss', 'MultiMarginLoss', 'MultiLabelMarginLoss', 'CTCLoss', 'NLLLoss2d',
           'LinearCrossEntropyLoss']


class _Loss(Module):
    """Base of every loss: holds ``reduction`` (mapped from the deprecated size_average/reduce)."""

    def __init__(self, size_average=None, reduce=None, reduction='mean'):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _L.legacy_get_string(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class ``weight``, kept as a buffer so it follows ``.to()`` and state_dict."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer('weight', weight)


class L1Loss(_Loss):
    """Mean absolute error.

    Example::

        >>> nn.L1Loss()(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([1.5, 2.0, 1.0]))
        tensor(0.8333)
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error.

    Example::

        >>> loss = nn.MSELoss()
        >>> prediction = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> output = loss(prediction, ember.tensor([1.5, 2.0, 1.0]))
        >>> output
        tensor(1.4167, grad_fn=<MseLossBackward0>)
        >>> output.backward()
        >>> prediction.grad
        tensor([-0.3333,  0.0000,  1.3333])
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices (input: log-probabilities).

    Example::

        >>> log_probs = ember.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]).log()
        >>> nn.NLLLoss()(log_probs, ember.tensor([0, 2]))
        tensor(0.2899)
        >>> nn.NLLLoss(weight=ember.tensor([1., 1., 3.]))(log_probs, ember.tensor([0, 2]))
        tensor(0.2565)
    """
    __constants__ = ['ignore_index', 'reduction']

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy between logits and class indices or class probabilities.

    >>> import ember
    >>> CrossEntropyLoss()(ember.tensor([[1.0, 2.0, 3.0]]), ember.tensor([2]))
    tensor(0.4076)
    """
    __constants__ = ['ignore_index', 'reduction', 'label_smoothing']

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean',
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                                reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross entropy on probabilities.

    Example::

        >>> loss = nn.BCELoss()
        >>> loss(ember.tensor([0.9, 0.2, 0.6]), ember.tensor([1., 0., 1.]))
        tensor(0.2798)
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross entropy in one numerically stable step.

    Example::

        >>> loss = nn.BCEWithLogitsLoss(pos_weight=ember.tensor([2.0]))
        >>> loss(ember.tensor([2.0, -1.0, 0.5]), ember.tensor([1., 0., 1.]))
        tensor(0.5051)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer('weight', weight)
        self.register_buffer('pos_weight', pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                   reduction=self.reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence; use ``reduction='batchmean'`` for the mathematical definition.

    Example::

        >>> loss = nn.KLDivLoss(reduction='batchmean')
        >>> loss(ember.tensor([[0.2, 0.3, 0.5]]).log(), ember.tensor([[0.1, 0.6, 0.3]]))
        tensor(0.1933)
    """
    __constants__ = ['reduction']

    def __init__(self, size_average=None, reduce=None, reduction='mean', log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above.

    Example::

        >>> nn.SmoothL1Loss(beta=1.0)(ember.tensor([0.0, 2.0, 5.0]), ember.tensor([0.5, 0.0, 0.0]))
        tensor(2.0417)
    """
    __constants__ = ['reduction']

    def __init__(self, size_average=None, reduce=None, reduction='mean', beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, delta-scaled absolute error above.

    Example::

        >>> nn.HuberLoss(delta=1.0)(ember.tensor([0.0, 2.0, 5.0]), ember.tensor([0.5, 0.0, 0.0]))
        tensor(2.0417)
    """
    __constants__ = ['reduction', 'delta']

    def __init__(self, reduction='mean', delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SoftMarginLoss(_Loss):
    """Two-class logistic loss for targets of +1/-1.

    Example::

        >>> nn.SoftMarginLoss()(ember.tensor([0.5, -2.0]), ember.tensor([1., -1.]))
        tensor(0.3005)
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-class multi-label hinge loss (targets: class indices ended by -1).

    Example::

        >>> nn.MultiLabelMarginLoss()(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """One-vs-all logistic loss over classes, averaged per sample.

    Example::

        >>> nn.MultiLabelSoftMarginLoss()(ember.tensor([[0.5, -1.0, 2.0]]), ember.tensor([[1., 0., 1.]]))
        tensor(0.3048)
    """
    __constants__ = ['reduction']

    def forward(self, input, target):
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """Pulls pairs together (target 1) or pushes them past ``margin`` in cosine (target -1).

    Example::

        >>> loss = nn.CosineEmbeddingLoss(margin=0.1)
        >>> loss(ember.tensor([[1., 0.], [0., 1.]]), ember.tensor([[1., 1.], [1., 0.]]), ember.tensor([1, -1]))
        tensor(0.1464)
    """
    __constants__ = ['margin', 'reduction']

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """Ranks input1 above input2 (target 1) or below (target -1) by at least ``margin``.

    Example::

        >>> nn.MarginRankingLoss(margin=0.1)(ember.tensor([0.8, 0.1]), ember.tensor([0.5, 0.4]), ember.tensor([1., 1.]))
        tensor(0.2000)
    """
    __constants__ = ['margin', 'reduction']

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """The input for target 1, max(0, margin - input) for target -1.

    Example::

        >>> nn.HingeEmbeddingLoss(margin=1.0)(ember.tensor([0.3, 2.0, 0.5]), ember.tensor([1, -1, -1]))
        tensor(0.2667)
    """
    __constants__ = ['margin', 'reduction']

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of a Poisson-distributed target.

    Example::

        >>> nn.PoissonNLLLoss()(ember.tensor([0.5, 1.0, 2.0]), ember.tensor([1., 2., 10.]))
        tensor(-3.5813)
    """
    __constants__ = ['log_input', 'full', 'eps', 'reduction']

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of a Gaussian target with predicted mean and variance.

    Example::

        >>> loss = nn.GaussianNLLLoss()
        >>> loss(ember.tensor([1.0, 2.0]), ember.tensor([1.5, 1.0]), ember.tensor([0.5, 2.0]))
        tensor(0.2500)
    """
    __constants__ = ['full', 'eps', 'reduction']

    def __init__(self, *, full=False, eps=1e-6, reduction='mean'):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin) with the p-norm distance.

    Example::

        >>> loss = nn.TripletMarginLoss(margin=3.0)
        >>> loss(ember.tensor([[0., 0.]]), ember.tensor([[0., 1.]]), ember.tensor([[3., 0.]]))
        tensor(1.)
    """
    __constants__ = ['margin', 'p', 'eps', 'swap', 'reduction']

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean'):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f'TripletMarginLoss: expected margin to be greater than 0, got {margin} instead')
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                      swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """TripletMarginLoss with any distance function.

    Example::

        >>> loss = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1), margin=3.0)
        >>> loss(ember.tensor([[0., 0.]]), ember.tensor([[0., 1.]]), ember.tensor([[3., 0.]]))
        tensor(1.)
    """
    __constants__ = ['margin', 'swap', 'reduction']

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction='mean'):
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(f'TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} '
                             'instead')
        self.distance_function = distance_function
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                    distance_function=self.distance_function, margin=self.margin,
                                                    swap=self.swap, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss over class indices.

    Example::

        >>> nn.MultiMarginLoss()(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
    __constants__ = ['p', 'margin', 'reduction']

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean'):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError('only p == 1 and p == 2 supported')
        if weight is not None and weight.dim() != 1:
            raise ValueError(f'MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead')
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                    reduction=self.reduction)


class CTCLoss(_Loss):
    """CTC loss of label sequences under per-frame class log-probabilities.

    Call with ``(log_probs, targets, input_lengths, target_lengths)``; ``log_probs`` is (T, N, C)
    from ``log_softmax``, ``targets`` (N, S) padded or concatenated, ``blank`` the blank class.

    >>> CTCLoss(blank=0, zero_infinity=True)
    CTCLoss()
    """
    __constants__ = ['blank', 'reduction']

    def __init__(self, blank=0, reduction='mean', zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                          self.zero_infinity)


class NLLLoss2d(NLLLoss):
    """Deprecated: use :class:`NLLLoss`, which takes ``(N, C, H, W)`` input itself. The negative log-likelihood
    loss of log-probabilities over ``C`` classes at every pixel; making one gives a ``FutureWarning``.

    Args:
        weight (Tensor, optional): a weight for each class.
        ignore_index (int, optional): a target value that contributes nothing. Default: ``-100``.
        reduction (str, optional): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'mean'``.

    Shape:
        - Input: ``(N, C, H, W)`` log-probabilities; target: ``(N, H, W)`` class indices.

    Example::

        >>> loss = nn.NLLLoss2d()
        >>> log_probs = ember.log(ember.tensor([[[[0.25]], [[0.75]]]]))
        >>> loss(log_probs, ember.tensor([[[1]]]))
        tensor(0.2877)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
        warnings.warn('`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see '
                      'https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.', FutureWarning,
                      stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


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
