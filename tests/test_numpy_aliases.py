"""NumPy's keyword names where PyTorch's argument parser takes them: ``axis`` for ``dim``,
``keepdims`` for ``keepdim``, ``x``/``a``/``x1`` for ``input``, ``x2`` for ``other``, on every
function and Tensor method PyTorch binds in C (not on those it writes in Python, ``F.softmax``).

Every recorded call (``tests/fixtures/numpy_aliases/recorded.json``, written by its ``record.py``
under PyTorch) gives on ember what it gave on PyTorch: the same values, or the same error. Cases where
ember still differs are listed in ``numpy_aliases/not_yet.txt``; the test fails when one of them
starts to match, so the list only shrinks (regenerate it with ``python -m tests.test_numpy_aliases
--update``).
"""
import json
import math
import sys
from pathlib import Path

import pytest

import ember
from tests.fixtures.numpy_aliases.record import outcome

_DIR = Path(__file__).parent / 'fixtures' / 'numpy_aliases'
RECORDED = json.loads((_DIR / 'recorded.json').read_text())['cases']
NOT_YET = frozenset((_DIR / 'not_yet.txt').read_text().split())


def _close(a, b):
    """Recorded outcomes equal, floats to float32's precision (NaN equal to NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        return all(_close(a[k], b[k]) for k in a if k != 'warnings')
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(u, v) for u, v in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-6)
    return a == b


def matches(key):
    return _close(outcome(ember, RECORDED[key]['call']), RECORDED[key]['outcome'])


def test_not_yet_lists_recorded_cases():
    assert NOT_YET <= set(RECORDED)


@pytest.mark.parametrize('key', sorted(set(RECORDED) - NOT_YET))
def test_numpy_keyword_as_in_pytorch(key):
    assert _close(outcome(ember, RECORDED[key]['call']), RECORDED[key]['outcome'])


def test_known_gaps_still_differ():
    closed = sorted(key for key in NOT_YET if matches(key))
    assert not closed, f"these now match PyTorch; remove them from not_yet.txt: {closed}"


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    stale = [key for key, case in sorted(RECORDED.items()) if not _close(outcome(torch, case['call']), case['outcome'])]
    assert not stale


if __name__ == '__main__' and '--update' in sys.argv:
    gaps = sorted(key for key in RECORDED if not matches(key))
    (_DIR / 'not_yet.txt').write_text(''.join(k + '\n' for k in gaps))
    print(f'{len(RECORDED) - len(gaps)} of {len(RECORDED)} cases match PyTorch')


# --- as a user writes them ----------------------------------------------------------------------

def _grid():
    return ember.arange(24.).reshape(2, 3, 4)


def test_sum_with_axis_and_keepdims():
    x = _grid()
    assert ember.equal(x.sum(axis=1, keepdims=True), x.sum(1, keepdim=True))
    assert ember.equal(ember.sum(x, axis=(0, 2)), x.sum((0, 2)))


def test_cat_and_stack_with_axis():
    xs = [ember.ones(2, 3), ember.zeros(2, 3)]
    assert ember.cat(xs, axis=0).shape == (4, 3)
    assert ember.equal(ember.cat(xs, axis=1), ember.cat(xs, dim=1))
    assert ember.stack(xs, axis=-1).shape == (2, 3, 2)


def test_argmax_with_axis():
    x = ember.tensor([[1., 5., 2.], [7., 0., 3.]])
    assert ember.argmax(x, axis=-1).tolist() == [1, 0]
    assert x.argmax(axis=0, keepdims=True).tolist() == [[1, 0, 1]]


def test_max_with_axis_returns_values_and_indices():
    x = ember.tensor([[1., 5.], [7., 0.]])
    result = ember.max(x, axis=0)
    assert type(result) is ember.return_types.max
    assert result.values.tolist() == [7., 5.] and result.indices.tolist() == [1, 0]


def test_in_place_method_with_axis():
    x = ember.tensor([[1., 2.], [3., 4.]])
    x.cumsum_(axis=0)
    assert x.tolist() == [[1., 2.], [4., 6.]]


def test_both_names_refused_as_pytorch_does():
    x = _grid()
    with pytest.raises(TypeError, match=r"^sum\(\) got an unexpected keyword argument 'axis'$"):
        ember.sum(x, dim=1, axis=0)


def test_python_level_function_refuses_numpy_names():
    # PyTorch writes F.softmax in Python: Python's own error, no renaming
    with pytest.raises(TypeError, match=r"softmax\(\) got an unexpected keyword argument 'axis'"):
        ember.nn.functional.softmax(_grid(), axis=0)


def test_mean_std_var_with_axis_and_keepdims():
    x = _grid()
    assert ember.equal(x.mean(axis=0), x.mean(0))
    assert ember.equal(ember.mean(x, axis=0, keepdims=True), x.mean(0, keepdim=True))
    assert ember.allclose(ember.std(x, axis=(0, 2)), x.std((0, 2)))
    assert x.var(axis=1, keepdims=True).shape == (2, 1, 4)


def test_any_all_argsort_with_axis():
    x = ember.tensor([[True, False], [True, True]])
    assert x.any(axis=1).tolist() == [True, True] and x.all(axis=1).tolist() == [False, True]
    assert ember.tensor([[3., 1., 2.]]).argsort(axis=1).tolist() == [[1, 2, 0]]


def test_squeeze_and_unsqueeze_with_axis():
    x = ember.zeros(2, 1, 3)
    assert x.squeeze(axis=1).shape == (2, 3)
    assert x.unsqueeze(axis=0).shape == (1, 2, 1, 3)
    x.unsqueeze_(axis=-1)
    assert x.shape == (2, 1, 3, 1)


def test_both_names_on_a_plain_op_refused_as_pytorch_does():
    x = _grid()
    with pytest.raises(TypeError, match=r"^mean\(\) got an unexpected keyword argument 'axis'$"):
        x.mean(1, axis=0)
    with pytest.raises(TypeError, match=r'^unsqueeze\(\) missing 1 required positional arguments: "dim"$'):
        x.unsqueeze()
