"""The step-aware profiler (PyTorch's ``torch.profiler``), over ember's CPU op timing.

``profile`` records what ``ember.autograd.profiler.profile`` records (every op's CPU time, backward
nodes, ``record_function`` ranges); with a ``schedule`` it records only the active steps of each
cycle (``prof.step()`` marks a step's end) and hands each finished cycle to ``on_trace_ready``.
"""
import enum

from ember.autograd import profiler as _autograd_profiler
from ember.autograd.profiler import record_function

__all__ = ['profile', 'record_function', 'ProfilerActivity', 'ProfilerAction', 'schedule']


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 2
    XPU = 3
    MTIA = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Step number -> ProfilerAction: after ``skip_first`` steps, cycles of ``wait`` idle steps,
    ``warmup`` steps and ``active`` recorded steps, ``repeat`` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    if skip_first_wait:
        raise NotImplementedError("schedule(skip_first_wait=1) is not supported by ember")

    def action(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
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


def _always_record(_step):
    return ProfilerAction.RECORD


class profile:
    """Profile the CPU ops run in the ``with`` block (see the module docstring)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False,
                 use_cuda=None, custom_trace_id_callback=None):
        activities = set(activities) if activities is not None else {ProfilerActivity.CPU}
        if activities - {ProfilerActivity.CPU} or use_cuda:
            raise NotImplementedError("ember's profiler records CPU activity only (ProfilerActivity.CPU)")
        for flag, what in ((profile_memory, 'profile_memory'), (with_stack, 'with_stack'),
                           (with_flops, 'with_flops'), (with_modules, 'with_modules'),
                           (experimental_config, 'experimental_config'),
                           (execution_trace_observer, 'execution_trace_observer'),
                           (custom_trace_id_callback, 'custom_trace_id_callback')):
            if flag:
                raise NotImplementedError(f"ember's profiler times CPU ops only; {what} is not supported")
        self.activities = activities
        self.schedule = schedule if schedule is not None else _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
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
        self._current = _autograd_profiler.profile(record_shapes=self.record_shapes, acc_events=self.acc_events)
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

    @property
    def events(self):
        return self._result().function_events

    def events_list(self):
        return self.events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return self._result().key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)
