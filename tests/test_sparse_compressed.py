"""Sparse compressed tensors (CSR, CSC, BSR, BSC): construction with PyTorch's checks, printing, conversions,
products with dense matrices, element-wise operations, sums, transposes and gradients, each case's printed
result or error compared with PyTorch 2.13's (recorded by tests/fixtures/sparse_compressed/record.py)."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.sparse_compressed.cases import CASES, REFUSED
from tests.fixtures.sparse_compressed.record import refused_prefix, run, saved

# NOTE: dispatch on sparse tensors switches on when the first one is made; a call whose own arguments make the
# process's first one (ember.add(d.to_sparse_csr(), ...)) has looked up the plain function already
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    ember.tensor([[1.]]).to_sparse_csr()

_FILE = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'sparse_compressed' / 'recorded.json').read_text())
RECORDED, RECORDED_REFUSALS = _FILE['cases'], _FILE['refused']


def _ember_text(outcome):
    return [part.replace('torch.', 'ember.').replace("'torch'", "'ember'") for part in outcome]


@pytest.mark.parametrize('name', sorted(CASES))
def test_case_as_pytorch(name):
    assert run(ember, CASES[name]) == _ember_text(RECORDED[name])


@pytest.mark.parametrize('name', sorted(REFUSED))
def test_refusal_as_pytorch(name):
    assert refused_prefix(run(ember, REFUSED[name])) == _ember_text(RECORDED_REFUSALS[name])


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES) and sorted(RECORDED_REFUSALS) == sorted(REFUSED)


SAVED_FILE = pathlib.Path(__file__).parent / 'fixtures' / 'sparse_compressed' / 'saved.pt'


def _same(a, b):
    assert type(a) is type(b) and a.layout is b.layout and repr(a) == repr(b)
    if a.layout in (ember.sparse_csr, ember.sparse_bsr):
        assert a.crow_indices().dtype is b.crow_indices().dtype


@pytest.mark.parametrize('weights_only', [True, False])
def test_load_pytorchs_checkpoint_of_every_layout(weights_only):
    loaded = ember.load(SAVED_FILE, weights_only=weights_only)
    expected = saved(ember)
    assert sorted(loaded) == sorted(expected)
    for key in expected:
        _same(loaded[key], expected[key])


def test_save_load_round_trip_and_pickling(tmp_path):
    import copy
    import pickle
    tensors = saved(ember)
    ember.save(tensors, tmp_path / 'sparse.pt')
    for key, value in ember.load(tmp_path / 'sparse.pt').items():
        _same(value, tensors[key])
    for value in tensors.values():
        _same(pickle.loads(pickle.dumps(value)), value)
        _same(copy.deepcopy(value), value)


def test_pytorch_loads_embers_checkpoint(tmp_path):
    torch = pytest.importorskip('torch')
    ember.save(saved(ember), tmp_path / 'sparse.pt')
    loaded = torch.load(tmp_path / 'sparse.pt')
    expected = saved(torch)
    for key in expected:
        assert loaded[key].layout == expected[key].layout and repr(loaded[key]) == repr(expected[key])


def test_loading_checks_the_indices_when_asked(tmp_path):
    bad = ember.sparse_csr_tensor([0, 1, 3], [1, 2, 0], [2., 3., 4.], (2, 3), check_invariants=False)
    ember.save(bad, tmp_path / 'bad.pt')
    assert ember.load(tmp_path / 'bad.pt').col_indices().tolist() == [1, 2, 0]     # unchecked by default
    with ember.sparse.check_sparse_tensor_invariants():
        with pytest.raises(RuntimeError, match='are sorted and distinct along the last dimension values'):
            ember.load(tmp_path / 'bad.pt')


LAYOUT_ARGS = [(ember.sparse_csr, None), (ember.sparse_csc, None), (ember.sparse_bsr, (2, 1)),
               (ember.sparse_bsc, (1, 2))]


@pytest.mark.parametrize('layout, blocksize', LAYOUT_ARGS)
def test_gradcheck_through_products_in_float64(layout, blocksize):
    # every element specified, so the gradient over the specified elements is the whole gradient
    ember.manual_seed(0)
    x = (ember.rand(4, 4, dtype=ember.float64) + 0.5).requires_grad_()
    w = ember.rand(4, 3, dtype=ember.float64, requires_grad=True)
    c = ember.rand(4, 3, dtype=ember.float64, requires_grad=True)

    def products(x, w, c):
        s = x.to_sparse(layout=layout, blocksize=blocksize)
        if layout is ember.sparse_bsc:      # (PyTorch multiplies BSC matrices from the left only)
            return ember.sparse.mm(w.t(), s), ember.sparse.addmm(c.t(), w.t(), s, beta=0.5, alpha=2), (s * 3).to_dense()
        return ember.sparse.mm(s, w), ember.sparse.addmm(c, s, w, beta=0.5, alpha=2), (s * 3).to_dense()

    assert ember.autograd.gradcheck(products, (x, w, c))
    assert ember.autograd.gradgradcheck(products, (x, w, c))


def test_gradcheck_through_elementwise_ops_and_dense_operands_in_float64():
    ember.manual_seed(0)
    x = (ember.rand(3, 4, dtype=ember.float64) + 0.5).requires_grad_()
    w = ember.rand(4, 2, dtype=ember.float64, requires_grad=True)

    def ops(x, w):
        s = x.to_sparse_csr()
        return (s.sin() + s * 2).sqrt().to_dense(), w.t() @ s.t(), s.t() @ x, s.sum()

    assert ember.autograd.gradcheck(ops, (x, w))
    assert ember.autograd.gradgradcheck(ops, (x, w))


def test_a_sparse_leaf_takes_a_step():
    # a CSR parameter trained through sparse.mm keeps its pattern: its gradient is over its elements
    weight = ember.tensor([[0., 2., 0.], [3., 0., 4.]]).to_sparse_csr().requires_grad_()
    x = ember.ones(3, 1)
    loss = (ember.sparse.mm(weight, x) ** 2).sum()
    loss.backward()
    assert weight.grad.layout is ember.sparse_csr and weight.grad.values().tolist() == [4., 14., 14.]
    with ember.no_grad():
        weight.values().sub_(0.1 * weight.grad.values())
    assert weight.to_dense().flatten().tolist() == pytest.approx([0., 1.6, 0., 1.6, 0., 2.6])


@pytest.mark.parametrize('layout, blocksize', LAYOUT_ARGS[:3])
def test_products_without_scipy_sum_the_same(layout, blocksize, monkeypatch):
    # the NumPy path (no scipy extra) gives the products and gradients the SciPy path gives
    from ember.sparse import _compressed_matmul
    ember.manual_seed(0)
    x = ember.rand(6, 4, dtype=ember.float64) * (ember.rand(6, 4, dtype=ember.float64) < 0.5)
    w = ember.rand(4, 3, dtype=ember.float64)

    def run():
        s = x.to_sparse(layout=layout, blocksize=blocksize).requires_grad_()
        dense = w.clone().requires_grad_()
        out = ember.sparse.mm(s, dense)
        (out * out).sum().backward()
        return out, s.grad.to_dense(), dense.grad

    with_scipy = run()
    monkeypatch.setattr(_compressed_matmul, '_scipy_sparse', lambda: None)
    for a, b in zip(with_scipy, run()):
        assert ember.allclose(a, b, rtol=1e-12, atol=1e-12)
    assert ember.allclose(with_scipy[0], x @ w, rtol=1e-12, atol=1e-12)


def test_a_module_with_a_sparse_parameter_saves_and_loads(tmp_path):
    module = ember.nn.Module()
    module.w = ember.nn.Parameter(ember.tensor([[0., 2.], [3., 0.]]).to_sparse_csr())
    ember.save(module.w, tmp_path / 'w.pt')
    loaded = ember.load(tmp_path / 'w.pt')
    assert isinstance(loaded, ember.nn.Parameter) and loaded.requires_grad and repr(loaded) == repr(module.w)
    torch = pytest.importorskip('torch')
    theirs = torch.load(tmp_path / 'w.pt')
    assert isinstance(theirs, torch.nn.Parameter) and theirs.layout == torch.sparse_csr
    assert theirs.to_dense().tolist() == [[0., 2.], [3., 0.]]
