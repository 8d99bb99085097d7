"""A CPU profiler (PyTorch's ``torch.autograd.profiler``): per-op times, grouped and tabulated.

While a ``profile`` is active, every op call (each ``Function.apply``, so every ember op, built-in or
custom, with or without autograd) and every backward node is timed, as are ``record_function``
ranges. The timing observer (see ``_op_observers.py``) is registered when profiling starts and removed
when it stops, so ops cost nothing extra when no profiler is running. An op's *self* time excludes the ops and ranges nested in it.
Op names are ember's (``aten::`` followed by the op's snake-case name, e.g. ``aten::relu``); they
follow ember's decomposition, which differs from PyTorch's in places. The composite ops PyTorch records
around their parts (``aten::matmul``, ``aten::linear``, ``aten::conv2d``) are recorded as events of their
own around ember's primitives (``_profiler_composites.py``).
"""
import bisect
import re
import threading
import time
from collections import OrderedDict, defaultdict

from ember._C._autograd import DeviceType
from ember._C._profiler import _check_experimental_config
from ember.autograd import _op_observers as _observe
from ember.autograd import _profiler_composites as _composites

__all__ = ['profile', 'record_function', 'EventList', 'FunctionEvent', 'FunctionEventAvg', 'EnforceUnique',
           'KinetoStepTracker', 'MemRecordsAcc', 'emit_itt', 'emit_nvtx', 'load_nvprof', 'parse_nvprof_trace']

_state = threading.local()
_active = []  # profiles currently recording (the innermost last)


def _now_us():
    return time.perf_counter_ns() / 1000.0


class FunctionEvent:
    """One timed call recorded by the profiler: its name, its start and end times in microseconds, the events
    nested inside it (``cpu_children``) and, when shapes are recorded, its input shapes.

    The profiler makes these (``prof.function_events``); tools that read traces from elsewhere build them by
    hand, giving at least the first five arguments.

    Args:
        id (int): a number identifying the event.
        name (str): the operation's name, such as ``'aten::mul'``.
        thread (int): the thread it ran on.
        start_us (int or float): when it started, in microseconds.
        end_us (int or float): when it ended, in microseconds.

    Example::

        >>> from ember.autograd.profiler import FunctionEvent
        >>> ev = FunctionEvent(id=0, name='step', thread=0, start_us=10, end_us=35)
        >>> ev.name, ev.cpu_time_total
        ('step', 25)
    """

    def __init__(self, id, name, thread, start_us, end_us, overload_name=None, fwd_thread=None,  # noqa: A002
                 input_shapes=None, stack=None, scope=0, use_device=None, cpu_memory_usage=0, device_memory_usage=0,
                 is_async=False, is_remote=False, sequence_nr=-1, node_id=-1, device_type=DeviceType.CPU, device_index=0,
                 device_resource_id=None, is_legacy=False, flops=None, trace_name=None, concrete_inputs=None,
                 kwinputs=None, is_user_annotation=False, is_python_function=False, activity_type=None,
                 metadata_json=None, flow_id=None, flow_type=None, flow_start=None, external_id=0,
                 linked_correlation_id=0, extra_meta=None, structured_input_shapes=None,
                 structured_input_strides=None, input_dtypes=None, python_id=-1, python_parent_id=-1,
                 python_module_id=-1):
        # every field PyTorch's event carries is kept as given; ember's profiler fills the first five and
        # input_shapes, the rest are for events built by hand (as PyTorch's tests and tools do)
        fields = dict(locals())
        del fields['self']
        self.__dict__.update(fields)
        self.cpu_children = []
        self.cpu_parent = None
        self.kernels = []
        self.count = 1      # one call (a row of prof.table() before key_averages() sums them)

    def append_kernel(self, name, device, duration):
        """Record a device kernel (name, device index, duration in microseconds) run within this event."""
        from ember.autograd.profiler_util import Kernel
        self.kernels.append(Kernel(name, device, duration))

    key = property(lambda self: self.name)

    @property
    def cpu_time_total(self):
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self):
        return self.cpu_time_total

    @property
    def self_cpu_memory_usage(self):
        return self.cpu_memory_usage - sum(c.cpu_memory_usage for c in self.cpu_children)

    device_time_total = 0.0     # microseconds of device work under the event (a profile with use_device)
    _device_events = None       # the device events recorded around it, until the profile reads them

    @property
    def self_device_time_total(self):
        return self.device_time_total - sum(c.device_time_total for c in self.cpu_children)

    @property
    def device_time(self):
        return self.device_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} cpu_time={_format_time(self.cpu_time_total)} "
                f"self_cpu_time={_format_time(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """Events with one key (name, and input shapes when grouped by them), summed."""

    def __init__(self, key, input_shapes=None, stack=None):
        self.key = key
        self.input_shapes = input_shapes
        self.stack = stack
        self.count = 0
        self.cpu_parent = None      # the first event's: a key's events are top-level or not together
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.flops = 0
        self.device_time_total = 0.0
        self.self_device_time_total = 0.0

    def add(self, event):
        if self.count == 0:
            self.cpu_parent = getattr(event, 'cpu_parent', None)
        self.count += 1
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        self.flops += event.flops or 0
        self.device_time_total += event.device_time_total
        self.self_device_time_total += event.self_device_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    @property
    def device_time(self):
        return self.device_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
                f"cpu_time={_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


_SORT_KEYS = ('cpu_time', 'cpu_time_total', 'self_cpu_time_total', 'count', 'cpu_memory_usage',
              'self_cpu_memory_usage', 'flops')


class EventList(list):
    """A list of :class:`FunctionEvent` (or, after :meth:`key_averages`, of per-name averages) that prints as
    a table with :meth:`table`. A profile's events come as one (``prof.function_events``).

    Example::

        >>> with ember.autograd.profiler.profile() as prof:
        ...     y = ember.ones(3).mul(2).mul(3)
        >>> events = prof.function_events
        >>> isinstance(events, ember.autograd.profiler.EventList)
        True
        >>> [(avg.key, avg.count) for avg in events.key_averages() if avg.key == 'aten::mul']
        [('aten::mul', 2)]
    """

    def __init__(self, *args, **kwargs):
        self._with_shapes = kwargs.pop('with_shapes', False)
        self._profile_memory = kwargs.pop('profile_memory', False)
        self._with_flops = kwargs.pop('with_flops', False)
        super().__init__(*args, **kwargs)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        groups = OrderedDict()
        for e in self:
            stack = tuple(e.stack[:group_by_stack_n]) if group_by_stack_n and e.stack is not None else None
            key = (e.key, str(e.input_shapes) if group_by_input_shape else None, stack)
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key, e.input_shapes if group_by_input_shape else None,
                                               list(stack) if stack is not None else None)
            groups[key].add(e)
        return EventList(groups.values(), with_shapes=group_by_input_shape, profile_memory=self._profile_memory,
                         with_flops=self._with_flops)

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (open it in ``chrome://tracing`` or Perfetto)."""
        from ember.autograd._profiler_details import export_chrome_trace
        export_chrome_trace(self, path)

    def export_stacks(self, path, metric='self_cpu_time_total'):
        """Write each op's stack and ``metric`` in the flame-graph tools' format (needs ``with_stack=True``)."""
        from ember.autograd._profiler_details import export_stacks
        export_stacks(self, path, metric)

    @property
    def self_cpu_time_total(self):
        """The events' self CPU times summed, in microseconds (an attribute, as PyTorch's)."""
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None):
        """The events as PyTorch lays them out: one row per key, self and total CPU times."""
        return _build_table(self, sort_by, row_limit, max_name_column_width, max_shapes_column_width, header,
                            time_unit, max_src_column_width, top_level_events_only)

    def __str__(self):
        return self.table()


