"""Nested tensors with layout=ember.jagged, as PyTorch's: one ragged dim, values + offsets, NaViT-style
attention (results pinned by PyTorch's recorded numbers in tests/fixtures/nested_jagged/)."""
import json
import pathlib
import warnings

import pytest

import ember
import ember.nn.functional as F
from ember import nested
from tests.fixtures.nested_jagged.cases import CASES

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'nested_jagged' / 'recorded.json').read_text())


def _close(got, expected):
    if isinstance(expected, list):
        assert got == pytest.approx(expected, rel=1e-4, abs=1e-5)
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-5)
    elif isinstance(expected, str):
        assert got.split('j')[0] == expected.split('j')[0]       # the ragged size's number is a counter
    else:
        assert got == expected


@pytest.mark.parametrize('case', sorted(CASES))
def test_attention_over_jagged_sequences_matches_pytorch(case):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')     # the once-per-process prototype warning
        got = CASES[case](ember)
    for key, expected in RECORDED[case].items():
        _close(got[key], expected)


def test_construction_shape_values_offsets_and_printing():
    a, b = ember.arange(6.).reshape(3, 2), ember.arange(4.).reshape(2, 2)
    nt = nested.nested_tensor([a, b], layout=ember.jagged)
    j = nt.size(1)
    assert nt.layout is ember.jagged and nt.is_nested and nt.dim() == 3
    assert nt.shape == ember.Size([2, j, 2]) and repr(j).startswith('j') and nt.size(-1) == 2
    assert nt.values().tolist() == [[0., 1.], [2., 3.], [4., 5.], [0., 1.], [2., 3.]]
    assert nt.offsets().tolist() == [0, 3, 5] and nt.offsets().dtype == ember.int64
    assert repr(nt) == f'NestedTensor(size=(2, {j!r}, 2), offsets=tensor([0, 3, 5]), contiguous=True)'
    assert [t.tolist() for t in nt.unbind()] == [a.tolist(), b.tolist()]
    other = nested.nested_tensor([a, b], layout=ember.jagged)
    assert other.size(1) != j                       # new offsets: a new ragged size
    assert (nt + 1).size(1) is j                    # results keep them
    t = nt.transpose(1, 2)
    assert t.shape == ember.Size([2, 2, j]) and t.values().shape == ember.Size([2, 5]) and not t.is_contiguous()
    assert t.unbind()[1].tolist() == [[0., 2.], [1., 3.]]
    assert nt.unflatten(-1, (1, 2)).shape == ember.Size([2, j, 1, 2])
    assert nt.unflatten(-1, (1, 2)).flatten(-2).shape == ember.Size([2, j, 2])


def test_nested_tensor_copies_without_history_and_as_nested_tensor_keeps_it():
    x = ember.randn(5, 3, requires_grad=True)
    copied = nested.nested_tensor((x[:2], x[2:]), layout=ember.jagged)   # a tuple, as split() gives
    assert not copied.requires_grad and copied.is_leaf
    leaf = nested.nested_tensor([x[:2].detach()], layout=ember.jagged, requires_grad=True)
    (leaf * 2).values().sum().backward()
    assert leaf.grad.values().tolist() == [[2.] * 3] * 2 and leaf.grad.layout is ember.jagged
    kept = nested.as_nested_tensor([x[:2], x[2:]], layout=ember.jagged)
    assert kept.requires_grad and not kept.is_leaf
    (kept * 3).values().sum().backward()
    assert x.grad.tolist() == [[3.] * 3] * 5


def test_layer_norm_linear_dropout_run_once_on_the_values():
    ember.manual_seed(3)
    nt = nested.nested_tensor([ember.randn(4, 6), ember.randn(1, 6)], layout=ember.jagged)
    lin = ember.nn.Linear(6, 5)
    ln = ember.nn.LayerNorm(6)
    assert ember.equal(lin(nt).values(), lin(nt.values()))
    assert ember.equal(ln(nt).values(), ln(nt.values()))
    ember.manual_seed(0)
    dropped = F.dropout(nt, 0.5).values()
    ember.manual_seed(0)
    assert ember.equal(dropped, F.dropout(nt.values(), 0.5))


