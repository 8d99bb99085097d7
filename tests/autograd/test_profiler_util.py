"""autograd.profiler's helpers (EnforceUnique, KinetoStepTracker, MemRecordsAcc, FunctionEvent's fields),
profiler_util and profiler_legacy."""
import pytest

import ember
from ember.autograd import profiler, profiler_legacy, profiler_util


def test_enforce_unique():
    seen = profiler.EnforceUnique()
    seen.see(1, 2)
    seen.see(2, 1)
    with pytest.raises(RuntimeError, match=r"duplicate key: \(1, 2\)"):
        seen.see(1, 2)


def test_kineto_step_tracker(monkeypatch):
    tracker = profiler.KinetoStepTracker
    monkeypatch.setattr(tracker, '_step_dict', type(tracker._step_dict)(int))
    monkeypatch.setattr(tracker, '_current_step', 0)
    assert tracker.init_step_count('a') is None and tracker.current_step() == 0
    assert tracker.increment_step('a') == 1
    tracker.init_step_count('b')
    assert tracker.increment_step('b') == 2  # b started at the global step 1
    assert tracker.increment_step('a') == 2  # a catching up does not advance the global step
    assert tracker.increment_step('new') == 3 and tracker.current_step() == 3
    assert tracker.erase_step_count('a') is True and tracker.erase_step_count('zz') is False


class _Rec:
    def __init__(self, t):
        self.t = t

    def start_ns(self):
        return self.t


def test_mem_records_acc():
    records = [(_Rec(t), name) for t, name in ((30, 'c'), (10, 'a'), (20, 'b'), (40, 'd'))]
    acc = profiler.MemRecordsAcc(records)
    assert [r[1] for r in acc.in_interval(10, 30)] == ['a', 'b', 'c']
    assert list(acc.in_interval(41, 50)) == [] and list(profiler.MemRecordsAcc([]).in_interval(0, 9)) == []


def test_function_event_fields():
    ev = profiler.FunctionEvent(3, 'aten::mm', 1, 10.0, 25.0, 'default', input_shapes=[[2, 2]], sequence_nr=7)
    assert (ev.id, ev.name, ev.overload_name, ev.input_shapes, ev.sequence_nr, ev.cpu_time_total) == \
        (3, 'aten::mm', 'default', [[2, 2]], 7, 15.0)
    assert ev.key == 'aten::mm' and ev.flops is None and ev.is_async is False


def test_profiler_util_and_legacy():
    assert profiler_util.EventList is profiler.EventList and profiler_util.FunctionEvent is profiler.FunctionEvent
    assert profiler_util.Interval(5, 12).elapsed_us() == 7
    k = profiler_util.Kernel('gemm', 0, 3.5)
    assert (k.name, k.device, k.duration) == ('gemm', 0, 3.5)
    with profiler_legacy.profile(record_shapes=True) as prof:
        ember.ones(2, 3).exp()
    rows = prof.key_averages(group_by_input_shape=True)
    assert [(r.key, r.input_shapes) for r in rows if r.key == 'aten::exp'] == [('aten::exp', [[2, 3]])]
    with profiler_legacy.profile(with_flops=True) as prof:
        ember.ones(2, 3) @ ember.ones(3, 4)
    assert sum(r.flops for r in prof.key_averages()) == 2 * 2 * 4 * 3
