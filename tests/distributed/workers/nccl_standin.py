"""Collectives and DDP on CUDA tensors of an 'nccl' process group, on CI's strict CuPy stand-in with its NCCL
stand-in (tests/cuda/strict_xp.py: a communicator between processes that exchanges the device arrays' host data
over MPI). Checks each result against NumPy, that NCCL ran the collective (the stand-in's log), and that nothing
was staged through host memory (ember's staging helpers are watched)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
from tests.cuda import strict_xp  # noqa: E402

strict_xp.install()

import ember  # noqa: E402
import ember.distributed as dist  # noqa: E402
import ember.nn as nn  # noqa: E402
from ember.distributed import _collectives  # noqa: E402
from _checks import ok  # noqa: E402

staged = []
_host = _collectives._host


def watched_host(t):
    if t.device.type == 'cuda':
        staged.append(t)
    return _host(t)


_collectives._host = watched_host
log = strict_xp.cuda.nccl.log

dist.init_process_group('cpu:gloo,cuda:nccl')
assert dist.get_backend() == 'cpu:gloo,cuda:nccl'
rank, n = dist.get_rank(), dist.get_world_size()
dev = f'cuda:{rank}'
ember.cuda.set_device(1 - rank)   # results must land on each tensor's own device, whichever is current


def ran(kind, check):
    """``check`` ran through NCCL's ``kind`` and staged nothing through host memory."""
    before = len(log)
    out = check()
    assert log[before:] == [kind], (kind, log[before:])
    assert not staged, staged
    return out


def rows(dtype=np.float32):
    """Each rank's input, as NumPy computes them: rank r holds [r + 1, 2 - r, 3 * r - 1, 0.5]."""
    return [np.array([r + 1, 2 - r, 3 * r - 1, 0.5], dtype) for r in range(n)]


# all_reduce: every reduction NCCL has, float32, on every rank
for op, reduce in ((dist.ReduceOp.SUM, np.sum), (dist.ReduceOp.PRODUCT, np.prod), (dist.ReduceOp.MAX, np.max),
                   (dist.ReduceOp.MIN, np.min), (dist.ReduceOp.AVG, np.mean)):
    t = ember.tensor(rows()[rank], device=dev)
    ran('allReduce', lambda: dist.all_reduce(t, op=op))
    assert t.device == ember.device(dev)
    np.testing.assert_allclose(t.cpu().numpy(), reduce(np.stack(rows()), axis=0), rtol=1e-6)
# other dtypes: int64, float64, float16, bool (a sum is a logical or), complex (real and imaginary parts)
t = ember.tensor(rows(np.int64)[rank], device=dev)
ran('allReduce', lambda: dist.all_reduce(t, op=dist.ReduceOp.MAX))
assert t.dtype == ember.int64 and t.cpu().tolist() == np.max(np.stack(rows(np.int64)), axis=0).tolist()
t = ember.tensor(rows(np.float16)[rank], device=dev)
ran('allReduce', lambda: dist.all_reduce(t))
assert t.cpu().numpy().tolist() == np.sum(np.stack(rows(np.float16)), axis=0).tolist()
t = ember.tensor([rank == 0, rank == 1, False], device=dev)
ran('allReduce', lambda: dist.all_reduce(t))
assert t.cpu().tolist() == [True, True, False]
t = ember.tensor([1 + 2j * rank, rank - 1j], dtype=ember.complex64, device=dev)
ran('allReduce', lambda: dist.all_reduce(t, op=dist.ReduceOp.AVG))
np.testing.assert_allclose(t.cpu().numpy(), np.mean([[1 + 2j * r, r - 1j] for r in range(n)], axis=0))
# a non-contiguous tensor (a transpose): the result is written back into its own memory
base = ember.tensor(np.arange(6, dtype=np.float64).reshape(2, 3) * (rank + 1), device=dev)
t = base.t()
ran('allReduce', lambda: dist.all_reduce(t))
np.testing.assert_array_equal(base.cpu().numpy(), np.arange(6.).reshape(2, 3) * 3)
# async: a Work that completes on the stream
t = ember.tensor(rows()[rank], device=dev)
work = ran('allReduce', lambda: dist.all_reduce(t, async_op=True))
assert work.wait() is True and work.is_completed() and work.is_success()
np.testing.assert_allclose(t.cpu().numpy(), np.sum(np.stack(rows()), axis=0))
# before NCCL 2.10 (no ncclAvg) AVG is a sum divided on the device
nccl_lib = strict_xp.cuda.nccl
nccl_lib.get_version = lambda: 20903
t = ember.tensor(rows()[rank], device=dev)
ran('allReduce', lambda: dist.all_reduce(t, op=dist.ReduceOp.AVG))
np.testing.assert_allclose(t.cpu().numpy(), np.mean(np.stack(rows()), axis=0), rtol=1e-6)
del nccl_lib.get_version
# a subgroup has its own communicator
sub = dist.new_group([0, 1], backend='nccl')
t = ember.tensor(rows()[rank], device=dev)
ran('allReduce', lambda: dist.all_reduce(t, op=dist.ReduceOp.MIN, group=sub))
np.testing.assert_array_equal(t.cpu().numpy(), np.min(np.stack(rows()), axis=0))
assert sub._nccl_comms and sub._nccl_comms[rank] is not dist.group.WORLD._nccl_comms[rank]
# reductions NCCL lacks run through the staging path, with the same results
t = ember.tensor([6 + rank, 3], device=dev)
before = len(log)
dist.all_reduce(t, op=dist.ReduceOp.BAND)
assert t.cpu().tolist() == [6 & 7, 3] and len(log) == before and len(staged) == 1
staged.clear()
ok('nccl-all_reduce')

