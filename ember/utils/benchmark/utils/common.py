"""What a benchmark measured and how it is shown: ``TaskSpec`` (what ran), ``Measurement`` (the
times, their median and interquartile range, PyTorch's printed form), and the unit helpers.

Statistics follow PyTorch's ``torch.utils.benchmark`` (linear-interpolated quantiles; the float32
arithmetic it uses for units and significant figures), so the same times print the same way.
"""
import collections
import contextlib
import dataclasses
import textwrap

import numpy as np

__all__ = ['TaskSpec', 'Measurement', 'select_unit', 'unit_to_english', 'trim_sigfig', 'ordered_unique',
           'set_torch_threads']

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9       # 25 ns: below this a spread says nothing
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25
_f32 = np.float32


def _log10_f32(x):
    """log10 of ``x`` as a float32 tensor computes it: correctly rounded (NumPy's own float32 log10
    is an ulp off for exact powers of ten, which moves the ceilings and floors taken of it)."""
    return _f32(np.log10(np.float64(_f32(x))))


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What was timed: the statement, its setup and the labels a table groups it by."""
    stmt: str
    setup: str
    global_setup: str = ''
    label: str = None
    sub_label: str = None
    description: str = None
    env: str = None
    num_threads: int = 1

    @property
    def title(self):
        """The label (or the one-line statement), with the sub-label after a colon."""
        sub = f': {self.sub_label}' if self.sub_label else ''
        if self.label is not None:
            return self.label + sub
        if '\n' not in self.stmt:
            return self.stmt + sub
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self):
        if self.setup == 'pass' or not self.setup:
            return ''
        if '\n' in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f'setup: {self.setup}'

    def summarize(self):
        """Title, description and setup, one section per line (multi-line ones set apart)."""
        sections = [self.title, self.description or '', self.setup_str()]
        return '\n'.join(f'{s}\n' if '\n' in s else s for s in sections if s)


_TASKSPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(init=True, repr=False)
class Measurement:
    """The result of a timing: ``raw_times`` are the seconds each of its runs took, each run
    executing the statement ``number_per_run`` times; ``times`` are per execution.

    The task's fields (``stmt``, ``label``, ``num_threads``, ...) read through as attributes.
    """
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict = None

    def __post_init__(self):
        self._sorted_times = ()
        self._warnings = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name):
        if name in _TASKSPEC_FIELDS:
            return getattr(self.task_spec, name)
        return super().__getattribute__(name)

    @property
    def times(self):
        """Seconds per execution of the statement, one value per run."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self):
        self._lazy_init()
        return self._median

    @property
    def mean(self):
        self._lazy_init()
        return self._mean

    @property
    def iqr(self):
        """The interquartile range of ``times``."""
        self._lazy_init()
        return self._p75 - self._p25

    @property
    def significant_figures(self):
        """How many digits of the median the spread of the central runs supports (1 to 4)."""
        self._lazy_init()
        n = len(self._sorted_times)
        central = self._sorted_times[n // 4:int(np.ceil(_f32(3 * n / 4)))]
        spread = float(np.std(np.array(central, np.float32)))
        interval = max(1.645 * spread / float(np.sqrt(_f32(len(central)))), _MIN_CONFIDENCE_INTERVAL)
        figures = int(np.floor(_log10_f32(self._median / interval)))
        return min(max(figures, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def has_warnings(self):
        self._lazy_init()
        return bool(self._warnings)

    def _lazy_init(self):
        if self.raw_times and not self._sorted_times:
            self._sorted_times = tuple(sorted(self.times))
            times = np.array(self._sorted_times, np.float64)
            self._median = float(np.quantile(times, 0.5))
            self._mean = float(times.mean())
            self._p25 = float(np.quantile(times, 0.25))
            self._p75 = float(np.quantile(times, 0.75))
            if not self.meets_confidence(_IQR_GROSS_WARN_THRESHOLD):
                self._add_warning('This suggests significant environmental influence.')
            elif not self.meets_confidence(_IQR_WARN_THRESHOLD):
                self._add_warning('This could indicate system fluctuation.')

    def _add_warning(self, message):
        relative = self.iqr / self.median * 100
        self._warnings += (f'  WARNING: Interquartile range is {relative:.1f}% of the median measurement.\n'
                           f'           {message}',)

    def meets_confidence(self, threshold=_IQR_WARN_THRESHOLD):
        """Whether the interquartile range is below ``threshold`` times the median."""
        return self.iqr / self.median < threshold

    @property
    def title(self):
        return self.task_spec.title

    @property
    def env(self):
        return 'Unspecified env' if self.task_spec.env is None else self.task_spec.env

    @property
    def as_row_name(self):
        return self.sub_label or self.stmt or '[Unknown]'

    def __repr__(self):
        self._lazy_init()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f'  IQR:    {self.iqr / scale:.2f} {unit} ({self._p25 / scale:.2f} to {self._p75 / scale:.2f})')
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {self.num_threads} "
                     f"thread{'s' if self.num_threads > 1 else ''}")
        lines.append('\n'.join(self._warnings))
        return '\n'.join(lines).strip()

    @staticmethod
    def merge(measurements):
        """One measurement per task: the per-execution times of each task's measurements pooled."""
        grouped = collections.defaultdict(list)
        for m in measurements:
            grouped[m.task_spec].append(m)
        return [Measurement(number_per_run=1, raw_times=[t for m in group for t in m.times], task_spec=spec)
                for spec, group in grouped.items()]


def select_unit(t):
    """The unit (``'ns'``, ``'us'``, ``'ms'`` or ``'s'``) to show ``t`` seconds in, and its scale."""
    unit = {-3: 'ns', -2: 'us', -1: 'ms'}.get(int(float(_log10_f32(t)) // 3), 's')
    return unit, {'ns': 1e-9, 'us': 1e-6, 'ms': 1e-3, 's': 1}[unit]


def unit_to_english(u):
    return {'ns': 'nanosecond', 'us': 'microsecond', 'ms': 'millisecond', 's': 'second'}[u]


def trim_sigfig(x, n):
    """``x`` rounded to ``n`` significant figures."""
    if n != int(n):
        raise AssertionError('Number of significant figures must be an integer')
    magnitude = int(np.ceil(_log10_f32(abs(x))))
    scale = 10 ** (magnitude - n)
    return float(np.round(_f32(x / scale)) * _f32(scale))


def ordered_unique(elements):
    """The distinct elements in their first-seen order."""
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n):
    """Run the block with ``n`` BLAS threads (see :func:`ember.set_num_threads`), then restore."""
    import ember
    prior = ember.get_num_threads()
    if prior == n:
        yield
        return
    ember.set_num_threads(n)     # raises, naming threadpoolctl, when it is not installed
    try:
        yield
    finally:
        ember.set_num_threads(prior)