def _format_time(us, unit=None):
    if unit == 's' or (unit is None and us >= 1e6):
        return f"{us / 1e6:.3f}s"
    if unit == 'ms' or (unit is None and us >= 1e3):
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _build_table(events, sort_by, row_limit, name_width_cap, shapes_width_cap, header, time_unit,
                 src_width_cap=75, top_level_events_only=False):
    """The table's text. With ``top_level_events_only`` the rows are the events no other event encloses;
    widths and the total still count every event, as PyTorch's do."""
    from ember.autograd._profiler_details import flops_scale, format_memory
    profile_memory = getattr(events, '_profile_memory', False)
    with_flops = getattr(events, '_with_flops', False)
    has_device_time = any(getattr(e, 'self_device_time_total', 0) > 0 for e in events)
    if sort_by is not None:
        if sort_by.replace('cuda', 'device') in ('self_device_time_total', 'device_time_total', 'device_time'):
            # without device time every row has zero and the order stays
            sort_by = sort_by.replace('cuda', 'device') if has_device_time else None
        elif sort_by not in _SORT_KEYS:
            raise AttributeError(f"'FunctionEventAvg' object has no attribute '{sort_by}'")
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by) or 0, reverse=True)
    total = sum(e.self_cpu_time_total for e in events)
    device_total = sum(getattr(e, 'self_device_time_total', 0) for e in events) if has_device_time else 0
    with_shapes = getattr(events, '_with_shapes', False) or (
        isinstance(events, list) and any(getattr(e, 'input_shapes', None) for e in events)
        and not isinstance(events, EventList))
    rows = [e for e in events if getattr(e, 'cpu_parent', None) is None] if top_level_events_only else list(events)
    rows = rows[:row_limit] if row_limit is not None and row_limit > 0 else rows
    name_width = min(max([len(e.key) for e in events] + [4]) + 4, name_width_cap)
    titles = ['Name', 'Self CPU %', 'Self CPU', 'CPU total %', 'CPU total', 'CPU time avg']
    if has_device_time:     # ember's one device with timings is CUDA
        titles += ['Self CUDA', 'Self CUDA %', 'CUDA total', 'CUDA time avg']
    if profile_memory:
        titles += ['CPU Mem', 'Self CPU Mem']
    titles.append('# of Calls')
    widths = [name_width] + [12] * (len(titles) - 1)
    if with_shapes:
        shapes_width = min(max([len(str(e.input_shapes)) for e in events] + [12]) + 4, shapes_width_cap)
        widths.append(shapes_width)
        titles.append('Input Shapes')
    flops = [e.flops for e in events if getattr(e, 'flops', 0)] if with_flops else []
    if flops:
        scale, unit = flops_scale(min(flops))
        widths.append(12)
        titles.append(f'Total {unit}')
    stacks = [e.stack for e in events if getattr(e, 'stack', None)]
    if stacks:
        src_width = min(max(len(entry) for st in stacks for entry in st) + 4, src_width_cap)
        widths.append(src_width)
        titles.append('Source Location')
    rule = ''.join('-' * w + '  ' for w in widths)
    aligns = ['>'] * len(widths)
    if stacks:
        aligns[-1] = '<'      # source locations read left-aligned, as PyTorch prints them

    def row(cells):
        return ''.join(f'{c:{a}{w}}  ' for c, a, w in zip(cells, aligns, widths))
    lines = []
    if header:
        lines += ['=' * len(rule), header]
    if top_level_events_only:
        lines += ['=' * len(rule), 'This report only display top-level ops statistics']
    lines += [rule, row(titles), rule]
    for e in rows:
        name = e.key if len(e.key) <= name_width else e.key[:name_width - 3] + '...'
        cells = [name, _pct(e.self_cpu_time_total, total), _format_time(e.self_cpu_time_total, time_unit),
                 _pct(e.cpu_time_total, total), _format_time(e.cpu_time_total, time_unit),
                 _format_time(e.cpu_time_total / max(e.count, 1), time_unit)]
        if has_device_time:
            cells += [_format_time(e.self_device_time_total, time_unit), _pct(e.self_device_time_total, device_total),
                      _format_time(e.device_time_total, time_unit),
                      _format_time(e.device_time_total / max(e.count, 1), time_unit)]
        if profile_memory:
            cells += [format_memory(e.cpu_memory_usage), format_memory(e.self_cpu_memory_usage)]
        cells.append(str(e.count))
        if with_shapes:
            shapes = str(e.input_shapes)
            width = widths[len(cells)]
            cells.append(shapes if len(shapes) <= width else shapes[:width - 3] + '...')
        if flops:
            cells.append(f'{e.flops * scale:8.3f}' if getattr(e, 'flops', 0) else '--')
        stack = getattr(e, 'stack', None) or []
        if stacks:
            cells.append(_trim_path(stack[0], widths[-1]) if stack else '')
        lines.append(row(cells))
        if stacks:
            for entry in stack[1:]:
                lines.append(row([''] * (len(cells) - 1) + [_trim_path(entry, widths[-1])]))
            lines.append(row([''] * len(cells)))
    lines.append(rule)
    lines.append(f"Self CPU time total: {_format_time(total, time_unit)}")
    if has_device_time:
        lines.append(f"Self CUDA time total: {_format_time(device_total, time_unit)}")
    return '\n'.join(lines) + '\n'


