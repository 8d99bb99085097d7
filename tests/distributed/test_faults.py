"""A rank that raises, dies or never arrives ends the job with an error on the others, not a hang.

The three jobs run at the same time (each mostly waits) to keep the suite short."""
import os
import subprocess
import sys
import time

from tests.distributed._launch import ROOT, WORKERS, mpi_env, mpirun, require_mpi

WORKER = os.path.join(WORKERS, 'faults.py')


def test_failed_ranks_end_their_jobs():
    require_mpi()
    jobs = {
        # the survivor would wait 120 s in its all_reduce: the failed rank's abort ends the job
        'kill': [mpirun(), '-n', '2', '--oversubscribe', sys.executable, WORKER, 'kill'],
        # through `ember run`, which catches the script's exception itself
        'raise': [sys.executable, '-m', 'ember', 'run', '--nproc', '2', WORKER, 'raise'],
        'exit': [sys.executable, '-m', 'ember', 'run', '--nproc', '2', WORKER, 'exit'],
        # rank 1 sleeps 60 s instead of joining; rank 0's all_reduce times out after 1 s and its
        # uncaught error (sys.excepthook under plain mpirun) aborts the job
        'timeout': [mpirun(), '-n', '2', '--oversubscribe', sys.executable, WORKER, 'timeout'],
    }
    start = time.monotonic()
    procs = {k: subprocess.Popen(cmd, env=mpi_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for k, cmd in jobs.items()}
    outs = {}
    for k, p in procs.items():
        try:
            outs[k] = p.communicate(timeout=90)[0]
        finally:
            if p.poll() is None:
                p.kill()
    seconds = time.monotonic() - start
    for k, p in procs.items():
        assert p.returncode != 0, (k, outs[k])
        assert 'should not have' not in outs[k], outs[k]
    assert seconds < 55, outs  # well under the 60 s the sleeping rank would take (about 15 s when the machine is quiet)
    assert 'ValueError: rank 1 failed on purpose' in outs['raise'], outs['raise']
    assert 'DistBackendError: all_reduce timed out after 1 s on rank 0 of 2' in outs['timeout'], outs['timeout']
