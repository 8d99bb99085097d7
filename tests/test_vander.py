"""ember.vander's dtypes, as PyTorch 2.13 (values and gradients: the op table, tests/opinfo/vander.py)."""
import ember


def test_vander_integer_and_bool_inputs_give_int64():
    # PyTorch 2.13: integer and bool vectors promote to int64; complex keeps its dtype
    got = ember.vander(ember.tensor([1, 2, 3, 5], dtype=ember.int8), N=3)
    assert got.dtype is ember.int64
    assert got.tolist() == [[1, 1, 1], [4, 2, 1], [9, 3, 1], [25, 5, 1]]
    assert ember.vander(ember.tensor([True, False])).tolist() == [[1, 1], [0, 1]]
    assert ember.vander(ember.tensor([1 + 1j])).dtype is ember.complex64
    assert ember.vander(ember.tensor([1.0, 2.0]), 0).shape == (2, 0)
