"""PyTorch's "Writing Distributed Applications with PyTorch" tutorial (intermediate/dist_tuto), run on CPU
with gloo: processes started with ``torch.multiprocessing.Process`` meet at MASTER_ADDR:MASTER_PORT; then
blocking and immediate point-to-point messages, all-reduce over ``new_group``, the other collectives the
tutorial lists, its own ring all-reduce, and distributed synchronous SGD on MNIST with averaged gradients.
A second run starts three processes through the ``tcp://`` initialization method.

Changes from the tutorial, only where it cannot run as written or is not repeatable: the tutorial's
``run`` functions (it swaps one in at a time) run one after the other; MNIST is a few synthetic images in
the dataset's own files (no download); SGD runs 2 epochs; the batch size is ``128 // size`` (the tutorial's
``128 / float(size)`` is a float, which DataLoader refuses); the port is a free one the parent picks; lines
are printed in one write each, since the ranks print side by side."""
import os
import socket
import struct
import sys
from math import ceil
from random import Random

import numpy as np


def _write_mnist(root="data", n_train=256, n_test=16):
    # Offline stand-in for the MNIST download: synthetic images in the dataset's own idx files
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.RandomState(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        base = (np.arange(10)[:, None, None] * 25 + rng.randint(0, 20, (10, 28, 28))).astype(np.uint8)
        images = np.clip(base[labels].astype(int) + rng.randint(0, 30, (n, 28, 28)), 0, 255).astype(np.uint8)
        with open(os.path.join(raw, f"{split}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        with open(os.path.join(raw, f"{split}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())


import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.multiprocessing import Process
from torchvision import datasets, transforms


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


""" Blocking point-to-point communication. """
def run_blocking(rank, size):
    tensor = torch.zeros(1)
    if rank == 0:
        tensor += 1
        # Send the tensor to process 1
        dist.send(tensor=tensor, dst=1)
    else:
        # Receive tensor from process 0
        dist.recv(tensor=tensor, src=0)
    print('Rank ', rank, ' has data ', tensor[0])


"""Non-blocking point-to-point communication."""
def run_immediate(rank, size):
    tensor = torch.zeros(1)
    req = None
    if rank == 0:
        tensor += 1
        # Send the tensor to process 1
        req = dist.isend(tensor=tensor, dst=1)
        print('Rank 0 started sending')
    else:
        # Receive tensor from process 0
        req = dist.irecv(tensor=tensor, src=0)
        print('Rank 1 started receiving')
    req.wait()
    print('Rank ', rank, ' has data ', tensor[0])


""" All-Reduce example."""
def run_all_reduce(rank, size):
    """ Simple point-to-point communication. """
    group = dist.new_group([0, 1])
    tensor = torch.ones(1)
    dist.all_reduce(tensor, op=dist.reduce_op.SUM, group=group)
    print('Rank ', rank, ' has data ', tensor[0])


""" The other collectives the tutorial lists. """
def run_collectives(rank, size):
    tensor = torch.arange(3.) * (rank + 1)
    dist.broadcast(tensor, src=1)
    print('Rank ', rank, ' broadcast ', tensor)
    tensor = torch.arange(3.) * (rank + 1)
    dist.reduce(tensor, dst=0, op=dist.reduce_op.PRODUCT)
    if rank == 0:   # only dst receives the result (gloo leaves a partial one in the others' tensors)
        print('Rank ', rank, ' reduce ', tensor)
    tensor = torch.zeros(2)
    scatter_list = [torch.full((2,), 10. * i) for i in range(size)] if rank == 0 else None
    dist.scatter(tensor, src=0, scatter_list=scatter_list)
    print('Rank ', rank, ' scatter ', tensor)
    gather_list = [torch.zeros(2) for _ in range(size)] if rank == 1 else None
    dist.gather(tensor + rank, dst=1, gather_list=gather_list)
    print('Rank ', rank, ' gather ', gather_list)
    tensor_list = [torch.zeros(2, dtype=torch.int64) for _ in range(size)]
    dist.all_gather(tensor_list, torch.tensor([rank, rank * rank]))
    print('Rank ', rank, ' all_gather ', tensor_list)
    dist.barrier()
    tensor = torch.tensor([2.5 * (rank + 1), -rank])
    dist.all_reduce(tensor, op=dist.reduce_op.MAX)
    print('Rank ', rank, ' max ', tensor)


""" Implementation of a ring-reduce with addition. """
def allreduce(send, recv):
   rank = dist.get_rank()
   size = dist.get_world_size()
   send_buff = send.clone()
   recv_buff = send.clone()
   accum = send.clone()

   left = ((rank - 1) + size) % size
   right = (rank + 1) % size

   for i in range(size - 1):
       if i % 2 == 0:
           # Send send_buff
           send_req = dist.isend(send_buff, right)
           dist.recv(recv_buff, left)
           accum[:] += recv_buff[:]
       else:
           # Send recv_buff
           send_req = dist.isend(recv_buff, right)
           dist.recv(send_buff, left)
           accum[:] += send_buff[:]
       send_req.wait()
   recv[:] = accum[:]


def run_ring(rank, size):
    send = torch.arange(4.) + 10 * rank
    recv = torch.zeros(4)
    allreduce(send, recv)
    print('Rank ', rank, ' ring allreduce ', recv)


""" Dataset partitioning helper """
class Partition(object):

    def __init__(self, data, index):
        self.data = data
        self.index = index

    def __len__(self):
        return len(self.index)

    def __getitem__(self, index):
        data_idx = self.index[index]
        return self.data[data_idx]


class DataPartitioner(object):

    def __init__(self, data, sizes=[0.7, 0.2, 0.1], seed=1234):
        self.data = data
        self.partitions = []
        rng = Random()
        rng.seed(seed)
        data_len = len(data)
        indexes = [x for x in range(0, data_len)]
        rng.shuffle(indexes)

        for frac in sizes:
            part_len = int(frac * data_len)
            self.partitions.append(indexes[0:part_len])
            indexes = indexes[part_len:]

    def use(self, partition):
        return Partition(self.data, self.partitions[partition])


""" Partitioning MNIST """
def partition_dataset():
    dataset = datasets.MNIST('./data', train=True, download=True,
                             transform=transforms.Compose([
                                 transforms.ToTensor(),
                                 transforms.Normalize((0.1307,), (0.3081,))
                             ]))
    size = dist.get_world_size()
    bsz = 128 // size
    partition_sizes = [1.0 / size for _ in range(size)]
    partition = DataPartitioner(dataset, partition_sizes)
    partition = partition.use(dist.get_rank())
    train_set = torch.utils.data.DataLoader(partition,
                                         batch_size=bsz,
                                         shuffle=True)
    return train_set, bsz


class Net(nn.Module):
    # the network of the PyTorch MNIST example the tutorial trains
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


""" Gradient averaging. """
def average_gradients(model):
    size = float(dist.get_world_size())
    for param in model.parameters():
        dist.all_reduce(param.grad.data, op=dist.reduce_op.SUM)
        param.grad.data /= size


""" Distributed Synchronous SGD Example """
def run_sgd(rank, size):
    torch.manual_seed(1234)
    train_set, bsz = partition_dataset()
    model = Net()
    optimizer = optim.SGD(model.parameters(),
                          lr=0.01, momentum=0.5)

    num_batches = ceil(len(train_set.dataset) / float(bsz))
    for epoch in range(2):
        epoch_loss = 0.0
        for data, target in train_set:
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            epoch_loss += loss.item()
            loss.backward()
            average_gradients(model)
            optimizer.step()
        print('Rank ', dist.get_rank(), ', epoch ',
              epoch, ': ', f'{epoch_loss / num_batches:.4f}')
    print('Rank ', rank, ' weight sum ', f'{sum(p.sum().item() for p in model.parameters()):.4f}')


def run(rank, size):
    for fn in (run_blocking, run_immediate, run_all_reduce, run_collectives, run_ring, run_sgd):
        fn(rank, size)


def init_process(rank, size, fn, port, backend='gloo'):
    """ Initialize the distributed environment. """
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = port
    dist.init_process_group(backend, rank=rank, world_size=size)
    fn(rank, size)


def init_process_tcp(rank, size, fn, port, backend='gloo'):
    """ The TCP initialization method: rank 0's address and a port. """
    dist.init_process_group(backend, init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=size)
    fn(rank, size)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


def start(size, init, fn):
    port = free_port()
    processes = []
    for rank in range(size):
        p = Process(target=init, args=(rank, size, fn, port))
        p.start()
        processes.append(p)

    for p in processes:
        p.join()
        assert p.exitcode == 0, p.exitcode


if __name__ == "__main__":
    _write_mnist()
    start(2, init_process, run)
    start(3, init_process_tcp, run_ring)
