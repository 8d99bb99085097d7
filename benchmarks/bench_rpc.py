"""RPC: call latency, tensor transfer and a distributed-autograd step between 2 spawned workers, side
by side with PyTorch's TensorPipe agent.

    python benchmarks/bench_rpc.py
    TORCH_PYTHON=/path/to/python benchmarks/bench_rpc.py

Each library starts its two workers with its own ``multiprocessing.spawn``; worker 0 measures (best of
several repeats, milliseconds):
  call_ms           ``rpc_sync`` of a function adding two integers (round trip of a tiny message)
  async_100_ms      100 ``rpc_async`` calls in flight, then waited for
  tensor_4MB_ms     ``rpc_sync`` echoing a 1M-element float32 tensor (4 MB each way)
  remote_to_here_ms ``remote`` of a small tensor and ``to_here``
  autograd_step_ms  in a distributed autograd context: an RPC with tensors that require grad, a local
                    loss, ``dist_autograd.backward`` (gradients sent back) and ``get_gradients``
"""
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _common import ROOT  # noqa: E402


def _lib(name):
    if name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
        import ember.distributed.autograd as dist_autograd
        import ember.distributed.rpc as rpc
        import ember.multiprocessing as mp
    else:
        import torch as lib
        import torch.distributed.autograd as dist_autograd
        import torch.distributed.rpc as rpc
        import torch.multiprocessing as mp
    return lib, rpc, dist_autograd, mp


def add(a, b):
    return a + b


def echo(t):
    return t


def _best(fn, number, repeat=5):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return round(min(times) * 1e3, 3)


def _measure(lib, rpc, dist_autograd):
    big = lib.ones(1_000_000)
    small = lib.ones(4)
    w = lib.ones(64, 64, requires_grad=True)
    x = lib.ones(64, 64, requires_grad=True)

    def many_async():
        for f in [rpc.rpc_async('worker1', add, args=(i, i)) for i in range(100)]:
            f.wait()

    def autograd_step():
        with dist_autograd.context() as cid:
            y = rpc.rpc_sync('worker1', lib.matmul, args=(w, x))
            dist_autograd.backward(cid, [y.sum()])
            dist_autograd.get_gradients(cid)
    return {
        'call_ms': _best(lambda: rpc.rpc_sync('worker1', add, args=(1, 2)), 200),
        'async_100_ms': _best(many_async, 3),
        'tensor_4MB_ms': _best(lambda: rpc.rpc_sync('worker1', echo, args=(big,)), 10),
        'remote_to_here_ms': _best(lambda: rpc.remote('worker1', echo, args=(small,)).to_here(), 100),
        'autograd_step_ms': _best(autograd_step, 30),
    }


def _worker(rank, name, port, out):
    lib, rpc, dist_autograd, _ = _lib(name)
    os.environ['MASTER_ADDR'], os.environ['MASTER_PORT'] = '127.0.0.1', port
    rpc.init_rpc(f'worker{rank}', rank=rank, world_size=2)
    if rank == 0:
        with open(out, 'w') as fh:
            json.dump(_measure(lib, rpc, dist_autograd), fh)
    rpc.shutdown()


def _run_one(name, out):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = str(s.getsockname()[1])
    _, _, _, mp = _lib(name)
    mp.spawn(_worker, args=(name, port, out), nprocs=2, join=True)


def main():
    if len(sys.argv) == 3:          # one library, in a process of its own
        _run_one(sys.argv[1], sys.argv[2])
        return
    import tempfile
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, python in (('ember', sys.executable), ('torch', os.environ.get('TORCH_PYTHON', sys.executable))):
            out = os.path.join(tmp, f'{name}.json')
            subprocess.run([python, os.path.abspath(__file__), name, out], check=True, timeout=600,
                           stderr=subprocess.DEVNULL)
            with open(out) as fh:
                results[name] = json.load(fh)
    print(f"{'measure':<20}{'ember':>10}{'torch':>10}{'ratio':>8}")
    for key in results['ember']:
        e, t = results['ember'][key], results['torch'][key]
        print(f"{key:<20}{e:>10.3f}{t:>10.3f}{e / t:>8.2f}")


if __name__ == '__main__':
    main()