def _trim_path(path, width):
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = '...' + path[3:]
    return path


def _pct(part, total):
    return f"{100.0 * part / total:.2f}%" if total > 0 else "0.00%"


def _snake(name):
    # (a word starts at a capital after a small letter: Log1P is log1p, AvgPool3D avg_pool3d, as PyTorch's names)
    return re.sub(r'(?<=[a-z])(?=[A-Z])', '_', name).lower()


# -- recording ---------------------------------------------------------------------------------

_device_timing = [False]   # whether an active profile times device work (use_device='cuda')


def _device_to_time(use_cuda, use_device):
    """The device a profile times besides the CPU ('cuda' or None), read as PyTorch reads its arguments."""
    import warnings
    if use_cuda:
        warnings.warn("The attribute `use_cuda` will be deprecated soon, please use ``use_device = 'cuda'`` "
                      "instead.", FutureWarning, stacklevel=3)
        use_device = 'cuda'
    if use_device is None:
        return None
    if use_device != 'cuda':
        raise NotImplementedError(f"ember's profiler times CPU and CUDA work; use_device={use_device!r} is not "
                                  f"supported")
    from ember import cuda
    if not cuda.is_available():
        warnings.warn("CUDA is not available, disabling CUDA profiling", stacklevel=3)
        return None
    return 'cuda'


def _on_cuda(args):
    from ember._tensor import Tensor
    for a in args:
        if isinstance(a, Tensor) and a._device.type == 'cuda':
            return True
    return False


