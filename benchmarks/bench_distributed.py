"""Distributed: all_reduce bandwidth and DDP step time on 2 ranks, side by side with PyTorch's gloo.

    python benchmarks/bench_distributed.py        # needs mpi4py + Open MPI (pip install 'ember[mpi]')
    TORCH_PYTHON=/path/to/python benchmarks/bench_distributed.py

Each library runs under ``mpirun -n 2`` (torch with gloo, its CPU back end, rendezvousing through
torchrun's variables taken from Open MPI's). Measured, best of several repeats:
  all_reduce_10M_ms   all_reduce (SUM) of a 10M-element float32 tensor (40 MB) between 2 ranks;
                      for ember also raw mpi4py ``Allreduce`` on the same NumPy buffers, interleaved,
                      and ember's share of that bandwidth (the target is >= 90 %)
  ddp_step_1rank_ms   one training step (forward, backward, SGD) of a 784-256-128-10 MLP, batch 64, in
                      one process without DDP
  ddp_step_2ranks_ms  the same step under DistributedDataParallel on 2 ranks (batch 64 each)
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import import_lib, run_two_ranks  # noqa: E402

N = 10_000_000


def _env_from_mpi():
    for a, b in (('RANK', 'OMPI_COMM_WORLD_RANK'), ('WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE')):
        if b in os.environ:
            os.environ.setdefault(a, os.environ[b])
    os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
    os.environ.setdefault('MASTER_PORT', '29533')


def _min(ts):
    return min(ts) * 1e3


def _step_time(lib, model, opt, x, y, repeat=30):
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    for _ in range(3):
        step()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    return _min(ts)


def _mlp(lib):
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def rank_main(lib_name):
    _env_from_mpi()
    lib = import_lib(lib_name)
    if lib_name == 'torch':
        lib.set_num_threads(1)   # two ranks share the cores
    import numpy as np
    dist = lib.distributed
    dist.init_process_group('gloo', init_method='env://')
    rank = dist.get_rank()
    res = {}
    t = lib.ones(N)
    ts, raw = [], []
    if lib_name == 'ember':
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
        send = np.ones(N, np.float32)
        recv = np.empty_like(send)
    for _ in range(12):
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(t)
        ts.append(time.perf_counter() - t0)
        if lib_name == 'ember':
            comm.Barrier()
            t0 = time.perf_counter()
            comm.Allreduce(send, recv)
            raw.append(time.perf_counter() - t0)
    res['all_reduce_10M_ms'] = _min(ts)
    if raw:
        res['mpi4py_Allreduce_10M_ms'] = _min(raw)
    # DDP step on 2 ranks vs the plain step in one process (rank 0 alone, while rank 1 waits)
    gen = lib.Generator()
    gen.manual_seed(rank)
    x = lib.randn(64, 784, generator=gen)
    y = lib.randint(0, 10, (64,), generator=gen)
    if rank == 0:
        model = _mlp(lib)
        res['ddp_step_1rank_ms'] = _step_time(lib, model, lib.optim.SGD(model.parameters(), lr=0.01), x, y)
    dist.barrier()
    ddp = lib.nn.parallel.DistributedDataParallel(_mlp(lib))
    res['ddp_step_2ranks_ms'] = _step_time(lib, ddp, lib.optim.SGD(ddp.parameters(), lr=0.01), x, y)
    if rank == 0:
        print(repr(res), flush=True)
    dist.destroy_process_group()


def _launch(python, lib_name):
    return run_two_ranks(__file__, python, lib_name, oversubscribe=True, quiet=True)


def main():
    ours = _launch(sys.executable, 'ember')
    theirs = None
    try:
        theirs = _launch(os.environ.get('TORCH_PYTHON', sys.executable), 'torch')
    except (subprocess.CalledProcessError, FileNotFoundError, SyntaxError):
        pass
    print(f"{'measure (2 ranks)':<28}{'ember':>10}{'torch':>10}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        print(f"{k:<28}{v:>10.2f}{(t if t else float('nan')):>10.2f}{(f'{v / t:.2f}' if t else '-'):>8}")
    share = ours['mpi4py_Allreduce_10M_ms'] / ours['all_reduce_10M_ms']
    print(f"ember all_reduce bandwidth: {40 / ours['all_reduce_10M_ms']:.2f} GB/s, "
          f"{100 * share:.0f} % of raw mpi4py Allreduce ({40 / ours['mpi4py_Allreduce_10M_ms']:.2f} GB/s)")


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--rank':
        rank_main(sys.argv[2])
    else:
        main()
