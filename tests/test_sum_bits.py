"""float32/float64 sum and mean against PyTorch 2.13's recorded bits (tests/fixtures/sum_bits/recorded.npz,
written by its record.py on an AVX-512 CPU): every layout (whole tensors, rows, columns, several dims,
transposed, strided, narrowed and channels-last views, keepdim), with one thread and with two (PyTorch
splits 32768 values or more between its threads, and that moves its additions)."""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.ops._cascade_sum as cascade
from tests.fixtures.sum_bits.record import CASES, NAN_CASES, NLL_CASES, digest, inputs, nan_inputs, nll_inputs

REC = np.load(Path(__file__).parent / 'fixtures' / 'sum_bits' / 'recorded.npz')
RUNS = [(case, threads, keep) for case in range(len(CASES)) for threads in (1, 2) for keep in (False, True)
        if f'{case}_{threads}' + ('_keep' if keep else '') + '_sum' in REC]


def _tensor(a):
    """An ember tensor over the very array (its strides included), as torch.from_numpy gives."""
    return ember.from_numpy(a)


@pytest.mark.parametrize('case,threads,keep', RUNS)
def test_sum_and_mean_bits(case, threads, keep, monkeypatch):
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: threads)
    a = inputs(case)
    assert digest(a) == str(REC[f'{case}_sha']), 'the seeded input changed: re-record the fixture'
    x = _tensor(a)
    assert x.stride() == tuple(s // a.itemsize for s in a.strides)
    dims = CASES[case][3]
    tag = f'{case}_{threads}' + ('_keep' if keep else '')
    got_sum = x.sum() if dims is None else x.sum(dims, keepdim=keep)
    got_mean = x.mean() if dims is None else x.mean(dims, keepdim=keep)
    for got, key in ((got_sum, 'sum'), (got_mean, 'mean')):
        want = REC[f'{tag}_{key}']
        assert got.dtype == getattr(ember, str(want.dtype))
        assert tuple(got.shape) == want.shape
        np.testing.assert_array_equal(got.numpy(), want, strict=True)


def test_thread_split_moves_the_additions():
    """The recording itself shows why the thread count is part of the order (not a tolerance)."""
    differs = [c for c in range(len(CASES)) if f'{c}_2_sum' in REC
               and not np.array_equal(REC[f'{c}_1_sum'], REC[f'{c}_2_sum'])]
    assert differs


def test_column_sums_of_a_tall_input_on_two_threads(monkeypatch):
    """(8390, 8) column sums and means: PyTorch gives all columns to the second of two threads."""
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: 2)
    case = CASES.index(((8390, 8), 'float32', 'plain', (0,)))
    x = _tensor(inputs(case))
    np.testing.assert_array_equal(x.sum(0).numpy(), REC[f'{case}_2_sum'], strict=True)
    np.testing.assert_array_equal(x.mean(0).numpy(), REC[f'{case}_2_mean'], strict=True)


def test_gradient_of_a_mean_is_unchanged():
    x = ember.randn(6, 5, requires_grad=True)
    x.mean().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((6, 5), 1 / 30, np.float32))


def test_zero_sums_are_positive_zero_as_pytorch():
    x = ember.tensor([[-0.0, -0.0], [-0.0, -0.0]])
    assert np.signbit(x.sum().numpy()) == False  # noqa: E712
    assert not np.signbit(x.sum(0).numpy()).any()


def test_one_axis_and_negative_axes_as_internal_callers_pass_them():
    case = CASES.index(((300, 100), 'float32', 'plain', (0,)))
    a = inputs(case)
    np.testing.assert_array_equal(cascade.cascade_sum(a, 0, False), REC[f'{case}_1_sum'], strict=True)
    np.testing.assert_array_equal(cascade.cascade_sum(a, (-2,), False), REC[f'{case}_1_sum'], strict=True)


