"""The profilers: real per-op timings in PyTorch's table layout, schedules as PyTorch steps them.

Expected layouts, action sequences and counts were recorded from PyTorch 2.13 (inline).
"""
import pytest

import ember
import ember.nn.functional as F
from ember.autograd.profiler import profile, record_function
from ember.profiler import ProfilerAction, ProfilerActivity, schedule


def _program():
    x = ember.randn(30, 40)
    w = ember.randn(50, 40, requires_grad=True)
    with record_function('block'):
        y = (x @ w.t()).relu().sum()
    y.backward()


def test_every_op_and_range_is_timed_and_nested():
    with profile(record_shapes=True) as prof:
        _program()
    events = prof.function_events
    by_name = {e.name: e for e in events}
    assert {'block', 'aten::relu', 'aten::sum'} <= set(by_name)
    assert 'autograd::engine::evaluate_function: ReluBackward0' in by_name
    block = by_name['block']
    assert by_name['aten::relu'].cpu_parent is block  # ops inside a range nest under it
    assert block.cpu_time_total >= sum(c.cpu_time_total for c in block.cpu_children) > 0
    assert all(0 <= e.self_cpu_time_total <= e.cpu_time_total for e in events)
    assert by_name['aten::relu'].input_shapes == [[30, 50]]
    avg = {a.key: a for a in prof.key_averages()}
    assert avg['aten::relu'].count == 1 and avg['block'].count == 1
    # attributes, not methods, on the profile and its event lists (as PyTorch's: programs compare them with numbers)
    total = prof.key_averages().self_cpu_time_total
    assert total == pytest.approx(sum(e.self_cpu_time_total for e in events))
    assert prof.self_cpu_time_total == pytest.approx(prof.function_events.self_cpu_time_total)
    assert prof.self_cpu_time_total > 0


def test_table_layout_matches_pytorch():
    with profile() as prof:
        _program()
    lines = prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=4).splitlines()
    width = len(lines[0].split('  ')[0])
    # PyTorch 2.13's header, columns right-aligned, two spaces after each
    assert lines[1] == f"{'Name':>{width}}    Self CPU %      Self CPU   CPU total %     CPU total  CPU time avg    # of Calls  "
    assert lines[0] == lines[2] == lines[-2] == '-' * width + '  ' + '------------  ' * 6
    assert len(lines) == 3 + 4 + 2 and lines[-1].startswith('Self CPU time total: ')
    selfs = [float(line.split()[-6].rstrip('%')) for line in lines[3:7]]
    assert selfs == sorted(selfs, reverse=True)
    shaped = profile(record_shapes=True)
    with shaped:
        _program()
    header = shaped.key_averages(group_by_input_shape=True).table().splitlines()[1]
    assert header.endswith('# of Calls' + ' ' * 16 + 'Input Shapes  ')


def test_the_profile_prints_every_event_and_can_keep_the_top_level():
    with profile() as prof:
        _program()
    lines = str(prof).splitlines()          # print(prof): one row per event, as PyTorch's
    assert lines[1].endswith('# of Calls  ') and len(lines) == 3 + len(prof.function_events) + 2
    assert all(row.rstrip().endswith(' 1') for row in lines[3:-2])
    for table in (prof.table(top_level_events_only=True),
                  prof.key_averages().table(top_level_events_only=True)):
        lines = table.splitlines()
        # PyTorch 2.13's banner; rows: only what no range encloses; the total still counts every event
        assert lines[0] == '=' * len(lines[2]) and lines[1] == 'This report only display top-level ops statistics'
        names = [row.split()[0] for row in lines[5:-2]]
        assert 'block' in names and 'aten::relu' not in names and 'aten::mm' not in names
        total = sum(e.self_cpu_time_total for e in prof.function_events)
        assert lines[-1] == f'Self CPU time total: {ember.autograd.profiler._format_time(total)}'


def test_profiling_off_leaves_ops_untouched():
    from ember.autograd import _op_observers, function
    with profile():
        assert len(_op_observers.observers()) == 1 and function._op_hooks and function._node_hooks
    assert _op_observers.observers() == () and function._op_hooks == () and function._node_hooks == ()
    with profile(enabled=False) as prof:
        ember.ones(2).relu()
        assert _op_observers.observers() == ()
    assert len(prof.function_events) == 0


def test_unsupported_options_are_refused():
    # without a GPU, CUDA timing warns as PyTorch's does and the CPU is profiled (tests/cuda times the device)
    with pytest.warns(UserWarning, match="^CUDA is not available, disabling CUDA profiling$"):
        with pytest.warns(FutureWarning, match="The attribute `use_cuda` will be deprecated soon"):
            with profile(use_cuda=True) as prof:
                ember.ones(2).relu()
    assert prof.use_device is None and 'CUDA' not in prof.key_averages().table()
    with pytest.warns(UserWarning, match="^CUDA is not available, disabling CUDA profiling$"):
        ember.profiler.profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])
    with pytest.raises(NotImplementedError, match="CPU and CUDA activity only"):
        ember.profiler.profile(activities=[ProfilerActivity.CPU, ProfilerActivity.XPU])
    with pytest.raises(NotImplementedError, match="use_device='xpu' is not supported"):
        profile(use_device='xpu')
    with pytest.raises(RuntimeError, match="Profiler didn't finish running"):
        with profile() as prof:
            prof.key_averages()


