"""Deterministic mode fills memory nobody wrote as PyTorch 2.13 does (values recorded from it)."""
import math

import pytest

import ember
import ember.utils.deterministic as det


@pytest.fixture
def deterministic():
    ember.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        ember.use_deterministic_algorithms(False)
        det.fill_uninitialized_memory = True


def test_empty_tensors_hold_nan_or_the_largest_integer(deterministic):
    assert all(math.isnan(v) for v in ember.empty(3).tolist())
    assert ember.empty(2, dtype=ember.int64).tolist() == [9223372036854775807] * 2
    assert ember.empty(2, dtype=ember.uint8).tolist() == [255, 255]
    assert ember.empty(2, dtype=ember.int8).tolist() == [127, 127]
    assert ember.empty(2, dtype=ember.bool).tolist() == [True, True]
    z = ember.empty(1, dtype=ember.complex64)
    assert math.isnan(z.real.item()) and z.imag.item() == 0.0
    assert math.isnan(ember.empty(1, dtype=ember.float16).item())
    for t in (ember.empty_like(ember.ones(2)), ember.ones(2).new_empty(3), ember.empty_strided((2, 2), (1, 2)),
              ember.empty_permuted((2, 3), (1, 0)), ember.ones(2).new_empty_strided((3,), (1,))):
        assert all(math.isnan(v) for v in t.flatten().tolist())
    assert ember.empty_like(ember.ones(2, dtype=ember.int16)).tolist() == [32767, 32767]


def test_resize_fills_only_what_it_adds(deterministic):
    x = ember.ones(2)
    x.resize_(4)
    assert x.tolist()[:2] == [1.0, 1.0] and all(math.isnan(v) for v in x.tolist()[2:])
    y = ember.ones(2, 2)
    y.resize_as_(ember.ones(3, 3))
    flat = y.flatten().tolist()
    assert flat[:4] == [1.0] * 4 and all(math.isnan(v) for v in flat[4:])


def test_the_switch_and_the_default_zeros(deterministic):
    det.fill_uninitialized_memory = False
    assert det.fill_uninitialized_memory is False
    assert ember.empty(2).tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match='^expected a bool, but got int$'):
        det.fill_uninitialized_memory = 1
    ember.use_deterministic_algorithms(False)
    det.fill_uninitialized_memory = True
    assert ember.empty(2).tolist() == [0.0, 0.0]     # outside deterministic mode ember's empty is zeros
    assert ember.empty(2, device='meta').shape == (2,)


def test_empty_sparse_compressed_tensors_store_nothing_to_fill(deterministic):
    # as in PyTorch 2.13: an empty CSR/CSC tensor has no stored elements, so deterministic mode has nothing to
    # fill (filling used to read the sparse tensor's missing dense array and refuse the call)
    for layout in (ember.sparse_csr, ember.sparse_csc):
        e = ember.empty(2, 3, layout=layout)
        assert (e.shape, e.layout, e._nnz()) == ((2, 3), layout, 0)
        assert e.to_dense().tolist() == [[0.0] * 3] * 2