@pytest.mark.parametrize('case', range(len(NLL_CASES)))
def test_nll_loss_sum_and_mean_bits(case):
    """nll_loss adds the per-target losses (and class weights) in its own eight-level cascade."""
    x, target, weight, ignore = nll_inputs(case)
    assert digest(x) + digest(target) + ('' if weight is None else digest(weight)) == str(REC[f'nll{case}_sha'])
    for reduction in ('sum', 'mean'):
        got = ember.nn.functional.nll_loss(ember.from_numpy(x), ember.from_numpy(target),
                                           None if weight is None else ember.from_numpy(weight),
                                           ignore_index=ignore, reduction=reduction)
        np.testing.assert_array_equal(got.numpy(), REC[f'nll{case}_{reduction}'], strict=True)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_short_sums_take_the_same_additions_in_fewer_calls(dtype):
    """Whole sums of under 64 vectors' worth of values go through ``_short_sum``: it must add exactly
    as the general path does, for every length (the recorded cases pin a few of them to PyTorch)."""
    rng = np.random.default_rng(11)
    lanes = 32 // np.dtype(dtype).itemsize
    for n in range(1, 64 * lanes):
        x = (rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)).astype(dtype)
        general = cascade._serial(np.lib.stride_tricks.as_strided(x, x.shape, x.strides), (True,))
        assert np.asarray(cascade._short_sum(x)).tobytes() == np.asarray(general, dtype).tobytes(), n
    x = ember.from_numpy((rng.standard_normal((4, 16)) * 3).astype(dtype))
    assert x.sum().numpy().tobytes() == np.asarray(cascade._short_sum(x.numpy().reshape(-1))).tobytes()
    assert x.sum((0, 1), keepdim=True).shape == (1, 1) and x.mean(dim=(1, -2)).shape == ()
    assert float(ember.tensor([-0.0, -0.0]).sum()) == 0.0


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_nll_cascade_of_every_target_a_level_at_a_time_adds_as_the_target_loop(dtype):
    """With nothing ignored, nll_loss's eight-level cascade runs a level at a time
    (``_nll_levels_consecutive``): every level's contents must be those of the one-target-at-a-time
    loop, signed zeros included, for every length around the run boundaries."""
    rng = np.random.default_rng(12)
    for n in list(range(1, 300)) + [1023, 1024, 1025, 4096, 4097, 4114, 9000]:    # (over 256 runs: by positions)
        x = (rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)).astype(dtype)
        x[rng.random(n) < 0.1] = -0.0
        x[1:34] = -0.0      # (whole runs of -0: a run's sum keeps that sign, the levels must not)
        power = max(4, cascade._ceil_log2(n) // 8)
        want = cascade._nll_levels_loop(x, np.arange(n), power)
        got = cascade._nll_levels_consecutive(x, power)
        assert [np.asarray(v, dtype).tobytes() for v in got] == [np.asarray(v, dtype).tobytes() for v in want], n
    assert np.asarray(cascade.nll_sum(np.array([-0.0, -0.0], dtype))).tobytes() == np.asarray(0.0, dtype).tobytes()


@pytest.mark.parametrize('case', NAN_CASES)
def test_nansum_of_views_bits(case, monkeypatch):
    """nansum adds a strided, narrowed, transposed or channels-last view in its own layout."""
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: 1)
    a = nan_inputs(case)
    assert digest(a) == str(REC[f'nan{case}_sha']), 'the seeded input changed: re-record the fixture'
    dims = CASES[case][3]
    x = _tensor(a)
    got = x.nansum() if dims is None else x.nansum(dims)
    np.testing.assert_array_equal(got.numpy(), REC[f'nan{case}_nansum'], strict=True)
    np.testing.assert_array_equal(a, nan_inputs(case))      # the input keeps its NaNs


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_short_sums_of_zeros_infinities_and_nans_are_the_general_paths(dtype):
    # (_short_sum leaves out additions of zeros that cannot change a bit: signs of zeros must still match)
    rng = np.random.default_rng(12)
    lanes = 32 // np.dtype(dtype).itemsize
    for n in list(range(1, 6 * lanes)) + [64 * lanes - 1]:
        for kind in range(3):
            if kind == 0:
                v = np.where(rng.random(n) < 0.5, -0.0, 0.0)
            elif kind == 1:
                v = -np.abs(rng.standard_normal(n)) * 1e-300
            else:
                v = rng.standard_normal(n)
                v[rng.integers(0, n)] = rng.choice([np.inf, -np.inf, np.nan, -0.0])
            x = v.astype(dtype)
            general = cascade._serial(np.lib.stride_tricks.as_strided(x, x.shape, x.strides), (True,))
            got = cascade.cascade_sum(x, None, False)
            assert got.tobytes() == np.asarray(general, dtype).tobytes(), (n, kind)


