"""Sparse compressed (CSR) and COO tensors, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_sparse.py                         # ember (and torch if importable here)
    TORCH_PYTHON=/path/to/python benchmarks/bench_sparse.py   # torch from another interpreter

Measures, on a 2000×2000 float32 matrix with 1 % of its elements specified (40 000): the dense -> CSR
conversion, CSR -> dense, ``sparse.mm`` of CSR and of COO with a 2000×64 dense matrix, that product's
forward + backward through a CSR leaf, and CSR ``sin`` (the values alone).
"""
from _common import best, import_lib, side_by_side

N, P, DENSITY = 2000, 64, 0.01


def bench(lib_name):
    lib = import_lib(lib_name)
    lib.manual_seed(0)
    dense = lib.rand(N, N) * (lib.rand(N, N) < DENSITY).float()
    w = lib.rand(N, P)
    csr, coo = dense.to_sparse_csr(), dense.to_sparse()
    leaf = csr.clone().requires_grad_()

    def train():
        lib.sparse.mm(leaf, w).sum().backward()

    return {
        'to_sparse_csr_ms': best(dense.to_sparse_csr, 5) * 1e3,
        'csr_to_dense_ms': best(csr.to_dense, 5) * 1e3,
        'csr_mm_ms': best(lambda: lib.sparse.mm(csr, w), 10) * 1e3,
        'coo_mm_ms': best(lambda: lib.sparse.mm(coo, w), 10) * 1e3,
        'csr_mm_fwd_bwd_ms': best(train, 5) * 1e3,
        'csr_sin_ms': best(csr.sin, 20) * 1e3,
    }


if __name__ == '__main__':
    side_by_side(__file__, bench, header='sparse (2000x2000, 1 %)', width=28, digits=2)
