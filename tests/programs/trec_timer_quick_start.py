# PyTorch recipe "Timer quick start" (recipes_source/recipes/timer_quick_start.py), its Python parts: defining a
# Timer and timing it with blocked_autorange, and the footnote's implied ``import torch``. Timing differs run to
# run, so each measurement is printed up to its timing lines (the object's address elided) with checks that its
# statistics agree with its raw times. min_run_time=0.05 (not 1) to run in seconds. Left out: the C++ snippets
# and Callgrind instruction counts (sections 3 to 6: a C++ toolchain and valgrind under PyTorch's C++ API).
import pickle
import re

import torch
from torch.utils.benchmark import Timer

torch.manual_seed(0)


def untimed(m):
    """The measurement's printout up to its timing lines, and whether its statistics agree with its times."""
    lines = repr(m).splitlines()
    shown = [re.sub(r'0x[0-9a-f]+', '0x...', lines[0])]
    for line in lines[1:]:
        if re.match(r'\s+(Median:|[\d.]+ [mnu]?s$)', line):
            break
        shown.append(line)
    times = m.times
    shown.append(f'  [{m.task_spec.num_threads} thread(s); median within the times: '
                 f'{min(times) <= m.median <= max(times)}; IQR not negative: {m.iqr >= 0}; '
                 f'times per run: {all(abs(t * m.number_per_run - r) <= 1e-12 for t, r in zip(times, m.raw_times))}]')
    print('\n'.join(shown[:1] + [named(line) for line in shown[1:]]))


def named(text):
    """User code quoted in a printout, with the ``torch.`` prefix elided: the recorded output reads PyTorch's
    'torch' as 'ember' everywhere, the user's own code text included, which ember prints as written."""
    return text.replace('torch.', '')


timer = Timer(
    # The computation which will be run in a loop and timed.
    stmt="x * y",

    # `setup` will be run before calling the measurement loop, and is used to
    # populate any state which is needed by `stmt`
    setup="""
        x = torch.ones((128,))
        y = torch.ones((128,))
    """,

    # Control the number of threads that PyTorch uses. (Default: 1)
    num_threads=1,
)

from torch.utils.benchmark import Measurement

m: Measurement = timer.blocked_autorange(min_run_time=0.05)
untimed(m)
print(isinstance(m, Measurement), m.task_spec.stmt, named(repr(m.task_spec.setup)), m.title)

# Measurements pickle (for A/B comparisons across environments)
m2 = pickle.loads(pickle.dumps(m))
print(type(m2).__name__, m2.times == m.times, m2.median == m.median, m2.task_spec.stmt)

# the same timer given its inputs through ``globals``
timer = Timer(stmt="x * y", globals={"x": torch.ones((128,)), "y": torch.ones((128,))}, num_threads=1)
untimed(timer.blocked_autorange(min_run_time=0.05))

# Footnote: Timer puts ``torch`` in the statement's globals; other imports go in ``setup``
untimed(Timer("torch.empty(())").blocked_autorange(min_run_time=0.05))
untimed(Timer("np.zeros(())", "import numpy as np").blocked_autorange(min_run_time=0.05))
