"""PyTorch's "Distributed Training with Uneven Inputs Using the Join Context Manager" tutorial
(advanced/generic_join), run on CPU with gloo: ``mp.spawn`` ranks where rank 1 has one input more than rank 0
train DDP inside ``Join([model])``, then DDP with ZeroRedundancyOptimizer inside ``Join([model, optim])``
(and with ``divide_by_initial_world_size=False``), then the tutorial's own ``Joinable`` Counter with its
``JoinHook``.

Changes from the tutorial, only where it needs GPUs or is not repeatable: gloo for nccl, no ``.to(rank)``/
``device_ids``, ``torch.device("cpu")`` for ``cuda:{rank}``, each worker started by its own ``mp.spawn`` on a free port
the parent picks, seeds and the trained weights printed, and lines printed in one write each."""
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.distributed.algorithms.join import Join, Joinable, JoinHook
from torch.distributed.optim import ZeroRedundancyOptimizer as ZeRO
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.optim import Adam

BACKEND = "gloo"
WORLD_SIZE = 2
NUM_INPUTS = 5


def setup(port):
    os.environ['MASTER_ADDR'] = 'localhost'
    os.environ['MASTER_PORT'] = port


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


def weights(what, rank, model):
    print(f"{what} rank {rank}: weight {model.module.weight.item():.6f} bias {model.module.bias.item():.6f}")


def worker_ddp(rank, port):
    setup(port)
    dist.init_process_group(BACKEND, rank=rank, world_size=WORLD_SIZE)
    torch.manual_seed(0)

    model = DDP(torch.nn.Linear(1, 1))
    # Rank 1 gets one more input than rank 0
    inputs = [torch.tensor([1]).float() for _ in range(NUM_INPUTS + rank)]

    num_inputs = 0
    with Join([model]):
        for input in inputs:
            num_inputs += 1
            loss = model(input).sum()
            loss.backward()

    print(f"Rank {rank} has exhausted all {num_inputs} of its inputs!")
    print(f"DDP rank {rank}: grad {model.module.weight.grad.item():.6f}")
    dist.destroy_process_group()


def worker_zero(rank, port, join_kwargs):
    setup(port)
    dist.init_process_group(BACKEND, rank=rank, world_size=WORLD_SIZE)
    torch.manual_seed(0)

    model = DDP(torch.nn.Linear(1, 1))
    optim = ZeRO(model.parameters(), Adam, lr=0.01)
    # Rank 1 gets one more input than rank 0
    inputs = [torch.tensor([1]).float() for _ in range(NUM_INPUTS + rank)]

    num_inputs = 0
    # Pass both `model` and `optim` into `Join()`
    with Join([model, optim], **join_kwargs):
        for input in inputs:
            num_inputs += 1
            loss = model(input).sum()
            loss.backward()
            optim.step()

    print(f"Rank {rank} has exhausted all {num_inputs} of its inputs!")
    weights(f"ZeRO {join_kwargs}", rank, model)
    dist.destroy_process_group()


class CounterJoinHook(JoinHook):
    r"""
    Join hook for :class:`Counter`.

    Arguments:
        counter (Counter): the :class:`Counter` object using this hook.
        sync_max_count (bool): whether to sync the max count once all ranks
            join.
    """
    def __init__(
        self,
        counter,
        sync_max_count
    ):
        self.counter = counter
        self.sync_max_count = sync_max_count

    def main_hook(self):
        r"""
        Shadows the counter's all-reduce by all-reducing a dim-1 zero tensor.
        """
        t = torch.zeros(1, device=self.counter.device)
        dist.all_reduce(t)

    def post_hook(self, is_last_joiner: bool):
        r"""
        Synchronizes the max count across all :class:`Counter` s if
        ``sync_max_count=True``.
        """
        if not self.sync_max_count:
            return
        rank = dist.get_rank(self.counter.process_group)
        common_rank = self.counter.find_common_rank(rank, is_last_joiner)
        if rank == common_rank:
            self.counter.max_count = self.counter.count.detach().clone()
        dist.broadcast(self.counter.max_count, src=common_rank)


class Counter(Joinable):
    r"""
    Example :class:`Joinable` that counts the number of training iterations
    that it participates in.
    """
    def __init__(self, device, process_group):
        super(Counter, self).__init__()
        self.device = device
        self.process_group = process_group
        self.count = torch.tensor([0], device=device).float()
        self.max_count = torch.tensor([0], device=device).float()

    def __call__(self):
        r"""
        Counts the number of inputs processed on this iteration by all ranks
        by all-reducing a dim-1 one tensor; increments its own internal count.
        """
        Join.notify_join_context(self)
        t = torch.ones(1, device=self.device).float()
        dist.all_reduce(t)
        self.count += t

    def join_hook(self, **kwargs) -> JoinHook:
        r"""
        Return a join hook that shadows the all-reduce in :meth:`__call__`.

        This join hook supports the following keyword arguments:
            sync_max_count (bool, optional): whether to synchronize the maximum
                count across all ranks once all ranks join; default is ``False``.
        """
        sync_max_count = kwargs.get("sync_max_count", False)
        return CounterJoinHook(self, sync_max_count)

    @property
    def join_device(self) -> torch.device:
        return self.device

    @property
    def join_process_group(self):
        return self.process_group

    def find_common_rank(self, rank, to_consider):
        r"""
        Returns the max rank of the ones to consider over the process group.
        """
        common_rank = torch.tensor([rank if to_consider else -1], device=self.device)
        dist.all_reduce(common_rank, op=dist.ReduceOp.MAX, group=self.process_group)
        common_rank = common_rank.item()
        return common_rank


def worker_counter(rank, port):
    setup(port)
    dist.init_process_group(BACKEND, rank=rank, world_size=WORLD_SIZE)

    counter = Counter(torch.device("cpu"), dist.group.WORLD)
    inputs = [torch.tensor([1]).float() for _ in range(NUM_INPUTS + rank)]

    with Join([counter], sync_max_count=True):
        for _ in inputs:
            counter()

    print(f"{int(counter.count.item())} inputs processed before rank {rank} joined!")
    print(f"{int(counter.max_count.item())} inputs processed across all ranks!")
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('localhost', 0))
        return str(s.getsockname()[1])


def main():
    mp.spawn(worker_ddp, args=(free_port(),), nprocs=WORLD_SIZE, join=True)
    mp.spawn(worker_zero, args=(free_port(), {}), nprocs=WORLD_SIZE, join=True)
    mp.spawn(worker_zero, args=(free_port(), {'divide_by_initial_world_size': False}), nprocs=WORLD_SIZE,
             join=True)
    mp.spawn(worker_counter, args=(free_port(),), nprocs=WORLD_SIZE, join=True)


if __name__ == "__main__":
    main()
