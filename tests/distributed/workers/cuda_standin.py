"""Collectives and DDP on CUDA tensors, on CI's strict CuPy stand-in (tests/cuda/strict_xp.py: two devices whose
arrays refuse implicit conversion to NumPy): results land on each tensor's own device. The stand-in's NCCL is
hidden, so ember stages CUDA tensors through host memory for MPI: this checks that path (the fallback where CuPy
has no NCCL); workers/nccl_standin.py checks the NCCL path."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
from tests.cuda import strict_xp  # noqa: E402

strict_xp.install()
strict_xp.cuda.nccl.available = False   # CuPy built without NCCL

import ember  # noqa: E402
import ember.distributed as dist  # noqa: E402
import ember.nn as nn  # noqa: E402
from _checks import ok  # noqa: E402

dist.init_process_group('nccl')
rank, n = dist.get_rank(), dist.get_world_size()
dev = f'cuda:{rank}'


def elsewhere(*tensors):
    """Make the other device current (a script that never calls set_device has cuda:0 current on every rank):
    results must still land in the tensors on ``dev``."""
    ember.cuda.set_device(1 - rank)
    return tensors[0] if len(tensors) == 1 else tensors


t = ember.full((3,), float(rank + 1), device=dev)
dist.all_reduce(elsewhere(t))
assert t.device == ember.device(dev) and t.cpu().tolist() == [3.0] * 3
t = ember.full((3,), float(rank + 1), device=dev)
dist.all_reduce(elsewhere(t), op=dist.ReduceOp.AVG, async_op=True).wait()
assert t.device == ember.device(dev) and t.cpu().tolist() == [1.5] * 3
b = ember.arange(4, device=dev) * (rank + 1)
dist.broadcast(elsewhere(b), src=1)
assert b.device == ember.device(dev) and b.cpu().tolist() == [0, 2, 4, 6]
cat = ember.zeros(2, 3, device=dev)
dist.all_gather_into_tensor(*elsewhere(cat, ember.full((3,), float(rank), device=dev)))
assert cat.device == ember.device(dev) and cat.cpu().tolist() == [[0.0] * 3, [1.0] * 3]
half = ember.zeros(2, device=dev)
dist.reduce_scatter_tensor(*elsewhere(half, ember.arange(4, dtype=ember.float32, device=dev) + 10 * rank))
assert half.device == ember.device(dev) and half.cpu().tolist() == [[10.0, 12.0], [14.0, 16.0]][rank]
if rank == 0:
    dist.send(ember.tensor([1.5, 2.5], device=dev), dst=1)
else:
    got = ember.zeros(2, device=dev)
    dist.recv(elsewhere(got), src=0)
    assert got.device == ember.device(dev) and got.cpu().tolist() == [1.5, 2.5]
ok('cuda-collectives')

# DDP of a module on this rank's device: the averaged gradients stay on the device
ember.manual_seed(0)
model = nn.Linear(4, 2).to(dev)
ddp = nn.parallel.DistributedDataParallel(elsewhere(model), device_ids=[rank])   # broadcasts rank 0's parameters
x = ember.full((3, 4), float(rank + 1), device=dev)
loss = ddp(x).sum()
elsewhere(loss).backward()
assert model.weight.grad.device == ember.device(dev)
np.testing.assert_allclose(model.weight.grad.cpu().numpy(), np.full((2, 4), 4.5))   # mean over ranks of 3 * (r + 1)
assert strict_xp.cuda.nccl.log == []
ok('cuda-ddp')
dist.destroy_process_group()
