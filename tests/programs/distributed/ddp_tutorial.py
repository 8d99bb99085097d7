"""PyTorch's "Getting Started with Distributed Data Parallel" tutorial (intermediate/ddp_tutorial), run on
CPU with gloo: the basic use case, checkpointing on rank 0 behind a barrier, and DDP around a model split
over two devices (here both the CPU), each started with ``mp.spawn``.

Changes from the tutorial, only where it needs GPUs or is not repeatable: models stay on the CPU (no
``.to(rank)``, no ``device_ids``), every rank seeds its generator and prints its loss and parameter sums,
the port is a free one the parent picks, and the checkpoint lands in the working folder."""
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.optim as optim
from torch.nn.parallel import DistributedDataParallel as DDP


def say(line):
    # one write per line: the ranks print side by side, and two writes (text, then newline) can interleave
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def setup(rank, world_size, port):
    os.environ['MASTER_ADDR'] = 'localhost'
    os.environ['MASTER_PORT'] = port
    # initialize the process group
    dist.init_process_group("gloo", rank=rank, world_size=world_size)


def cleanup():
    dist.destroy_process_group()


class ToyModel(nn.Module):
    def __init__(self):
        super(ToyModel, self).__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def report(rank, what, loss, model):
    sums = ' '.join(f'{p.sum().item():.4f}' for p in model.parameters())
    grads = ' '.join(f'{p.grad.sum().item():.4f}' for p in model.parameters())
    say(f"rank {rank} {what}: loss {loss.item():.6f} params {sums} grads {grads}")


def demo_basic(rank, world_size, port):
    say(f"Running basic DDP example on rank {rank}.")
    setup(rank, world_size, port)
    torch.manual_seed(rank)          # different starting weights: DDP broadcasts rank 0's

    model = ToyModel()
    ddp_model = DDP(model)

    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.001)

    optimizer.zero_grad()
    outputs = ddp_model(torch.randn(20, 10))
    labels = torch.randn(20, 5)
    loss = loss_fn(outputs, labels)
    loss.backward()
    optimizer.step()
    report(rank, 'basic', loss, ddp_model)

    cleanup()


def demo_checkpoint(rank, world_size, port):
    say(f"Running DDP checkpoint example on rank {rank}.")
    setup(rank, world_size, port)
    torch.manual_seed(10 + rank)

    model = ToyModel()
    ddp_model = DDP(model)

    CHECKPOINT_PATH = "model.checkpoint"
    if rank == 0:
        # All processes should see same parameters as they all start from same
        # random parameters and gradients are synchronized in backward passes.
        # Therefore, saving it in one process is sufficient.
        torch.save(ddp_model.state_dict(), CHECKPOINT_PATH)

    # Use a barrier() to make sure that process 1 loads the model after process
    # 0 saves it.
    dist.barrier()
    ddp_model.load_state_dict(torch.load(CHECKPOINT_PATH, map_location='cpu'))

    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.001)

    optimizer.zero_grad()
    outputs = ddp_model(torch.randn(20, 10))
    labels = torch.randn(20, 5)

    loss = loss_fn(outputs, labels)
    loss.backward()
    optimizer.step()
    report(rank, 'checkpoint', loss, ddp_model)

    # Not necessary to use a dist.barrier() to guard the file deletion below
    # as the AllReduce ops in the backward pass of DDP already served as
    # a synchronization.

    if rank == 0:
        os.remove(CHECKPOINT_PATH)

    cleanup()


class ToyMpModel(nn.Module):
    def __init__(self, dev0, dev1):
        super(ToyMpModel, self).__init__()
        self.dev0 = dev0
        self.dev1 = dev1
        self.net1 = torch.nn.Linear(10, 10).to(dev0)
        self.relu = torch.nn.ReLU()
        self.net2 = torch.nn.Linear(10, 5).to(dev1)

    def forward(self, x):
        x = x.to(self.dev0)
        x = self.relu(self.net1(x))
        x = x.to(self.dev1)
        return self.net2(x)


def demo_model_parallel(rank, world_size, port):
    say(f"Running DDP with model parallel example on rank {rank}.")
    setup(rank, world_size, port)
    torch.manual_seed(20 + rank)

    # setup mp_model and devices for this process
    dev0 = 'cpu'
    dev1 = 'cpu'
    mp_model = ToyMpModel(dev0, dev1)
    ddp_mp_model = DDP(mp_model)

    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_mp_model.parameters(), lr=0.001)

    optimizer.zero_grad()
    # outputs will be on dev1
    outputs = ddp_mp_model(torch.randn(20, 10))
    labels = torch.randn(20, 5).to(dev1)
    loss = loss_fn(outputs, labels)
    loss.backward()
    optimizer.step()
    report(rank, 'model parallel', loss, ddp_mp_model)

    cleanup()


def free_port():
    with socket.socket() as s:
        s.bind(('localhost', 0))
        return str(s.getsockname()[1])


def run_demo(demo_fn, world_size):
    mp.spawn(demo_fn,
             args=(world_size, free_port()),
             nprocs=world_size,
             join=True)


if __name__ == "__main__":
    world_size = 2
    run_demo(demo_basic, world_size)
    run_demo(demo_checkpoint, world_size)
    run_demo(demo_model_parallel, world_size)
    print("done")
