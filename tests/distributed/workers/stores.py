"""Process groups that meet through a store: init_process_group(store=TCPStore/FileStore) and the tcp://
and file:// init_methods; the store is shared by the ranks (counters, values, waits with timeouts)."""
import os
import socket
import sys
from datetime import timedelta

from mpi4py import MPI

import ember
import ember.distributed as dist

comm = MPI.COMM_WORLD
rank, n = comm.Get_rank(), comm.Get_size()


def ok(name):   # the process group is gone by the time a check passes
    print(f'ok {name} rank={rank}', flush=True)


workdir = os.path.dirname(os.path.abspath(sys.argv[1]))


def summed():
    t = ember.tensor([float(rank + 1)])
    dist.all_reduce(t)
    return t.item()



def free_port():
    """A port no one listens on, picked by rank 0 and told to every rank (scripts use a fixed one)."""
    if rank == 0:
        probe = socket.socket()
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
        probe.close()
    return comm.bcast(port if rank == 0 else None, root=0)


# a TCPStore served by rank 0; its constructor waits until both ranks have connected
store = dist.TCPStore('127.0.0.1', free_port(), n, rank == 0, timedelta(seconds=30))
dist.init_process_group('gloo', store=store, rank=rank, world_size=n, timeout=timedelta(seconds=30))
assert dist.get_rank() == rank and summed() == 3.0
assert store.add('ranks_seen', 1) in (1, 2)
store.set(f'hello/{rank}', f'from {rank}')
assert store.get(f'hello/{1 - rank}') == f'from {1 - rank}'.encode()
store.wait(['hello/0', 'hello/1'], timedelta(seconds=10))
try:
    store.wait(['nobody/sets/this'], timedelta(milliseconds=100))
    raise AssertionError('wait should have timed out')
except dist.DistStoreError as e:
    assert str(e) == 'wait timeout after 100ms, keys: /nobody/sets/this', e
dist.barrier()   # rank 0's server must outlive rank 1's last request
dist.destroy_process_group()
ok('store=TCPStore')

# file:// init_method: a FileStore under the hood
path = os.path.join(workdir, 'rendezvous_file')
dist.init_process_group('gloo', init_method='file://' + path, timeout=timedelta(seconds=30))
assert summed() == 3.0
dist.destroy_process_group()
ok('init_method=file://')

# tcp:// init_method: rank 0 serves the store on the URL's port
free = free_port()
dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{free}?rank={rank}&world_size={n}',
                        timeout=timedelta(seconds=30))
assert summed() == 3.0
dist.barrier()
dist.destroy_process_group()
ok('init_method=tcp://')

# a store the ranks do not share: the barrier on it times out with PyTorch's error on every rank
own = dist.HashStore()
try:
    dist.init_process_group('gloo', store=own, rank=rank, world_size=n, timeout=timedelta(milliseconds=300))
    raise AssertionError('init should have timed out')
except dist.DistStoreError as e:
    assert 'Timed out initializing process group in store based barrier on rank' in str(e), e
    assert 'num_workers_joined=1' in str(e), e
assert not dist.is_initialized()
comm.Barrier()
ok('store-timeout')
