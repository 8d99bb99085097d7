"""``ember.masked``: reductions and normalizations over the elements a mask selects, and
``MaskedTensor``, a tensor whose elements are each specified or masked out (as ``torch.masked``).

Example::

    >>> x = ember.tensor([[1., 2., 3.], [4., 5., 6.]])
    >>> ember.masked.mean(x, 1, mask=ember.tensor([[True, False, True], [True, True, True]]))
    tensor([2., 5.])
"""
from ember.masked._ops import (amax, amin, argmax, argmin, cumprod, cumsum, log_softmax, logaddexp, logsumexp,  # noqa
                               mean, median, norm, normalize, prod, softmax, softmin, std, sum, var)
from ember.masked.maskedtensor import MaskedTensor, as_masked_tensor, is_masked_tensor, masked_tensor  # noqa: F401

__all__ = ['amax', 'amin', 'argmax', 'argmin', 'as_masked_tensor', 'cumprod', 'cumsum', 'is_masked_tensor',
           'log_softmax', 'logaddexp', 'logsumexp', 'masked_tensor', 'MaskedTensor', 'mean', 'median', 'norm',
           'normalize', 'prod', 'softmax', 'softmin', 'std', 'sum', 'var']
