"""ember.utils.benchmark: Measurements and Compare tables print what PyTorch prints for the same
times (recorded by tests/fixtures/benchmark/cases.py), and Timer measures real statements."""
import json
import math

import pytest

import ember
from ember.utils import benchmark
from tests.fixtures.benchmark.cases import RECORDED, run


@pytest.fixture(scope='module')
def printed():
    with open(RECORDED) as f:
        return json.load(f), run(ember)


def test_measurement_reprs_and_compare_tables_match_pytorch(printed):
    want, got = printed
    for key in want:
        if key.startswith('stats_'):
            continue
        assert got[key] == want[key], key


def test_measurement_statistics_match_pytorch(printed):
    want, got = printed
    for key in (k for k in want if k.startswith('stats_')):
        (median, mean, iqr, figures, warned), (g_median, g_mean, g_iqr, g_figures, g_warned) = want[key], got[key]
        assert (g_median, g_iqr, g_figures, g_warned) == (median, iqr, figures, warned), key
        assert math.isclose(g_mean, mean, rel_tol=1e-12)


def test_timer_measures_a_statement_with_torch_in_its_namespace():
    x = ember.ones(8)
    t = benchmark.Timer(stmt='torch.add(x, 1)', setup='y = 2', globals={'x': x}, label='add', sub_label='8',
                        description='f32')
    m = t.timeit(50)
    assert m.number_per_run == 50 and len(m.raw_times) == 1 and m.median > 0
    assert m.label == 'add' and m.stmt == 'torch.add(x, 1)' and m.num_threads == 1
    blocks = t.blocked_autorange(min_run_time=0.01)
    assert sum(blocks.raw_times) >= 0.01 and blocks.number_per_run >= 1
    seen = []
    adaptive = t.adaptive_autorange(min_run_time=0.005, max_run_time=0.2, callback=lambda n, s: seen.append(n))
    assert len(adaptive.raw_times) == len(seen) >= 1
    table = str(benchmark.Compare([m, blocks]))
    assert table.startswith('[') and ' add ' in table.splitlines()[0] and 'Times are in' in table


def test_timer_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match='Currently only a `str` stmt is supported.'):
        benchmark.Timer(stmt=lambda: None)
    with pytest.raises(ValueError, match='global_setup is C\\+\\+ only'):
        benchmark.Timer(stmt='pass', global_setup='int x;')
    with pytest.raises(ValueError, match='C\\+\\+ timing'):
        benchmark.Timer(stmt='pass', language='cpp')
    with pytest.raises(NotImplementedError, match='See `Timer.blocked_autorange.`'):
        benchmark.Timer().repeat()
    with pytest.raises(ValueError, match='Expected an instance of `Measurement`'):
        benchmark.Compare([1])
