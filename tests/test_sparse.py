"""Sparse COO tensors (ember.sparse): construction, printing, conversions and the operations graph
networks use, with gradients through the values (expected values recorded from PyTorch 2.13)."""
import pytest

import ember

I = [[0, 1, 1], [2, 0, 2]]
V = [3., 4., 5.]


def sparse():
    return ember.sparse_coo_tensor(ember.tensor(I), ember.tensor(V), (2, 3))


def test_construction_metadata_and_printing():
    s = sparse()
    assert s.layout is ember.sparse_coo and s.is_sparse and s.shape == (2, 3)
    assert (s._nnz(), s.sparse_dim(), s.dense_dim(), s.is_coalesced()) == (3, 2, 0, False)
    assert repr(s) == ("tensor(indices=tensor([[0, 1, 1],\n                       [2, 0, 2]]),\n"
                       "       values=tensor([3., 4., 5.]),\n       size=(2, 3), nnz=3, layout=ember.sparse_coo)")
    assert repr(s.double()).endswith("size=(2, 3), nnz=3, dtype=ember.float64, layout=ember.sparse_coo)")
    assert "values=tensor([3., 4., 5.])," in repr(s.double())
    hybrid = ember.sparse_coo_tensor(ember.tensor([[0, 2]]), ember.tensor([[1., 2.], [3., 4.]]), (3, 2))
    assert repr(hybrid) == ("tensor(indices=tensor([[0, 2]]),\n       values=tensor([[1., 2.],\n"
                            "                      [3., 4.]]),\n       size=(3, 2), nnz=2, layout=ember.sparse_coo)")
    assert ember.sparse_coo_tensor(ember.tensor(I), ember.tensor(V)).shape == (2, 3)


def test_dense_round_trip_and_coalesce():
    s = sparse()
    assert s.to_dense().tolist() == [[0., 0., 3.], [4., 0., 5.]]
    back = s.to_dense().to_sparse()
    assert back.is_coalesced() and back.indices().tolist() == I and back.values().tolist() == V
    dup = ember.sparse_coo_tensor(ember.tensor([[0, 0], [1, 1]]), ember.tensor([1., 2.]), (2, 2))
    merged = dup.coalesce()
    assert merged.indices().tolist() == [[0], [1]] and merged.values().tolist() == [3.]
    assert dup.to_dense().tolist() == [[0., 3.], [0., 0.]]
    with pytest.raises(RuntimeError, match="Cannot get indices on an uncoalesced tensor, please call .coalesce"):
        s.indices()


def test_products_with_dense_matrices():
    s, w = sparse(), ember.arange(6.).view(3, 2)
    want = [[12., 15.], [20., 29.]]
    for product in (ember.sparse.mm(s, w), ember.mm(s, w), s @ w, ember.spmm(s, w)):
        assert product.tolist() == want and not product.is_sparse
    assert (w.t() @ s.t()).tolist() == [[12., 20.], [15., 29.]]
    assert ember.sparse.addmm(ember.ones(2, 2), s, w, beta=2).tolist() == [[14., 17.], [22., 31.]]


def test_gradients_reach_values_and_the_dense_operand():
    values = ember.tensor(V, requires_grad=True)
    s = ember.sparse_coo_tensor(ember.tensor(I), values, (2, 3))
    assert s.requires_grad
    (ember.sparse.mm(s, ember.arange(6.).view(3, 2)) ** 2).sum().backward()
    assert values.grad.tolist() == [246., 58., 450.]
    w = ember.arange(6., requires_grad=True)
    ember.mm(sparse(), w.view(3, 2)).sum().backward()
    assert w.grad.tolist() == [4., 4., 0., 0., 8., 8.]


def test_arithmetic_and_sums():
    s = sparse()
    doubled = s + s
    assert doubled.is_sparse and doubled.to_dense().tolist() == [[0., 0., 6.], [8., 0., 10.]]
    assert (s.to_dense() + s).tolist() == [[0., 0., 6.], [8., 0., 10.]]
    assert (ember.eye(2) + ember.sparse_coo_tensor(ember.tensor([[0], [1]]), ember.tensor([5.]), (2, 2))).tolist() \
        == [[1., 5.], [0., 1.]]
    assert (s * 2).to_dense().tolist() == [[0., 0., 6.], [8., 0., 10.]]
    assert (s * ember.ones(2, 3)).is_sparse
    assert (-s)._values().tolist() == [-3., -4., -5.]
    assert (s / 2)._values().tolist() == [1.5, 2., 2.5]
    assert ember.sparse.sum(s).item() == 12. and ember.sum(s).item() == 12.
    by_row = ember.sparse.sum(s, dim=1)
    assert by_row.is_sparse and by_row.to_dense().tolist() == [3., 9.]
    t = s.t()
    assert t.shape == (3, 2) and t._indices().tolist() == [[2, 0, 2], [0, 1, 1]]


