"""The profilers' CUDA timing (autograd.profiler.profile(use_device='cuda'), ProfilerActivity.CUDA): each op
on CUDA tensors is timed on its stream, and the table gets PyTorch's CUDA columns."""
import warnings

import pytest

import ember
from ember.profiler import ProfilerActivity


def _work():
    x = ember.ones(64, 64, device='cuda', requires_grad=True)
    (x @ x).relu().sum().backward()
    ember.ones(3).exp()                   # a CPU op: no device time


def test_ops_on_cuda_tensors_get_device_time_and_the_table_cuda_columns():
    with ember.autograd.profiler.profile(use_device='cuda') as prof:
        _work()
    assert prof.use_device == 'cuda'
    events = prof.function_events
    by_name = {}
    for e in events:
        by_name.setdefault(e.name, []).append(e)
    assert all(e.device_time_total > 0 for e in by_name['aten::mm'])
    matmul = by_name['aten::matmul'][0]
    assert matmul.device_time_total >= sum(c.device_time_total for c in matmul.cpu_children) > 0
    assert matmul.self_device_time_total >= 0
    node = by_name['autograd::engine::evaluate_function: MmBackward0'][0]
    # a backward node is not timed itself: its device time is its ops'
    assert node.device_time_total == sum(c.device_time_total for c in node.cpu_children) > 0
    assert by_name['aten::exp'][0].device_time_total == 0
    table = prof.key_averages().table(sort_by='cuda_time_total')
    header = table.splitlines()[1]
    for title in ('Self CUDA', 'Self CUDA %', 'CUDA total', 'CUDA time avg'):
        assert title in header
    assert header.index('CPU time avg') < header.index('Self CUDA') < header.index('# of Calls')
    totals = [e.device_time_total for e in sorted(prof.key_averages(), key=lambda e: -e.device_time_total)]
    first = max(prof.key_averages(), key=lambda e: e.device_time_total).key
    assert table.splitlines()[3].split()[0] == first.split()[0] and totals[0] > 0   # the most device time first
    total = sum(e.self_device_time_total for e in prof.key_averages())
    assert table.rstrip().splitlines()[-1] == f"Self CUDA time total: {ember.autograd.profiler._format_time(total)}"
    avg = {e.key: e for e in prof.key_averages()}['aten::mm']
    assert avg.device_time_total == pytest.approx(sum(e.device_time_total for e in by_name['aten::mm']))
    assert avg.device_time == pytest.approx(avg.device_time_total / 3)


def test_use_cuda_is_the_deprecated_spelling():
    with pytest.warns(FutureWarning, match="The attribute `use_cuda` will be deprecated soon"):
        with ember.autograd.profiler.profile(use_cuda=True) as prof:
            _work()
    assert prof.use_device == 'cuda' and 'Self CUDA' in prof.key_averages().table()


def test_profiler_activity_cuda_times_the_device():
    assert ember.profiler.supported_activities() == {ProfilerActivity.CPU, ProfilerActivity.CUDA}
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        with ember.profiler.profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            _work()
    assert 'Self CUDA time total' in prof.key_averages().table()
    with ember.profiler.profile(activities=[ProfilerActivity.CPU]) as cpu_only:
        _work()
    assert all(e.device_time_total == 0 for e in cpu_only.events()) and 'CUDA' not in cpu_only.key_averages().table()
    with pytest.raises(NotImplementedError, match='ProfilerActivity.CUDA needs ProfilerActivity.CPU too'):
        ember.profiler.profile(activities=[ProfilerActivity.CUDA])
