"""``Timer``: time a Python statement as ``torch.utils.benchmark.Timer`` does (``timeit`` with a
warm-up, blocks sized so the clock's overhead is negligible, and a thread count held fixed)."""
import enum
import textwrap
import timeit

import numpy as np

from ember.utils.benchmark.utils import common

__all__ = ['Timer', 'timer', 'Language']


def timer():
    """The default clock: ``timeit.default_timer``, after waiting for queued GPU work."""
    import ember
    if ember.accelerator.is_available():
        ember.accelerator.synchronize()
    return timeit.default_timer()


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


class Timer:
    """Times ``stmt`` (a string of Python) after running ``setup`` once, in a namespace made of
    ``globals`` (``torch`` and ``ember`` are there too, so statements written for PyTorch run).

    Args:
        stmt (str): the code to time. Default: ``'pass'``.
        setup (str): code run once before timing. Default: ``'pass'``.
        global_setup (str): C++ only in PyTorch; must be empty.
        timer (callable): the clock. Default: :func:`timer`.
        globals (dict, optional): names ``stmt`` and ``setup`` can use.
        label, sub_label, description, env (str, optional): how :class:`Compare` groups and names
            the results: tables by label, rows by sub-label, columns by description.
        num_threads (int): the number of BLAS threads to time with. Default: ``1``.
        language: ``'python'`` only (ember has no C++ front end).

    Example::

        >>> t = Timer(stmt='x * 2', globals={'x': ember.ones(10)})
        >>> m = t.timeit(100)
        >>> m.number_per_run, len(m.times)
        (100, 1)
    """

    def __init__(self, stmt='pass', setup='pass', global_setup='', timer=timer, globals=None, label=None,
                 sub_label=None, description=None, env=None, num_threads=1, language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError('Currently only a `str` stmt is supported.')
        if language in (Language.CPP, 'cpp', 'c++'):
            raise ValueError('ember times Python statements only: C++ timing (language="cpp") needs PyTorch\'s '
                             'C++ toolchain.')
        if language not in (Language.PYTHON, 'py', 'python'):
            raise ValueError(f'Invalid language `{language}`.')
        if global_setup:
            raise ValueError(f'global_setup is C++ only, got `{global_setup}`. Most likely this code can simply be '
                             'moved to `setup`.')
        import ember
        self._globals = dict(globals or {})
        self._globals.setdefault('torch', ember)
        self._globals.setdefault('ember', ember)
        stmt, setup = _clean(stmt), _clean(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = common.TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                          sub_label=sub_label, description=description, env=env,
                                          num_threads=num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)   # never zero: later code divides by it

    def timeit(self, number=1000000):
        """Runs ``stmt`` ``number`` times (after a warm-up of a hundredth of that) as one measurement."""
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(number=max(int(number // 100), 2))
            return common.Measurement(number_per_run=number, raw_times=[self._timeit(number=number)],
                                      task_spec=self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        raise NotImplementedError('See `Timer.blocked_autorange.`')

    def autorange(self, callback=None):
        raise NotImplementedError('See `Timer.blocked_autorange.`')

    def _measure(self, number, stop, min_run_time, max_run_time=None, callback=None):
        """Time blocks of ``number`` runs until ``min_run_time`` has passed and ``stop(times)`` agrees
        (or ``max_run_time`` has passed)."""
        total, times = 0.0, []
        with common.set_torch_threads(self._task_spec.num_threads):
            while True:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                done = stop(times)
                if max_run_time and total > max_run_time:
                    break
                if total >= min_run_time and done:
                    break
        return times

    def _estimate_block_size(self, min_run_time):
        """Runs per block: grown tenfold until the clock's own overhead is under 0.01 % of a block
        and a block takes at least a thousandth of ``min_run_time``."""
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = float(np.median([self._timeit(0) for _ in range(5)]))
            number = 1
            while True:
                taken = self._timeit(number)
                if overhead / taken <= 1e-4 and taken >= min_run_time / 1000:
                    break
                if taken > min_run_time or number * 10 > 2147483647:
                    break
                number *= 10
        return number

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Times blocks of runs (sized by ``_estimate_block_size``) for at least ``min_run_time``
        seconds; ``callback(number, seconds)`` is called after each block."""
        number = self._estimate_block_size(min_run_time)
        times = self._measure(number, lambda times: True, min_run_time, callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """Times blocks until the interquartile range falls below ``threshold`` times the median
        (at least ``min_run_time``, at most ``max_run_time`` seconds)."""
        number = self._estimate_block_size(min_run_time=0.05)

        def stop(times):
            return len(times) > 3 and common.Measurement(number_per_run=number, raw_times=times,
                                                         task_spec=self._task_spec).meets_confidence(threshold)
        times = self._measure(number, stop, min_run_time, max_run_time, callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def collect_callgrind(self, *args, **kwargs):
        raise NotImplementedError('collect_callgrind needs valgrind and PyTorch\'s C++ bindings; ember times with '
                                  'the clock only (see Timer.blocked_autorange).')


def _clean(code):
    code = textwrap.dedent(code)
    return (code[1:] if code and code[0] == '\n' else code).rstrip()