def _rows_one_by_one(a, axis, start_at_zero):
    """The running sum along an outer axis written out: row after row, from +0 or from the first row."""
    rows = np.moveaxis(a, axis, 0)
    acc = rows[0] + a.dtype.type(0) if start_at_zero else rows[0].copy()
    for row in rows[1:]:
        acc += row
    return acc


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_running_sums_over_outer_axes_take_the_same_additions_in_one_call(dtype):
    """``_running`` over an axis whose rows are long contiguous blocks is one NumPy reduction, over up to
    48 rows of a C-order array one einsum: the rows must still be added one after another in order (the
    cascade's levels and the column sums of bias gradients depend on it), from +0 up to 48 rows and from
    the first row above that (rows of one value, and non-contiguous arrays, take the loop)."""
    rng = np.random.default_rng(13)
    shapes = [(2, 3), (16, 9), (4, 16, 32), (3, 17, 8), (48, 5), (2, 48, 40), (5, 7, 2, 33),
              (16, 64, 128), (100, 33), (2, 300, 16), (49, 3, 64), (1000, 9),     # (rows of < 96: a loop)
              (4, 16, 512), (20, 96), (60, 100), (3, 50, 128), (49, 2, 64), (2, 16, 4, 32),
              (1953, 16, 4, 1, 8), (7, 5, 2), (30, 16, 1, 3), (16, 1), (5, 7, 1), (3, 1, 1)]
    with np.errstate(invalid='ignore'):
        for shape in shapes:
            for axis in range(len(shape) - 1):
                for kind in range(3):
                    a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 9, shape)).astype(dtype)
                    if kind == 1:
                        a.flat[rng.integers(0, a.size, 5)] = [np.inf, -np.inf, np.nan, -0.0, 0.0]
                    elif kind == 2:
                        a[...] = -0.0
                    want = _rows_one_by_one(a, axis, start_at_zero=shape[axis] <= 48)
                    got = cascade._running(a, axis)
                    assert got.tobytes() == want.tobytes(), (shape, axis, kind)
                    strided = np.swapaxes(a, -1, -2) if len(shape) > axis + 2 else a[..., ::-1]
                    want = _rows_one_by_one(strided, axis, start_at_zero=shape[axis] <= 48)
                    assert cascade._running(strided, axis).tobytes() == want.tobytes(), (shape, axis, kind)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('threads', [1, 2])
def test_column_sums_fast_path_adds_as_the_general_path(dtype, threads, monkeypatch):
    """A 2-D array's column sums (a Linear layer's bias gradient) skip cascade_sum's layout checks
    (``_column_sums``): the same additions, signed zeros included, as the general path it replaces, at
    every row count around the runs' and the quads' boundaries and column counts of one to four vectors
    and whole groups of four vectors."""
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: threads)
    rng = np.random.default_rng(13)
    lanes = 32 // np.dtype(dtype).itemsize
    columns = [lanes, lanes + 2, 10, 3 * lanes + 1, 4 * lanes - 1, 4 * lanes, 8 * lanes, 16 * lanes]
    rows = list(range(2, 70)) + [128, 255, 256, 257, 300, 1100]
    for n in rows:
        for c in columns:
            x = (rng.standard_normal((n, c)) * 10.0 ** rng.uniform(-4, 4, (n, c))).astype(dtype)
            x[rng.random((n, c)) < 0.05] = -0.0
            x[:, 0] = -0.0      # (a column of -0 sums to +0)
            fast = cascade._column_sums(x)
            with monkeypatch.context() as m:
                m.setattr(cascade, '_column_sums', lambda a: None)
                want = cascade.cascade_sum(x, (0,), False)
            got = cascade.cascade_sum(x, (0,), False)
            assert got.tobytes() == want.tobytes() and got.shape == want.shape, (n, c)
            assert fast is None or fast.tobytes() == want.tobytes(), (n, c)
            assert cascade.cascade_sum(x, (-2,), True).tobytes() == want.tobytes()
            assert cascade.cascade_sum(x, (-2,), True).shape == (1, c)
    assert cascade._column_sums(np.ones((64, 10), dtype)) is not None      # (the fast path is taken)
    assert cascade._column_sums(np.ones((64, 512), dtype)) is not None


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_nll_sum_of_a_batch_adds_as_the_target_loop(dtype):
    """nll_loss's sum of up to 256 targets, none ignored, takes two levels in a few calls (``_nll_sum_short``):
    the same total as the eight levels of the one-target-at-a-time loop, signed zeros, infinities and NaN
    included, at every length."""
    rng = np.random.default_rng(14)
    for n in range(1, 300):
        for variant in range(3):
            x = (rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)).astype(dtype)
            if variant == 1:
                x[:] = -0.0
            elif variant == 2:
                x[rng.random(n) < 0.3] = -0.0
                x[rng.integers(0, n)] = rng.choice([np.inf, -np.inf, np.nan])
            power = max(4, cascade._ceil_log2(n) // 8)
            want = x.dtype.type(0)
            for level in cascade._nll_levels_loop(x, np.arange(n), power):
                want = want + level
            got = cascade.nll_sum(x)
            assert np.asarray(got).tobytes() == np.asarray(want, dtype).tobytes(), (n, variant)
            assert type(got) is type(want)