def _device_times(events):
    """The device time of each event: for an op on CUDA tensors, the time between the two events recorded
    around it on its stream (the op's kernels), at least its children's; for an event not timed on the device
    (a backward node, an op on the CPU), its children's. Events come children first (in closing order)."""
    from ember.backend import cuda_runtime
    for ev in events:
        children = sum(c.device_time_total for c in ev.cpu_children)
        if ev._device_events is not None:
            start, end = ev._device_events
            end.synchronize()
            ev.device_time_total = max(cuda_runtime.elapsed_ms(start, end) * 1000.0, children)
            ev._device_events = None
        else:
            ev.device_time_total = children


def _open(name, args):
    stack = _stack()
    shapes = None
    if any(p.record_shapes for p in _active):
        shapes = [list(a.shape) if hasattr(a, 'shape') and hasattr(a, '_data') else [] for a in args]
    ev = FunctionEvent(0, name, threading.get_ident(), _now_us(), None, input_shapes=shapes)
    if any(p.with_stack for p in _active):
        # the Python function events around it, innermost first (PyTorch's stacks, given under verbose only)
        ev.stack = [e.name for e in reversed(stack) if e.is_python_function] \
            if any(p._verbose for p in _active) else []
    if stack:
        ev.cpu_parent = stack[-1]
        stack[-1].cpu_children.append(ev)
    stack.append(ev)
    if _device_timing[0] and _on_cuda(args):
        from ember.backend import cuda_runtime as rt
        ev._device_events = (rt.new_event(True, False), rt.new_event(True, False))
        ev._device_events[0].record(rt.current_stream())
    return ev


def _close(ev):
    if ev._device_events is not None:
        from ember.backend import cuda_runtime as rt
        ev._device_events[1].record(rt.current_stream())
    ev.end_us = _now_us()
    stack = _stack()
    if stack and stack[-1] is ev:
        stack.pop()
    for p in _active:
        p._record(ev)


def _close_composite(ev, result, args):
    """End a composite op's event: the memory its result holds counts as its own, as an op's does (its parts
    allocated it, so its self memory is zero, as in PyTorch)."""
    if result is not None and any(p.profile_memory for p in _active):
        from ember.autograd import _profiler_details as details
        ev.cpu_memory_usage, ev.device_memory_usage = details.allocated_bytes(result, args)
    _close(ev)


def _stack():
    s = getattr(_state, 'stack', None)
    if s is None:
        s = _state.stack = []
    return s


class _Timing(_observe.OpObserver):
    """Times each op and each node's backward while any profile records."""

    @staticmethod
    def op(proceed, cls, args, kwargs):
        if _state_flag('in_place'):     # the out-of-place op an in-place one runs: its event is the in-place one
            return proceed(cls, *args, **kwargs)
        # (a primitive standing for an ATen op of another name says which: MmT is PyTorch's aten::mm; a name that
        # depends on the arguments, avg_pool2d's dimensions, is a function of them)
        name = getattr(cls, '_profile_name', None)
        ev = _open((name(args) if callable(name) else name) or 'aten::' + _snake(cls.__name__), args)
        # the ops PyTorch's runs inside it (relu's clamp_min), each nested in the one before, around the work
        inner = [ev] + [_open(name, args) for name in getattr(cls, '_profile_chain', ())]
        result = None
        try:
            result = proceed(cls, *args, **kwargs)
            return result
        finally:
            if result is not None and any(p.profile_memory or p.with_flops for p in _active):
                from ember.autograd import _profiler_details as details
                if any(p.profile_memory for p in _active):
                    usage = details.allocated_bytes(result, args)
                    for e in inner:         # the innermost allocated it: the outer ones' self memory is zero
                        e.cpu_memory_usage, e.device_memory_usage = usage
                if any(p.with_flops for p in _active):
                    ev.flops = details.op_flops(cls.__name__, args, result)   # (counted under its own name)
            for e in reversed(inner):
                _close(e)

    @staticmethod
    def inplace(proceed, t, args, kwargs):
        names = _inplace_names(args[0]) if not _state_flag('in_place') else None
        if names is None:
            return proceed(t, *args, **kwargs)
        opened = [_open(name, (t,) + args[1:]) for name in names]
        _state.in_place = True
        try:
            return proceed(t, *args, **kwargs)
        finally:
            _state.in_place = False
            for ev in reversed(opened):
                _close(ev)

    @staticmethod
    def node(proceed, node, args, kwargs):
        ev = _open('autograd::engine::evaluate_function: ' + node.name(), ())
        try:
            return proceed(node, *args, **kwargs)
        finally:
            _close(ev)


_TIMING = _Timing()


