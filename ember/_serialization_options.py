"""The settings that change how ``ember.save`` writes and ``ember.load`` reads a checkpoint, as
PyTorch's ``torch.serialization`` exposes them: CRC-32 checksums, the byte order of files that do
not record one, how ``load(mmap=True)`` maps the file, and skipping tensor bytes altogether."""
import enum
import mmap as _mmap
import sys
import threading


class LoadEndianness(enum.Enum):
    """The byte order ``ember.load`` assumes for a file that does not record its own."""
    NATIVE = 1
    LITTLE = 2
    BIG = 3


# every setting, under the names ``ember.utils.serialization.config`` gives them (that module reads and
# writes this same dict, so the functions here and the config always agree)
_state = {
    'load.mmap': False,
    'load.endianness': None,
    'load.mmap_flags': None if sys.platform == 'win32' else _mmap.MAP_PRIVATE,
    'load.calculate_storage_offsets': False,
    'save.compute_crc32': True,
    'save.use_pinned_memory_for_d2h': False,
    'save.storage_alignment': 64,
}
_local = threading.local()      # skip_data is per thread, as in PyTorch


def get_crc32_options():
    """Whether ``ember.save`` computes and writes a CRC-32 for each record (default ``True``)."""
    return _state['save.compute_crc32']


def set_crc32_options(compute_crc32):
    """Whether ``ember.save`` computes and writes a CRC-32 for each record. Without them (a zero in
    the checksum fields, as PyTorch writes) saving skips one pass over the data and loading cannot
    detect damaged bytes. Files written either way load in PyTorch and ember. A file object that
    cannot seek gets the checksums anyway: its records are streamed, each followed by its CRC.

    Args:
        compute_crc32 (bool): compute and write the checksums.
    """
    _state['save.compute_crc32'] = bool(compute_crc32)


def get_default_load_endianness():
    """The byte order assumed for files without a byte-order record (``None``: the machine's own)."""
    return _state['load.endianness']


def set_default_load_endianness(endianness):
    """Set the byte order ``ember.load`` assumes for a file that records none (files from PyTorch
    before 2.1; newer ones record theirs, which then always wins).

    Args:
        endianness (LoadEndianness or None): ``None`` or ``NATIVE``: the machine's own byte order.
    """
    if not isinstance(endianness, LoadEndianness) and endianness is not None:
        raise TypeError("Invalid argument type in function set_default_load_endianness")
    _state['load.endianness'] = endianness


def fallback_byteorder():
    """'little' or 'big': the byte order of a file without a byte-order record."""
    chosen = _state['load.endianness']
    if chosen is LoadEndianness.LITTLE:
        return 'little'
    if chosen is LoadEndianness.BIG:
        return 'big'
    return sys.byteorder


def get_default_mmap_options():
    """The ``mmap`` flags ``ember.load(..., mmap=True)`` maps files with (``mmap.MAP_PRIVATE`` by default)."""
    return _state['load.mmap_flags']


class set_default_mmap_options:
    """Set the flags ``ember.load(..., mmap=True)`` maps files with, for good or, used in a ``with``
    statement, for the block.

    ``mmap.MAP_PRIVATE`` (the default): writes to the loaded tensors stay in memory (copy on write).
    ``mmap.MAP_SHARED``: they go to the file, which must then be writable.

    Args:
        flags (int): ``mmap.MAP_PRIVATE`` or ``mmap.MAP_SHARED``.
    """

    def __init__(self, flags):
        if sys.platform == 'win32':
            raise RuntimeError("Changing the default mmap options is currently not supported for Windows")
        if flags not in (_mmap.MAP_PRIVATE, _mmap.MAP_SHARED):
            raise ValueError("Invalid argument in function set_default_mmap_options, expected mmap.MAP_PRIVATE or "
                             f"mmap.MAP_SHARED, but got {flags}")
        self.prev = _state['load.mmap_flags']
        _state['load.mmap_flags'] = flags

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _state['load.mmap_flags'] = self.prev


def mmap_shared():
    """Whether ``load(mmap=True)`` maps files shared (writes reach the file) rather than copy-on-write."""
    return _state['load.mmap_flags'] == _mmap.MAP_SHARED


class skip_data:
    """Context manager in which ``ember.save`` writes no tensor bytes and ``ember.load`` reads none.

    Saving keeps every storage's place in the file, filled with zeros, so the bytes can be written in
    a separate pass; loading gives tensors of the right shapes, dtypes and devices, filled with zeros.

    Args:
        materialize_fake_tensors (bool): PyTorch's option for its fake tensors when saving; ember
            has no fake tensors, so only ``False`` is accepted.

    Example::

        >>> import io
        >>> buf = io.BytesIO()
        >>> with ember.serialization.skip_data():
        ...     ember.save(ember.ones(2, 3), buf)
        >>> _ = buf.seek(0)
        >>> ember.load(buf)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """

    def __init__(self, materialize_fake_tensors=False):
        if materialize_fake_tensors:
            raise ValueError("skip_data(materialize_fake_tensors=True): ember has no fake tensors to materialize")
        self.materialize_fake_tensors = materialize_fake_tensors

    def __enter__(self):
        self._prev = getattr(_local, 'skip', False)
        _local.skip = True

    def __exit__(self, *exc):
        _local.skip = self._prev


def storage_alignment():
    """The byte boundary ``ember.save`` starts each tensor's data on (64 by default)."""
    return _state['save.storage_alignment']


def skipping_data():
    """Whether the current thread is inside a :class:`skip_data` block."""
    return getattr(_local, 'skip', False)
