"""The device path for CUDA tensors of a process group whose CUDA back end is NCCL (``'nccl'``,
``'cuda:nccl'``, ``'cpu:gloo,cuda:nccl'``): collectives run through NCCL on the tensors' device memory, on the
device's current stream, instead of being staged through host memory for MPI.

Each function returns a ``Work`` (or None for ``async_op=False``), or ``NotImplemented`` when this path does not
serve the call (no NCCL, CPU tensors, tensors on several devices, a dtype or reduction NCCL lacks, a receive
from any source); the caller then stages through host memory as before. The communicator of a group is made
on its first CUDA collective: the group's first rank makes NCCL's unique id and broadcasts it over the group's
MPI communicator, and every rank joins on the tensor's device.
"""
import numpy as np

from ember import backend
from ember.distributed import _mpi
from ember.distributed._reduce_op import ReduceOp
from ember.distributed._work import Work, completed

_DATA_OPS = {ReduceOp.SUM, ReduceOp.AVG, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX}


def _nccl():
    from ember.backend import nccl_group
    return nccl_group


def uses_nccl(pg):
    """True when ``pg``'s back end for CUDA tensors is NCCL."""
    name = pg._backend
    if ':' not in name:
        return name == 'nccl'
    return any(part.strip() == 'cuda:nccl' for part in name.split(','))


def _device(pg, tensors):
    """The one CUDA device index of ``tensors`` when this path serves them, else None."""
    if not tensors or not uses_nccl(pg):
        return None
    devices = {t._device for t in tensors}
    if len(devices) != 1:
        return None
    (dev,) = devices
    if dev.type != 'cuda' or not _nccl().available():
        return None
    return dev.index or 0


def _comm(pg, device):
    """The group's NCCL communicator on ``device``, made (collectively) on first use."""
    comms = pg._nccl_comms
    if device not in comms:
        nccl = _nccl()
        uid = nccl.unique_id() if pg.rank() == 0 else np.empty(128, np.int16)
        MPI = _mpi.load()
        completed(pg, 'NCCL communicator setup', [pg._comm.Ibcast([uid.view(np.uint8), MPI.BYTE], root=0)],
                  None, [], False)
        comms[device] = nccl.Communicator(pg.size(), uid, pg.rank(), device)
    return comms[device]


def destroy(pg):
    """Release the group's NCCL communicators."""
    for comm in pg._nccl_comms.values():
        comm.destroy()
    pg._nccl_comms.clear()


class NcclWork(Work):
    """The handle of an NCCL operation: complete when the event recorded after it on the stream is.
    ``wait()`` makes the current stream wait for it (as PyTorch's NCCL work does): work queued after it on that
    stream sees its results, and the host does not block."""

    def __init__(self, pg, name, event, device, outputs):
        super().__init__(pg, name, [], None, outputs)
        self._event, self._device = event, device

    def is_completed(self):
        if not self._done and self._event.done:
            self._done = True
        return self._done

    def wait(self, timeout=None):
        if not self._done:
            _nccl().wait_on(self._event, self._device)
        return True


def _finish(pg, name, event, device, outputs, async_op):
    for t in outputs:
        t._version_counter.value += 1
    work = NcclWork(pg, name, event, device, outputs)
    if async_op:
        return work
    work.wait()
    return None


def _reduction(op, dtype):
    """(NCCL op code, divide by the group size after, array dtype to run as), or None when NCCL cannot."""
    kind = np.dtype(dtype).kind
    if op not in _DATA_OPS:
        return None
    if kind == 'b':   # bool: a sum or max is a logical or, a product or min a logical and
        op = ReduceOp.MAX if op in (ReduceOp.SUM, ReduceOp.MAX) else ReduceOp.MIN
        dtype = np.uint8
    elif kind == 'c':   # complex sums are sums of the real and imaginary parts
        if op not in (ReduceOp.SUM, ReduceOp.AVG):
            return None
        dtype = np.empty(0, dtype).real.dtype
    if not _nccl().has_dtype(dtype):
        return None
    code = _nccl().native_op(op.name)
    if code is None and op is ReduceOp.AVG:
        return _nccl().native_op('SUM'), True, np.dtype(dtype)
    return (None if code is None else (code, False, np.dtype(dtype)))


def _data_type(dtype):
    """The array dtype NCCL moves ``dtype`` as (bytes for what NCCL has no type for)."""
    dtype = np.dtype(dtype)
    if _nccl().has_dtype(dtype):
        return dtype
    return np.dtype(np.uint8)


def _as(arr, dtype):
    """``arr`` (C-contiguous) as a flat array of ``dtype``."""
    return arr.reshape(-1).view(dtype)


def _io(t, device):
    """(a C-contiguous array with ``t``'s values, function copying results from it into ``t`` when it is not
    ``t``'s own memory)."""
    data = t._data
    arr = _nccl().contiguous(data, device)
    if arr is data:
        return arr, lambda: None
    return arr, lambda: _nccl().copy_into(data, arr, device)


