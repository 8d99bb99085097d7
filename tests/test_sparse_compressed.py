"""Sparse compressed tensors (CSR, CSC, BSR, BSC): construction with PyTorch's checks, printing, conversions,
products with dense matrices, element-wise operations, sums, transposes and gradients, each case's printed
result or error compared with PyTorch 2.13's (recorded by tests/fixtures/sparse_compressed/record.py)."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.sparse_compressed.cases import CASES
from tests.fixtures.sparse_compressed.record import run, saved

# NOTE: dispatch on sparse tensors switches on when the first one is made; a call whose own arguments make the
# process's first one (ember.add(d.to_sparse_csr(), ...)) has looked up the plain function already
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    ember.tensor([[1.]]).to_sparse_csr()

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'sparse_compressed' / 'recorded.json')
                      .read_text())['cases']


def _ember_text(outcome):
    return [part.replace('torch.', 'ember.').replace("'torch'", "'ember'") for part in outcome]


@pytest.mark.parametrize('name', sorted(CASES))
def test_case_as_pytorch(name):
    assert run(ember, CASES[name]) == _ember_text(RECORDED[name])


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


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
