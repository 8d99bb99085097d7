"""PyTorch's "Getting Started with Distributed Checkpoint (DCP)" recipe
(recipes/distributed_checkpoint_recipe), run on CPU with gloo: ``mp.spawn`` ranks train an FSDP-sharded
toy model one step and ``dcp.save`` it through a Stateful ``AppState``; new ranks build the model afresh,
``dcp.load`` the checkpoint; one process loads it without a process group; ``format_utils`` converts it
to a ``torch.save`` file and back.

Changes from the recipe, only where it needs GPUs or is not repeatable: gloo for nccl, FSDP2's
``fully_shard(model)`` for the ``FSDP(model)`` wrapper (PyTorch's FSDP1 refuses to run without an
accelerator), no ``.to(rank)``/``torch.cuda.set_device``, inputs on the CPU, world size 2, seeds, printed results (the model's output
on a fixed input, and the checkpoint's files), the port a free one the parent picks, lines printed in one
write each. The recipe's loading snippets name keys ("model", "optimizer") its saving snippet did not
write (it saved under "app"); they are run as written and the error they raise is printed, then the
load is done through ``AppState`` as saved."""
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
import torch.multiprocessing as mp
import torch.nn as nn

from torch.distributed.fsdp import fully_shard
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict
from torch.distributed.checkpoint.stateful import Stateful
from torch.distributed.checkpoint.api import CheckpointException

CHECKPOINT_DIR = "checkpoint"


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


class AppState(Stateful):
    """This is a useful wrapper for checkpointing the Application State. Since this object is compliant
    with the Stateful protocol, DCP will automatically call state_dict/load_stat_dict as needed in the
    dcp.save/load APIs.

    Note: We take advantage of this wrapper to hande calling distributed state dict methods on the model
    and optimizer.
    """

    def __init__(self, model, optimizer=None):
        self.model = model
        self.optimizer = optimizer

    def state_dict(self):
        # this line automatically manages FSDP FQN's, as well as sets the default state dict type to FSDP.SHARDED_STATE_DICT
        model_state_dict, optimizer_state_dict = get_state_dict(self.model, self.optimizer)
        return {
            "model": model_state_dict,
            "optim": optimizer_state_dict
        }

    def load_state_dict(self, state_dict):
        # sets our state dicts on the model and optimizer, now that we've loaded
        set_state_dict(
            self.model,
            self.optimizer,
            model_state_dict=state_dict["model"],
            optim_state_dict=state_dict["optim"]
        )


class ToyModel(nn.Module):
    def __init__(self):
        super(ToyModel, self).__init__()
        self.net1 = nn.Linear(16, 16)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(16, 8)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def setup(rank, world_size, port):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = port

    # initialize the process group
    dist.init_process_group("gloo", rank=rank, world_size=world_size)


def cleanup():
    dist.destroy_process_group()


def probe(model):
    # the model's output on a fixed input, the same on every rank
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        return f"{model(torch.rand(4, 16, generator=g)).sum().item():.5f}"


def run_fsdp_checkpoint_save_example(rank, world_size, port):
    print(f"Running basic FSDP checkpoint saving example on rank {rank}.")
    setup(rank, world_size, port)
    torch.manual_seed(0)

    # create a model
    model = ToyModel()
    fully_shard(model)

    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)

    optimizer.zero_grad()
    model(torch.rand(8, 16)).sum().backward()
    optimizer.step()

    state_dict = { "app": AppState(model, optimizer) }
    dcp.save(state_dict, checkpoint_id=CHECKPOINT_DIR)
    print(f"rank {rank} saved; output {probe(model)}")

    cleanup()


def run_fsdp_checkpoint_load_example(rank, world_size, port):
    print(f"Running basic FSDP checkpoint loading example on rank {rank}.")
    setup(rank, world_size, port)
    torch.manual_seed(1)       # other starting weights than the saved ones

    # create a model
    model = ToyModel()
    fully_shard(model)

    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)

    state_dict = { "app": AppState(model, optimizer)}
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    # generates the state dict we will load into
    model_state_dict, optimizer_state_dict = get_state_dict(model, optimizer)
    state_dict = {
        "model": model_state_dict,
        "optimizer": optimizer_state_dict
    }
    try:
        dcp.load(
            state_dict=state_dict,
            checkpoint_id=CHECKPOINT_DIR,
        )
    except CheckpointException as e:   # a BaseException, not an Exception
        print(f"rank {rank} load as written: {type(e).__name__}")

    print(f"rank {rank} before loading: output {probe(model)}")
    state_dict = { "app": AppState(model, optimizer) }
    dcp.load(state_dict=state_dict, checkpoint_id=CHECKPOINT_DIR)
    print(f"rank {rank} loaded: output {probe(model)}")
    print(f"rank {rank} optimizer step {optimizer.state_dict()['state'][0]['step'].item()}")

    cleanup()


def run_checkpoint_load_example():
    # create the non FSDP-wrapped toy model
    model = ToyModel()
    state_dict = {
        "model": model.state_dict(),
    }

    # since no progress group is initialized, DCP will disable any collectives.
    try:
        dcp.load(
            state_dict=state_dict,
            checkpoint_id=CHECKPOINT_DIR,
        )
        model.load_state_dict(state_dict["model"])
    except CheckpointException as e:   # a BaseException, not an Exception
        print(f"non-distributed load as written: {type(e).__name__}")
    state_dict = {"app": {"model": model.state_dict()}}
    dcp.load(state_dict=state_dict, checkpoint_id=CHECKPOINT_DIR)
    model.load_state_dict(state_dict["app"]["model"])
    print(f"non-distributed load: output {probe(model)}")


def free_port():
    with socket.socket() as s:
        s.bind(('localhost', 0))
        return str(s.getsockname()[1])


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")     # DCP's no-process-group warning
    world_size = 2
    print(f"Running fsdp checkpoint example on {world_size} devices.")
    mp.spawn(
        run_fsdp_checkpoint_save_example,
        args=(world_size, free_port()),
        nprocs=world_size,
        join=True,
    )
    print(sorted(os.listdir(CHECKPOINT_DIR)))
    mp.spawn(
        run_fsdp_checkpoint_load_example,
        args=(world_size, free_port()),
        nprocs=world_size,
        join=True,
    )
    print(f"Running basic DCP checkpoint loading example.")
    run_checkpoint_load_example()

    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save, torch_save_to_dcp

    TORCH_SAVE_CHECKPOINT_DIR = "torch_save_checkpoint.pth"

    # convert dcp model to torch.save (assumes checkpoint was generated as above)
    dcp_to_torch_save(CHECKPOINT_DIR, TORCH_SAVE_CHECKPOINT_DIR)
    saved = torch.load(TORCH_SAVE_CHECKPOINT_DIR)
    print(sorted(saved["app"]["model"]), f"{saved['app']['model']['net2.bias'].sum().item():.5f}")

    # converts the torch.save model back to DCP
    torch_save_to_dcp(TORCH_SAVE_CHECKPOINT_DIR, f"{CHECKPOINT_DIR}_new")
    print(sorted(os.listdir(f"{CHECKPOINT_DIR}_new")))
