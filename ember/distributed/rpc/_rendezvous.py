"""Where the workers of an RPC group meet: a store named by ``init_method`` (``env://`` reads
MASTER_ADDR and MASTER_PORT, as ``torch.multiprocessing.spawn`` and torchrun scripts set them)."""
import os
from datetime import timedelta


def _env(name, what):
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment variable "
                         f"{name} expected, but not set")
    return value


def rendezvous(init_method, rank, world_size, timeout):
    """The store, rank and world size of this worker; rank 0 serves a TCP store."""
    from ember.distributed._rendezvous import check_url, store_for_url
    from ember.distributed._tcp_store import TCPStore
    check_url(init_method)
    if init_method == 'env://':
        if rank == -1:
            rank = int(_env('RANK', 'rank'))
        if world_size is None:
            world_size = int(_env('WORLD_SIZE', 'world size'))
        host, port = _env('MASTER_ADDR', 'address'), int(_env('MASTER_PORT', 'port'))
        store = TCPStore(host, port, world_size, rank == 0, timedelta(seconds=timeout))
    else:
        if rank == -1 or world_size is None:
            raise ValueError(f"Error initializing torch.distributed using {init_method.split(':')[0]}:// rendezvous: "
                             "rank and world_size must be given")
        store = store_for_url(init_method, rank, world_size, timedelta(seconds=timeout))
    return store, rank, world_size