def record_optimizer_call(optimizer, method, call, args, kwargs):
    """``call(optimizer, *args, **kwargs)`` inside PyTorch's range for it (``Optimizer.step#SGD.step``), the
    outermost call of a step or zero_grad only."""
    cls = type(optimizer).__name__
    ev = _open(f'Optimizer.{method}#{cls}.{method}', ())
    optimizer._in_profiled_call = True
    try:
        return call(optimizer, *args, **kwargs)
    finally:
        optimizer.__dict__.pop('_in_profiled_call', None)
        _close(ev)


def _state_flag(name):
    return getattr(_state, name, False)


def _inplace_names(compute):
    """PyTorch's events for an in-place op, from the computation ember's in-place machinery was given (only
    looked at while a profile records): ``aten::relu_`` around ``aten::clamp_min_`` for relu's primitive,
    ``aten::add_`` for a computation calling ``add``, ``aten::copy_`` for copy_'s; None if it says nothing."""
    owner = getattr(compute, '__self__', None)
    if isinstance(owner, type):         # a primitive's apply (relu_, fill_)
        first = getattr(owner, '_profile_name', None)
        if callable(first):
            return None
        first = first or 'aten::' + _snake(owner.__name__)
        return tuple(name + '_' for name in (first,) + tuple(getattr(owner, '_profile_chain', ())))
    qualname = getattr(compute, '__qualname__', '')
    if qualname.endswith('.<locals>.compute'):      # copy_'s, and setitem's (a copy into the indexed view)
        return ('aten::copy_',)
    for cell in getattr(compute, '__closure__', None) or ():     # a lambda calling the out-of-place op
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        name = getattr(value, '__name__', '')
        if callable(value) and not isinstance(value, type) and name and not name.startswith('_'):
            return ('aten::' + name + '_',)
    return None


class profile:
    """Times every op run inside the ``with`` block on the CPU; read the result with
    :meth:`key_averages` (``.table()``) or :attr:`function_events`.

    ``record_shapes`` keeps each op's input shapes (for ``key_averages(group_by_input_shape=True)``);
    ``profile_memory`` the bytes each op allocates, ``with_stack`` the Python frames leading to it,
    ``with_flops`` the floating-point operations of matrix products, convolutions, adds and multiplies
    (see ``ember/autograd/_profiler_details.py``). ``with_modules``, as in PyTorch's eager mode, adds
    nothing (module hierarchies are recorded for TorchScript only). GPU timing is not available.

    Example::

        >>> x = ember.ones(8, 8, requires_grad=True)
        >>> with ember.autograd.profiler.profile() as prof:
        ...     ember.mm(x, x).sum().backward()
        >>> [event.name for event in prof.function_events if event.name in ('aten::mm', 'aten::sum')]
        ['aten::mm', 'aten::sum', 'aten::mm', 'aten::mm']
        >>> [e.name for e in prof.function_events if e.name.startswith('autograd::') and e.name.endswith('Backward0')]
        ['autograd::engine::evaluate_function: SumBackward0', 'autograd::engine::evaluate_function: MmBackward0']
        >>> print(prof.key_averages().table(sort_by="self_cpu_time_total"))  # doctest: +SKIP
    """

    _tracer = None      # the Python function events' tracer while it runs (with_stack)

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None,
                 post_processing_timeout_s=None, activity_filters=None):
        for flag, what in ((custom_trace_id_callback, 'custom_trace_id_callback'),
                           (activity_filters, 'activity_filters')):
            if flag:
                raise NotImplementedError(f"ember's profiler times CPU ops only; {what} is not supported")
        self.use_device = _device_to_time(use_cuda, use_device)
        _check_experimental_config(experimental_config)
        self._verbose = experimental_config is not None and experimental_config._fields['verbose']
        if not use_cpu:
            if not use_kineto:
                raise AssertionError("Device-only events supported only with Kineto (use_kineto=True)")
            raise NotImplementedError("ember's profiler times CPU ops only; use_cpu=False leaves nothing to record")
        if post_processing_timeout_s is not None and post_processing_timeout_s < 0:
            raise ValueError("post_processing_timeout_s must be non-negative")
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.acc_events = acc_events
        self._events = []
        self._running = False
        self._function_events = None

    def __enter__(self):
        if self.enabled:
            self._start()
        return self

    def __exit__(self, *exc):
        if self._running:
            self._stop()
        return False

    def _start(self):
        if self._running:
            raise RuntimeError("Profiler is already enabled on this thread")
        if not self.acc_events:
            self._events = []
        if not _active:
            _observe.add(_TIMING)
            _composites.install(_open, _close_composite)
        _active.append(self)
        _device_timing[0] = any(p.use_device for p in _active)
        self._running = True
        self._function_events = None
        self._tracer = None
        if self.with_stack and not any(p._tracer is not None for p in _active if p is not self):
            from ember.autograd._profiler_python import PythonTracer
            self._tracer = PythonTracer(lambda name: _open(name, ()), _close)
            self._tracer.start(skip=2)

    def _stop(self):
        if self._tracer is not None:
            self._tracer.stop()
            self._tracer = None
        _active.remove(self)
        if not _active:
            _observe.remove(_TIMING)
            _composites.uninstall()
        self._running = False
        _device_timing[0] = any(p.use_device for p in _active)
        if self.use_device:
            _device_times(self._events)

    def _record(self, ev):
        self._events.append(ev)

    def _check_finished(self):
        if self._running:
            raise RuntimeError("Profiler didn't finish running")

    @property
    def function_events(self):
        self._check_finished()
        if self._function_events is None:
            events = sorted(self._events, key=lambda e: (e.start_us, -e.end_us))
            for i, e in enumerate(events):
                e.id = i
            self._function_events = EventList(events, profile_memory=self.profile_memory, with_flops=self.with_flops)
        return self._function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        if group_by_input_shape and not self.record_shapes:
            raise RuntimeError("group_by_input_shape needs the profile to be made with record_shapes=True")
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path):
        """Write the recorded events as a Chrome trace (``chrome://tracing``, Perfetto; ``.gz`` compresses)."""
        self.function_events.export_chrome_trace(path)

    def export_stacks(self, path, metric='self_cpu_time_total'):
        """Write each op's stack with ``metric`` for flame-graph tools (needs ``with_stack=True``)."""
        if not self.with_stack:
            raise AssertionError("export_stacks() requires with_stack=True")
        self.function_events.export_stacks(path, metric)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        return self.function_events.table(sort_by, row_limit, max_src_column_width, max_name_column_width,
                                          max_shapes_column_width, header, top_level_events_only)

    @property
    def self_cpu_time_total(self):
        """The total CPU time of the ops recorded, each op's own time summed, in microseconds (an attribute, as
        PyTorch's)."""
        return self.function_events.self_cpu_time_total

    def __str__(self):
        return self.table()


