"""``zeros_like``, ``empty_like``, ``ones_like``, ``full_like``, ``rand_like``, ``randn_like`` and
``randint_like`` of sparse tensors (COO, CSR, CSC, BSR; batched and hybrid) and with sparse ``layout=``: each
case's result or error compared with PyTorch 2.13's, recorded by tests/fixtures/sparse_like/record.py."""
import json
import pathlib

import pytest

import ember
from tests.fixtures.sparse_like.record import outcomes

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'sparse_like' / 'recorded.json').read_text())


def _as_ember(value):
    return json.loads(json.dumps(value).replace('torch.', 'ember.'))


@pytest.fixture(scope='module')
def ember_outcomes():
    return outcomes(ember)


def test_every_case_recorded(ember_outcomes):
    assert sorted(ember_outcomes) == sorted(RECORDED)


@pytest.mark.parametrize('case', sorted(RECORDED))
def test_like_as_pytorch(case, ember_outcomes):
    assert ember_outcomes[case] == _as_ember(RECORDED[case])


def test_compressed_fill_keeps_the_pattern_and_draws_as_randn():
    s = ember.tensor([[0., 1., 3.], [2., 0., 0.]]).to_sparse_csr()
    ember.manual_seed(0)
    r = ember.randn_like(s)
    ember.manual_seed(0)
    assert r.values().tolist() == ember.randn(3).tolist()
    assert r.crow_indices().tolist() == [0, 2, 3] and r.col_indices().tolist() == [1, 2, 0]
    assert r.crow_indices() is not s.crow_indices()     # its own indices: changing one leaves the other
    assert ember.ones_like(s, requires_grad=True).is_leaf
