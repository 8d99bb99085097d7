"""NCCL: all_reduce bandwidth of CUDA tensors between 2 processes (one GPU each), side by side with PyTorch.

    python benchmarks/bench_nccl.py     # needs 2+ GPUs, CuPy with NCCL, mpi4py + Open MPI
    TORCH_PYTHON=/path/to/python benchmarks/bench_nccl.py

Each library runs under ``mpirun -n 2``; rank r uses cuda:r and an 'nccl' process group (torch rendezvouses
through torchrun's variables taken from Open MPI's). Measured, best of several repeats, after a check that the
sum is right:
  all_reduce_64MB_ms       all_reduce (SUM) of a 16M-element float32 CUDA tensor, the host waiting for the result
  bus_GBps                 NCCL's bus bandwidth for it: 2 (n - 1) / n x bytes / time
  staged_all_reduce_64MB_ms  (ember only) the same through a 'gloo' group: staged through host memory for MPI
ember also reports whether its NCCL path ran (the group made an NCCL communicator).
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import import_lib, run_two_ranks  # noqa: E402

N = 16 * 1024 * 1024


def _env_from_mpi():
    for a, b in (('RANK', 'OMPI_COMM_WORLD_RANK'), ('WORLD_SIZE', 'OMPI_COMM_WORLD_SIZE'),
                 ('LOCAL_RANK', 'OMPI_COMM_WORLD_LOCAL_RANK')):
        if b in os.environ:
            os.environ.setdefault(a, os.environ[b])
    os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
    os.environ.setdefault('MASTER_PORT', '29534')


def _time_all_reduce(lib, dist, t, group=None, repeat=10):
    ts = []
    for _ in range(repeat + 2):
        dist.barrier(group=group)
        lib.cuda.synchronize()
        t0 = time.perf_counter()
        dist.all_reduce(t, group=group)
        lib.cuda.synchronize()
        ts.append(time.perf_counter() - t0)
    return min(ts[2:]) * 1e3


def rank_main(lib_name):
    _env_from_mpi()
    lib = import_lib(lib_name)
    dist = lib.distributed
    rank = int(os.environ['RANK'])
    lib.cuda.set_device(rank)
    dist.init_process_group('nccl', init_method='env://')
    n = dist.get_world_size()
    t = lib.full((4,), float(rank + 1), device=f'cuda:{rank}')
    dist.all_reduce(t)
    assert t.cpu().tolist() == [n * (n + 1) / 2] * 4, t
    res = {}
    if lib_name == 'ember':
        from ember.distributed._group import _default_group
        res['nccl_path_ran'] = bool(_default_group()._nccl_comms)
    t = lib.ones(N, device=f'cuda:{rank}')
    res['all_reduce_64MB_ms'] = _time_all_reduce(lib, dist, t)
    res['bus_GBps'] = 2 * (n - 1) / n * t.numel() * 4 / (res['all_reduce_64MB_ms'] / 1e3) / 1e9
    if lib_name == 'ember':
        staged = dist.new_group(backend='gloo')
        res['staged_all_reduce_64MB_ms'] = _time_all_reduce(lib, dist, t, staged, repeat=3)
    if rank == 0:
        print(repr(res), flush=True)
    dist.destroy_process_group()


def _launch(python, lib_name):
    return run_two_ranks(__file__, python, lib_name)


def main():
    ours = _launch(sys.executable, 'ember')
    theirs = None
    try:
        theirs = _launch(os.environ.get('TORCH_PYTHON', sys.executable), 'torch')
    except (subprocess.CalledProcessError, FileNotFoundError, SyntaxError):
        print('PyTorch with CUDA and NCCL did not run: ember\'s numbers only')
    print(f"ember's NCCL path ran: {ours.pop('nccl_path_ran')}")
    print(f"{'measure (2 ranks, 2 GPUs)':<30}{'ember':>10}{'torch':>10}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        print(f"{k:<30}{v:>10.2f}{(t if t else float('nan')):>10.2f}{(f'{v / t:.2f}' if t else '-'):>8}")


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--rank':
        rank_main(sys.argv[2])
    else:
        main()