class record_function:
    """Labels a region (``with record_function('name'):``, or as a decorator); it appears as its own
    row in the profile, and the ops inside it count towards its total time.

    Example::

        >>> from ember.autograd.profiler import profile, record_function
        >>> @record_function("double")
        ... def double(t):
        ...     return t * 2
        >>> with profile() as prof:
        ...     with record_function("prepare"):
        ...         x = ember.ones(4).add(1)
        ...     y = double(x)
        >>> [(event.name, [child.name for child in event.cpu_children if child.name in ('aten::add', 'aten::mul')])
        ...  for event in prof.function_events if event.name in ('prepare', 'double')]
        [('prepare', ['aten::add']), ('double', ['aten::mul'])]
    """

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._event = None

    def __enter__(self):
        if _active:
            self._event = _open(self.name, ())
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            _close(self._event)
            self._event = None
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class _RangeOp:
    """``ember.ops.profiler.<name>``: a callable whose overloads (``.default``, ...) are itself."""

    def __init__(self, name, fn):
        self._name, self._fn = name, fn
        self.__name__ = name                    # graph code generation names calls by it
        self.__module__ = 'ember.ops.profiler'

    def __call__(self, *args, **kwargs):
        from ember.overrides import handle_torch_function, has_torch_function
        if has_torch_function(args):     # an fx Proxy (tracing): the call becomes a graph node
            return handle_torch_function(self, args, *args, **kwargs)
        return self._fn(*args, **kwargs)

    def __getattr__(self, overload):
        if overload.startswith('__'):
            raise AttributeError(overload)
        return self

    def __repr__(self):
        return f'profiler.{self._name}'


def _record_function_enter(name, args=None):
    """Open a :class:`record_function` range; the returned handle closes it (``_record_function_exit``).
    What graph-captured code calls where a ``with record_function(...)`` block stood."""
    return record_function(name, args).__enter__()


def _record_function_exit(handle):
    handle.__exit__(None, None, None)


def _profiler_namespace():
    """``torch.ops.profiler``: the range operators fx-traced programs call."""
    import types
    return types.SimpleNamespace(
        _record_function_enter=_RangeOp('_record_function_enter', _record_function_enter),
        _record_function_enter_new=_RangeOp('_record_function_enter_new', _record_function_enter),
        _record_function_exit=_RangeOp('_record_function_exit', _record_function_exit))


class EnforceUnique:
    """Raises ``RuntimeError`` when a key is seen a second time.

    Example::

        >>> from ember.autograd.profiler import EnforceUnique
        >>> seen = EnforceUnique()
        >>> seen.see('conv', 1)
        >>> seen.see('conv', 1)
        Traceback (most recent call last):
            ...
        RuntimeError: duplicate key: ('conv', 1)
    """

    def __init__(self):
        self.seen = set()

    def see(self, *key):
        """Record ``key``; raise if it was recorded before."""
        if key in self.seen:
            raise RuntimeError("duplicate key: " + str(key))
        self.seen.add(key)


