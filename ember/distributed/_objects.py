"""Collectives on picklable Python objects: each object is pickled to bytes, the byte counts are
exchanged first, then the bytes (padded to the longest), as PyTorch does."""
import io
import pickle

import numpy as np

from ember.distributed import _mpi
from ember.distributed._collectives import _begin
from ember.distributed._group import _group_rank
from ember.distributed._work import Work


def _dumps(obj):
    f = io.BytesIO()
    pickle.Pickler(f).dump(obj)
    return np.frombuffer(f.getvalue(), np.uint8)


def _loads(buf):
    return pickle.loads(buf.tobytes())


def _run(pg, name, req):
    Work(pg, name, [req]).wait()


def _allgather_bytes(pg, name, data):
    """Every rank's byte string, on every rank."""
    MPI = _mpi.load()
    n = pg.size()
    sizes = np.empty(n, np.int64)
    _run(pg, name, pg._comm.Iallgather([np.array([data.size], np.int64), MPI.INT64_T], [sizes, MPI.INT64_T]))
    width = int(sizes.max()) if n else 0
    padded = np.zeros(width, np.uint8)
    padded[:data.size] = data
    everyone = np.empty((n, width), np.uint8)
    _run(pg, name, pg._comm.Iallgather([padded, MPI.BYTE], [everyone, MPI.BYTE]))
    return [everyone[i, :sizes[i]] for i in range(n)]


def all_gather_object(object_list, obj, group=None):
    """Every rank's ``obj`` into ``object_list`` (which must hold one slot per rank)."""
    pg = _begin(group, 'all_gather_object')
    if pg is None:
        return
    parts = _allgather_bytes(pg, 'all_gather_object', _dumps(obj))
    for i, p in enumerate(parts):
        object_list[i] = _loads(p)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Every rank's ``obj`` into ``object_gather_list`` on rank ``dst`` (default 0)."""
    pg = _begin(group, 'gather_object')
    if pg is None:
        return
    root = _group_rank(pg, dst, group_dst, default=0)
    me = pg.rank()
    if me == root and object_gather_list is None:
        raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
    if me != root and object_gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    # the byte counts must reach everyone for the padded exchange; the objects only the root unpickles
    parts = _allgather_bytes(pg, 'gather_object', _dumps(obj))
    if me == root:
        for i, p in enumerate(parts):
            object_gather_list[i] = _loads(p)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Rank ``src``'s ``object_list`` entries into every rank's ``object_list`` (same length everywhere)."""
    pg = _begin(group, 'broadcast_object_list')
    if pg is None:
        return
    root = _group_rank(pg, src, group_src, default=0)
    MPI = _mpi.load()
    me = pg.rank()
    data = [_dumps(o) for o in object_list] if me == root else []
    sizes = np.array([d.size for d in data] if me == root else [0] * len(object_list), np.int64)
    _run(pg, 'broadcast_object_list', pg._comm.Ibcast([sizes, MPI.INT64_T], root=root))
    buf = np.concatenate(data) if data else np.empty(int(sizes.sum()), np.uint8)
    _run(pg, 'broadcast_object_list', pg._comm.Ibcast([buf, MPI.BYTE], root=root))
    if me != root:
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        for i in range(len(object_list)):
            object_list[i] = _loads(buf[offsets[i]:offsets[i + 1]])


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """Rank ``src``'s ``scatter_object_input_list[i]`` into rank i's ``scatter_object_output_list[0]``."""
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    pg = _begin(group, 'scatter_object_list')
    if pg is None:
        return
    root = _group_rank(pg, src, group_src, default=0)
    MPI = _mpi.load()
    me, n = pg.rank(), pg.size()
    if me == root:
        if scatter_object_input_list is None or len(scatter_object_input_list) != n:
            raise ValueError(f"scatter_object_input_list must hold one object per rank ({n}) on the source rank")
        data = [_dumps(o) for o in scatter_object_input_list]
        sizes = np.array([d.size for d in data], np.int64)
    else:
        sizes = np.empty(n, np.int64)
    _run(pg, 'scatter_object_list', pg._comm.Ibcast([sizes, MPI.INT64_T], root=root))
    width = int(sizes.max())
    mine = np.empty(width, np.uint8)
    send = None
    if me == root:
        padded = np.zeros((n, width), np.uint8)
        for i, d in enumerate(data):
            padded[i, :d.size] = d
        send = [padded, MPI.BYTE]
    _run(pg, 'scatter_object_list', pg._comm.Iscatter(send, [mine, MPI.BYTE], root=root))
    scatter_object_output_list[0] = _loads(mine[:sizes[me]])


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None):
    """Send the picklable objects of ``object_list`` to rank ``dst`` (which calls ``recv_object_list``)."""
    from ember.distributed._collectives import _p2p_rank
    pg = _begin(group, 'send_object_list')
    if pg is None:
        return
    peer = _p2p_rank(pg, dst, group_dst, sending=True)
    MPI = _mpi.load()
    data = [_dumps(o) for o in object_list]
    sizes = np.array([d.size for d in data], np.int64)
    _run(pg, 'send_object_list', pg._comm.Isend([sizes, MPI.INT64_T], peer, _OBJECT_TAG))
    buf = np.concatenate(data) if data else np.empty(0, np.uint8)
    _run(pg, 'send_object_list', pg._comm.Isend([buf, MPI.BYTE], peer, _OBJECT_TAG))


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Receive ``len(object_list)`` objects from rank ``src`` (any rank when None) into ``object_list``;
    returns the sender's global rank."""
    from ember.distributed._collectives import _p2p_rank
    from ember.distributed._group import get_global_rank
    pg = _begin(group, 'recv_object_list')
    if pg is None:
        return -1
    peer = _p2p_rank(pg, src, group_src, sending=False)
    MPI = _mpi.load()
    sizes = np.empty(len(object_list), np.int64)
    work = Work(pg, 'recv_object_list', [pg._comm.Irecv([sizes, MPI.INT64_T], peer, _OBJECT_TAG)])
    work._statuses = [MPI.Status()]
    work.wait()
    sender = work._statuses[0].Get_source()
    buf = np.empty(int(sizes.sum()), np.uint8)
    _run(pg, 'recv_object_list', pg._comm.Irecv([buf, MPI.BYTE], sender, _OBJECT_TAG))
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    for i in range(len(object_list)):
        object_list[i] = _loads(buf[offsets[i]:offsets[i + 1]])
    return get_global_rank(pg, sender)


_OBJECT_TAG = 0x6f62   # apart from the tags users give send/recv
