"""The ``ember.*`` spellings of nn functions, with PyTorch's ``torch.*`` signatures.

PyTorch exposes many nn functions twice: ``torch.nn.functional.dropout(input, p=0.5,
training=True, inplace=False)`` and the lower-level ``torch.dropout(input, p, train)``; losses at the
top level take ``reduction`` as an integer (0 none, 1 mean, 2 sum). These are the top-level forms,
each a thin call of the functional one, so scripts written against either run unchanged.
"""
from ember.ops._registry import op
from ember.ops.inplace import write_out

_REDUCTIONS = {0: 'none', 1: 'mean', 2: 'sum'}


def _F():
    import ember.nn.functional as F
    return F


class _ListedMean(int):
    """The default of ``reduction`` in the top-level loss spellings below. PyTorch lists it as 1 (the
    mean), yet a call that leaves it out gets every element's loss, unreduced (observed on PyTorch
    2.13): the default reads as 1 and, only when left out, acts as 0. Passing 1 takes the mean."""

    def __repr__(self):
        return '1'


_MEAN_AS_LISTED = _ListedMean(1)


def _reduction(reduction):
    if reduction is _MEAN_AS_LISTED:
        return 'none'
    if isinstance(reduction, str):
        return reduction
    try:
        return _REDUCTIONS[reduction]
    except KeyError:
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _no_kernel_choice(name, value):
    """``cudnn_enabled`` picks PyTorch's kernel, not the result; ember has one kernel, so any value
    gives the same numbers. Only booleans are accepted."""
    if not isinstance(value, bool):
        raise TypeError(f"{name}(): argument 'cudnn_enabled' must be bool, not {type(value).__name__}")


