"""Folding an eval-mode BatchNorm into the convolution or linear layer before it.

``y = bn(conv(x))`` becomes one convolution whose weight is scaled per output channel by
``bn.weight / sqrt(running_var + eps)`` and whose bias absorbs the running mean and bn's bias.
"""
import copy

from ember.nn.parameter import Parameter
from ember.ops.creation import ones_like, zeros_like

__all__ = ['fuse_conv_bn_eval', 'fuse_conv_bn_weights', 'fuse_linear_bn_eval', 'fuse_linear_bn_weights']


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` with the eval-mode ``bn`` after it folded in (both must be in eval mode).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> conv, bn = nn.Conv2d(2, 3, 3).eval(), nn.BatchNorm2d(3).eval()
        >>> bn.running_mean.fill_(0.5)
        tensor([0.5000, 0.5000, 0.5000])
        >>> fused = nn.utils.fuse_conv_bn_eval(conv, bn)
        >>> x = ember.randn(1, 2, 5, 5)
        >>> ember.allclose(fused(x), bn(conv(x)), atol=1e-6)
        True
    """
    if conv.training or bn.training:
        raise AssertionError('Fusion only for eval!')
    fused_conv = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError('bn.running_mean and bn.running_var must not be None')
    fused_conv.weight, fused_conv.bias = fuse_conv_bn_weights(
        fused_conv.weight, fused_conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias, transpose)
    return fused_conv


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The fused ``(weight, bias)`` Parameters of a convolution followed by a batch norm.

    ``transpose=True`` for transposed convolutions (output channels on weight dim 1).

    Example::

        >>> conv_w, conv_b = ember.ones(2, 1, 1, 1), ember.zeros(2)
        >>> mean, var = ember.tensor([1., 0.]), ember.tensor([4., 1.])
        >>> w, b = nn.utils.fuse_conv_bn_weights(conv_w, conv_b, mean, var, 0., ember.ones(2), ember.zeros(2))
        >>> w.flatten(), b
        (tensor([0.5000, 1.0000]), Parameter containing:
        tensor([-0.5000,  0.0000]))
    """
    conv_weight_dtype = conv_w.dtype
    conv_bias_dtype = conv_b.dtype if conv_b is not None else conv_weight_dtype
    if conv_b is None:
        conv_b = zeros_like(bn_rm)
    if bn_w is None:
        bn_w = ones_like(bn_rm)
    if bn_b is None:
        bn_b = zeros_like(bn_rm)
    bn_var_rsqrt = (bn_rv + bn_eps).rsqrt()
    rest = [1] * (len(conv_w.shape) - 2)
    shape = [1, -1] + rest if transpose else [-1, 1] + rest
    fused_w = (conv_w * (bn_w * bn_var_rsqrt).reshape(shape)).to(dtype=conv_weight_dtype)
    fused_b = ((conv_b - bn_rm) * bn_var_rsqrt * bn_w + bn_b).to(dtype=conv_bias_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` with the eval-mode ``bn`` after it folded in.

    ``bn.num_features`` must equal ``linear.out_features`` (or be 1).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> linear, bn = nn.Linear(4, 3).eval(), nn.BatchNorm1d(3).eval()
        >>> _ = bn.running_var.fill_(4.0)
        >>> fused = nn.utils.fuse_linear_bn_eval(linear, bn)
        >>> x = ember.randn(2, 4)
        >>> ember.allclose(fused(x), bn(linear(x)), atol=1e-6)
        True
    """
    if linear.training or bn.training:
        raise AssertionError('Fusion only for eval!')
    fused_linear = copy.deepcopy(linear)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(f'To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got '
                             f'linear.out_features={linear.out_features} and bn.num_features={bn.num_features}')
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError('bn.running_mean and bn.running_var must not be None')
    fused_linear.weight, fused_linear.bias = fuse_linear_bn_weights(
        fused_linear.weight, fused_linear.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
    return fused_linear


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The fused ``(weight, bias)`` Parameters of a linear layer followed by a batch norm.

    Example::

        >>> w, b = nn.utils.fuse_linear_bn_weights(ember.eye(2), ember.zeros(2), ember.tensor([1., 0.]), ember.tensor([4., 1.]), 0.,
        ...                                          ember.ones(2), ember.tensor([0., 5.]))
        >>> w
        Parameter containing:
        tensor([[0.5000, 0.0000],
                [0.0000, 1.0000]])
        >>> b
        Parameter containing:
        tensor([-0.5000,  5.0000])
    """
    linear_weight_dtype = linear_w.dtype
    linear_bias_dtype = linear_b.dtype if linear_b is not None else linear_weight_dtype
    if linear_b is None:
        linear_b = zeros_like(bn_rm)
    bn_scale = bn_w * (bn_rv + bn_eps).rsqrt()
    fused_w = linear_w * bn_scale.unsqueeze(-1).to(dtype=linear_weight_dtype)
    fused_b = ((linear_b - bn_rm) * bn_scale + bn_b).to(dtype=linear_bias_dtype)
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