class KinetoStepTracker:
    """One global step count shared by several step sources (the profiler's ``step()``, optimizers, ...): each
    requester counts its own steps and the global step is the largest count, so two sources stepping once per
    iteration do not count the iteration twice.

    Example::

        >>> from ember.autograd.profiler import KinetoStepTracker
        >>> KinetoStepTracker.init_step_count('MyStep')
        >>> KinetoStepTracker.increment_step('MyStep') >= 1
        True
        >>> KinetoStepTracker.erase_step_count('MyStep')
        True
    """
    _current_step = 0
    _step_dict = defaultdict(int)

    @classmethod
    def init_step_count(cls, requester):
        """Start counting for ``requester`` at the current global step."""
        cls._step_dict[requester] = cls._current_step

    @classmethod
    def erase_step_count(cls, requester):
        """Stop counting for ``requester``; whether it was counted."""
        return cls._step_dict.pop(requester, None) is not None

    @classmethod
    def increment_step(cls, requester):
        """Count one step of ``requester``; returns the global step."""
        if requester not in cls._step_dict:
            cls.init_step_count(requester)
        cls._step_dict[requester] += 1
        cls._current_step = max(cls._current_step, max(cls._step_dict.values()))
        return cls._current_step

    @classmethod
    def current_step(cls):
        """The global step."""
        return cls._current_step


class MemRecordsAcc:
    """Memory records sorted by start time, to find those inside an interval quickly.

    Args:
        mem_records (list): tuples whose first item has a ``start_ns()`` method.

    Example::

        >>> class Record:
        ...     def __init__(self, ns):
        ...         self.ns = ns
        ...     def start_ns(self):
        ...         return self.ns
        >>> acc = ember.autograd.profiler.MemRecordsAcc([(Record(30), 'c'), (Record(10), 'a'), (Record(20), 'b')])
        >>> [name for _, name in acc.in_interval(15, 30)]
        ['b', 'c']
    """

    def __init__(self, mem_records):
        self._mem_records = mem_records
        order = sorted(range(len(mem_records)), key=lambda i: mem_records[i][0].start_ns())
        self._indices = order
        self._start_nses = [mem_records[i][0].start_ns() for i in order]

    def in_interval(self, start_ns, end_ns):
        """The records that start within ``[start_ns, end_ns]``, in start order."""
        lo = bisect.bisect_left(self._start_nses, start_ns)
        hi = bisect.bisect_right(self._start_nses, end_ns)
        for i in range(lo, hi):
            yield self._mem_records[self._indices[i]]


class _RangeAnnotator:
    """Shared shape of :class:`emit_itt` and :class:`emit_nvtx`: ``enabled=False`` is a no-op, as in
    PyTorch; entering an enabled one raises (through :meth:`_refuse`) rather than annotating nothing."""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled, self.record_shapes = enabled, record_shapes

    def __enter__(self):
        if self.enabled:
            self._refuse()
        return None

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False


class emit_itt(_RangeAnnotator):
    """Annotate every op with an Intel ITT range for VTune (PyTorch's ``emit_itt``).

    ember has no ITT back end: entering with ``enabled=True`` raises ``RuntimeError`` rather than
    recording nothing; ``enabled=False`` is a no-op, as in PyTorch. Use :class:`profile` for
    per-op times.

    Args:
        enabled (bool, optional): whether to annotate. Default: ``True``.
        record_shapes (bool, optional): add input shapes to each range. Default: ``False``.

    Example::

        >>> with ember.autograd.profiler.emit_itt(enabled=False):
        ...     print(ember.ones(2).add(1))
        tensor([2., 2.])
    """

    def _refuse(self):
        raise RuntimeError('emit_itt needs the Intel ITT API, which ember does not link against; use '
                           'ember.autograd.profiler.profile (or ember.profiler.profile) to time ops')


class emit_nvtx(_RangeAnnotator):
    """Annotate every op with an NVTX range for NVIDIA's profilers (PyTorch's ``emit_nvtx``).

    Without CUDA it raises PyTorch's ``AssertionError``; ember does not emit NVTX ranges with CUDA
    either, so there it raises ``RuntimeError``. ``enabled=False`` is a no-op, as in PyTorch.

    Args:
        enabled (bool, optional): whether to annotate. Default: ``True``.
        record_shapes (bool, optional): add input shapes to each range. Default: ``False``.

    Example::

        >>> with ember.autograd.profiler.emit_nvtx(enabled=False):
        ...     print(ember.ones(2).mul(3))
        tensor([3., 3.])
    """

    def _refuse(self):
        from ember import backend, cuda
        if not cuda.is_available():
            backend._require_cuda()   # PyTorch's AssertionError, saying what is missing
        raise RuntimeError('emit_nvtx is not supported by ember: use ember.autograd.profiler.profile '
                           '(or ember.profiler.profile) to time ops')


