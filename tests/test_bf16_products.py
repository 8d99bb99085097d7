"""bfloat16 matrix products (mm, addmm, bmm, baddbmm, matmul, F.linear and its gradients, timm Muon's
Newton-Schulz steps) are PyTorch's bit for bit (recorded by tests/fixtures/bf16_products/record.py on an
AVX512-BF16 CPU): float32 sums in its kernel's order, ``alpha * sum + beta * input`` rounded once."""
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.ops import _bf16_products
from tests.fixtures.bf16_products.cases import CASES, run

pytestmark = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='ml_dtypes is not installed')
RECORDED = Path(__file__).parent / 'fixtures' / 'bf16_products' / 'recorded.npz'


@pytest.mark.parametrize('index', range(len(CASES)), ids=[c[0] for c in CASES])
def test_bits_match_pytorch(index):
    recorded = np.load(RECORDED)
    got = run(ember, index)
    for j, bits in enumerate(got):
        want = recorded[f'{index}/{j}']
        assert bits.shape == want.shape and np.array_equal(bits, want), \
            (j, int((bits != want).sum()), bits.size)


def test_order_of_additions_decides_some_elements():
    # the recorded cases must tell PyTorch's order from BLAS's: summed by BLAS, some elements differ
    recorded = np.load(RECORDED)
    saved = _bf16_products.EXACT_WORK
    _bf16_products.EXACT_WORK = 0
    try:
        differing = sum(int((bits != recorded[f'{i}/{j}']).sum())
                        for i in range(len(CASES)) for j, bits in enumerate(run(ember, i)))
    finally:
        _bf16_products.EXACT_WORK = saved
    assert differing > 0


def test_bits_off_keeps_blas_products():
    with ember.numerics.pytorch_bits(False):
        a = ember.ones(3, 5, dtype=ember.bfloat16)
        assert ember.mm(a, a.t()).tolist() == [[5.0] * 3] * 3