# reduce: the destination receives the reduction; the other rank's tensor is left as it was (NCCL's behaviour)
t = ember.tensor(rows()[rank], device=dev)
ran('reduce', lambda: dist.reduce(t, dst=1, op=dist.ReduceOp.MAX))
expected = np.max(np.stack(rows()), axis=0) if rank == 1 else rows()[rank]
np.testing.assert_array_equal(t.cpu().numpy(), expected)
t = ember.tensor(rows()[rank], device=dev)
ran('reduce', lambda: dist.reduce(t, dst=0, op=dist.ReduceOp.AVG))
np.testing.assert_allclose(t.cpu().numpy(), np.mean(np.stack(rows()), axis=0) if rank == 0 else rows()[rank])
ok('nccl-reduce')

# broadcast (any dtype travels: int64 here, bfloat16 as bytes)
b = ember.arange(4, device=dev) * (rank + 1)
ran('broadcast', lambda: dist.broadcast(b, src=1))
assert b.device == ember.device(dev) and b.cpu().tolist() == [0, 2, 4, 6]
b = ember.full((3,), rank + 0.5, dtype=ember.bfloat16, device=dev)
ran('broadcast', lambda: dist.broadcast(b, src=0))
assert b.float().cpu().tolist() == [0.5] * 3
ok('nccl-broadcast')

# all_gather (into a list) and all_gather_into_tensor
parts = [ember.zeros(4, device=dev) for _ in range(n)]
ran('allGather', lambda: dist.all_gather(parts, ember.tensor(rows()[rank], device=dev)))
for p, want in zip(parts, rows()):
    assert p.device == ember.device(dev)
    np.testing.assert_array_equal(p.cpu().numpy(), want)
cat = ember.zeros(n, 4, device=dev)
ran('allGather', lambda: dist.all_gather_into_tensor(cat, ember.tensor(rows()[rank], device=dev)))
np.testing.assert_array_equal(cat.cpu().numpy(), np.stack(rows()))
ok('nccl-all_gather')

# reduce_scatter (a list of inputs) and reduce_scatter_tensor: rank r receives chunk r of the reduction
inputs = [np.arange(4, dtype=np.float32) + 10 * r for r in range(n)]
half = ember.zeros(2, device=dev)
ran('reduceScatter', lambda: dist.reduce_scatter_tensor(half, ember.tensor(inputs[rank], device=dev)))
np.testing.assert_array_equal(half.cpu().numpy(), np.sum(inputs, axis=0).reshape(n, 2)[rank])
half = ember.zeros(2, device=dev)
chunks = [ember.tensor(c, device=dev) for c in inputs[rank].reshape(n, 2)]
ran('reduceScatter', lambda: dist.reduce_scatter(half, chunks, op=dist.ReduceOp.MIN))
np.testing.assert_array_equal(half.cpu().numpy(), np.min(inputs, axis=0).reshape(n, 2)[rank])
ok('nccl-reduce_scatter')

# point to point: send/recv (recv returns the sender), isend/irecv with their Work
if rank == 0:
    ran('send', lambda: dist.send(ember.tensor([1.5, 2.5], device=dev), dst=1))
    got = ember.zeros(3, dtype=ember.int32, device=dev)
    work = ran('recv', lambda: dist.irecv(got, src=1))
    work.wait()
    assert got.cpu().tolist() == [7, 8, 9]
else:
    got = ember.zeros(2, device=dev)
    assert ran('recv', lambda: dist.recv(got, src=0)) == 0
    assert got.device == ember.device(dev) and got.cpu().tolist() == [1.5, 2.5]
    ran('send', lambda: dist.isend(ember.tensor([7, 8, 9], dtype=ember.int32, device=dev), dst=0)).wait()
ok('nccl-p2p')

# barrier: an all-reduce of one element on the device
ran('allReduce', lambda: dist.barrier())
ok('nccl-barrier')

# DDP of a module on this rank's device: the gradient buckets are averaged by NCCL on the device
from ember import backend  # noqa: E402
to_host = []
_to_numpy = backend.to_numpy


def watched_to_numpy(arr, *args, **kwargs):
    if not isinstance(arr, np.ndarray):
        to_host.append(arr)
    return _to_numpy(arr, *args, **kwargs)


ember.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).to(dev)
ddp = nn.parallel.DistributedDataParallel(model, device_ids=[rank], bucket_cap_mb=1e-5)   # one bucket per layer
x = ember.tensor(np.arange(12.).reshape(3, 4) * (rank + 1) / 10, dtype=ember.float32, device=dev)
for step in range(2):   # the second step writes into the .grad tensors the first made
    before = len(log)
    backend.to_numpy = watched_to_numpy
    try:
        ddp(x).sum().backward()
    finally:
        backend.to_numpy = _to_numpy
    assert len(log) - before >= 2 and set(log[before:]) == {'allReduce'} and not to_host, (log[before:], to_host)
    assert model[0].weight.grad.device == ember.device(dev)
# NumPy's expectation: the mean over ranks of each rank's gradient (the same parameters, each rank's batch)
w1, b1, w2, b2 = (p.detach().cpu().numpy().astype(np.float64) for p in model.parameters())
grads = []
for r in range(n):
    xr = np.arange(12.).reshape(3, 4) * (r + 1) / 10
    h = np.tanh(xr @ w1.T + b1)
    dh = (np.ones((3, 2)) @ w2) * (1 - h ** 2)
    grads.append([dh.T @ xr, dh.sum(0), np.ones((3, 2)).T @ h, np.full(2, 3.0)])
for p, want in zip(model.parameters(), [np.mean(g, axis=0) for g in zip(*grads)]):
    np.testing.assert_allclose(p.grad.cpu().numpy(), 2 * want, rtol=1e-5)   # two backwards accumulate
ok('nccl-ddp')
dist.destroy_process_group()
