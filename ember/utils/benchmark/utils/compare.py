"""``Compare``: measurements laid out as tables, PyTorch's ``torch.utils.benchmark.Compare`` format.

One table per label; a row per (threads, env, sub-label or statement), a column per description;
each cell the median in the table's unit. Options trim cells to the digits the spread supports,
colour them against the best of their column (or row), and flag noisy cells.
"""
import collections
import enum
import operator

import numpy as np

from ember.utils.benchmark.utils import common

__all__ = ['Colorize', 'Compare']

BEST = '\033[92m'
GOOD = '\033[34m'
BAD = '\033[2m\033[91m'
VERY_BAD = '\033[31m'
BOLD = '\033[1m'
TERMINATE = '\033[0m'


class Colorize(enum.Enum):
    NONE = 'none'
    COLUMNWISE = 'columnwise'
    ROWWISE = 'rowwise'


def _leading_digits(value):
    return int(np.ceil(common._log10_f32(value)))


class _Column:
    """How one column's numbers are written: a width and decimals shared by all its cells."""

    def __init__(self, groups, time_scale, trim, highlight):
        self.groups = groups
        flat = [m for group in groups for m in group]
        self.trim = trim
        self.highlight = highlight and any(m.has_warnings for m in flat if m)
        digits = [(_leading_digits(m.median / time_scale), m) for m in flat if m]
        units = max(d for d, _ in digits)
        decimals = min(max(m.significant_figures - d, 0) for d, m in digits) if trim else 1
        width = units + decimals + (1 if decimals else 0)
        self.template = f"{{:>{width}.{decimals}f}}{{:>{7 if self.highlight else 0}}}"

    def cell(self, value, sigfigs, spread):
        if value is None:
            return ' ' * len(self.cell(1, sigfigs, None))
        if self.trim:
            value = common.trim_sigfig(value, sigfigs)
        return self.template.format(value, f' (! {spread * 100:.0f}%)' if self.highlight and spread is not None
                                    else '')


class _Row:
    def __init__(self, results, group, show_env, env_width, time_scale, colorize, num_threads):
        self.results, self.group, self.show_env = results, group, show_env
        self.env_width, self.time_scale, self.colorize, self.num_threads = env_width, time_scale, colorize, num_threads
        self.columns = ()

    def cells(self):
        first = next(m for m in self.results if m is not None)
        env = (f'({first.env})' if self.show_env else '').ljust(self.env_width + 4)
        out = ['  ' + env + first.as_row_name]
        for m, column in zip(self.results, self.columns):
            if m is None:
                out.append(column.cell(None, 1, None))
            else:
                out.append(column.cell(m.median / self.time_scale, m.significant_figures,
                                       m.iqr / m.median if m.has_warnings else None))
        return out

    def separator(self, width):
        return [f'{self.num_threads} threads: '.ljust(width, '-')] if self.num_threads is not None else []

    def finish(self, cells, widths):
        best = [-1] * len(cells)
        if self.colorize == Colorize.ROWWISE:
            best = [min(m.median for m in self.results if m is not None)] * len(cells)
        elif self.colorize == Colorize.COLUMNWISE:
            best = []
            for column in self.columns:
                medians = [m.median for m in column.groups[self.group] if m is not None]
                best.append(min(medians) if medians else None)
        out = [cells[0].ljust(widths[0])]
        for text, width, m, b in zip(cells[1:], widths[1:], self.results, best):
            text = text.center(width)
            if self.colorize != Colorize.NONE and m is not None and b is not None:
                text = _colour(text, m.median, b)
            out.append(text)
        return out


def _colour(text, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + TERMINATE * 2
    if value >= best * 2:
        return BAD + text + TERMINATE * 2
    return text


def _row_key(m):
    return m.num_threads, m.env, m.as_row_name


def _table(results, colorize, trim, highlight):
    if len({m.label for m in results}) != 1:
        raise AssertionError('All results must share the same label')
    unit, scale = common.select_unit(min(m.median for m in results))
    row_keys = common.ordered_unique([_row_key(m) for m in results])
    row_keys.sort(key=operator.itemgetter(slice(2)))   # by threads and env; statements keep their order
    col_keys = common.ordered_unique([m.description for m in results])
    grid = [[None] * len(col_keys) for _ in row_keys]
    row_of = {k: i for i, k in enumerate(row_keys)}
    col_of = {k: j for j, k in enumerate(col_keys)}
    for m in results:
        grid[row_of[_row_key(m)]][col_of[m.description]] = m
    envs = {m.env for m in results}
    show_env = len(envs) > 1
    env_width = max(len(e) for e in envs) if show_env else 0
    rows, groups = [], []
    prior_threads, prior_env, group = -1, '', -1
    for (threads, env, _), cells in zip(row_keys, grid):
        new_group = threads != prior_threads
        if new_group:
            prior_threads, prior_env = threads, ''
            group += 1
            groups.append([])
        rows.append(_Row(cells, group, show_env and env != prior_env, env_width, scale, colorize,
                         threads if new_group else None))
        groups[-1].append(cells)
        prior_env = env
    columns = tuple(_Column([tuple(r[j] for r in g) for g in groups], scale, trim, highlight)
                    for j in range(len(col_keys)))
    for row in rows:
        row.columns = columns

    text_rows = [[''] + col_keys] + [row.cells() for row in rows]
    ncols = max(len(r) for r in text_rows)
    for r in text_rows:
        r.extend([''] * (ncols - len(r)))
    widths = [max(len(c) for c in column) for column in zip(*text_rows)]
    lines = ['  |  '.join(c.center(w) for c, w in zip(text_rows[0], widths))]
    width = len(lines[0])
    for cells, row in zip(text_rows[1:], rows):
        lines.extend(row.separator(width))
        lines.append('  |  '.join(row.finish(cells, widths)))
    warned = highlight and any(m.has_warnings for m in results)
    note = '(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n' if warned else ''
    title = (' ' + (results[0].label or '') + ' ').center(width - 2, '-')
    body = '\n'.join(lines)
    return f'[{title}]\n{body}\n\nTimes are in {common.unit_to_english(unit)}s ({unit}).\n{note}'


class Compare:
    """Tables of measurements: ``print(Compare(results))``.

    Args:
        results (list of Measurement): the measurements to show; measurements of the same task
            (same statement, labels and threads) are pooled.
    """

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return '\n'.join(self._render())

    def extend_results(self, results):
        """Add more measurements."""
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f'Expected an instance of `Measurement`, got {type(r)} instead.')
        self._results.extend(results)

    def trim_significant_figures(self):
        """Write each cell with only the digits its spread supports."""
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Colour cells against the best of their column (or of their row with ``rowwise=True``)."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Append ``(! XX%)`` to cells whose spread is large."""
        self._highlight_warnings = True

    def print(self):
        print(str(self))

    def _render(self):
        by_label = collections.defaultdict(list)
        for m in common.Measurement.merge(self._results):
            by_label[m.label].append(m)
        return [_table(group, self._colorize, self._trim_significant_figures, self._highlight_warnings)
                for group in by_label.values()]
