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

    verbose = ember._C._profiler._ExperimentalConfig(verbose=True)     # (without it PyTorch's stacks are empty)
    with ember.profiler.profile(activities=[ProfilerActivity.CPU], with_stack=True,
                                experimental_config=verbose) as prof:
        layer(ember.ones(4))
    exp = next(e for e in prof.events() if e.name == 'aten::exp')
    assert exp.stack[0].endswith(': layer') and exp.stack[1].endswith(': test_with_stack_records_the_python_frames'
                                                                        '_and_exports_them')
    assert all('ember/' not in frame for frame in exp.stack)
    table = prof.key_averages(group_by_stack_n=2).table(sort_by='self_cpu_time_total', row_limit=20)
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


def test_with_flops_counts_the_scalar_multiplications_inside_composites():
    # PyTorch 2.13: special.ndtr runs aten::mul, aten::erf, aten::add, aten::mul on a (3, 4) tensor: 12, 0, 12, 12
    x = ember.ones(3, 4)
    with ember.profiler.profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        ember.special.ndtr(x)
    assert [(e.name, e.flops) for e in prof.events()] == [('aten::mul', 12), ('aten::erf', 0), ('aten::add', 12),
                                                          ('aten::mul', 12)]


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


def _depths(prof):
    out = []
    for e in prof.events():
        depth, parent = 0, e.cpu_parent
        while parent is not None:
            depth, parent = depth + 1, parent.cpu_parent
        out.append((depth, e.name))
    return out


def test_with_stack_records_python_function_events_and_empty_op_stacks_as_pytorch():
    # PyTorch 2.13: with_stack alone records the Python functions called as events (is_python_function), the
    # ops nested in them, and leaves every stack empty
    import re

    def inner(x):
        return ember.relu(x) * 2

    def outer(x):
        return inner(x) + 1
    x = ember.randn(4)
    with ember.profiler.profile(with_stack=True) as prof:
        outer(x)
    tree = _depths(prof)
    names = [name for _, name in tree]
    this = os.path.basename(__file__)
    assert re.fullmatch(rf'(.*/)?{re.escape(this)}\(\d+\): outer', names[names.index('aten::relu') - 2])
    python_events = [e for e in prof.events() if e.is_python_function]
    assert {e.name.rsplit(': ', 1)[1] for e in python_events} >= {'outer', 'inner'}
    assert not any('ember/' in e.name for e in python_events)     # ember's own functions stand for operators
    depth = dict((name.rsplit(': ', 1)[-1], d) for d, name in tree)
    assert depth['inner'] == depth['outer'] + 1 and depth['aten::relu'] == depth['inner'] + 1
    assert depth['aten::clamp_min'] == depth['aten::relu'] + 1 and depth['aten::add'] == depth['outer'] + 1
    assert all(e.stack == [] for e in prof.events())
    rows = {r.key for r in prof.key_averages()}
    assert any(k.endswith(': inner') for k in rows) and 'aten::mul' in rows


def test_with_stack_sees_a_modules_forward_that_ember_calls_back():
    class Block(ember.nn.Module):
        def forward(self, x):
            return ember.nn.functional.cross_entropy(x.tanh().unsqueeze(0), target)
    block, x, target = Block(), ember.ones(3), ember.tensor([0])
    with ember.profiler.profile(with_stack=True) as prof:
        block(x)
    tree = _depths(prof)
    (d_forward, _), = [(d, n) for d, n in tree if n.endswith(': forward')]
    assert (d_forward + 1, 'aten::tanh') in tree
    import sys
    assert sys.getprofile() is None       # the hook is gone once the profile stops
    # the array library ember computes with is not recorded inside ember's ops (it stands for PyTorch's C++)
    assert not any('numpy/' in name for _, name in tree)
