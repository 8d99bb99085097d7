"""Import wall time: ``import ember`` beside ``import torch``, each in fresh interpreters.

Measures (milliseconds, best of ``BENCH_IMPORTS`` fresh interpreters, default 7, inside each round):
``import`` alone, ``import`` plus what a training script touches next (``nn``, ``optim``,
``utils.data``), and NumPy alone for scale. Bytecode caching is on (the interpreters run without
``PYTHONDONTWRITEBYTECODE``, after one warm-up import has written the caches), as for an installed
package; with caching off every import recompiles ember's sources and takes several times longer.

    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_import.py
"""
import os
import subprocess
import sys

from _common import ROOT, side_by_side

_TIMED = "import time; t = time.perf_counter(); {stmt}; print((time.perf_counter() - t) * 1000)"


def _best_ms(stmt, env, runs):
    code = _TIMED.format(stmt=stmt)
    subprocess.run([sys.executable, '-c', code], env=env, check=True, capture_output=True)   # writes the caches
    return min(float(subprocess.check_output([sys.executable, '-c', code], env=env, text=True))
               for _ in range(runs))


def bench(name):
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE'}
    if name == 'ember':
        env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    runs = int(os.environ.get('BENCH_IMPORTS', '7'))
    return {
        'import': _best_ms(f'import {name}', env, runs),
        'import + nn, optim, data': _best_ms(f'import {name}, {name}.nn, {name}.optim, {name}.utils.data',
                                             env, runs),
        'numpy alone': _best_ms('import numpy', env, runs),
    }


if __name__ == '__main__':
    side_by_side(__file__, bench, header='milliseconds', width=28, digits=1)
