"""F.interpolate's float32 linear and cubic modes round a double sum once, with no midpoint check, where every
sum is provably exact in double (weights of few bits on data of a limited range): PyTorch's recorded
bits (tests/fixtures/interpolate_exact_sums) for cases on both sides of that bound, with one thread and
two (3-channel images change kernel), and the unchecked results equal to the checked ones on random
shapes and data."""
import pathlib

import numpy as np
import pytest

import ember
from ember.ops import _upsample_f32
from tests.fixtures.interpolate_exact_sums.cases import CASES
from tests.fixtures.interpolate_exact_sums.record import run

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'interpolate_exact_sums' / 'expected.npz')


@pytest.fixture
def proofs(monkeypatch):
    """Whether ``_proofs`` found a block's double sums exact, for each block while a test runs."""
    seen = []
    real = _upsample_f32._proofs

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        seen.append(found[0])
        return found
    monkeypatch.setattr(_upsample_f32, '_proofs', spy)
    return seen


# one thread changes the kernel for 3-channel images only, so only those were recorded with one
RUNS = [(n, *case) for case in CASES for n in (1, 2) if f'{n}/float32/{case[0]}' in RECORDED]


@pytest.mark.parametrize('n_threads, name, shape, channels_last, kind, kw', RUNS, ids=[f'{r[1]}-{r[0]}' for r in RUNS])
def test_bits_match_recorded(n_threads, name, shape, channels_last, kind, kw, threads, proofs):
    key = f'{n_threads}/float32/{name}'
    threads(n_threads)
    got = run(ember, name, shape, channels_last, kind, kw)
    assert np.array_equal(got.view(np.uint32), RECORDED[key].view(np.uint32))
    # the cases exercise the unchecked path, except those built to miss the bound
    assert any(proofs) == (kind != 'wide') or kw['mode'] == 'area'
    if f'{n_threads}/bfloat16/{name}' in RECORDED:
        got = run(ember, name, shape, channels_last, kind, kw, 'bfloat16')
        assert np.array_equal((got.view(np.uint32) >> 16).astype(np.uint16), RECORDED[f'{n_threads}/bfloat16/{name}'])


def _random_data(rng, shape, kind):
    if kind == 0:
        return rng.rand(*shape).astype(np.float32)
    if kind == 1:
        return rng.standard_normal(shape).astype(np.float32)
    if kind == 2:   # few-bit values over many binades, zeros among them: ties and far-apart operands
        return (rng.randint(0, 16, shape) * 2.0 ** rng.randint(-40, 10, shape)).astype(np.float32)
    if kind == 3:   # signed few-bit values: cancellations
        return (rng.randint(-16, 16, shape) * 2.0 ** rng.randint(-12, 0, shape)).astype(np.float32)
    return (rng.randint(0, 64, shape) * 2.0 ** rng.randint(-149, -120, shape)).astype(np.float32)


def test_unchecked_sums_equal_checked_ones(monkeypatch):
    rng = np.random.RandomState(15)
    proven = 0
    for trial in range(150):
        nd = 1 + trial % 3
        shape = (1, int(rng.choice([1, 3, 5, 17]))) + tuple(int(v) for v in rng.randint(1, 10, nd))
        factor = float(rng.choice([2, 4, 0.5, 8]))
        size = [max(1, int(s * factor)) for s in shape[2:]]
        corners = bool(trial % 2)
        x = _random_data(rng, shape, trial % 5)
        plans = [_upsample_f32.linear_weights(shape[2 + k], size[k], corners, None) for k in range(nd)]
        cubic = [_upsample_f32.cubic_weights(shape[2 + k], size[k], corners, None) for k in range(nd)]
        kernels = [lambda: _upsample_f32.generic(x, plans),
                   lambda: _upsample_f32.generic(x, cubic, cubic=True),
                   lambda: _upsample_f32.generic(x, _upsample_f32.rounded(cubic, np.float16), cubic=True)]
        if nd > 1:
            kernels += [lambda: _upsample_f32.channels_last(x, plans),
                        lambda: _upsample_f32.channels_last(x, plans, reduced=True)]
        for kernel in kernels:
            fast = kernel()
            with monkeypatch.context() as m:
                m.setattr(_upsample_f32, '_proofs', lambda *a, **k: (False, False))
                checked = kernel()
            assert np.array_equal(fast.view(np.uint32), checked.view(np.uint32)), (shape, size, corners, trial)
        proven += any(_upsample_f32._proofs(x, _upsample_f32.blend_bounds(p[2:]), 0)[0] for p in plans)
    assert proven > 40


def test_proofs_refuse_nonfinite_wide_and_tiny_blocks():
    bounds = _upsample_f32.blend_bounds((np.float32([0.75, 0.25]), np.float32([0.25, 0.75])))
    proofs = _upsample_f32._proofs
    assert proofs(np.float32([[0.5, 1.0]]), bounds, 8) == (True, True)
    assert proofs(np.float32([[-0.5, 1.0]]), bounds, 8) == (True, True)      # signs cancel: still proven
    assert proofs(np.zeros((2, 2), np.float32), bounds, 8) == (True, True)
    assert proofs(np.float32([[0.5, np.inf]]), bounds, 8) == (False, False)
    assert proofs(np.float32([[0.5, np.nan]]), bounds, 8) == (False, False)
    assert proofs(np.float32([[2.0 ** -40, 1.0]]), bounds, 8) == (False, True)   # too wide, far from tiny
    assert proofs(np.float32([[2.0 ** -110, 2.0 ** -109]]), bounds, 8) == (True, False)
    # weights of full 24-bit mantissas leave no exact sums, only the subnormal range to rule out,
    # which is not worth measuring a block larger than the fused steps' elements
    full = _upsample_f32.blend_bounds((np.float32([1 - 0.1]), np.float32([0.1])))
    assert full[2]
    assert proofs(np.float32([[0.5, 1.0]]), full, 8) == (False, True)
    assert proofs(np.float32([[0.5, 1.0]]), full, 1) == (False, False)


def test_matches_pytorch_on_random_images():
    torch = pytest.importorskip('torch')
    rng = np.random.RandomState(3)
    for trial in range(12):
        x = (rng.randint(0, 256, (1, 3, 10 + trial, 13)) / np.float32(255)).astype(np.float32)
        kw = dict(scale_factor=2 if trial % 2 else 0.5, mode='bilinear', align_corners=False)
        want = torch.nn.functional.interpolate(torch.from_numpy(x), **kw).numpy()
        got = ember.nn.functional.interpolate(ember.from_numpy(x), **kw).numpy()
        assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
