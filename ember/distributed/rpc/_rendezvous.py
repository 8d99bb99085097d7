"""Where the workers of an RPC group meet: a store named by ``init_method`` (``env://`` reads
MASTER_ADDR and MASTER_PORT, as ``torch.multiprocessing.spawn`` and torchrun scripts set them; under
a plain ``mpirun`` without them, MPI hands every rank the address rank 0 chose)."""
import os
from datetime import timedelta


def _env(name):
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment variable "
                         f"{name} expected, but not set")
    return value


def _from_mpi():
    """Under a plain ``mpirun`` (no MASTER_ADDR): rank 0 offers a free port on its host, MPI tells the others."""
    if 'MASTER_ADDR' in os.environ or 'OMPI_COMM_WORLD_SIZE' not in os.environ:
        return
    try:
        from mpi4py import MPI
    except ImportError:
        return
    import socket
    comm = MPI.COMM_WORLD
    offer = None
    if comm.Get_rank() == 0:
        with socket.socket() as s:
            s.bind(('', 0))
            offer = (socket.gethostname(), str(s.getsockname()[1]))
    host, port = comm.bcast(offer, root=0)
    os.environ['MASTER_ADDR'] = host
    os.environ.setdefault('MASTER_PORT', port)


def rendezvous(init_method, rank, world_size, timeout):
    """The store, rank and world size of this worker; rank 0 serves a TCP store."""
    from ember.distributed._rendezvous import check_url, store_for_url
    from ember.distributed._tcp_store import TCPStore
    check_url(init_method)
    if init_method == 'env://':
        _from_mpi()
        if rank == -1:
            rank = int(_env('RANK'))
        if world_size is None:
            world_size = int(_env('WORLD_SIZE'))
        host, port = _env('MASTER_ADDR'), int(_env('MASTER_PORT'))
        store = TCPStore(host, port, world_size, rank == 0, timedelta(seconds=timeout))
    else:
        if rank == -1 or world_size is None:
            raise ValueError(f"Error initializing torch.distributed using {init_method.split(':')[0]}:// rendezvous: "
                             "rank and world_size must be given")
        store = store_for_url(init_method, rank, world_size, timedelta(seconds=timeout))
    return store, rank, world_size
