"""ember's low-level ``torch.*`` nn forms against PyTorch's recorded outcome for each call of
``tests/fixtures/nn_natives/cases.py``: the same result (dtype, shape, values to float32 precision)
or the same error (type and text). The recording needs no PyTorch; with PyTorch installed it is also
checked to be current."""
import json
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.fixtures.api_calls.record import run
from tests.fixtures.nn_natives.cases import CASES

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'nn_natives' / 'recorded.json').read_text())['cases']


def _close(got, want):
    """Equal outcomes, float values compared with a tolerance (kernels sum in different orders)."""
    if isinstance(want, dict) and 'values' in want:
        if {k: v for k, v in got.items() if k != 'values'} != {k: v for k, v in want.items() if k != 'values'}:
            return False
        a, b = np.asarray(got['values'], dtype=float), np.asarray(want['values'], dtype=float)
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-6)
    if isinstance(want, dict) and 'sequence' in want:
        return 'sequence' in got and len(got['sequence']) == len(want['sequence']) and all(
            _close(g, w) for g, w in zip(got['sequence'], want['sequence']))
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(_close(got[k], want[k]) for k in want)
    return got == want


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_call_matches_pytorch(name):
    got = run(ember, CASES[name])
    assert _close(got, RECORDED[name]), (got, RECORDED[name])


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    stale = [name for name in sorted(CASES) if not _close(run(torch, CASES[name]), RECORDED[name])]
    assert not stale


def test_ctc_loss_takes_integer_reductions_only():
    lp = ember.zeros(3, 1, 2)
    with pytest.raises(TypeError, match="ctc_loss"):
        ember.ctc_loss(lp, ember.tensor([[1]]), [3], [1], 0, 'mean')


def test_native_forms_record_the_functional_gradients():
    x = ember.linspace(-2, 2, 24).sin().reshape(2, 3, 4).requires_grad_()
    y, _, _ = ember.native_layer_norm(x, [4], None, None, 1e-5)
    assert y.grad_fn.name() == 'NativeLayerNormBackward0'
    (g,) = ember.autograd.grad(y.pow(2).sum(), x)
    (want,) = ember.autograd.grad(ember.nn.functional.layer_norm(x, [4]).pow(2).sum(), x)
    np.testing.assert_allclose(g.numpy(), want.numpy(), atol=1e-6)
