"""ember.TensorType: TorchScript's tensor type, as PyTorch 2.13 describes tensors (its answers recorded below)."""
import pytest

import ember


def test_a_complete_type_from_a_tensor():
    t = ember.TensorType.create_from_tensor(ember.zeros(2, 3, dtype=ember.float64, requires_grad=True))
    assert (str(t), repr(t), t.annotation_str) == ('Tensor', 'Tensor', 'Tensor')
    assert t.str() == 'Double(2, 3, strides=[3, 1], requires_grad=1, device=cpu)'
    assert (t.dtype(), t.sizes(), t.strides(), t.dim(), t.scalarType()) == (ember.float64, [2, 3], [3, 1], 2, 'Double')
    assert t.kind() == 'TensorType' and t.containedTypes() == [] and t.requires_grad() is True
    sliced = ember.TensorType.create_from_tensor(ember.zeros(2, 3)[:, ::2])
    assert sliced.str() == 'Float(2, 2, strides=[3, 2], requires_grad=0, device=cpu)'
    assert sliced.contiguous().strides() == [2, 1]


def test_what_an_unknown_type_knows_and_subtyping():
    any_tensor = ember.TensorType.get()
    assert any_tensor.str() == 'Tensor' and any_tensor == ember.TensorType.getInferred()
    assert (any_tensor.dtype(), any_tensor.sizes(), any_tensor.dim(), any_tensor.device()) == (None,) * 4
    assert any_tensor.requires_grad() is True
    assert any_tensor.with_dtype(ember.float32).str() == 'FloatTensor'
    assert any_tensor.with_sizes([2, 3]).str() == 'Tensor(2, 3)' and any_tensor.with_sizes([4, None]).sizes() is None
    t = ember.TensorType.create_from_tensor(ember.zeros(2, 3))
    assert t.isSubtypeOf(any_tensor) and not any_tensor.isSubtypeOf(t)
    assert t.isSubtypeOf(any_tensor.with_dtype(ember.float32))
    assert not t.isSubtypeOf(ember.TensorType.create_from_tensor(ember.zeros(2, 4)))
    assert ember._C.TensorType is ember.TensorType
    with pytest.raises(TypeError, match='^ember._C.TensorType: No constructor defined!$'):
        ember.TensorType()
