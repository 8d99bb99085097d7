"""How ember tensors and storages travel between processes: through shared memory, not copies.

Registered with ``multiprocessing.reduction.ForkingPickler`` (what queues, pipes and the arguments
of spawned processes pickle with), so a tensor put on a queue is moved into shared memory (its
``is_shared()`` becomes True) and the receiver gets a tensor over the same memory: in-place
changes on either side are seen by the other. Plain ``pickle`` and ``ember.save`` still copy.
"""
import os
import weakref
from multiprocessing import reduction

import numpy as np

from ember import backend
from ember._device import CPU
from ember._tensor import Tensor
from ember.multiprocessing import _shared_memory
from ember.storage import TypedStorage, UntypedStorage

__all__ = ['init_reductions', 'reduce_tensor', 'rebuild_tensor', 'reduce_storage', 'rebuild_storage_fd',
           'rebuild_storage_filename', 'rebuild_storage_empty', 'reduce_typed_storage', 'rebuild_typed_storage']

# (inode, device) of a shared block -> the storage over it in this process, so that receiving the
# same memory twice (or getting back what was sent) gives one storage, not two mappings
_shared_cache = weakref.WeakValueDictionary()


# ------------------------------------------------------------------------------------- storages
def _block_of(storage):
    storage.share_memory_()
    return backend.storage_buffer(storage._array)


def reduce_storage(storage):
    """Pickle an untyped CPU storage as a handle to its memory, moving it into shared memory first."""
    from ember.multiprocessing import get_sharing_strategy
    if storage.device.type == 'cuda':
        raise RuntimeError("Cannot pickle CUDA storage; try pickling a CUDA tensor instead")
    if storage.device.type == 'meta':
        raise RuntimeError("Cannot pickle meta storage; try pickling a meta tensor instead")
    if storage.size() == 0:
        return rebuild_storage_empty, (type(storage),)
    block = _block_of(storage)
    if not _shared_memory.is_block(block):
        # a file mapped with from_file(shared=True): the file itself is what processes share
        return rebuild_storage_filename, (type(storage), block.filename, storage.size(), False)
    _shared_cache[block.key()] = storage
    if get_sharing_strategy() == 'file_system' and block.filename is not None:
        return rebuild_storage_filename, (type(storage), block.filename, storage.size(), True)
    return rebuild_storage_fd, (type(storage), reduction.DupFd(block.fd), storage.size())


def _storage_over(block, nbytes):
    flat = np.frombuffer(block, np.uint8)[:nbytes]
    storage = UntypedStorage._of_array(flat)
    _shared_cache[block.key()] = storage
    return storage


def _cached(fd):
    st = os.fstat(fd)
    return _shared_cache.get((st.st_ino, st.st_dev))


def rebuild_storage_fd(cls, df, nbytes):
    """The storage over the memory another process sent as a file descriptor."""
    fd = df.detach()
    found = _cached(fd)
    if found is not None:
        os.close(fd)
        return found
    return _storage_over(_shared_memory.attach_fd(fd, nbytes), nbytes)


def rebuild_storage_filename(cls, filename, nbytes, is_block=True):
    """The storage over the memory another process sent as the path of its file."""
    if not is_block:
        return UntypedStorage.from_file(filename, shared=True, nbytes=nbytes)
    block = _shared_memory.attach_file(filename, nbytes)
    found = _shared_cache.get(block.key())
    return found if found is not None else _storage_over(block, nbytes)


def rebuild_storage_empty(cls):
    return cls()


def reduce_typed_storage(storage):
    return rebuild_typed_storage, (storage._untyped_storage, storage._dtype)


def rebuild_typed_storage(storage, dtype):
    return TypedStorage(wrap_storage=storage, dtype=dtype, _internal=True)


# -------------------------------------------------------------------------------------- tensors
def reduce_tensor(tensor):
    """Pickle a tensor as its (shared) storage plus where in it the tensor lies."""
    if tensor.requires_grad and not tensor.is_leaf:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
                           "does not support crossing process boundaries.  If you just want to transfer the "
                           "data, call detach() on the tensor before serializing (e.g., putting it on the queue).")
    if tensor.device.type == 'cuda':
        raise RuntimeError("ember cannot share CUDA tensors between processes; send tensor.cpu() instead")
    meta = (tensor.storage_offset(), tuple(tensor.shape), tensor.stride(), tensor.requires_grad)
    if tensor.device.type == 'meta':
        return rebuild_meta_tensor, (type(tensor), tensor.dtype, meta)
    if tensor.untyped_storage().size():
        tensor.share_memory_()   # as PyTorch: the sender's tensor now lives in shared memory too
    return rebuild_tensor, (type(tensor), tensor.untyped_storage(), tensor.dtype, meta)


def _finish(cls, t, requires_grad):
    from ember.nn.parameter import Parameter
    if cls is Parameter:
        return Parameter(t, requires_grad=requires_grad)
    t.requires_grad = requires_grad
    return t


def rebuild_tensor(cls, storage, dtype, meta):
    """The tensor over ``storage`` that ``reduce_tensor`` described."""
    offset, size, stride, requires_grad = meta
    data = backend.view_bytes(storage._array, dtype.np_dtype, offset, size, stride)
    return _finish(cls, Tensor._make(data, CPU), requires_grad)


def rebuild_meta_tensor(cls, dtype, meta):
    import ember
    offset, size, stride, requires_grad = meta
    t = ember.empty_strided(size, stride, dtype=dtype, device='meta')
    return _finish(cls, t, requires_grad)


def register_tensor_class(cls):
    """Send tensors of class ``cls`` (exactly: the pickler dispatches on the type) through shared memory."""
    reduction.register(cls, reduce_tensor)


def init_reductions():
    """Register the rules above with ``multiprocessing``'s pickler (done on import; ``nn.Parameter``
    registers itself when ``ember.nn`` loads)."""
    reduction.register(UntypedStorage, reduce_storage)
    reduction.register(TypedStorage, reduce_typed_storage)
    register_tensor_class(Tensor)
