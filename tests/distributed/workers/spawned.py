"""Run a worker script on N processes started by ``ember.multiprocessing.spawn`` instead of MPI:

    python spawned.py N worker.py [args...]

Each process gets torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) and runs the worker,
whose ``init_process_group`` then meets the others over TCP (no MPI involved)."""
import os
import runpy
import socket
import sys

import ember.multiprocessing as mp

HERE = os.path.dirname(os.path.abspath(__file__))


def run(rank, world_size, port, argv):
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world_size), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world_size), MASTER_ADDR='127.0.0.1', MASTER_PORT=port)
    sys.path.insert(0, HERE)
    sys.argv = list(argv)
    runpy.run_path(os.path.join(HERE, argv[0]), run_name='__main__')


if __name__ == '__main__':
    n = int(sys.argv[1])
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = str(s.getsockname()[1])
    mp.spawn(run, args=(n, port, sys.argv[2:]), nprocs=n)