def test_unsupported_operations_and_bad_input_raise():
    with pytest.raises(NotImplementedError, match="Could not run 'aten::exp' with arguments from the 'SparseCPU'"):
        sparse().exp()
    with pytest.raises(RuntimeError, match="size is inconsistent with indices: for dim 0, size is 3 but found "
                                           "index 5"):
        ember.sparse_coo_tensor(ember.tensor([[0, 5]]), ember.tensor([1., 2.]), (3,), check_invariants=True)
    with ember.sparse.check_sparse_tensor_invariants():
        assert ember.sparse.check_sparse_tensor_invariants.is_enabled()
        with pytest.raises(RuntimeError, match="size is inconsistent with indices"):
            ember.sparse_coo_tensor(ember.tensor([[0, 5]]), ember.tensor([1., 2.]), (3,))
    assert not ember.sparse.check_sparse_tensor_invariants.is_enabled()
    # unchecked by default, as in PyTorch
    assert ember.sparse_coo_tensor(ember.tensor([[0, 5]]), ember.tensor([1., 2.]), (3,)).shape == (3,)
    with pytest.raises(RuntimeError, match="indices and values must have same nnz"):
        ember.sparse_coo_tensor(ember.tensor(I), ember.tensor([1., 2.]), (2, 3))


def test_graph_convolution_as_written_for_pytorch():
    # the renormalised adjacency of PyTorch's GCN example, and one training step through it
    ember.manual_seed(0)
    edges = ember.tensor([[0, 1], [1, 2], [2, 3], [3, 0]])
    adj = ember.sparse_coo_tensor(edges.T, ember.ones(4), (4, 4), dtype=ember.int64)
    adj = ember.eye(4) + adj
    degree = ember.diag(ember.sqrt(1 / ember.sum(adj, dim=1))).to_sparse()
    adj = (degree @ adj @ degree).to_sparse()
    features = ember.eye(4).to_sparse()
    weight = ember.nn.Parameter(ember.ones(4, 2))
    out = ember.spmm(adj, ember.mm(features, weight))
    out.sum().backward()
    assert out.shape == (4, 2) and weight.grad.shape == (4, 2)
    assert out[0].tolist() == pytest.approx([1.0, 1.0])


def _train(make_optimizer, steps=3):
    ember.manual_seed(0)
    emb = ember.nn.Embedding(5, 2, sparse=True, padding_idx=0)
    opt = make_optimizer(emb.parameters())
    for _ in range(steps):
        opt.zero_grad()
        (emb(ember.tensor([1, 2, 1, 0])) ** 2).sum().backward()
        opt.step()
    return [round(v, 5) for row in emb.weight.detach().tolist() for v in row]


def test_embedding_sparse_gradients():
    emb = ember.nn.Embedding(5, 2, sparse=True, padding_idx=0)
    emb(ember.tensor([[1, 2], [3, 1]])).sum().backward()
    grad = emb.weight.grad
    assert grad.is_sparse and grad._indices().tolist() == [[1, 2, 3, 1]]
    assert grad.to_dense().tolist() == [[0., 0.], [2., 2.], [1., 1.], [1., 1.], [0., 0.]]
    emb(ember.tensor([0, 2])).sum().backward()      # accumulates; the padding index gets nothing
    assert emb.weight.grad.to_dense().tolist() == [[0., 0.], [2., 2.], [2., 2.], [1., 1.], [0., 0.]]
    scaled = ember.nn.Embedding(5, 2, sparse=True, scale_grad_by_freq=True)
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
        scaled(ember.tensor([1])).sum().backward()


def test_optimizers_with_sparse_gradients_as_pytorch():
    # weights after three steps, recorded from PyTorch 2.13 (same seed, same initial weights)
    untouched = [0.40335, 0.83803, -0.71926, -0.40334]
    assert _train(lambda p: ember.optim.SGD(p, lr=0.1)) == [0.0, 0.0, -0.47062, 0.12278, -0.55528, -0.71608] + untouched
    assert _train(lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9)) == \
        [0.0, 0.0, 1.17655, -0.30695, -0.06724, -0.08671] + untouched
    assert _train(lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, dampening=0)) == \
        [0.0, 0.0, 0.94406, -0.2463, 0.11751, 0.15154] + untouched
    assert _train(lambda p: ember.optim.SparseAdam(p, lr=0.1)) == \
        [0.0, 0.0, -1.87935, 0.27232, -0.78593, -1.09959] + untouched
    assert _train(lambda p: ember.optim.SparseAdam(p, lr=0.1, maximize=True)) == \
        [0.0, 0.0, -2.47912, 0.86882, -1.385, -1.69903] + untouched


