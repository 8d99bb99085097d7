"""NCCL between processes: the device path of ``ember.distributed``'s process groups for CUDA tensors.

One ``Communicator`` per process group and device. Every operation is enqueued on the device's current CuPy
stream (where ember's own kernels run, so it is ordered after the work that produced its inputs) and returns
an event recorded after it, which a ``Work`` handle waits on. Arrays are CuPy arrays, C-contiguous, on the
communicator's device; the caller checks that.
"""
import numpy as np

from ember import backend
from ember.backend.cuda_runtime import _NCCL_TYPES, nccl, nccl_version

# ember's reductions -> NCCL's (ncclAvg exists since NCCL 2.10)
_NCCL_OPS = {'SUM': 'NCCL_SUM', 'PRODUCT': 'NCCL_PROD', 'MAX': 'NCCL_MAX', 'MIN': 'NCCL_MIN'}
_NCCL_AVG = 4


def available():
    """True when CuPy is loaded with NCCL bindings (the device path can run)."""
    if backend._cupy is None:
        return False
    try:
        return nccl() is not None
    except Exception:   # CuPy present but no usable device
        return False


def has_dtype(dtype):
    """True when NCCL moves and reduces ``dtype`` as it is (complex travels as its real and imaginary parts)."""
    return str(np.dtype(dtype)) in _NCCL_TYPES


def native_op(op_name):
    """NCCL's code for reduction ``op_name`` ('SUM', 'AVG', ...), or None when NCCL lacks it (the caller then
    reduces another way: AVG as a sum divided by the group size)."""
    lib = nccl()
    if op_name == 'AVG':
        return getattr(lib, 'NCCL_AVG', _NCCL_AVG) if nccl_version() >= 21000 else None
    name = _NCCL_OPS.get(op_name)
    return None if name is None else getattr(lib, name)


def unique_id():
    """A new NCCL unique id, as a NumPy array the group's first rank sends to the others."""
    return np.array(nccl().get_unique_id(), dtype=np.int16)


class Communicator:
    """An NCCL communicator of ``nranks`` processes (this one is ``rank``) on CUDA device ``device``, joined
    through the unique id ``uid`` (from ``unique_id()`` on one rank). Creating it waits for every rank."""

    def __init__(self, nranks, uid, rank, device):
        self.device = device
        self.rank, self.nranks = rank, nranks
        cp = backend._cupy
        with cp.cuda.Device(device):
            self._comm = nccl().NcclCommunicator(nranks, tuple(int(x) for x in uid), rank)

    def _run(self, call, dtype):
        """Enqueue ``call(comm, nccl_type, stream)`` on the device's current stream; the event after it."""
        cp = backend._cupy
        lib = nccl()
        with cp.cuda.Device(self.device):
            stream = cp.cuda.get_current_stream()
            call(self._comm, getattr(lib, _NCCL_TYPES[str(np.dtype(dtype))]), stream.ptr)
            event = cp.cuda.Event(disable_timing=True)
            event.record(stream)
        return event

    def all_reduce(self, send, recv, op):
        return self._run(lambda c, t, s: c.allReduce(send.data.ptr, recv.data.ptr, send.size, t, op, s), send.dtype)

    def reduce(self, send, recv, op, root):
        return self._run(lambda c, t, s: c.reduce(send.data.ptr, recv.data.ptr, send.size, t, op, root, s),
                         send.dtype)

    def broadcast(self, buf, root):
        return self._run(lambda c, t, s: c.broadcast(buf.data.ptr, buf.data.ptr, buf.size, t, root, s), buf.dtype)

    def all_gather(self, send, recv):
        return self._run(lambda c, t, s: c.allGather(send.data.ptr, recv.data.ptr, send.size, t, s), send.dtype)

    def reduce_scatter(self, send, recv, op):
        return self._run(lambda c, t, s: c.reduceScatter(send.data.ptr, recv.data.ptr, recv.size, t, op, s),
                         send.dtype)

    def send(self, buf, peer):
        return self._run(lambda c, t, s: c.send(buf.data.ptr, buf.size, t, peer, s), buf.dtype)

    def recv(self, buf, peer):
        return self._run(lambda c, t, s: c.recv(buf.data.ptr, buf.size, t, peer, s), buf.dtype)

    def destroy(self):
        self._comm.destroy()


# ------------------------------------------------------------------ device-side array helpers for the path

def contiguous(arr, device):
    """``arr`` itself when C-contiguous, else a C-contiguous copy on ``device``."""
    cp = backend._cupy
    if arr.flags.c_contiguous:
        return arr
    with cp.cuda.Device(device):
        return cp.ascontiguousarray(arr)


def empty(shape, dtype, device):
    cp = backend._cupy
    with cp.cuda.Device(device):
        return cp.empty(shape, dtype)


def concatenate(arrays, device):
    """The arrays' elements, flattened and joined, in a new array on ``device``."""
    cp = backend._cupy
    with cp.cuda.Device(device):
        return cp.concatenate([a.reshape(-1) for a in arrays])


def copy_into(dst, src, device):
    """Copy device array ``src`` into ``dst`` (same element count) on ``device``'s current stream."""
    cp = backend._cupy
    with cp.cuda.Device(device):
        cp.copyto(dst, src.reshape(dst.shape))


def divide_into(arr, n, device):
    """``arr /= n`` in place on ``device``."""
    cp = backend._cupy
    with cp.cuda.Device(device):
        cp.divide(arr, n, out=arr)


def wait_on(event, device):
    """Make ``device``'s current stream wait for ``event`` (the host does not wait)."""
    cp = backend._cupy
    with cp.cuda.Device(device):
        cp.cuda.get_current_stream().wait_event(event)