@op('ember')
def dropout(input, p, train):
    """``F.dropout(input, p, training=train)``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.dropout(ember.ones(2, 4), 0.5, True)
        tensor([[0., 0., 2., 0.],
                [0., 0., 2., 2.]])
        >>> ember.dropout(ember.ones(2, 4), 0.5, False)
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    return _F().dropout(input, p, train)


@op('ember')
def dropout_(input, p, train):
    """``F.dropout(input, p, training=train, inplace=True)``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> x = ember.ones(6)
        >>> _ = ember.dropout_(x, 0.5, True)
        >>> x
        tensor([0., 0., 2., 0., 0., 0.])
    """
    return _F().dropout(input, p, train, inplace=True)


@op('ember')
def alpha_dropout(input, p, train):
    """``F.alpha_dropout(input, p, training=train)``.

    Example::

        >>> ember.alpha_dropout(ember.tensor([1., -1.]), 0.2, False)
        tensor([ 1., -1.])
    """
    return _F().alpha_dropout(input, p, train)


@op('ember')
def alpha_dropout_(input, p, train):
    """In-place :func:`ember.alpha_dropout`: when ``train`` is true, replaces elements of ``input`` with
    probability ``p`` so that the mean and variance of self-normalizing (SELU) activations are kept, and
    returns ``input``. The same as ``F.alpha_dropout(input, p, training=train, inplace=True)``.

    Args:
        input (Tensor): the tensor to modify.
        p (float): probability of an element being dropped.
        train (bool): apply dropout (``True``) or leave ``input`` unchanged (``False``).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> x = ember.ones(4)
        >>> ember.alpha_dropout_(x, 0.5, True)
        tensor([-0.7792, -0.7792,  1.6656, -0.7792])
        >>> x
        tensor([-0.7792, -0.7792,  1.6656, -0.7792])
    """
    return _F().alpha_dropout(input, p, train, inplace=True)


@op('ember')
def feature_dropout(input, p, train):
    """Dropout of whole channels (dim 1), as ``F.dropout2d`` does for any rank.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.feature_dropout(ember.ones(1, 4, 2), 0.5, True)
        tensor([[[0., 0.],
                 [0., 0.],
                 [2., 2.],
                 [0., 0.]]])
    """
    return _feature(input, p, train, inplace=False)


@op('ember')
def feature_dropout_(input, p, train):
    """In-place :func:`ember.nn.functional.dropout2d`-style dropout of whole channels of ``input`` when ``train``
    is true.

    Example::

        >>> x = ember.ones(1, 4, 2)
        >>> ember.feature_dropout_(x, 0.5, True)
        tensor([[[0., 0.],
                 [0., 0.],
                 [2., 2.],
                 [0., 0.]]])
    """
    return _feature(input, p, train, inplace=True)


@op('ember')
def feature_alpha_dropout(input, p, train):
    """Alpha dropout of whole channels (dim 1): when ``train`` is true, each channel is dropped with probability
    ``p``, keeping the mean and variance of self-normalizing (SELU) activations. The same as
    :func:`ember.nn.functional.feature_alpha_dropout` with ``training=train``.

    Args:
        input (Tensor): a batch of channels, ``(N, C, *)``.
        p (float): probability of a channel being dropped.
        train (bool): apply dropout (``True``) or return ``input`` unchanged (``False``).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.feature_alpha_dropout(ember.ones(1, 4, 2), 0.5, True)
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 1.6656,  1.6656],
                 [-0.7792, -0.7792]]])
    """
    return _F().feature_alpha_dropout(input, p, train)


@op('ember')
def feature_alpha_dropout_(input, p, train):
    """In-place :func:`ember.nn.functional.feature_alpha_dropout` of ``input`` when ``train`` is true.

    Example::

        >>> x = ember.ones(1, 4, 2)
        >>> ember.feature_alpha_dropout_(x, 0.5, True)
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 1.6656,  1.6656],
                 [-0.7792, -0.7792]]])
    """
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def _feature(input, p, train, inplace):
    F = _F()
    if input.ndim == 3:
        return F.dropout1d(input, p, train, inplace=inplace)
    if input.ndim == 5:
        return F.dropout3d(input, p, train, inplace=inplace)
    return F.dropout2d(input, p, train, inplace=inplace)


@op('ember')
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    """``F.batch_norm`` in PyTorch's top-level argument order.

    Example::

        >>> x = ember.tensor([[1., 2.], [3., 6.]])
        >>> mean, var = ember.zeros(2), ember.ones(2)
        >>> ember.batch_norm(x, None, None, mean, var, True, 0.1, 1e-5, False)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean, var
        (tensor([0.2000, 0.4000]), tensor([1.1000, 1.7000]))
    """
    _no_kernel_choice('batch_norm', cudnn_enabled)
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@op('ember')
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    """``F.instance_norm`` in PyTorch's top-level argument order.

    Example::

        >>> x = ember.tensor([[[1., 3.], [2., 6.]]])
        >>> ember.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
    """
    _no_kernel_choice('instance_norm', cudnn_enabled)
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


@op('ember')
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """``F.layer_norm``.

    Example::

        >>> ember.layer_norm(ember.tensor([[1., 2., 3.], [2., 2., 5.]]), (3,))
        tensor([[-1.2247,  0.0000,  1.2247],
                [-0.7071, -0.7071,  1.4142]])
    """
    _no_kernel_choice('layer_norm', cudnn_enable)
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


@op('ember')
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """``F.group_norm``.

    Example::

        >>> x = ember.arange(8.).reshape(1, 4, 2)
        >>> ember.group_norm(x, 2)
        tensor([[[-1.3416, -0.4472],
                 [ 0.4472,  1.3416],
                 [-1.3416, -0.4472],
                 [ 0.4472,  1.3416]]])
    """
    _no_kernel_choice('group_norm', cudnn_enabled)
    return _F().group_norm(input, num_groups, weight, bias, eps)


@op('ember')
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """``F.embedding(indices, weight, ...)``: the table first, and ``padding_idx=-1`` for none.

    Example::

        >>> table = ember.tensor([[0., 0.], [1., 1.], [2., 4.]])
        >>> ember.embedding(table, ember.tensor([[2, 0], [1, 1]]))
        tensor([[[2., 4.],
                 [0., 0.]],
        <BLANKLINE>
                [[1., 1.],
                 [1., 1.]]])
    """
    return _F().embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                          scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def _pool_stride(stride):
    return None if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) else stride


@op('ember')
def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """``F.max_pool1d`` (``stride=()`` means the kernel size).

    Example::

        >>> ember.max_pool1d(ember.tensor([[1., 5., 2., 0., 3., 4.]]), 2)
        tensor([[5., 2., 4.]])
    """
    return _F().max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


@op('ember')
def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """``F.max_pool2d`` (``stride=()`` means the kernel size).

    Example::

        >>> x = ember.arange(16.).reshape(1, 4, 4)
        >>> ember.max_pool2d(x, 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
    """
    return _F().max_pool2d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


@op('ember')
def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """``F.max_pool3d`` (``stride=()`` means the kernel size).

    Example::

        >>> ember.max_pool3d(ember.arange(8.).reshape(1, 2, 2, 2), 2)
        tensor([[[[7.]]]])
    """
    return _F().max_pool3d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode)


@op('ember')
def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    """``F.avg_pool1d`` (``stride=()`` means the kernel size).

    Example::

        >>> ember.avg_pool1d(ember.tensor([[1., 5., 2., 0., 3., 4.]]), 3)
        tensor([[2.6667, 2.3333]])
    """
    return _F().avg_pool1d(input, kernel_size, _pool_stride(stride), padding, ceil_mode, count_include_pad)


@op('ember')
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=_MEAN_AS_LISTED):
    """PyTorch's native spelling of :func:`ember.nn.functional.binary_cross_entropy_with_logits`: the binary
    cross entropy between ``target`` and the sigmoid of ``input``, with ``reduction`` given as an int.

    Args:
        input (Tensor): logits.
        target (Tensor): targets in ``[0, 1]``, the shape of ``input``.
        weight (Tensor, optional): a weight for each element, broadcast to ``input``.
        pos_weight (Tensor, optional): a weight on the positive term, one per class.
        reduction (int, optional): ``0`` none, ``1`` mean, ``2`` sum. Left out: no reduction.

    Example::

        >>> logits, target = ember.tensor([0., 2.]), ember.tensor([0., 1.])
        >>> ember.binary_cross_entropy_with_logits(logits, target)
        tensor([0.6931, 0.1269])
        >>> ember.binary_cross_entropy_with_logits(logits, target, reduction=2)
        tensor(0.8201)
    """
    return _F().binary_cross_entropy_with_logits(input, target, weight, reduction=_reduction(reduction),
                                                 pos_weight=pos_weight)


@op('ember')
def kl_div(input, target, reduction=_MEAN_AS_LISTED, *, log_target=False):
    """PyTorch's native spelling of :func:`ember.nn.functional.kl_div`: the pointwise Kullback-Leibler divergence
    ``target * (log(target) - input)``, ``input`` being log-probabilities, with ``reduction`` given as an int.

    Args:
        input (Tensor): log-probabilities.
        target (Tensor): probabilities (log-probabilities with ``log_target=True``).
        reduction (int, optional): ``0`` none, ``1`` mean, ``2`` sum. Left out: no reduction.

    Keyword args:
        log_target (bool, optional): ``target`` is given as log-probabilities. Default: ``False``.

    Example::

        >>> ember.kl_div(ember.tensor([-1., -2.]), ember.tensor([0.5, 0.5]))
        tensor([0.1534, 0.6534])
        >>> ember.kl_div(ember.tensor([-1., -2.]), ember.tensor([0.5, 0.5]), 2)
        tensor(0.8069)
    """
    return _F().kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


@op('ember')
def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=_MEAN_AS_LISTED):
    """PyTorch's native spelling of :func:`ember.nn.functional.cosine_embedding_loss`: ``reduction`` is an int (0
    none, 1 mean, 2 sum).

    Example::

        >>> ember.cosine_embedding_loss(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]), ember.tensor([1]), 0.0, 1)
        tensor(0.2929)
    """
    return _F().cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@op('ember')
def hinge_embedding_loss(input, target, margin=1.0, reduction=_MEAN_AS_LISTED):
    """PyTorch's native spelling of :func:`ember.nn.functional.hinge_embedding_loss`: ``reduction`` is an int (0
    none, 1 mean, 2 sum).

    Example::

        >>> ember.hinge_embedding_loss(ember.tensor([0.3, 2.0]), ember.tensor([1, -1]), 1.0, 0)
        tensor([0.3000, 0.0000])
    """
    return _F().hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


@op('ember')
def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=_MEAN_AS_LISTED):
    """PyTorch's native spelling of :func:`ember.nn.functional.margin_ranking_loss`: ``reduction`` is an int (0
    none, 1 mean, 2 sum).

    Example::

        >>> ember.margin_ranking_loss(ember.tensor([0.8, 0.1]), ember.tensor([0.5, 0.4]), ember.tensor([1., 1.]), 0.1, 2)
        tensor(0.4000)
    """
    return _F().margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


@op('ember')
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=_MEAN_AS_LISTED):
    """PyTorch's native spelling of :func:`ember.nn.functional.triplet_margin_loss`: ``reduction`` is an int (0
    none, 1 mean, 2 sum).

    Example::

        >>> a, p, n = ember.tensor([[0., 0.]]), ember.tensor([[0., 1.]]), ember.tensor([[3., 0.]])
        >>> ember.triplet_margin_loss(a, p, n, 3.0, 2, 1e-6, False, 1)
        tensor(1.)
    """
    return _F().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                    reduction=_reduction(reduction))


@op('ember')
def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """PyTorch's native spelling of :func:`ember.nn.functional.poisson_nll_loss`: every argument is required and
    ``reduction`` is an int (0 none, 1 mean, 2 sum).

    Example::

        >>> ember.poisson_nll_loss(ember.tensor([0.5, 1.0]), ember.tensor([1., 2.]), True, False, 1e-8, 1)
        tensor(0.9335)
    """
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


@op('ember')
def celu(input, alpha=1.0):
    """Applies ``CELU(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` elementwise; see
    :func:`ember.nn.functional.celu`.

    Example::

        >>> ember.celu(ember.tensor([-1.0, 0.0, 1.0]), alpha=2.0)
        tensor([-0.7869,  0.0000,  1.0000])
    """
    return _F().celu(input, alpha)


@op('ember')
def selu(input):
    """Applies SELU, ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with ``alpha = 1.6733`` and ``scale =
    1.0507``, elementwise; see :func:`ember.nn.functional.selu`.

    Example::

        >>> ember.selu(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.1113,  0.0000,  1.0507])
    """
    return _F().selu(input)


@op('ember')
def hardshrink(input, lambd=0.5, *, out=None):
    """Hard shrinkage: keeps the elements of ``input`` whose magnitude exceeds ``lambd`` and sets the others to
    zero. The same as :func:`ember.nn.functional.hardshrink`.

    Args:
        input (Tensor): the input tensor.
        lambd (float, optional): the threshold. Default: ``0.5``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([-1., -0.2, 0.3, 0.8])
        >>> ember.hardshrink(x)
        tensor([-1.0000,  0.0000,  0.0000,  0.8000])
        >>> x.hardshrink(0.9)
        tensor([-1.,  0.,  0.,  0.])
    """
    result = _F().hardshrink(input, lambd)
    return result if out is None else write_out('hardshrink', result, out)


@op('ember', guard=True)
def threshold(input, threshold, value, *, out=None):
    """``input`` where it exceeds ``threshold``, else ``value``; see :func:`ember.nn.functional.threshold`.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.threshold(ember.tensor([0.1, 0.5, 0.9]), 0.5, -1.0)
        tensor([-1.0000, -1.0000,  0.9000])
    """
    result = _F().threshold(input, threshold, value)
    return result if out is None else write_out('threshold', result, out)


@op('ember')
def constant_pad_nd(input, pad, value=0):
    """Pads ``input`` with the constant ``value``: ``pad`` lists the amounts before and after for the last
    dimension, then for the one before it, and so on (the same as ``F.pad(input, pad, value=value)``).

    Args:
        input (Tensor): the tensor to pad.
        pad (sequence of int): ``(last_before, last_after, second_last_before, ...)``; negative amounts crop.
        value (float, optional): the fill value. Default: ``0``.

    Example::

        >>> ember.constant_pad_nd(ember.ones(2), (1, 2), 0.5)
        tensor([0.5000, 1.0000, 1.0000, 0.5000, 0.5000])
        >>> ember.constant_pad_nd(ember.ones(2, 2), (1, 0, 0, 1))
        tensor([[0., 1., 1.],
                [0., 1., 1.],
                [0., 0., 0.]])
    """
    return _F().pad(input, pad, value=value)
