"""Rendezvous through a key-value store: the stores ``init_method`` URLs name (``tcp://``, ``file://``) and
the barrier that checks every rank reached the store given to ``init_process_group``."""
import time
from datetime import timedelta
from urllib.parse import urlparse, parse_qs

from ember.distributed._errors import DistStoreError
from ember.distributed._store import PrefixStore  # noqa: F401  (the default group's view of its store)

_BARRIER_PREFIX = 'store_based_barrier_key'


def check_url(url):
    """Refuse, before MPI starts, an ``init_method`` this module cannot serve."""
    if not isinstance(url, str):
        raise RuntimeError(f"`url` must be a string. {type(url)}: {url}")
    if url == 'env://':
        return
    scheme = urlparse(url).scheme
    if scheme not in ('tcp', 'file'):
        raise RuntimeError(f"No rendezvous handler for {scheme}://")
    if scheme == 'tcp' and urlparse(url).port is None:
        raise ValueError("Error initializing torch.distributed using tcp:// rendezvous: port number missing")
    if scheme == 'file' and not urlparse(url).path:
        raise ValueError("Error initializing torch.distributed using file:// rendezvous: path missing")


def store_for_url(url, rank, world_size, timeout):
    """The store a ``tcp://host:port`` or ``file:///path`` URL names; rank 0 serves the TCP store. A
    ``rank``/``world_size`` in the query must agree with MPI's."""
    from ember.distributed._file_store import FileStore
    from ember.distributed._tcp_store import TCPStore
    parts = urlparse(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    for name, actual in (('rank', rank), ('world_size', world_size)):
        if name in query and int(query[name]) != actual:
            raise ValueError(f"init_method {url!r} gives {name}={query[name]} but MPI gave this process "
                             f"{name}={actual}")
    if parts.scheme == 'tcp':
        return TCPStore(parts.hostname, parts.port, world_size, rank == 0, timeout)
    store = FileStore(parts.path, world_size)
    store.set_timeout(timeout)
    return store


def store_barrier(store, rank, world_size, group_name, timeout):
    """Wait until ``world_size`` ranks have checked in on ``store`` (PyTorch's barrier after init);
    ``DistStoreError`` when they have not within ``timeout``."""
    key = f'{_BARRIER_PREFIX}:{group_name}'
    store.add(key, 1)
    last = f'{key}:last_worker'
    if store.add(key, 0) == world_size:
        store.set(last, '1')
    start = time.monotonic()
    step = timedelta(seconds=min(1.0, timeout.total_seconds()))
    while True:
        try:
            store.wait([last], step)
            return
        except RuntimeError as e:   # DistStoreError is one
            if time.monotonic() - start >= timeout.total_seconds():
                joined = store.add(key, 0)
                raise DistStoreError(f"Timed out initializing process group in store based barrier on rank {rank}, "
                                     f"for key: {key} (world_size={world_size}, num_workers_joined={joined}, "
                                     f"timeout={timeout} error={e})") from None


def env_store(rank, world_size, timeout):
    """The ``env://`` store of processes MPI did not start: rank 0 serves a TCP store at
    ``MASTER_ADDR:MASTER_PORT`` and the others connect to it."""
    import os
    from ember.distributed._tcp_store import TCPStore
    values = []
    for var in ('MASTER_ADDR', 'MASTER_PORT'):
        if not os.environ.get(var):
            raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment variable "
                             f"{var} expected, but not set")
        values.append(os.environ[var])
    return TCPStore(values[0], int(values[1]), world_size, rank == 0, timeout, multi_tenant=True)
