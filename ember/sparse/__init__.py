"""ember.sparse (PyTorch's ``torch.sparse``): sparse COO tensors and the operations on them.

Make one with :func:`ember.sparse_coo_tensor` or ``dense.to_sparse()``; see ``ember/sparse/_coo.py``
for what they support.
"""
from ember.sparse._coo import SparseCOOTensor, addmm, mm, sparse_coo_tensor, spmm, sum, to_sparse  # noqa: F401

__all__ = ['addmm', 'mm', 'sum']