def load_nvprof(path):
    """The autograd ranges of an nvprof trace (an SQLite file written with ``nvprof -o``) as an
    :class:`EventList`, each with the CUDA kernels launched inside it.

    Args:
        path (str): the trace file.

    Returns:
        EventList

    Example::

        >>> import os, sqlite3, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), 'trace.sqlite')
        >>> db = sqlite3.connect(path)
        >>> db.executescript('''
        ...     CREATE TABLE StringTable (_id_ INTEGER, value TEXT);
        ...     INSERT INTO StringTable VALUES (1, 'aten::add');
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_MARKER (id INTEGER, name INTEGER, timestamp INTEGER);
        ...     INSERT INTO CUPTI_ACTIVITY_KIND_MARKER VALUES (4, 1, 10), (4, 0, 50);
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (_id_ INTEGER, cbid INTEGER, start INTEGER,
        ...                                               end INTEGER, correlationId INTEGER);
        ...     INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (1, 211, 20, 30, 100);
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL (start INTEGER, end INTEGER, name INTEGER,
        ...                                                        correlationId INTEGER);
        ...     INSERT INTO CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL VALUES (31, 36, 7, 100);
        ... ''') and db.commit()
        >>> db.close()
        >>> events = ember.autograd.profiler.load_nvprof(path)
        >>> [(e.name, len(e.kernels)) for e in events]
        [('aten::add', 1)]
    """
    return EventList(parse_nvprof_trace(path))


def parse_nvprof_trace(path):
    """Reads an nvprof trace into the :class:`FunctionEvent` list that :func:`load_nvprof` wraps, sorted by start
    time: one event per NVTX range (start and end markers sharing an id), its ``kernels`` holding
    ``(name, device, duration)`` for each kernel launched (``cudaLaunchKernel``) inside the range.

    Args:
        path (str): an SQLite file written with ``nvprof -o``.

    Returns:
        list of :class:`FunctionEvent`

    Example::

        >>> import os, sqlite3, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), 'trace.sqlite')
        >>> db = sqlite3.connect(path)
        >>> db.executescript('''
        ...     CREATE TABLE StringTable (_id_ INTEGER, value TEXT);
        ...     INSERT INTO StringTable VALUES (1, 'aten::add'), (2, 'aten::mul');
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_MARKER (id INTEGER, name INTEGER, timestamp INTEGER);
        ...     INSERT INTO CUPTI_ACTIVITY_KIND_MARKER VALUES (5, 2, 60), (5, 0, 90), (4, 1, 10), (4, 0, 50);
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (_id_ INTEGER, cbid INTEGER, start INTEGER,
        ...                                               end INTEGER, correlationId INTEGER);
        ...     CREATE TABLE CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL (start INTEGER, end INTEGER, name INTEGER,
        ...                                                        correlationId INTEGER);
        ... ''') and db.commit()
        >>> db.close()
        >>> [e.name for e in ember.autograd.profiler.parse_nvprof_trace(path)]
        ['aten::add', 'aten::mul']
    """
    import sqlite3
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        strings = {r['id']: r['value'] for r in conn.execute('SELECT _id_ as id, value FROM StringTable')}
        # a range is a start marker (named) and an end marker (name 0) with the same id
        ranges = conn.execute(
            'SELECT s.id AS marker_id, s.name, s.timestamp AS start_time, e.timestamp AS end_time '
            'FROM CUPTI_ACTIVITY_KIND_MARKER AS s INNER JOIN CUPTI_ACTIVITY_KIND_MARKER AS e ON s.id = e.id '
            'WHERE s.name != 0 AND e.name = 0')
        events, by_id, seen = [], {}, EnforceUnique()
        for row in ranges:
            seen.see(row['marker_id'])
            ev = FunctionEvent(id=row['marker_id'], node_id=0, name=strings[row['name']],
                               start_us=row['start_time'], end_us=row['end_time'], thread=0)
            events.append(ev)
            by_id[ev.id] = ev
        kernels = conn.execute(
            'SELECT s.id AS marker_id, r._id_ AS runtime_id, r.cbid, k.start AS kernel_start, k.end AS kernel_end, '
            'k.name AS kernel_name '
            'FROM CUPTI_ACTIVITY_KIND_MARKER AS s INNER JOIN CUPTI_ACTIVITY_KIND_MARKER AS e ON s.id = e.id '
            'INNER JOIN CUPTI_ACTIVITY_KIND_RUNTIME AS r ON (s.timestamp < r.start AND r.end < e.timestamp) '
            'INNER JOIN CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL AS k ON k.correlationId = r.correlationId')
        seen = EnforceUnique()
        for row in kernels:
            seen.see(row['marker_id'], row['runtime_id'])
            if row['cbid'] != 211:   # 211: cudaLaunchKernel (CUDA 9.2 and later)
                raise AssertionError(f"Expected cbid to be 211, but got {row['cbid']}")
            by_id[row['marker_id']].append_kernel(row['kernel_name'], 0, row['kernel_end'] - row['kernel_start'])
    finally:
        conn.close()
    events.sort(key=lambda ev: ev.start_us)
    return events