def test_errors_are_pytorchs():
    a, b = ember.ones(3, 2), ember.ones(2, 2)
    x = nested.nested_tensor([a, b], layout=ember.jagged)
    y = nested.nested_tensor([a, b], layout=ember.jagged)
    with pytest.raises(RuntimeError, match=r'cannot call binary pointwise function add.Tensor with inputs of shapes '
                                           r'\(2, j\d+, 2\) and \(2, j\d+, 2\)'):
        x + y
    with pytest.raises(ValueError, match='Transpose is not supported on the batch dimension for jagged NT'):
        x.transpose(0, 1)
    with pytest.raises(RuntimeError, match='only allows for a single ragged dimension'):
        nested.nested_tensor([ember.ones(3, 4), ember.ones(2, 5)], layout=ember.jagged)
    with pytest.raises(RuntimeError, match='all tensors in list must have the same dim'):
        nested.nested_tensor([ember.ones(3, 4), ember.ones(2)], layout=ember.jagged)
    with pytest.raises(RuntimeError, match='Cannot construct a nested tensor from an empty tensor list'):
        nested.nested_tensor([], layout=ember.jagged)
    q = nested.nested_tensor([ember.ones(3, 4), ember.ones(2, 4)], layout=ember.jagged).unflatten(-1, (2, 2))
    q = q.transpose(1, 2)
    with pytest.raises(RuntimeError, match='No viable backend for scaled_dot_product_attention was found.'):
        F.scaled_dot_product_attention(q, q, q, is_causal=True)
    with pytest.raises(ValueError, match='Masks are not yet supported!'):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(2, 2))
    with pytest.raises(NotImplementedError, match='layout=ember.jagged'):
        x.cumsum(1)


def test_nested_tensor_from_jagged_and_masked_select():
    values = ember.arange(10.).reshape(5, 2)
    nt = nested.nested_tensor_from_jagged(values, ember.tensor([0, 2, 5]))
    assert nt.values() is values and [t.shape[0] for t in nt.unbind()] == [2, 3]
    t = ember.arange(6.).reshape(2, 3)
    picked = nested.masked_select(t, ember.tensor([True, False, True]))     # the mask broadcasts
    assert [r.tolist() for r in picked.unbind()] == [[0., 2.], [3., 5.]]
    assert [r.tolist() for r in nested.masked_select(ember.ones(2), ember.tensor([True, False])).unbind()] == [[1.]]


def test_conversions_keep_the_offsets_and_ragged_size():
    nt = nested.nested_tensor([ember.ones(2, 3), ember.ones(1, 3)], layout=ember.jagged)
    for converted in (nt.to('cpu'), nt.to(ember.float64), nt.to(device='cpu', dtype=ember.float16), nt.double()):
        assert converted.size(1) is nt.size(1) and converted.offsets().tolist() == [0, 2, 3]
    assert nt.to(ember.float64).dtype == ember.float64 and nt.double().values().dtype == ember.float64


def test_chunk_splits_dense_dims_sharing_offsets_and_the_batch_into_new_jagged_tensors():
    # as PyTorch: the tutorial's packed q/k/v projection is chunked along the last dim
    x = ember.arange(30.).reshape(5, 6).requires_grad_()
    nt = nested.nested_tensor_from_jagged(x, ember.tensor([0, 2, 5]))
    q, k, v = ember.chunk(nt, 3, dim=-1)
    assert q.shape[0] == 2 and q.shape[2] == 2 and q._offsets is nt._offsets and q.shape[1] is nt.shape[1]
    assert ember.equal(k.values(), x[:, 2:4]) and len(nt.chunk(4, -1)) == 3
    (q.values().sum() * 2 + v.values().sum()).backward()
    assert x.grad[0].tolist() == [2., 2., 0., 0., 1., 1.]
    first, second = nt.detach().chunk(2, 0)
    assert first.values().shape == (2, 6) and second.offsets().tolist() == [0, 3]
    assert first.shape[1] is not second.shape[1]          # each chunk has a ragged size of its own
    with pytest.raises(RuntimeError, match=r'^chunk\(\): not supported for NestedTensor on ragged dim$'):
        nt.chunk(2, 1)