# ------------------------------------------------------------------------------------------- operations
def _reducing(pg, tensor, op):
    """What a reduction of ``tensor`` on the device needs: (device, communicator, its C-contiguous array, the
    write-back, that array as NCCL reduces it, NCCL's op, whether to divide afterwards), or None where NCCL
    cannot do it (the caller then stages through the host)."""
    device = _device(pg, [tensor])
    plan = device is not None and _reduction(op, tensor._data.dtype)
    if not plan:
        return None
    code, divide, as_type = plan
    arr, write_back = _io(tensor, device)
    return device, _comm(pg, device), arr, write_back, _as(arr, as_type), code, divide


def all_reduce(pg, tensor, op, async_op):
    prepared = _reducing(pg, tensor, op)
    if prepared is None:
        return NotImplemented
    device, comm, arr, write_back, flat, code, divide = prepared
    event = comm.all_reduce(flat, flat, code)
    if divide:
        _nccl().divide_into(arr, pg.size(), device)
    write_back()
    return _finish(pg, 'all_reduce', event, device, [tensor], async_op)


def reduce(pg, tensor, root, op, async_op):
    prepared = _reducing(pg, tensor, op)
    if prepared is None:
        return NotImplemented
    device, comm, arr, write_back, flat, code, divide = prepared
    event = comm.reduce(flat, flat, code, root)
    if pg.rank() == root:   # the other ranks' tensors stay as they were (NCCL's behaviour)
        if divide:
            _nccl().divide_into(arr, pg.size(), device)
        write_back()
    return _finish(pg, 'reduce', event, device, [tensor], async_op)


def reduce_scatter(pg, name, output, inputs, op, async_op):
    """``inputs``: one tensor (world size × ``output``'s elements) or one per rank."""
    device = _device(pg, [output, *inputs])
    plan = device is not None and _reduction(op, output._data.dtype)
    if not plan:
        return NotImplemented
    code, divide, as_type = plan
    comm = _comm(pg, device)
    nccl = _nccl()
    send = (nccl.contiguous(inputs[0]._data, device) if len(inputs) == 1
            else nccl.concatenate([t._data for t in inputs], device))
    out, write_back = _io(output, device)
    event = comm.reduce_scatter(_as(send, as_type), _as(out, as_type), code)
    if divide:
        nccl.divide_into(out, pg.size(), device)
    write_back()
    return _finish(pg, name, event, device, [output], async_op)


def broadcast(pg, tensor, root, async_op):
    device = _device(pg, [tensor])
    if device is None:
        return NotImplemented
    comm = _comm(pg, device)
    arr, write_back = _io(tensor, device)
    event = comm.broadcast(_as(arr, _data_type(arr.dtype)), root)
    write_back()
    return _finish(pg, 'broadcast', event, device, [tensor], async_op)


def all_gather(pg, name, outputs, tensor, async_op):
    """``outputs``: one tensor (world size × ``tensor``'s elements) or one per rank."""
    device = _device(pg, [tensor, *outputs])
    if device is None:
        return NotImplemented
    comm = _comm(pg, device)
    nccl = _nccl()
    src = nccl.contiguous(tensor._data, device)
    as_type = _data_type(src.dtype)
    if name == 'all_gather_into_tensor':
        out, write_back = _io(outputs[0], device)
        event = comm.all_gather(_as(src, as_type), _as(out, as_type))
        write_back()
    else:
        out = nccl.empty((pg.size(),) + tuple(src.shape), src.dtype, device)
        event = comm.all_gather(_as(src, as_type), _as(out, as_type))
        for t, part in zip(outputs, out):
            nccl.copy_into(t._data, part, device)
    return _finish(pg, name, event, device, outputs, async_op)


def p2p(pg, name, tensor, peer, sending):
    """``isend``/``irecv`` through NCCL: a Work (NCCL has no tags; a receive from any rank is not served)."""
    device = _device(pg, [tensor])
    if device is None or peer == _mpi.load().ANY_SOURCE:
        return NotImplemented
    comm = _comm(pg, device)
    arr, write_back = _io(tensor, device)
    flat = _as(arr, _data_type(arr.dtype))
    if sending:
        event = comm.send(flat, peer)
    else:
        event = comm.recv(flat, peer)
        write_back()
        tensor._version_counter.value += 1
    work = NcclWork(pg, name, event, device, [tensor])
    work._peer = peer
    return work


def barrier(pg, device_ids, async_op):
    """PyTorch's NCCL barrier: an all-reduce of one element on the device (``device_ids[0]``, else the device
    of the group's communicator, else the current one); the host waits for it unless ``async_op``."""
    if not uses_nccl(pg) or not _nccl().available():
        return NotImplemented
    import ember
    if device_ids:
        device = int(device_ids[0])
    elif pg._nccl_comms:
        device = next(iter(pg._nccl_comms))
    else:
        device = ember.cuda.current_device()
    work = all_reduce(pg, ember.ones(1, device=f'cuda:{device}'), ReduceOp.SUM, True)
    if work is NotImplemented or async_op:
        return work
    work._event.synchronize()
    return None
