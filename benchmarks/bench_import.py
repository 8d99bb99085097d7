"""Import time: ``import ember`` beside ``import torch``, each in fresh interpreters.

Measures (milliseconds, best of ``BENCH_IMPORTS`` fresh interpreters, default 7, inside each round):
``import`` alone, ``import`` plus what a training script touches next (``nn``, ``optim``,
``utils.data``), and NumPy alone for scale; wall time, or CPU time with ``BENCH_TIMER=process``. Bytecode caching is on (the interpreters run without
``PYTHONDONTWRITEBYTECODE``, after one warm-up import has written the caches), as for an installed
package; with caching off every import recompiles ember's sources and takes several times longer.

    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_import.py
"""
import os
import subprocess
import sys

from _common import ROOT, side_by_side

_TIMED = "import time; t = time.{clock}(); {stmt}; print((time.{clock}() - t) * 1000)"


def best_import_ms(stmt, env, runs):
    """Milliseconds ``stmt`` takes in a fresh interpreter, best of ``runs`` (after one warm-up run that
    writes the bytecode caches): wall time, or the interpreter's CPU time with ``BENCH_TIMER=process``
    (which leaves out waiting for a core on a crowded machine)."""
    clock = 'process_time' if os.environ.get('BENCH_TIMER') == 'process' else 'perf_counter'
    code = _TIMED.format(clock=clock, stmt=stmt)
    subprocess.run([sys.executable, '-c', code], env=env, check=True, capture_output=True)   # writes the caches
    return min(float(subprocess.check_output([sys.executable, '-c', code], env=env, text=True))
               for _ in range(runs))


def import_env(name):
    """The environment of the fresh interpreters: bytecode caches on, ember from this checkout."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE'}
    if name == 'ember':
        env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    return env


def bench(name):
    env = import_env(name)
    runs = int(os.environ.get('BENCH_IMPORTS', '7'))
    return {
        'import': best_import_ms(f'import {name}', env, runs),
        'import + nn, optim, data': best_import_ms(f'import {name}, {name}.nn, {name}.optim, {name}.utils.data',
                                                   env, runs),
        'numpy alone': best_import_ms('import numpy', env, runs),
    }


if __name__ == '__main__':
    side_by_side(__file__, bench, header='milliseconds', width=28, digits=1)