@pytest.mark.parametrize('make, message', [
    (lambda p: ember.optim.SGD(p, lr=0.1, weight_decay=0.1), r"add\(sparse, dense\) is not supported"),
    (lambda p: ember.optim.Adam(p, lr=0.1), "Adam does not support sparse gradients, please consider SparseAdam"),
    (lambda p: ember.optim.AdamW(p, lr=0.1), "Adam does not support sparse gradients, please consider SparseAdam"),
    (lambda p: ember.optim.RMSprop(p, lr=0.1), "RMSprop does not support sparse gradients"),
])
def test_optimizers_that_refuse_sparse_gradients(make, message):
    with pytest.raises(RuntimeError, match=message):
        _train(make, steps=1)


def test_zero_grad_without_none_empties_a_sparse_gradient():
    emb = ember.nn.Embedding(5, 2, sparse=True)
    emb(ember.tensor([1, 2, 1])).sum().backward()
    emb.zero_grad(set_to_none=False)
    assert repr(emb.weight.grad) == ("tensor(indices=tensor([], size=(1, 0)),\n       values=tensor([], size=(0, 2)),\n"
                                     "       size=(5, 2), nnz=0, layout=ember.sparse_coo)")
    emb(ember.tensor([1])).sum().backward()
    assert emb.weight.grad._nnz() == 1
    ember.optim.SGD(emb.parameters(), lr=0.1).zero_grad(set_to_none=False)
    assert emb.weight.grad._nnz() == 0


def test_a_sparse_tensor_from_values_with_history_has_pytorchs_node():
    v = ember.tensor([1., 2.], requires_grad=True)
    s = ember.sparse_coo_tensor(ember.tensor([[0, 1]]), v * 2, (3,))
    assert type(s.grad_fn).__name__ == 'SparseCooTensorWithDimsAndTensorsBackward0' and not s.is_leaf
    s2 = ember.sparse_coo_tensor(ember.tensor([[0, 1]]), v, (3,))
    assert s2.grad_fn is not None and not s2.is_leaf and s2.requires_grad
    s.to_dense().sum().backward()
    assert v.grad.tolist() == [2., 2.]
    leaf = ember.sparse_coo_tensor(ember.tensor([[0, 1]]), ember.tensor([1., 2.]), (3,), requires_grad=True)
    assert leaf.grad_fn is None and leaf.is_leaf and leaf.requires_grad


# recorded from PyTorch 2.13 (float64): values of sparse.softmax/log_softmax over the specified elements, and the
# gradient of (out.to_dense() * w).sum() with respect to the (uncoalesced) values
_I = [[0, 1, 1, 0], [1, 0, 2, 1]]
_V = [1., 2., 3., -0.5]
_W = [[1., 2., 3.], [4., 5., 6.]]
SOFTMAX = {
    ('softmax', 1): ([1.0, 0.2689414214, 0.7310585786], [0.0, -0.3932238665, 0.3932238665, 0.0]),
    ('softmax', 0): ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]),
    ('log_softmax', 1): ([0.0, -1.3132616875, -0.3132616875], [0.0, 1.3105857863, -1.3105857863, 0.0]),
    ('log_softmax', 0): ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]),
}


@pytest.mark.parametrize('name,dim', list(SOFTMAX))
def test_sparse_softmax_over_the_specified_elements(name, dim):
    values = ember.tensor(_V, dtype=ember.float64, requires_grad=True)
    s = ember.sparse_coo_tensor(ember.tensor(_I), values, (2, 3))
    out = getattr(ember.sparse, name)(s, dim)
    assert out.layout == ember.sparse_coo and out.is_coalesced()
    assert out.grad_fn.name() == ('SparseSoftmaxBackward0' if name == 'softmax' else 'SparseLogSoftmaxBackward0')
    (out.to_dense() * ember.tensor(_W, dtype=ember.float64)).sum().backward()
    expected_values, expected_grad = SOFTMAX[name, dim]
    assert out.values().tolist() == pytest.approx(expected_values, abs=1e-9)
    assert values.grad.tolist() == pytest.approx(expected_grad, abs=1e-9)