def test_schedule_actions_match_pytorch():
    s = schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
    assert [s(i).name for i in range(12)] == ['NONE', 'NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE',
                                              'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE', 'NONE', 'NONE']
    s = schedule(wait=0, warmup=0, active=1)
    assert [s(i) for i in range(3)] == [ProfilerAction.RECORD_AND_SAVE] * 3


def test_stepped_profile_records_only_active_steps():
    seen = []

    def ready(p):
        seen.append(sum(a.count for a in p.key_averages() if a.key == 'aten::relu'))
    with ember.profiler.profile(schedule=schedule(wait=1, warmup=1, active=2, repeat=1), on_trace_ready=ready) as p:
        for _ in range(6):
            ember.ones(2).relu()
            p.step()
    assert seen == [2]  # PyTorch 2.13: [2]


def test_record_function_as_decorator_and_outside_profiling():
    @record_function('my_fn')
    def f(t):
        return t.exp()
    f(ember.ones(2))  # no profile running: nothing recorded, nothing raised
    with ember.profiler.profile() as p:
        f(ember.ones(2))
    avg = {a.key: a for a in p.key_averages()}
    assert avg['my_fn'].count == 1 and avg['aten::exp'].count == 1


def test_range_operators_open_and_close_ranges_in_graphs():
    import ember.fx
    ops = ember.ops.profiler
    graph = ember.fx.Graph()                 # what a tracer emitting the range operators builds
    x = graph.placeholder('x')
    handle = graph.call_function(ops._record_function_enter, ('foo', None))
    y = graph.call_function(ember.relu, (x,))
    graph.call_function(ops._record_function_exit._RecordFunction, (handle,))
    graph.output(y)
    gm = ember.fx.GraphModule(ember.nn.Module(), graph)
    assert '_record_function_enter' in gm.code and '_record_function_exit' in gm.code
    with profile() as prof:
        gm(ember.randn(3))
    by_name = {e.name: e for e in prof.function_events}
    assert by_name['aten::relu'].cpu_parent is by_name['foo']
    handle = ops._record_function_enter_new('outside a profile')
    ops._record_function_exit(handle)       # no profile active: nothing to record, no error


def _tree(prof):
    def depth(e):
        d = 0
        while e.cpu_parent is not None:
            d, e = d + 1, e.cpu_parent
        return d
    return ['  ' * depth(e) + e.name for e in prof.function_events]


def test_composite_ops_nest_their_parts_as_pytorch_records_them():
    # PyTorch 2.13's events (their ATen internals, resolve_conj, as_strided, mkldnn_convolution..., left out)
    x, w, b = ember.randn(8, 8), ember.randn(4, 8), ember.randn(4)
    image, kernel, v = ember.randn(1, 2, 8, 8), ember.randn(3, 2, 3, 3), ember.randn(8)
    conv = ember.nn.Conv2d(2, 3, 3)
    plain = (ember.matmul, ember.Tensor.__matmul__, F.linear, F.conv2d, ember.conv2d)
    with ember.autograd.profiler.profile() as prof:
        x @ x
        ember.matmul(x, v)
        F.linear(x, w, b)
        F.linear(x, w)
        conv(image)
        F.conv2d(image, kernel)
    assert _tree(prof) == ['aten::matmul', '  aten::mm', 'aten::matmul', '  aten::mv',
                           'aten::linear', '  aten::t', '  aten::addmm', 'aten::linear', '  aten::t', '  aten::mm',
                           'aten::conv2d', '  aten::convolution', '    aten::_convolution',
                           'aten::conv2d', '  aten::convolution', '    aten::_convolution']
    rows = {row.key: row.count for row in prof.key_averages()}
    assert rows['aten::matmul'] == 2 and rows['aten::linear'] == 2 and rows['aten::conv2d'] == 2
    # the public names are the functions themselves again once the profile stops
    assert (ember.matmul, ember.Tensor.__matmul__, F.linear, F.conv2d, ember.conv2d) == plain


def test_composite_ranges_give_way_to_dispatch_switched_on_inside_a_profile():
    import subprocess
    import sys
    code = ("import ember, ember.nn.functional as F\n"
            "from ember import _torch_function\n"
            "with ember.autograd.profiler.profile() as prof:\n"
            "    class Sub(ember.Tensor):\n"
            "        @classmethod\n"
            "        def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "            return super().__torch_function__(func, types, args, kwargs or {})\n"
            "    ember.ones(2, 2) @ ember.ones(2, 2)\n"
            "    inside = ember.matmul(ember.ones(2, 2).as_subclass(Sub), ember.ones(2, 2))\n"
            "assert type(inside) is Sub\n"
            "assert [e.name for e in prof.function_events].count('aten::matmul') == 2\n"
            "assert _torch_function._active and _torch_function.unwrapped(ember.matmul) is not ember.matmul\n"
            "assert type(ember.ones(2).as_subclass(Sub) @ ember.ones(2)) is Sub\n")
    subprocess.run([sys.executable, '-c', code], check=True, timeout=120)
