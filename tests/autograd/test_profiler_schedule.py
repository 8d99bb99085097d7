"""torch.profiler's schedule, cycles and experimental config as PyTorch 2.13 has them (the expected values
were printed by PyTorch for the same script)."""
import warnings

import pytest

import ember
from ember.profiler import ProfilerActivity, profile, schedule


def _exp_counts_per_cycle(acc_events):
    counts = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        with profile(activities=[ProfilerActivity.CPU], schedule=schedule(wait=1, warmup=1, active=2, repeat=3),
                     on_trace_ready=lambda p: counts.append(sum(e.name == 'aten::exp' for e in p.events())),
                     acc_events=acc_events) as prof:
            for _ in range(14):
                ember.ones(2).exp()
                prof.step()
    return counts, [str(w.message) for w in caught]


def test_acc_events_keeps_every_cycles_events():
    assert _exp_counts_per_cycle(True) == ([2, 4, 6], [])


def test_each_cycle_starts_afresh_without_acc_events_and_says_so_once():
    import ember.profiler as module
    module._WARNINGS_SHOWN.clear()
    counts, messages = _exp_counts_per_cycle(False)
    assert counts == [2, 2, 2]
    assert messages == ["Warning: Profiler clears events at the end of each cycle. Only events from the current "
                        "cycle will be reported. To keep events across cycles, set acc_events=True."]


def test_skip_first_wait_starts_the_first_cycle_without_its_wait():
    steps = schedule(wait=2, warmup=1, active=1, skip_first=3, skip_first_wait=1)
    assert [steps(i).name for i in range(10)] == ['NONE', 'NONE', 'NONE', 'WARMUP', 'RECORD_AND_SAVE', 'NONE',
                                                  'NONE', 'WARMUP', 'RECORD_AND_SAVE', 'NONE']


def test_schedule_errors_and_warning_as_pytorch():
    with pytest.raises(AssertionError, match=r"^Invalid profiler schedule arguments\. Got wait=-1 \(need >= 0\), "
                       r"warmup=1 \(need >= 0\), active=1 \(need > 0\), repeat=0 \(need >= 0\), "
                       r"skip_first=0 \(need >= 0\)\.$"):
        schedule(wait=-1, warmup=1, active=1)
    with pytest.warns(UserWarning, match="^Profiler won't be using warmup, this can skew profiler results$"):
        schedule(wait=1, warmup=0, active=1)
    with pytest.raises(AssertionError, match='Step must be non-negative. Got -1.'):
        schedule(wait=1, warmup=1, active=1)(-1)


def test_experimental_config_verbose_gives_the_recipes_stacks():
    config = ember._C._profiler._ExperimentalConfig(verbose=True)
    with profile(activities=[ProfilerActivity.CPU], with_stack=True, experimental_config=config) as prof:
        ember.ones(2).exp()
    table = prof.key_averages(group_by_stack_n=5).table(sort_by='self_cpu_time_total', row_limit=50)
    assert 'Source Location' in table and 'test_experimental_config_verbose_gives_the_recipes_stacks' in table
    with pytest.raises(NotImplementedError, match="experimental_config's profile_all_threads is not supported"):
        profile(experimental_config=ember._C._profiler._ExperimentalConfig(profile_all_threads=True))
    with pytest.raises(NotImplementedError, match="performance_events is not supported"):
        ember.autograd.profiler.profile(
            experimental_config=ember._C._profiler._ExperimentalConfig(performance_events=['cycles']))
