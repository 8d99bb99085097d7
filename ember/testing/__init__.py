"""ember.testing: PyTorch's ``torch.testing`` — compare tensors in tests and make random inputs.

>>> import ember
>>> from ember.testing import assert_close
>>> assert_close(ember.tensor([1., 2.]), ember.tensor([1., 2. + 1e-7]))
"""
from ember.testing._comparison import assert_close, assert_allclose  # noqa: F401
from ember.testing._creation import make_tensor  # noqa: F401

__all__ = ['assert_close', 'assert_allclose', 'make_tensor']
