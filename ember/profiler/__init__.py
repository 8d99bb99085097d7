"""The step-aware profiler (PyTorch's ``torch.profiler``), over ember's CPU op timing.

``profile`` records what ``ember.autograd.profiler.profile`` records (every op's CPU time, backward
nodes, ``record_function`` ranges); with a ``schedule`` it records only the active steps of each
cycle (``prof.step()`` marks a step's end) and hands each finished cycle to ``on_trace_ready``.
"""
import enum
import warnings

from ember._C._profiler import _check_experimental_config
from ember.autograd import profiler as _autograd_profiler
from ember._C._autograd import DeviceType
from ember.autograd.profiler import record_function

__all__ = ['profile', 'record_function', 'ProfilerActivity', 'ProfilerAction', 'schedule', 'DeviceType',
           'supported_activities', 'kineto_available', 'tensorboard_trace_handler']


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 2
    XPU = 3
    MTIA = 4
    PrivateUse1 = 5


def supported_activities():
    """The activities ember's profiler can record: the CPU's, and CUDA's where a GPU is present."""
    from ember import cuda
    return {ProfilerActivity.CPU, ProfilerActivity.CUDA} if cuda.is_available() else {ProfilerActivity.CPU}


def kineto_available():
    """False: ember's profiler is its own (pure Python), not PyTorch's Kineto library."""
    return False


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False, use_python_export=False):
    """An ``on_trace_ready`` handler writing each recording as a trace file into ``dir_name``
    (``{worker_name}.{time_ns}.pt.trace.json``, ``.gz`` with ``use_gzip``), where TensorBoard's
    profiler plugin and Perfetto read it. ``worker_name`` defaults to ``{hostname}_{pid}``."""
    import os
    import socket
    import time

    def handler_fn(prof):
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json" + ('.gz' if use_gzip else '')
        prof.export_chrome_trace(os.path.join(dir_name, file_name))
    return handler_fn


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Step number -> ProfilerAction: after ``skip_first`` steps, cycles of ``wait`` idle steps,
    ``warmup`` steps and ``active`` recorded steps, ``repeat`` times (0: forever). With ``skip_first_wait``
    the first cycle starts without its ``wait`` (right after ``skip_first``).

    Example::

        >>> from ember.profiler import schedule
        >>> plan = schedule(wait=1, warmup=1, active=2, repeat=1)
        >>> [plan(step).name for step in range(5)]
        ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)

    def action(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait     # as if the first cycle's wait had passed already
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        mod = step % cycle
        if mod < wait:
            return ProfilerAction.NONE
        if mod < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return action


_WARNINGS_SHOWN = set()


def _warn_once(message):
    if message not in _WARNINGS_SHOWN:
        _WARNINGS_SHOWN.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _always_record(_step):
    return ProfilerAction.RECORD


class profile:
    """Profile the CPU ops run in the ``with`` block (see the module docstring).

    Args:
        activities (iterable of ProfilerActivity, optional): what to record: ``ProfilerActivity.CPU``, and
            ``ProfilerActivity.CUDA`` to time on the device each op on CUDA tensors (the "CUDA" columns of
            the table; without a GPU it warns and records the CPU only).
        schedule (callable, optional): step number -> :class:`ProfilerAction` (see :func:`schedule`);
            without one, every step is recorded.
        on_trace_ready (callable, optional): called with the profiler at the end of each recorded cycle.
        record_shapes (bool): keep each op's input shapes.
        profile_memory (bool): keep the bytes each op allocates.
        with_stack (bool): record the Python functions called as events around the ops they run; each op's
            ``stack`` (the Python events around it) is kept under
            ``experimental_config=_ExperimentalConfig(verbose=True)``, as in PyTorch.
        with_flops (bool): estimate the floating-point operations of matrix products and convolutions.

    Example::

        >>> from ember.profiler import profile, record_function, ProfilerActivity
        >>> x = ember.ones(64, 64)
        >>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        ...     with record_function("model_inference"):
        ...         y = ember.mm(x, x).relu()
        >>> keys = {event.key for event in prof.key_averages()}
        >>> sorted(keys & {'aten::mm', 'aten::relu', 'model_inference'})
        ['aten::mm', 'aten::relu', 'model_inference']
        >>> print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=5))  # doctest: +SKIP

    With a schedule, ``prof.step()`` ends each step and ``on_trace_ready`` receives each finished cycle:

        >>> from ember.profiler import schedule
        >>> finished = []
        >>> with profile(schedule=schedule(wait=1, warmup=1, active=2),
        ...              on_trace_ready=lambda p: finished.append(p.step_num)) as prof:
        ...     for _ in range(8):
        ...         y = ember.mm(x, x)
        ...         prof.step()
        >>> finished
        [4, 8]
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False,
                 use_cuda=None, custom_trace_id_callback=None):
        activities = set(activities) if activities is not None else {ProfilerActivity.CPU}
        if use_cuda:
            activities.add(ProfilerActivity.CUDA)
        if activities - {ProfilerActivity.CPU, ProfilerActivity.CUDA}:
            raise NotImplementedError("ember's profiler records CPU and CUDA activity only (ProfilerActivity.CPU, "
                                      "ProfilerActivity.CUDA)")
        if ProfilerActivity.CPU not in activities:
            raise NotImplementedError("ember's profiler times device work within the CPU ops that launch it: "
                                      "ProfilerActivity.CUDA needs ProfilerActivity.CPU too")
        # CUDA activity: each op on CUDA tensors is timed on its stream too (see autograd.profiler.profile)
        self._use_device = _autograd_profiler._device_to_time(False, 'cuda') \
            if ProfilerActivity.CUDA in activities else None
        _check_experimental_config(experimental_config)
        self.experimental_config = experimental_config
        for flag, what in ((execution_trace_observer, 'execution_trace_observer'),
                           (custom_trace_id_callback, 'custom_trace_id_callback')):
            if flag:
                raise NotImplementedError(f"ember's profiler times CPU ops only; {what} is not supported")
        self.activities = activities
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.with_modules = with_modules
        self.acc_events = acc_events
        self.step_num = 0
        self._current = None  # the autograd profile recording now
        self._last = None  # the latest finished recording

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _begin(self):
        if self._last is not None and not self.acc_events:
            _warn_once("Warning: Profiler clears events at the end of each cycle. Only events from the current "
                       "cycle will be reported. To keep events across cycles, set acc_events=True.")
        if self.acc_events and self._last is not None:
            self._current = self._last     # one recording for every cycle: events accumulate
        else:
            self._current = _autograd_profiler.profile(
                record_shapes=self.record_shapes, acc_events=self.acc_events, profile_memory=self.profile_memory,
                with_stack=self.with_stack, with_flops=self.with_flops, with_modules=self.with_modules,
                use_device=self._use_device, experimental_config=self.experimental_config)
        self._current._start()

    def _end(self, save):
        prof, self._current = self._current, None
        prof._stop()
        self._last = prof
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def start(self):
        if self.schedule(self.step_num) in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._begin()

    def stop(self):
        if self._current is not None:
            self._end(save=True)

    def step(self):
        """Mark the end of a step: recording starts, stops or hands a cycle over as the schedule says."""
        action = self.schedule(self.step_num)
        self.step_num += 1
        following = self.schedule(self.step_num)
        if action == ProfilerAction.RECORD_AND_SAVE and self._current is not None:
            self._end(save=True)
        if following in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE) and self._current is None:
            self._begin()

    def _result(self):
        if self._last is None:
            raise AssertionError("profile has not recorded anything yet")
        return self._last

    def events(self):
        """The recorded (not aggregated) events of the latest recording."""
        return self._result().function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return self._result().key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def export_chrome_trace(self, path):
        """Write the latest recording as a Chrome trace (``chrome://tracing``, Perfetto; ``.gz`` compresses)."""
        self._result().export_chrome_trace(path)

    def export_stacks(self, path, metric='self_cpu_time_total'):
        """Write each op's stack with ``metric`` for flame-graph tools (needs ``with_stack=True``)."""
        self._result().export_stacks(path, metric)
