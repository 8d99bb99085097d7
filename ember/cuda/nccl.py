"""Collectives between the GPUs of this process over NCCL (``torch.cuda.nccl``), through CuPy's NCCL
bindings: one tensor per device, each on a different device; results are written into the outputs
(or the inputs, for ``all_reduce`` without outputs and ``broadcast``)."""
import collections.abc
import warnings

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['all_reduce', 'reduce', 'broadcast', 'all_gather', 'reduce_scatter', 'is_available', 'version', 'SUM',
           'unique_id', 'init_rank']

SUM = 0  # NCCL's reduction codes: 0 sum, 1 product, 2 max, 3 min, 4 average


def _lib_present():
    return backend.cuda_available() and _rt.nccl() is not None


def is_available(tensors):
    """Whether NCCL can run a collective over ``tensors``: dense, contiguous CUDA tensors on distinct
    devices, with CuPy built with NCCL."""
    if not _lib_present():
        warnings.warn("PyTorch is not compiled with NCCL support")
        return False
    devices = set()
    for t in tensors:
        if t.is_sparse or not t.is_contiguous() or not t.is_cuda or t.get_device() in devices:
            return False
        devices.add(t.get_device())
    return True


def version():
    """NCCL's version as (major, minor, patch)."""
    if not _lib_present():
        backend._require_cuda()
        raise RuntimeError("NCCL is not available: CuPy was built without NCCL support")
    v = _rt.nccl_version()
    return (v // 10000, v // 100 % 100, v % 100) if v >= 10000 else (v // 1000, v // 100 % 10, v % 100)


def _check_sequence(inputs):
    from ember._tensor import Tensor
    if not isinstance(inputs, collections.abc.Container) or isinstance(inputs, Tensor):
        raise TypeError("Inputs should be a collection of tensors")


def unique_id():
    """An NCCL id that processes share to form a communicator with :func:`init_rank`.

    Not available in ember: its NCCL collectives run between the GPUs of one process, on communicators
    it makes itself; between processes, use ``ember.distributed``. Raises.

    Example::

        >>> ember.cuda.nccl.all_reduce(tensors_on_each_gpu)    # doctest: +SKIP
    """
    _refuse_communicators('unique_id')


def init_rank(num_ranks, uid, rank):
    """Join rank ``rank`` of ``num_ranks`` to the communicator of ``uid`` (not available in ember: see
    :func:`unique_id`).

    Example::

        >>> ember.cuda.nccl.broadcast(tensors_on_each_gpu, root=0)    # doctest: +SKIP
    """
    _refuse_communicators('init_rank')


def _refuse_communicators(name):
    backend._require_cuda()
    raise RuntimeError(f"ember.cuda.nccl.{name} is not available: ember's NCCL collectives run between the GPUs "
                       f"of one process on communicators it makes itself (CuPy's); between processes, use "
                       f"ember.distributed")


def _check(tensors, what):
    if not _lib_present():
        backend._require_cuda()
        raise RuntimeError("NCCL is not available: CuPy was built without NCCL support")
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(f"{what} must be a non-empty sequence of tensors")
    devices = []
    for t in tensors:
        if not t.is_cuda or not t.is_contiguous() or t.is_sparse:
            raise TypeError(f"NCCL only supports contiguous, dense CUDA tensors ({what})")
        if t.get_device() in devices:
            raise RuntimeError(f"{what} must be on distinct devices")
        devices.append(t.get_device())
    dtype = tensors[0].dtype
    if any(t.dtype != dtype for t in tensors):
        raise RuntimeError(f"{what} must all have the same dtype")
    return devices


def _streams(streams, devices):
    from ember.cuda.streams import Stream
    if streams is None:
        streams = [None] * len(devices)
    out = []
    for s, d in zip(streams, devices):
        if s is None:
            with _rt.device_scope(d):
                s = Stream(d, _stream=_rt.current_stream())
        out.append(s._stream)
    return out


def _dtype_name(t):
    return str(t._data.dtype)


def _run(kind, inputs, outputs, streams, comms, op=SUM, root=0, count_of=None):
    _check_sequence(inputs)
    _check_sequence(outputs)
    if comms is not None:
        raise ValueError("comms: ember makes and keeps its own NCCL communicators, one set per group of devices")
    devices = _check(inputs, 'inputs')
    _check(outputs, 'outputs')
    if [o.get_device() for o in outputs] != devices:
        raise RuntimeError("each output must be on the device of its input")
    counts = [count_of(i, o) for i, o in zip(inputs, outputs)]
    _rt.nccl_collective(kind, devices, [t._data for t in inputs], [t._data for t in outputs], counts,
                        _dtype_name(inputs[0]), _streams(streams, devices), op=op, root=root)


def all_reduce(inputs, outputs=None, op=SUM, streams=None, comms=None):
    """Reduce (``op``: sum by default) the tensors of all devices and write the result into each output
    (each input when ``outputs`` is None)."""
    outputs = inputs if outputs is None else outputs
    _run('all_reduce', inputs, outputs, streams, comms, op=op, count_of=lambda i, o: i.numel())


def reduce(inputs, output=None, root=0, op=SUM, streams=None, comms=None, *, outputs=None):
    """Reduce the tensors of all devices into ``output`` (on ``inputs[root]``'s device; by default the
    root input itself). ``outputs`` (one per device) may be given instead; only the root's is written."""
    _check_sequence(inputs)
    if outputs is not None and output is not None:
        raise ValueError("'output' and 'outputs' can not be both specified. 'outputs' is deprecated in favor of "
                         "'output', taking in a single output tensor. The signature of reduce is: reduce(inputs, "
                         "output=None, root=0, op=SUM, streams=None, comms=None).")
    if outputs is None:
        output = inputs[root] if output is None else output
        outputs = [output if i == root else t for i, t in enumerate(inputs)]
    _run('reduce', inputs, outputs, streams, comms, op=op, root=root, count_of=lambda i, o: i.numel())


def broadcast(inputs, root=0, streams=None, comms=None):
    """Copy ``inputs[root]`` into every other input."""
    _run('broadcast', inputs, inputs, streams, comms, root=root, count_of=lambda i, o: i.numel())


def all_gather(inputs, outputs, streams=None, comms=None):
    """Write the inputs of all devices, one after another in device order, into each output."""
    _run('all_gather', inputs, outputs, streams, comms, count_of=lambda i, o: i.numel())


def reduce_scatter(inputs, outputs, op=SUM, streams=None, comms=None):
    """Reduce the inputs of all devices and give device ``k`` the ``k``-th equal part of the result."""
    _run('reduce_scatter', inputs, outputs, streams, comms, op=op, count_of=lambda i, o: o.numel())
