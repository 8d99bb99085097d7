"""PyTorch's tensor-parallel examples (pytorch/examples distributed/tensor_parallelism/
tensor_parallel_example.py and sequence_parallel_example.py, from the tensor-parallel tutorial), run on CPU
with gloo under torchrun: a toy MLP split Megatron-style with ColwiseParallel/RowwiseParallel and trained
10 AdamW steps on the same inputs on every rank, then the sequence-parallel variant (inputs split along
dim 0, outputs reduce-scattered) on each rank's own inputs.

Changes from the scripts, only where they need GPUs or are not repeatable: "cpu" for "cuda", the two
scripts one after the other in one file (one launch), seeds before building each model (the scripts
build it unseeded) and for the sequence-parallel inputs, the parameters' sums printed after training,
and lines printed in one write each (the scripts' logging goes to stderr, not compared)."""
import os
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch.distributed._tensor.device_mesh import init_device_mesh
from torch.distributed._tensor import DeviceMesh, Shard

from torch.distributed.tensor.parallel import (
    parallelize_module,
    ColwiseParallel,
    RowwiseParallel,
)

import logging

logging.basicConfig(format='%(asctime)s %(message)s', datefmt='%m/%d/%Y %I:%M:%S %p', level=logging.INFO)
logger = logging.getLogger(__name__)


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


class ToyModel(nn.Module):
    """ MLP based model """
    def __init__(self):
        super(ToyModel, self).__init__()
        self.in_proj = nn.Linear(10, 32)
        self.relu = nn.ReLU()
        self.out_proj = nn.Linear(32, 5)

    def forward(self, x):
        return self.out_proj(self.relu(self.in_proj(x)))


def report(what, model):
    sums = ' '.join(f'{p.full_tensor().sum().item():.4f}' for p in model.parameters())
    print(f"{what} rank {_rank}: {sums}")


# ------------------------------------------------------------------ tensor_parallel_example.py
# create a device mesh based on the given world_size.
_world_size = int(os.environ["WORLD_SIZE"])

device_mesh = init_device_mesh(device_type = "cpu",mesh_shape = (_world_size,))
_rank = device_mesh.get_rank()

def rank_log(msg):
    """helper function to print only on global rank 0"""
    if _rank==0:
        logger.info(f"  {msg}")

print(f"Starting PyTorch TP example on rank {_rank}.")
assert _world_size % 2 == 0, f"TP examples require even number of GPUs, but got {_world_size} gpus"

rank_log(f"Device Mesh created: {device_mesh=}")

torch.manual_seed(0)
# create model and move it to GPU - init"cuda"_mesh has already mapped GPU ids.
tp_model = ToyModel().to("cpu")

# Create an optimizer for the parallelized module.
lr = 0.25
optimizer = torch.optim.AdamW(tp_model.parameters(), lr=lr, foreach=True)

# Custom parallelization plan for the model
tp_model = parallelize_module(module = tp_model,
                                device_mesh = device_mesh,
                                parallelize_plan = {
                                    "in_proj": ColwiseParallel(),
                                    "out_proj": RowwiseParallel(),
                                },
)
# Perform a num of iterations of forward/backward
# and optimizations for the sharded module.
num_iters = 10
rank_log(f"Tensor Parallel training starting...")

for i in range(num_iters):
    # For TP, input needs to be same across all TP ranks.
    # Setting the random seed is to mimic the behavior of dataloader.
    torch.manual_seed(i)
    inp = torch.rand(20, 10, device="cpu")
    output = tp_model(inp)
    output.sum().backward()
    optimizer.step()
    rank_log(f"Tensor Parallel iter {i} completed")

rank_log(f"Tensor Parallel training completed!")
report("TP", tp_model)

# ---------------------------------------------------------------- sequence_parallel_example.py
print(f"Starting PyTorch Sequence Parallel example on rank {_rank}.")

torch.manual_seed(0)
# create model and move it to GPU.  Init_device_mesh has already assigned gpu ids...
model = ToyModel().to("cpu")

# Custom parallelization plan for the model
sp_model = parallelize_module(module = model,
                                device_mesh = device_mesh,
                                parallelize_plan = {
                                    "in_proj": ColwiseParallel(input_layouts=Shard(0)),
                                    "out_proj": RowwiseParallel(output_layouts=Shard(0)),
                                },
)


# Create a optimizer for the parallelized module.
lr = 0.25
optimizer = torch.optim.AdamW(sp_model.parameters(), lr=lr, foreach=True)


# Perform a num of iterations of forward/backward
# and optimizations for the sharded module.
num_iters = 10
rank_log(f"Sequence Parallel training starting...")
torch.manual_seed(100 + _rank)

for i in range(num_iters):
    # For SP, input can be different across all ranks.
    inp = torch.rand(20, 10,device="cpu")
    output = sp_model(inp)
    output.sum().backward()
    optimizer.step()
    rank_log(f"Sequence Parallel iter {i} completed")

rank_log(f"Sequence Parallel training completed!")
report("SP", sp_model)
# PyTorch's output is an AsyncCollectiveTensor (a Tensor whose reduce-scatter may still be in flight);
# ember completes its collectives before returning, so a plain Tensor: both are Tensors of this shape
print(f"rank {_rank} SP output {tuple(output.shape)} {isinstance(output, torch.Tensor)}")
