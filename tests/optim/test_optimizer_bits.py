"""Float32 optimizer steps give PyTorch's bits: 50 steps of each optimizer on parameters of a few shapes,
compared bit for bit with PyTorch's trajectories recorded by ``tests/optim/record_bits.py`` (no PyTorch
needed here). PyTorch's CPU kernels round ``add(alpha=)``, ``addcmul`` and ``lerp`` once (a fused
multiply-add); ember does the same with ``ember.numerics.set_pytorch_bits(True)``, the default.
"""
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.optim._bits_cases import CASES, run

FIXTURES = Path(__file__).parent.parent / 'fixtures' / 'optimizer_bits'


def _recorded(case):
    with np.load(FIXTURES / f'{case}.npz') as data:
        return {k: data[k] for k in data.files}


def _differing(expected, got):
    """The names of the arrays (or digests) whose float32 bits differ."""
    assert sorted(expected) == sorted(got)
    bad = []
    for key, want in expected.items():
        have = got[key]
        if want.dtype.kind == 'U':
            same = str(want) == str(have)
        else:
            same = want.shape == have.shape and np.array_equal(want.view(np.uint32), have.view(np.uint32))
        if not same:
            bad.append(key)
    return bad


@pytest.mark.parametrize('case', sorted(CASES))
def test_float32_trajectory_is_pytorchs_bits(case):
    with ember.numerics.pytorch_bits(True):
        got = run(ember, case)
    assert _differing(_recorded(case), got) == []


@pytest.mark.parametrize('case', ['sgd_momentum', 'adam_crsqrt'])
def test_without_pytorch_bits_the_update_takes_the_cheap_path_and_stays_close(case, monkeypatch):
    """``set_pytorch_bits(False)`` leaves the exact fused multiply-add: the update rounds as NumPy's two
    ufuncs (or BLAS's saxpy, where the machine's may fuse) do, within a few last bits."""
    import ember.optim._functional as functional
    exact_calls = []
    monkeypatch.setattr(functional, 'fma32_to', lambda *args: exact_calls.append(args))
    expected = _recorded(case)
    with ember.numerics.pytorch_bits(False):
        got = run(ember, case)
    assert exact_calls == []
    for key, want in expected.items():
        if want.dtype.kind != 'U':
            np.testing.assert_allclose(got[key], want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name, kwargs', [('SGD', dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
                                          ('Adam', dict(lr=0.01, weight_decay=0.01))])
def test_a_non_contiguous_parameter_gets_the_same_bits(name, kwargs):
    """A transposed (non-contiguous) parameter is updated in one piece, not in blocks: same bits."""
    rng = np.random.default_rng(7)
    start = rng.standard_normal((40, 30), dtype=np.float32)
    grads = [rng.standard_normal((40, 30), dtype=np.float32) for _ in range(20)]
    dense = ember.tensor(start, requires_grad=True)
    strided = ember.tensor(start.T.copy()).t().detach().requires_grad_()
    assert not strided.is_contiguous()
    opts = [getattr(ember.optim, name)([p], **kwargs) for p in (dense, strided)]
    for g in grads:
        for p, opt in zip((dense, strided), opts):
            p.grad = ember.tensor(g)
            opt.step()
    assert np.array_equal(dense.detach().numpy().view(np.uint32), strided.detach().numpy().view(np.uint32))
