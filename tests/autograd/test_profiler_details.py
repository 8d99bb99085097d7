"""The profiler's memory, stack and FLOP records and its exports (the PyTorch profiler recipe's steps)."""
import gzip
import json
import os

import pytest

import ember
from ember.autograd.profiler import profile
from ember.profiler import ProfilerActivity


def _rows(prof):
    return {r.key: r for r in prof.key_averages()}


def test_profile_memory_counts_what_each_op_allocates():
    x = ember.ones(64, 32)
    with ember.profiler.profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        y = x @ x.t()            # a new (64, 64) float32 result: 16 KiB; the transpose is a view
        y.relu()
    rows = _rows(prof)
    assert rows['aten::t'].cpu_memory_usage == 0
    assert rows['aten::relu'].cpu_memory_usage == 64 * 64 * 4
    assert sum(r.self_cpu_memory_usage for r in rows.values()) == 2 * 64 * 64 * 4
    table = prof.key_averages().table(sort_by='self_cpu_memory_usage', row_limit=3)
    assert 'CPU Mem' in table and 'Self CPU Mem' in table and '16.00 KB' in table


def test_with_stack_records_the_python_frames_and_exports_them(tmp_path):
    def layer(x):
        return x.exp()

    with ember.profiler.profile(activities=[ProfilerActivity.CPU], with_stack=True) as prof:
        layer(ember.ones(4))
    exp = next(e for e in prof.events() if e.name == 'aten::exp')
    assert exp.stack[0].endswith(': layer') and exp.stack[1].endswith(': test_with_stack_records_the_python_frames'
                                                                        '_and_exports_them')
    assert all('/ember/ops/' not in frame and '/ember/autograd/' not in frame for frame in exp.stack)
    table = prof.key_averages(group_by_stack_n=2).table(sort_by='self_cpu_time_total', row_limit=1)
    assert 'Source Location' in table and ': layer' in table
    path = tmp_path / 'stacks.txt'
    prof.export_stacks(str(path), 'self_cpu_time_total')
    line = next(ln for ln in path.read_text().splitlines() if ':_layer;' in ln or ln.split(';')[-1].startswith(
        os.path.basename(__file__)) or ':_layer ' in ln)
    assert line.rsplit(' ', 1)[1].isdigit() and ' ' not in line.rsplit(' ', 1)[0]
    with pytest.raises(ValueError, match='metric should be one of'):
        prof.export_stacks(str(path), 'cpu_time')
    with profile() as plain:
        ember.ones(1).exp()
    with pytest.raises(AssertionError, match='export_stacks\\(\\) requires with_stack=True'):
        plain.export_stacks(str(path))


def test_with_flops_counts_matrix_products_and_convolutions():
    with ember.profiler.profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        ember.ones(8, 16) @ ember.ones(16, 4)
        ember.nn.functional.conv2d(ember.ones(1, 3, 8, 8), ember.ones(5, 3, 3, 3))
    rows = _rows(prof)
    assert rows['aten::mm'].flops == 2 * 8 * 4 * 16
    assert rows['aten::convolution'].flops == 2 * (5 * 6 * 6) * (3 * 3 * 3)
    assert 'Total KFLOPs' in prof.key_averages().table() or 'Total FLOPs' in prof.key_averages().table()


def test_chrome_traces_and_the_tensorboard_handler(tmp_path):
    with ember.profiler.profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        ember.ones(2, 3).exp()
    prof.export_chrome_trace(str(tmp_path / 'trace.json'))
    trace = json.loads((tmp_path / 'trace.json').read_text())
    exp = next(e for e in trace['traceEvents'] if e['name'] == 'aten::exp')
    assert exp['ph'] == 'X' and exp['dur'] >= 0 and exp['args']['Input Dims'] == [[2, 3]]
    prof.export_chrome_trace(str(tmp_path / 'trace.json.gz'))
    with gzip.open(tmp_path / 'trace.json.gz', 'rt') as f:
        assert json.load(f)['traceEvents']
    handler = ember.profiler.tensorboard_trace_handler(str(tmp_path / 'tb'), worker_name='w0')
    schedule = ember.profiler.schedule(wait=1, warmup=1, active=2)
    with ember.profiler.profile(schedule=schedule, on_trace_ready=handler) as p:
        for _ in range(8):
            ember.ones(2).exp()
            p.step()
    files = sorted(os.listdir(tmp_path / 'tb'))
    assert len(files) == 2 and all(f.startswith('w0.') and f.endswith('.pt.trace.json') for f in files)


def test_profiler_queries():
    assert ember.profiler.supported_activities() == {ProfilerActivity.CPU}
    assert ember.profiler.kineto_available() is False
    assert ember.profiler.DeviceType.CUDA == 1 and ember.profiler.DeviceType.PrivateUse1 == 20
    with ember.profiler.profile(with_modules=True) as prof:      # as PyTorch in eager mode: nothing more recorded
        ember.ones(1).exp()
    assert 'aten::exp' in _rows(prof)
