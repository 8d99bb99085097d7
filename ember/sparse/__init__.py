"""ember.sparse (PyTorch's ``torch.sparse``): sparse tensors and the operations on them.

COO tensors: :func:`ember.sparse_coo_tensor` or ``dense.to_sparse()`` (``ember/sparse/_coo.py``). Compressed
tensors (CSR, CSC, BSR, BSC): :func:`ember.sparse_csr_tensor` and its siblings, :func:`ember.sparse_compressed_tensor`,
or ``dense.to_sparse_csr()`` and its siblings (``ember/sparse/_compressed.py``, ``_compressed_ops.py``).
"""
from ember.sparse._coo import (SparseCOOTensor, addmm, check_sparse_tensor_invariants, mm,  # noqa: F401
                               sparse_coo_tensor, spmm, sum, to_sparse)
from ember.sparse._compressed import (SparseCompressedTensor, sparse_bsc_tensor, sparse_bsr_tensor,  # noqa: F401
                                      sparse_compressed_tensor, sparse_csc_tensor, sparse_csr_tensor)
from ember.sparse._compressed_ops import sampled_addmm  # noqa: F401
from ember.sparse._spdiags import spdiags  # noqa: F401
from ember.sparse._values_ops import log_softmax, softmax  # noqa: F401

__all__ = ['addmm', 'check_sparse_tensor_invariants', 'log_softmax', 'mm', 'sampled_addmm', 'softmax', 'spdiags', 'sum']
