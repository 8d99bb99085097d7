"""Collectives on tensors: all_reduce, broadcast, gathers, scatters, all-to-all and point-to-point.

Each one checks its arguments as PyTorch does, then runs on the device through NCCL when the group's CUDA
back end is NCCL and the tensors are CUDA tensors NCCL serves (``_nccl_path``); otherwise it posts one
non-blocking MPI operation on host arrays (CUDA tensors staged through host memory), and copies results
into the output tensors when it completes. Data movement sends raw bytes, so every dtype travels; reductions use MPI's own types and
operations where MPI has them, and otherwise gather every rank's data and reduce in rank order.
"""
import numpy as np

from ember import backend
from ember._tensor import Tensor
from ember.distributed import _mpi
from ember.distributed._gloo_ring import ring_reduce
from ember.distributed._group import _default_group, _group_rank, _not_member, _warn_not_in_group
from ember.distributed._reduce_op import ReduceOp, as_red_op
from ember.distributed import _comm_count
from ember.distributed import _nccl_path
from ember.distributed._work import check_usable, completed


# ---------------------------------------------------------------------------------- helpers
def _begin(group, name):
    """The ProcessGroup to run on, or None on a rank outside ``group`` (PyTorch warns and does nothing)."""
    _comm_count.record_c10d(name)
    if _not_member(group):
        _warn_not_in_group(name)
        return None
    pg = _default_group() if group is None else group
    check_usable(pg, name)
    return pg


def _check_tensor(t, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type ember.Tensor\n"
                        f"             but got {type(t)} instead.")


def _check_list(ts, name):
    if not isinstance(ts, list) or not all(isinstance(t, Tensor) for t in ts):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[ember.Tensor]\n"
                        f"             but got {type(ts)} instead.")


def _host(t):
    """A C-contiguous host array with ``t``'s values (the tensor's own memory when it can be)."""
    data = t._data
    if not isinstance(data, np.ndarray):
        return np.ascontiguousarray(backend.to_numpy(data)).reshape(data.shape)
    return data if data.flags.c_contiguous else data.copy(order='C')


def _bytes(arr):
    return arr.reshape(-1).view(np.uint8)


def _target(t):
    """(array MPI may write ``t``'s values into, function that completes the write)."""
    data = t._data
    if isinstance(data, np.ndarray) and data.flags.c_contiguous and data.flags.writeable:
        return data, lambda: _bump(t)
    scratch = np.empty(data.shape, data.dtype)
    return scratch, lambda: _write(t, scratch)


def _bump(t):
    t._version_counter.value += 1


def _write(t, arr):
    """Copy host array ``arr`` into ``t`` in place (onto its device)."""
    data = t._data
    if isinstance(data, np.ndarray):
        np.copyto(data, arr.reshape(data.shape))
    else:
        backend.write_into(data, arr.reshape(data.shape), t._device)
    t._version_counter.value += 1


def _same(tensors, ref, fname, what):
    for i, t in enumerate(tensors):
        if t._data.dtype != ref._data.dtype:
            raise RuntimeError(f"{fname}: {what} {i} has dtype {t.dtype}, expected {ref.dtype}")
        if t.shape != ref.shape:
            raise RuntimeError(f"{fname}: {what} {i} has shape {list(t.shape)}, expected {list(ref.shape)}")


def _count(tensors, pg, fname, what):
    if len(tensors) != pg.size():
        raise RuntimeError(f"{fname}: {what} must hold one tensor per rank of the group "
                           f"(expected {pg.size()}, got {len(tensors)})")


def _plan(op, np_dtype, fname):
    """How to reduce ``np_dtype`` with ``op``: (MPI datatype or None for the gather fallback, MPI op,
    dtype to view the data as)."""
    op = as_red_op(op)
    kind = np.dtype(np_dtype).kind
    if kind == 'c' and op not in (ReduceOp.SUM, ReduceOp.AVG):
        raise ValueError(f"{fname} does not support {op} on complex tensors")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and kind not in 'iub':
        raise RuntimeError(f"Cannot use {op} with non-integral dtype")
    if op is ReduceOp.AVG and kind not in 'fc' and np_dtype.name not in ('bfloat16', 'float8'):
        raise RuntimeError(f"Cannot use ReduceOp.AVG with non-floating dtype: an average of integers is not an "
                           f"integer (got {np.dtype(np_dtype).name})")
    MPI = _mpi.load()
    view = np.dtype(np_dtype)
    if kind == 'b':   # bool: a sum or max is a logical or, a product or min a logical and
        op = {ReduceOp.SUM: ReduceOp.MAX, ReduceOp.BOR: ReduceOp.MAX, ReduceOp.PRODUCT: ReduceOp.MIN,
              ReduceOp.BAND: ReduceOp.MIN}.get(op, op)
        view = np.dtype(np.uint8)
    return _mpi.datatype(MPI, view), op, view


