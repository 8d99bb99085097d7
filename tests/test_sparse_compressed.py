"""Sparse compressed tensors (CSR, CSC, BSR, BSC): construction with PyTorch's checks, printing, conversions,
products with dense matrices, element-wise operations, sums, transposes and gradients, each case's printed
result or error compared with PyTorch 2.13's (recorded by tests/fixtures/sparse_compressed/record.py)."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.sparse_compressed.cases import CASES
from tests.fixtures.sparse_compressed.record import run

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
