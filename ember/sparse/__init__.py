"""ember.sparse (PyTorch's ``torch.sparse``): sparse COO tensors and the operations on them.

Make one with :func:`ember.sparse_coo_tensor` or ``dense.to_sparse()``; see ``ember/sparse/_coo.py``
for what they support.
"""
from ember.sparse._coo import (SparseCOOTensor, addmm, check_sparse_tensor_invariants, mm,  # noqa: F401
                               sparse_coo_tensor, spmm, sum, to_sparse)
from ember.sparse._spdiags import spdiags  # noqa: F401
from ember.sparse._values_ops import log_softmax, softmax  # noqa: F401

__all__ = ['addmm', 'check_sparse_tensor_invariants', 'log_softmax', 'mm', 'softmax', 'spdiags', 'sum']