def _finish_all(*fns):
    def run():
        for f in fns:
            if f is not None:
                f()
    return run


# ------------------------------------------------------------------------------- reductions
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across the group with ``op``; every rank receives the result in place.

    >>> t = ember.ones(3) * (dist.get_rank() + 1)    # doctest: +SKIP
    >>> dist.all_reduce(t)                            # doctest: +SKIP
    >>> t                                             # with 2 ranks  # doctest: +SKIP
    tensor([3., 3., 3.])
    """
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'all_reduce')
    if pg is None:
        return None
    asked = op
    dt, op, view = _plan(op, tensor._data.dtype, 'all_reduce')
    device_path = _nccl_path.all_reduce(pg, tensor, as_red_op(asked), async_op)
    if device_path is not NotImplemented:
        return device_path
    src = _host(tensor).view(view)
    comm, n = pg._comm, pg.size()
    if dt is not None:
        scratch = pg._take_scratch(src.nbytes)
        out = scratch.view(view).reshape(src.shape)
        req = comm.Iallreduce([src, dt], [out, dt], _mpi.mpi_op(_mpi.load(), op))

        def finish():
            if op is ReduceOp.AVG:
                np.divide(out, n, out=out)
            _write(tensor, out.view(tensor._data.dtype))
            pg._give_scratch(scratch)
    else:
        everyone = np.empty((n,) + src.shape, view)
        MPI = _mpi.load()
        req = comm.Iallgather([_bytes(src), MPI.BYTE], [_bytes(everyone), MPI.BYTE])

        def finish():
            out = _mpi.numpy_reduce(op, list(everyone))
            if op is ReduceOp.AVG:
                out = (out / n).astype(view)
            _write(tensor, out.view(tensor._data.dtype))
    return completed(pg, 'all_reduce', [req], finish, [tensor], async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across the group onto rank ``dst``.

    Only ``dst``'s result is the reduction. As with PyTorch, the tensor on the other ranks changes too: a CPU
    tensor is left as PyTorch's CPU back end (gloo) leaves it, holding the partial reductions of its ring
    (with ``ReduceOp.AVG``, divided by the group size), and a CUDA tensor is left as it was (NCCL).

    >>> t = ember.arange(4.) + 10 * dist.get_rank()    # doctest: +SKIP
    >>> dist.reduce(t, dst=0)                          # with 2 ranks  # doctest: +SKIP
    >>> t                                              # on rank 0     # doctest: +SKIP
    tensor([10., 12., 14., 16.])
    >>> t                                              # on rank 1     # doctest: +SKIP
    tensor([10., 11., 14., 16.])
    """
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'reduce')
    if pg is None:
        return None
    root = _group_rank(pg, dst, group_dst)
    _plan(op, tensor._data.dtype, 'reduce')
    device_path = _nccl_path.reduce(pg, tensor, root, as_red_op(op), async_op)
    if device_path is not NotImplemented:
        return device_path
    dt, op, view = _plan(op, tensor._data.dtype, 'reduce')
    src = _host(tensor).view(view)
    comm, n, me = pg._comm, pg.size(), pg.rank()
    MPI = _mpi.load()
    if tensor._device.type == 'cpu':
        # NOTE: gloo's ring leaves every rank's tensor partly reduced; replaying it needs every rank's input
        # on every rank (an all-gather: n times reduce's traffic)
        flat = src.reshape(-1)
        if flat.dtype.kind == 'c':     # gloo cuts a complex tensor as its real and imaginary parts
            flat = flat.view(flat.real.dtype)
        everyone = np.empty((n, flat.size), flat.dtype)
        req = comm.Iallgather([_bytes(flat), MPI.BYTE], [_bytes(everyone), MPI.BYTE])

        def finish():
            out = ring_reduce(list(everyone), root, _mpi.numpy_op(op))[me]
            if op is ReduceOp.AVG:
                out = (out / n).astype(out.dtype)
            _write(tensor, out.view(tensor._data.dtype))
    elif dt is not None:
        out = np.empty_like(src) if me == root else None
        req = comm.Ireduce([src, dt], [out, dt] if out is not None else None, _mpi.mpi_op(MPI, op), root=root)

        def finish():
            if out is not None:
                if op is ReduceOp.AVG:
                    out[...] = out / n
                _write(tensor, out.view(tensor._data.dtype))
    else:
        everyone = np.empty((n,) + src.shape, view) if me == root else None
        req = comm.Igather([_bytes(src), MPI.BYTE], [_bytes(everyone), MPI.BYTE] if me == root else None, root=root)

        def finish():
            if everyone is not None:
                out = _mpi.numpy_reduce(op, list(everyone))
                if op is ReduceOp.AVG:
                    out = (out / n).astype(view)
                _write(tensor, out.view(tensor._data.dtype))
    return completed(pg, 'reduce', [req], finish, [tensor], async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` (world size × ``output``'s elements) across the group; rank i receives chunk i."""
    _check_tensor(output, 'output')
    _check_tensor(input, 'input')
    pg = _begin(group, 'reduce_scatter_tensor')
    if pg is None:
        return None
    if input._data.dtype != output._data.dtype:
        raise RuntimeError("reduce_scatter_tensor: input and output must have the same dtype")
    n = pg.size()
    if input.numel() != output.numel() * n:
        raise ValueError(f"reduce_scatter_tensor: input holds {input.numel()} elements but the output holds "
                         f"{output.numel()} on each of {n} ranks: the input must be world_size times the output")
    _plan(op, output._data.dtype, 'reduce_scatter_tensor')
    device_path = _nccl_path.reduce_scatter(pg, 'reduce_scatter_tensor', output, [input], as_red_op(op), async_op)
    if device_path is not NotImplemented:
        return device_path
    return _reduce_scatter(pg, 'reduce_scatter_tensor', _host(input).reshape(n, -1), output, op, async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list[i]`` across the group onto rank i's ``output``."""
    _check_tensor(output, 'output')
    _check_list(input_list, 'input_list')
    pg = _begin(group, 'reduce_scatter')
    if pg is None:
        return None
    _count(input_list, pg, 'reduce_scatter', 'input_list')
    _same(input_list, output, 'reduce_scatter', 'input')
    _plan(op, output._data.dtype, 'reduce_scatter')
    device_path = _nccl_path.reduce_scatter(pg, 'reduce_scatter', output, input_list, as_red_op(op), async_op)
    if device_path is not NotImplemented:
        return device_path
    stacked = np.stack([_host(t) for t in input_list]).reshape(pg.size(), -1)
    return _reduce_scatter(pg, 'reduce_scatter', stacked, output, op, async_op)


def _reduce_scatter(pg, name, chunks, output, op, async_op):
    dt, op, view = _plan(op, output._data.dtype, name)
    chunks = np.ascontiguousarray(chunks).view(view)
    comm, n = pg._comm, pg.size()
    MPI = _mpi.load()
    out = np.empty(chunks.shape[1:], view)
    if dt is not None:
        req = comm.Ireduce_scatter_block([chunks, dt], [out, dt], _mpi.mpi_op(MPI, op))
        received = None
    else:   # every rank sends chunk i to rank i, which reduces what it receives
        received = np.empty_like(chunks)
        req = comm.Ialltoall([_bytes(chunks), MPI.BYTE], [_bytes(received), MPI.BYTE])

    def finish():
        res = out if received is None else _mpi.numpy_reduce(op, list(received))
        if op is ReduceOp.AVG:
            res = (res / n).astype(view)
        _write(output, res.view(output._data.dtype))
    return completed(pg, name, [req], finish, [output], async_op)


# ---------------------------------------------------------------------------- data movement
def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s ``tensor`` into every rank's ``tensor``."""
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'broadcast')
    if pg is None:
        return None
    root = _group_rank(pg, src, group_src)
    device_path = _nccl_path.broadcast(pg, tensor, root, async_op)
    if device_path is not NotImplemented:
        return device_path
    MPI = _mpi.load()
    if pg.rank() == root:
        buf, finish = _host(tensor), None
    else:
        buf, finish = _target(tensor)
    req = pg._comm.Ibcast([_bytes(buf), MPI.BYTE], root=root)
    return completed(pg, 'broadcast', [req], finish, [tensor], async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Every rank's ``tensor`` into ``tensor_list`` (one entry per rank), on every rank."""
    _check_list(tensor_list, 'tensor_list')
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'all_gather')
    if pg is None:
        return None
    _count(tensor_list, pg, 'all_gather', 'tensor_list')
    _same(tensor_list, tensor, 'all_gather', 'output tensor')
    device_path = _nccl_path.all_gather(pg, 'all_gather', tensor_list, tensor, async_op)
    if device_path is not NotImplemented:
        return device_path
    src = _host(tensor)
    everyone = np.empty((pg.size(),) + src.shape, src.dtype)
    MPI = _mpi.load()
    req = pg._comm.Iallgather([_bytes(src), MPI.BYTE], [_bytes(everyone), MPI.BYTE])

    def finish():
        for t, a in zip(tensor_list, everyone):
            _write(t, a)
    return completed(pg, 'all_gather', [req], finish, tensor_list, async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor`` concatenated (or stacked) along dim 0 into ``output_tensor``."""
    _check_tensor(output_tensor, 'output_tensor')
    _check_tensor(input_tensor, 'input_tensor')
    pg = _begin(group, 'all_gather_into_tensor')
    if pg is None:
        return None
    if output_tensor._data.dtype != input_tensor._data.dtype:
        raise RuntimeError("all_gather_into_tensor: output and input must have the same dtype")
    n = pg.size()
    if output_tensor.numel() != input_tensor.numel() * n:
        raise ValueError(f"all_gather_into_tensor: output holds {output_tensor.numel()} elements, expected "
                         f"world_size ({n}) times the input's {input_tensor.numel()}")
    device_path = _nccl_path.all_gather(pg, 'all_gather_into_tensor', [output_tensor], input_tensor, async_op)
    if device_path is not NotImplemented:
        return device_path
    out, finish = _target(output_tensor)
    MPI = _mpi.load()
    req = pg._comm.Iallgather([_bytes(_host(input_tensor)), MPI.BYTE], [_bytes(out), MPI.BYTE])
    return completed(pg, 'all_gather_into_tensor', [req], finish, [output_tensor], async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Every rank's ``tensor`` into ``gather_list`` on rank ``dst`` (default 0)."""
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'gather')
    if pg is None:
        return None
    root = _group_rank(pg, dst, group_dst, default=0)
    me = pg.rank()
    if me == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_list(gather_list, 'gather_list')
        _count(gather_list, pg, 'gather', 'gather_list')
        _same(gather_list, tensor, 'gather', 'output tensor')
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    src = _host(tensor)
    everyone = np.empty((pg.size(),) + src.shape, src.dtype) if me == root else None
    MPI = _mpi.load()
    req = pg._comm.Igather([_bytes(src), MPI.BYTE], [_bytes(everyone), MPI.BYTE] if me == root else None,
                           root=root)

    def finish():
        if everyone is not None:
            for t, a in zip(gather_list, everyone):
                _write(t, a)
    return completed(pg, 'gather', [req], finish, gather_list or [], async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank ``src``'s ``scatter_list[i]`` into rank i's ``tensor``."""
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, 'scatter')
    if pg is None:
        return None
    root = _group_rank(pg, src, group_src, default=0)
    me = pg.rank()
    MPI = _mpi.load()
    if me == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(scatter_list, 'scatter_list')
        _count(scatter_list, pg, 'scatter', 'scatter_list')
        _same(scatter_list, tensor, 'scatter', 'input tensor')
        send = [_bytes(np.ascontiguousarray(np.stack([_host(t) for t in scatter_list]))), MPI.BYTE]
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    else:
        send = None
    out, finish = _target(tensor)
    req = pg._comm.Iscatter(send, [_bytes(out), MPI.BYTE], root=root)
    return completed(pg, 'scatter', [req], finish, [tensor], async_op)


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """``input_tensor_list[j]`` of rank i arrives as ``output_tensor_list[i]`` of rank j."""
    _check_list(output_tensor_list, 'output_tensor_list')
    _check_list(input_tensor_list, 'input_tensor_list')
    pg = _begin(group, 'all_to_all')
    if pg is None:
        return None
    _count(output_tensor_list, pg, 'all_to_all', 'output_tensor_list')
    _count(input_tensor_list, pg, 'all_to_all', 'input_tensor_list')
    for o, i in ((output_tensor_list[0], t) for t in input_tensor_list):
        if o._data.dtype != i._data.dtype:
            raise RuntimeError("all_to_all: input and output tensors must have the same dtype")
    sends = [_bytes(_host(t)) for t in input_tensor_list]

    def finish():
        for t, buf in zip(output_tensor_list, out_parts):
            _write(t, buf.view(t._data.dtype))
    req, out_parts = _alltoallv(pg, sends, [t._data.nbytes for t in output_tensor_list])
    return completed(pg, 'all_to_all', [req], finish, output_tensor_list, async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None, group=None,
                      async_op=False):
    """Split ``input`` along dim 0 (evenly, or by ``input_split_sizes``) and send part j to rank j; rank
    j's parts are concatenated into ``output`` (split by ``output_split_sizes``)."""
    _check_tensor(output, 'output')
    _check_tensor(input, 'input')
    pg = _begin(group, 'all_to_all_single')
    if pg is None:
        return None
    if output._data.dtype != input._data.dtype:
        raise RuntimeError("all_to_all_single: input and output must have the same dtype")
    n = pg.size()
    src = _host(input)
    in_rows = _splits(input, input_split_sizes, n, 'input')
    out_rows = _splits(output, output_split_sizes, n, 'output')
    in_row = src[0].nbytes if src.ndim and src.shape[0] else src.itemsize
    out_row = (output._data[0].nbytes if output.dim() and output.shape[0] else output._data.itemsize)
    flat = _bytes(src)
    offsets = np.concatenate([[0], np.cumsum(in_rows)]) * in_row
    sends = [flat[offsets[j]:offsets[j + 1]] for j in range(n)]
    req, parts = _alltoallv(pg, sends, [r * out_row for r in out_rows])

    def finish():
        _write(output, np.concatenate(parts).view(output._data.dtype) if parts else np.empty(0, output._data.dtype))
    return completed(pg, 'all_to_all_single', [req], finish, [output], async_op)


def _splits(t, sizes, n, what):
    rows = t.shape[0] if t.dim() else 1
    if sizes is None or len(sizes) == 0:
        if rows % n:
            raise ValueError(f"all_to_all_single: the {what}'s first dimension ({rows}) must divide evenly "
                             f"by the world size ({n}) when no split sizes are given")
        return [rows // n] * n
    sizes = [int(s) for s in sizes]
    if len(sizes) != n or sum(sizes) != rows:
        raise ValueError(f"all_to_all_single: {what}_split_sizes {sizes} must have {n} entries summing to the "
                         f"{what}'s first dimension ({rows})")
    return sizes


def _alltoallv(pg, sends, recv_counts):
    """Post an all-to-all of byte strings: (request, received parts in rank order)."""
    MPI = _mpi.load()
    send_counts = [s.nbytes for s in sends]
    send = np.concatenate(sends) if sends else np.empty(0, np.uint8)
    recv = np.empty(sum(recv_counts), np.uint8)
    sdispl = np.concatenate([[0], np.cumsum(send_counts)[:-1]]).astype(int).tolist()
    rdispl = np.concatenate([[0], np.cumsum(recv_counts)[:-1]]).astype(int).tolist()
    req = pg._comm.Ialltoallv([send, (send_counts, sdispl), MPI.BYTE], [recv, (list(recv_counts), rdispl), MPI.BYTE])
    parts = [recv[d:d + c] for d, c in zip(rdispl, recv_counts)]
    return req, parts


def barrier(group=None, async_op=False, device_ids=None, timeout=None):
    """Wait until every rank of the group arrives (raises after ``timeout`` or the group's timeout)."""
    pg = _begin(group, 'barrier')
    if pg is None:
        return None
    device_path = _nccl_path.barrier(pg, device_ids, async_op)
    if device_path is not NotImplemented:
        return device_path
    req = pg._comm.Ibarrier()
    if async_op:
        return completed(pg, 'barrier', [req], None, [], True)
    from ember.distributed._work import Work
    Work(pg, 'barrier', [req]).wait(timeout)
    return None


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier where rank 0 names the ranks that did not arrive within ``timeout``."""
    import time
    from ember.distributed._work import _poll
    pg = _begin(group, 'monitored_barrier')
    if pg is None:
        return None
    limit = (pg._timeout if timeout is None else timeout).total_seconds()
    comm, n, me = pg._comm, pg.size(), pg.rank()
    MPI = _mpi.load()
    tag = 0x6d62
    token = np.zeros(1, np.uint8)
    deadline = time.monotonic() + limit
    if me != 0:
        reqs = [comm.Isend([token, MPI.BYTE], 0, tag), comm.Irecv([np.empty(1, np.uint8), MPI.BYTE], 0, tag)]
        if not _poll(reqs, deadline):
            raise RuntimeError(f"Rank {me} failed to pass monitoredBarrier in {int(limit * 1000)} ms: rank 0 "
                               "did not answer")
        return None
    pending = {r: comm.Irecv([np.empty(1, np.uint8), MPI.BYTE], r, tag) for r in range(1, n)}
    missing = [r for r, req in pending.items() if not _poll([req], deadline)]
    if missing:
        if wait_all_ranks:
            raise RuntimeError(f"Ranks {', '.join(map(str, missing))} failed to pass monitoredBarrier in "
                               f"{int(limit * 1000)} ms")
        raise RuntimeError(f"Rank {missing[0]} failed to pass monitoredBarrier in {int(limit * 1000)} ms")
    acks = [comm.Isend([token, MPI.BYTE], r, tag) for r in range(1, n)]
    _poll(acks, deadline + limit)
    return None


# ------------------------------------------------------------------------------ point to point
def _p2p(tensor, peer, group, group_peer, tag, name, sending):
    _check_tensor(tensor, 'tensor')
    pg = _begin(group, name)
    if pg is None:
        return None, None
    MPI = _mpi.load()
    rank = _p2p_rank(pg, peer, group_peer, sending)
    device_path = _nccl_path.p2p(pg, name, tensor, rank, sending)
    if device_path is not NotImplemented:
        return pg, device_path
    if sending:
        req = pg._comm.Isend([_bytes(_host(tensor)), MPI.BYTE], rank, tag)
        from ember.distributed._work import Work
        return pg, Work(pg, name, [req], None, [tensor])
    buf, finish = _target(tensor)
    req = pg._comm.Irecv([_bytes(buf), MPI.BYTE], rank, tag)
    from ember.distributed._work import Work
    work = Work(pg, name, [req], finish, [tensor])
    work._statuses = [MPI.Status()]
    return pg, work


def _p2p_rank(pg, peer, group_peer, sending):
    """The group rank of a point-to-point peer (MPI's any-source for a receive without one)."""
    if peer is None and group_peer is None and not sending:
        return _mpi.load().ANY_SOURCE
    rank = _group_rank(pg, peer, group_peer)
    if rank == pg.rank():
        what = 'Destination' if sending else 'Source'
        raise ValueError(f"Invalid {what} rank: {what} rank should not be the same as the rank of the "
                         "current process.")
    return rank


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work to ``wait()`` on."""
    return _p2p(tensor, dst, group, group_dst, tag, 'isend', True)[1]


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a Work."""
    return _p2p(tensor, src, group, group_src, tag, 'irecv', False)[1]


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it is on its way."""
    pg, work = _p2p(tensor, dst, group, group_dst, tag, 'send', True)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's global rank
    (-1 on a rank outside ``group``)."""
    pg, work = _p2p(tensor, src, group, group_src, tag, 'recv', False)
    if work is None:
        return -1
    work.wait()
    from ember.distributed._group import get_global_rank
    sender = work._peer if isinstance(work, _nccl_path.NcclWork) else work._statuses[0].Get_source()
    return get_global_rank(pg, sender)


class P2POp:
    """One point-to-point operation for ``batch_isend_irecv``: ``op`` is ``isend`` or ``irecv``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.".replace('torch.', 'ember.'))
        self.op, self.tensor, self.peer, self.group, self.tag, self.group_peer = op, tensor, peer, group, tag, group_peer


def batch_isend_irecv(p2p_op_list):
    """Start every operation of the list; returns their Work handles."""
    if not isinstance(p2p_op_list, list) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``ember.distributed.P2POp``.")
    return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]
