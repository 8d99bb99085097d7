"""lerp, addcmul, addcdiv and add/sub with alpha give PyTorch's float bits: its CPU kernels fuse the
multiply and the add into one rounding."""
from pathlib import Path

import numpy as np

import ember
from tests.fixtures.fused_bits.cases import op_results

RECORDED = np.load(Path(__file__).parent / 'fixtures' / 'fused_bits' / 'recorded.npz')


def _same_bits(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    differ = got.view(np.uint8).reshape(got.size, -1) != want.view(np.uint8).reshape(want.size, -1)
    assert not differ.any(), f"{differ.any(axis=1).sum()} of {got.size} values differ from PyTorch's"


def test_pointwise_ops_match_pytorch_bits():
    results = op_results(ember)
    assert len(results) == sum(k.startswith('op_') for k in RECORDED.files)
    for name, got in results.items():
        _same_bits(got, RECORDED[f'op_{name}'])


def test_lerp_keeps_both_ends_exact():
    start = ember.tensor([1e-8, 3.0, -7.25])
    end = ember.tensor([1.0, 1e8, 0.1])
    assert ember.lerp(start, end, 0.0).tolist() == start.tolist()
    assert ember.lerp(start, end, 1.0).tolist() == end.tolist()