def test_zero_preserving_functions_work_on_the_values_and_others_are_refused():
    s = ember.sparse_coo_tensor(ember.tensor(_I), ember.tensor(_V), (2, 3))      # (0, 1) given twice: 0.5
    for name in ('abs', 'neg', 'sin', 'sqrt', 'tanh', 'relu', 'sign', 'square', 'expm1'):
        out = getattr(s, name)()
        assert out.layout == ember.sparse_coo, name
        assert out.to_dense().tolist() == getattr(s.to_dense(), name)().tolist(), name
    assert ember.abs(s).to_dense().tolist() == [[0., .5, 0.], [2., 0., 3.]]
    assert s.isnan().dtype == ember.bool
    with pytest.raises(NotImplementedError, match="^Could not run 'aten::exp' with arguments from the 'SparseCPU'"):
        s.exp()


def test_a_sparse_leaf_gets_a_sparse_gradient():
    d = ember.tensor([[0., 2., 0.], [3., 0., 4.]])
    leaf = d.to_sparse().requires_grad_()
    ember.sparse.mm(leaf, d.t()).sum().backward()      # PyTorch 2.13: sparse, over the leaf's indices
    assert leaf.grad.layout == ember.sparse_coo
    assert leaf.grad.to_dense().tolist() == [[0., 2., 0.], [3., 0., 4.]]
    leaf.to_dense().sum().backward()
    assert leaf.grad.to_dense().tolist() == [[0., 3., 0.], [4., 0., 5.]]
    ember.optim.SGD([leaf], lr=0.1).zero_grad()
    assert leaf.grad is None


def test_spdiags_places_each_diagonal_as_pytorch_does():
    d = ember.arange(1., 13.).reshape(3, 4).requires_grad_()
    s = ember.sparse.spdiags(d, ember.tensor([0, -1, 2]), (4, 4))
    assert s.to_dense().tolist() == [[1., 0., 11., 0.], [5., 2., 0., 12.], [0., 6., 3., 0.], [0., 0., 7., 4.]]
    assert s._indices().tolist() == [[0, 1, 2, 3, 1, 2, 3, 0, 1], [0, 1, 2, 3, 0, 1, 2, 2, 3]]   # diagonal by diagonal
    # PyTorch 2.13 prints its layout first and records no derivative
    assert repr(s).endswith("size=(4, 4), nnz=9, layout=ember.sparse_coo, grad_fn=<NotImplemented>)")
    with pytest.raises(RuntimeError, match='^derivative for aten::_spdiags is not implemented$'):
        s.to_dense().sum().backward()
    wide = ember.sparse.spdiags(d.detach(), ember.tensor([0, 1, -2]), (3, 5))
    assert wide.to_dense().tolist() == [[1., 6., 0., 0., 0.], [0., 2., 7., 0., 0.], [9., 0., 3., 8., 0.]]
    for offsets, message in [([0, 0, 1], 'Offset tensor contains duplicate values'),
                             ([0, 1], 'Number of diagonals (3) does not match the number of offsets (2)'),
                             ([[0, 1, 2]], 'Offsets must be scalar or vector'),
                             ([0., 1., 2.], 'Offset Tensor must have dtype Long but got Float')]:
        with pytest.raises(RuntimeError) as info:
            ember.sparse.spdiags(d.detach(), ember.tensor(offsets), (4, 4))
        assert str(info.value) == message


def test_sparse_repr_puts_dtype_and_layout_before_autograd_and_wraps():
    s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse().requires_grad_()
    assert repr(s).endswith("size=(2, 2), nnz=2, layout=ember.sparse_coo, requires_grad=True)")
    assert repr(s.double()).endswith("size=(2, 2), nnz=2, dtype=ember.float64, layout=ember.sparse_coo,\n"
                                     "       grad_fn=<ToCopyBackward0>)")


def test_zeros_and_empty_with_the_coo_layout():
    # PyTorch 2.13's printed results (no element specified; an empty values tensor prints its size)
    t = ember.empty(2, 3, layout=ember.sparse_coo, dtype=ember.float64, requires_grad=True)
    assert repr(t) == ('tensor(indices=tensor([], size=(2, 0)),\n       values=tensor([], size=(0,)),\n'
                       '       size=(2, 3), nnz=0, dtype=ember.float64, layout=ember.sparse_coo,\n'
                       '       requires_grad=True)')
    z = ember.zeros(4, layout=ember.sparse_coo, dtype=ember.int32)
    assert z.is_coalesced() and z.sparse_dim() == 1 and z.to_dense().tolist() == [0, 0, 0, 0]
    assert repr(ember.zeros(2, 3).to_sparse()) == ('tensor(indices=tensor([], size=(2, 0)),\n'
                                                   '       values=tensor([], size=(0,)),\n'
                                                   '       size=(2, 3), nnz=0, layout=ember.sparse_coo)')
