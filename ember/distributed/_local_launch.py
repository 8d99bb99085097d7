"""Start N copies of a command on this machine without MPI, as torchrun does: each gets torchrun's
variables (``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, with the ``MASTER_ADDR`` and
``MASTER_PORT`` of the environment given), so its ``init_process_group`` meets the others over TCP.
When one fails, the others are stopped and its exit code is the job's."""
import os
import signal
import socket
import subprocess
import time


def free_port(host='127.0.0.1'):
    """A port nobody listens on now (what torchrun's ``--standalone`` rendezvous takes)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def launch(cmd, nproc, env):
    """Run ``cmd`` as ranks 0..nproc-1 and wait; returns the job's exit code."""
    procs = []
    for rank in range(nproc):
        rank_env = dict(env, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(nproc),
                        LOCAL_WORLD_SIZE=str(nproc))
        procs.append(subprocess.Popen(cmd, env=rank_env))
    try:
        while True:
            codes = [p.poll() for p in procs]
            failed = [c for c in codes if c not in (None, 0)]
            if failed:
                _stop(procs)
                return failed[0] if failed[0] > 0 else 128 - failed[0]
            if all(c == 0 for c in codes):
                return 0
            time.sleep(0.05)
    except KeyboardInterrupt:
        _stop(procs)
        return 130


def _stop(procs, grace=5.0):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
