"""The memory that ``share_memory_`` moves storages into, and how another process maps it.

Each block is a file mapped ``MAP_SHARED``: an anonymous in-memory file (``memfd_create``) where the
system has one, else a file under ``/dev/shm`` (or the temporary directory). Because a block is a
file, a process can hand it to another one after both have started: either its file descriptor
(the ``'file_descriptor'`` sharing strategy, passed over a Unix socket by Python's
``multiprocessing``) or its path (``'file_system'``). Processes forked afterwards inherit the
mapping itself.

The storage module calls :func:`new_block` and :func:`is_block`; the pickling rules of
``ember.multiprocessing`` call :func:`attach_fd` and :func:`attach_file`.
"""
import mmap
import os
import weakref

_SHM_DIR = None     # '/dev/shm' where it exists, else the temporary directory (found on first use)


class SharedBlock(mmap.mmap):
    """A shared mapping that keeps an open descriptor of its file (``fd``) to hand on, and the
    file's path (``filename``) when it has one."""
    fd = None
    filename = None

    def key(self):
        """What identifies the memory across processes: the file's (inode, device)."""
        st = os.fstat(self.fd)
        return st.st_ino, st.st_dev


def _map(fd, nbytes, filename=None, owns_file=False):
    # mmap keeps its own duplicate of fd for the mapping; ours stays open to be handed on
    block = SharedBlock(fd, max(nbytes, 1))
    block.fd = fd
    block.filename = filename
    weakref.finalize(block, _release, fd, filename if owns_file else None)
    return block


def _release(fd, filename):
    os.close(fd)
    if filename is not None:
        try:
            os.unlink(filename)
        except FileNotFoundError:
            pass


def new_block(nbytes):
    """A fresh zero-filled shared block of ``nbytes`` bytes, made the way the current sharing strategy
    hands memory on (a path under ``file_system``, else an anonymous file where there is one)."""
    from ember.multiprocessing import get_sharing_strategy
    size = max(int(nbytes), 1)
    if get_sharing_strategy() == 'file_descriptor' and hasattr(os, 'memfd_create'):
        fd = os.memfd_create('ember_shared', os.MFD_CLOEXEC)
        os.ftruncate(fd, size)
        return _map(fd, size)
    import uuid     # (imported here, as the directory is found here: neither is needed at ``import ember``)
    global _SHM_DIR
    if _SHM_DIR is None:
        import tempfile
        _SHM_DIR = '/dev/shm' if os.path.isdir('/dev/shm') else tempfile.gettempdir()
    path = os.path.join(_SHM_DIR, f'ember_{os.getpid()}_{uuid.uuid4().hex}')
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.ftruncate(fd, size)
    # NOTE: the process that made the file removes it when its block is freed (or it exits); a
    # receiver must map it before then, as with PyTorch's 'file_system' strategy without its manager
    return _map(fd, size, path, owns_file=True)


def attach_fd(fd, nbytes):
    """Map the block behind ``fd`` (a descriptor received from another process; the block keeps it)."""
    return _map(fd, nbytes)


def attach_file(path, nbytes):
    """Map the block stored in the file ``path``, made by another process."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        raise RuntimeError(f"shared memory file {path!r} is gone: the process that shared the tensor freed it "
                           "before this one received it (keep the tensor alive in the sender until it is "
                           "received, or use the 'file_descriptor' sharing strategy)") from None
    return _map(fd, nbytes, path)


def is_block(buffer):
    """Whether ``buffer`` (what a storage's array wraps) is a shared block."""
    return isinstance(buffer, SharedBlock)
