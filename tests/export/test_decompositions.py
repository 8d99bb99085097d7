"""``ExportedProgram.run_decompositions()`` lowers matmul of every rank pairing (a stack folded into
one mm, or broadcast batches through bmm), chunk, group_norm and reshape to the calls PyTorch's
lowering makes (recorded by tests/fixtures/export/record_decompositions.py), and the lowered program
computes what the model computes."""
import json
import pathlib

import numpy as np
import pytest

import ember
from tests.fixtures.export.decomposition_cases import CASES, lowered_ops

_RECORDED = json.loads((pathlib.Path(__file__).parent.parent / 'fixtures' / 'export' /
                        'decompositions.json').read_text())


def _flat(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize('name', sorted(CASES))
def test_lowered_as_pytorch_lowers_and_computes_the_same(name):
    ember.manual_seed(0)
    mod, args = CASES[name](ember)
    lowered = ember.export.export(mod, args).run_decompositions()
    assert lowered_ops(lowered) == _RECORDED[name]
    with ember.no_grad():
        for got, want in zip(_flat(lowered.module()(*args)), _flat(mod(*args))):
            assert got.shape == want.shape
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_every_recorded_case_is_checked():
    assert set(_RECORDED) == set(CASES) and len(CASES) >= 20
