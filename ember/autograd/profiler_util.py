"""The profiler's event containers (PyTorch's ``torch.autograd.profiler_util``): events, their averages, the
event list that tabulates them, and small helpers for intervals and memory records."""
from collections import namedtuple

from ember.autograd.profiler import EventList, FunctionEvent, FunctionEventAvg, MemRecordsAcc

__all__ = ['EventList', 'FunctionEvent', 'FunctionEventAvg', 'MemRecordsAcc', 'Interval', 'Kernel']


class Interval:
    """A time interval, in microseconds.

    Example::

        >>> from ember.autograd.profiler_util import Interval
        >>> Interval(5, 12).elapsed_us()
        7
    """

    def __init__(self, start, end):
        self.start = start
        self.end = end

    def elapsed_us(self):
        """The interval's length."""
        return self.end - self.start


Kernel = namedtuple('Kernel', ['name', 'device', 'duration'])
Kernel.__doc__ = "A device kernel run inside an event: its name, device index and duration (microseconds)."
