"""What every benchmark shares: importing ember or torch, timing, seed 002's LeNet, peak memory of a
training step, and running the same script once per library (each in its own process, the two
alternating for a few rounds, medians reported) to print the two side by side.

Environment: ``TORCH_PYTHON`` (a Python with torch), ``BENCH_ROUNDS`` (rounds, default 3),
``BENCH_THREADS`` (threads for both libraries; default every core), ``BENCH_TIMER=process`` (CPU time
instead of wall time; with ``BENCH_THREADS=1`` on a crowded machine). On a machine shared with other
work, ``BENCH_THREADS=1`` gives the steadiest ratios: multithreaded BLAS spins when its threads
are descheduled.
"""
import os
import subprocess
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def import_lib(name):
    """ember (from this checkout) or torch (using every core, as a PyTorch user would)."""
    if name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
        import ember.nn  # noqa: F401
        import ember.optim  # noqa: F401  (lib.optim, as torch has it)
    else:
        import torch as lib
    # both libraries get the same number of threads: $BENCH_THREADS, or every core
    threads = int(os.environ.get('BENCH_THREADS', '0')) or os.cpu_count() or 1
    try:
        lib.set_num_threads(threads)
    except RuntimeError:  # ember without threadpoolctl: the runner's environment variables apply
        pass
    return lib


def best(fn, number, repeat=5):
    """Seconds per call, best of ``repeat`` runs: on a shared machine the minimum is the uncontended time.
    ``BENCH_TIMER=process`` counts the process's CPU time instead of wall time, which leaves out the
    time it waits for a core on a crowded machine (meaningful for single-threaded runs only)."""
    fn()
    timer = time.process_time if os.environ.get('BENCH_TIMER') == 'process' else time.perf_counter
    return min(timeit.repeat(fn, number=number, repeat=repeat, timer=timer)) / number


def lenet(lib):
    """Seed 002's CIFAR network, written as its user wrote it."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return Net()


def _status_kb(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise KeyError(field)


def peak_rss_growth_mb(step, steps=5):
    """How far resident memory rises above its level before training while ``steps`` steps run
    (the first one included: it allocates gradients and optimizer state): the step's peak memory,
    counted the same way for both libraries, each in its own process. tracemalloc cannot see
    PyTorch's allocator; RSS sees both. On Linux the peak is reset first (``/proc/self/clear_refs``)
    so that earlier peaks (imports, building the model) do not count; elsewhere the process's peak
    since start is used.
    """
    import gc
    gc.collect()
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')  # reset VmHWM to the current RSS
        before = _status_kb('VmRSS')
        for _ in range(steps):
            step()
        return (_status_kb('VmHWM') - before) / 1024
    except OSError:
        import resource
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(steps):
            step()
        return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def _median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def side_by_side(script, bench, header='measure', width=24, digits=3, rounds=None):
    """Run ``bench('ember')`` and ``bench('torch')`` in separate processes and print ratios.

    ``script`` re-runs itself with ``--one NAME``; torch comes from ``$TORCH_PYTHON`` (default: this
    interpreter) and is left out when it cannot be imported. The two alternate for ``rounds`` rounds
    (``$BENCH_ROUNDS``, default 3) and each measure is the median over rounds, so that load from other
    processes on a shared machine falls on both libraries alike.
    """
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
        return
    ours, theirs = interleaved_medians(script, rounds)
    print(f"{header:<{width}}{'ember':>12}{'torch':>12}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        ratio = f'{v / t:.2f}' if t else '-'
        print(f"{k:<{width}}{v:>12.{digits}f}{(t if t else float('nan')):>12.{digits}f}{ratio:>8}")
    return ours, theirs


def interleaved_medians(script, rounds=None, extra=()):
    """``script --one ember [extra...]`` and ``script --one torch [extra...]`` (each printing a dict
    of measures), alternating for ``rounds`` rounds: the medians of each measure, ember's and
    torch's (None when torch cannot be imported)."""
    rounds = rounds or int(os.environ.get('BENCH_ROUNDS', '3'))
    threads = os.environ.get('BENCH_THREADS')
    if threads:  # BLAS/OpenMP pools read these at start; set_num_threads in import_lib does the rest
        for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
            os.environ[var] = threads
    torch_python = os.environ.get('TORCH_PYTHON', sys.executable)
    ours_runs, theirs_runs = [], []
    for _ in range(rounds):
        ours_runs.append(eval(subprocess.check_output([sys.executable, script, '--one', 'ember', *extra],
                                                      text=True)))
        try:
            theirs_runs.append(eval(subprocess.check_output([torch_python, script, '--one', 'torch', *extra],
                                                            text=True, stderr=subprocess.DEVNULL)))
        except (subprocess.CalledProcessError, FileNotFoundError):
            pass
    ours = {k: _median([r[k] for r in ours_runs]) for k in ours_runs[0]}
    theirs = {k: _median([r[k] for r in theirs_runs if k in r]) for k in theirs_runs[0]} if theirs_runs else None
    return ours, theirs


def run_two_ranks(script, python, lib_name, oversubscribe=False, quiet=False):
    """The dict the last line of ``script --rank lib_name`` prints on rank 0 of a 2-process ``mpirun`` (the
    ``mpirun`` beside this Python when there is one) running ``python``, ranks single-threaded."""
    here = os.path.join(os.path.dirname(sys.executable), 'mpirun')
    mpirun = here if os.access(here, os.X_OK) else 'mpirun'
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT='1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1', OMP_NUM_THREADS='1',
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    command = [mpirun, '-n', '2'] + (['--oversubscribe'] if oversubscribe else []) + [python, script, '--rank',
                                                                                       lib_name]
    out = subprocess.check_output(command, env=env, text=True, stderr=subprocess.DEVNULL if quiet else None)
    return eval(out.strip().splitlines()[-1])
