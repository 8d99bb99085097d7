"""PyTorch's "Getting Started with DeviceMesh" recipe (recipes/distributed_device_mesh), run on CPU with gloo
under torchrun with 4 processes: the 2-D (replicate, shard) process groups built by hand with ``new_group``,
the same with ``init_device_mesh`` and ``get_group``, and hybrid sharding (HSDP) of a toy model on the 2-D
mesh, trained one step.

Changes from the recipe, only where it needs GPUs or is not repeatable: gloo for nccl, no
``torch.cuda.set_device``, the world size for ``torch.cuda.device_count()``, a (2, 2) mesh for (2, 4) (4
processes), FSDP2's ``fully_shard(model, mesh=mesh_2d)`` for the ``FSDP(..., HYBRID_SHARD)`` wrapper
(PyTorch's FSDP1 refuses to run without an accelerator), the groups' ranks, an all-reduce over each and
the step's results printed, and lines printed in one write each."""
import os
import sys

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


# Understand world topology
rank = int(os.environ["RANK"])
world_size = int(os.environ["WORLD_SIZE"])
print(f"Running example on {rank=} in a world with {world_size=}")

# Create process groups to manage 2-D like parallel pattern
dist.init_process_group("gloo")

# Create shard groups (e.g. (0, 1), (2, 3))
# and assign the correct shard group to each rank
num_node_devices = world_size
shard_rank_lists = list(range(0, num_node_devices // 2)), list(range(num_node_devices // 2, num_node_devices))
shard_groups = (
    dist.new_group(shard_rank_lists[0]),
    dist.new_group(shard_rank_lists[1]),
)
current_shard_group = (
    shard_groups[0] if rank in shard_rank_lists[0] else shard_groups[1]
)

# Create replicate groups (for example, (0, 2), (1, 3))
# and assign the correct replicate group to each rank
current_replicate_group = None
shard_factor = len(shard_rank_lists[0])
for i in range(num_node_devices // 2):
    replicate_group_ranks = list(range(i, num_node_devices, shard_factor))
    replicate_group = dist.new_group(replicate_group_ranks)
    if rank in replicate_group_ranks:
        current_replicate_group = replicate_group


def report(how, shard_group, replicate_group):
    t = torch.tensor([float(rank)])
    dist.all_reduce(t, group=shard_group)
    r = torch.tensor([float(rank)])
    dist.all_reduce(r, group=replicate_group)
    print(f"{how} rank {rank}: shard group {dist.get_process_group_ranks(shard_group)} sum {t.item()}, "
          f"replicate group {dist.get_process_group_ranks(replicate_group)} sum {r.item()}")


report("by hand", current_shard_group, current_replicate_group)

mesh_2d = init_device_mesh("cpu", (2, 2), mesh_dim_names=("replicate", "shard"))

# Users can acess the undelying process group thru `get_group` API.
replicate_group = mesh_2d.get_group(mesh_dim="replicate")
shard_group = mesh_2d.get_group(mesh_dim="shard")
report("device mesh", shard_group, replicate_group)
if rank == 0:
    print(mesh_2d)


class ToyModel(nn.Module):
    def __init__(self):
        super(ToyModel, self).__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


# HSDP: MeshShape(2, 2)
torch.manual_seed(0)
model = ToyModel()
fully_shard(model, mesh=mesh_2d)
if rank == 3:
    for name, p in model.named_parameters():
        print(name, p.placements, tuple(p.to_local().shape))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
torch.manual_seed(1 + rank)
loss = model(torch.randn(4, 10)).pow(2).mean()
loss.backward()
optimizer.step()
weights = sum(p.full_tensor().sum().item() for p in model.parameters())
grads = sum(p.grad.full_tensor().sum().item() for p in model.parameters())
print(f"HSDP rank {rank}: loss {loss.item():.5f} weights {weights:.5f} grads {grads:.5f}")
dist.destroy_process_group()
