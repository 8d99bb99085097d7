"""``ember.PyTorchFileWriter`` and ``ember.PyTorchFileReader``: the record archive under a checkpoint.

A checkpoint is a zip file whose entries ("records") all live in one folder, the archive name,
stored uncompressed with their data aligned for memory mapping. The writer adds records and, at
the end, the ``version``, ``byteorder`` and ``.data/serialization_id`` records PyTorch's readers
expect; the reader lists records and reads them by their name inside the folder.

>>> import io
>>> buf = io.BytesIO()
>>> w = ember.PyTorchFileWriter(buf)
>>> w.write_record('greeting', b'hello', 5)
>>> w.write_end_of_file()
>>> r = ember.PyTorchFileReader(io.BytesIO(buf.getvalue()))
>>> r.get_all_records()
['greeting', 'version', 'byteorder', '.data/serialization_id']
>>> r.get_record('greeting')
b'hello'
"""
import ctypes
import io
import os
import secrets
import sys
import zipfile

import numpy as np

from ember import backend
from ember._zip_writer import ZipRecordWriter

_VERSION = 3          # the format version PyTorch writes unless a record needs a newer one
_DATA_VERSION = 6     # from this version on, the version record moves to .data/version


def _archive_name_of(path):
    stem = os.path.basename(path)
    return stem.rsplit('.', 1)[0] if '.' in stem else stem


class PyTorchFileWriter:
    """Writes a checkpoint archive record by record, to a path or a writable binary file object.

    Args:
        file_name: a path, or a file object with ``write`` (and ``seek``/``tell``).
        compute_crc32: record each record's CRC-32 (``False``: zeros, as PyTorch writes without them; a file
            object that cannot seek gets them anyway, since its records are streamed).
        storage_alignment: each record's data starts at a multiple of this many bytes.

    Example::

        >>> w = ember.PyTorchFileWriter(io.BytesIO())
        >>> w.archive_name()
        'archive'
    """

    def __init__(self, file_name, compute_crc32=True, storage_alignment=64):
        self._crc32 = bool(compute_crc32)
        if int(storage_alignment) < 1:
            raise ValueError(f"storage_alignment must be positive, got {storage_alignment}")
        self._alignment = int(storage_alignment)
        self._own = isinstance(file_name, (str, os.PathLike))
        if self._own:
            path = os.fspath(file_name)
            parent = os.path.dirname(path)
            if parent and not os.path.isdir(parent):
                raise RuntimeError(f"Parent directory {parent} does not exist.")
            self._fh = open(path, 'wb')
            self._archive = _archive_name_of(path)
        elif hasattr(file_name, 'write'):
            self._fh = file_name
            self._archive = 'archive'
        else:
            raise TypeError(f"PyTorchFileWriter needs a path or a writable file object, not "
                            f"{type(file_name).__name__}")
        self._zip = ZipRecordWriter(self._fh)
        self._written = []
        self._version = _VERSION
        self._serialization_id = ''
        self._finalized = False

    def archive_name(self):
        """The folder every record lives in: the file's name without its extension, else ``'archive'``."""
        return self._archive

    def serialization_id(self):
        """The archive's random id, written by ``write_end_of_file`` (empty before)."""
        return self._serialization_id

    def get_all_written_records(self):
        """The names of the records written so far."""
        return set(self._written)

    def set_min_version(self, version):
        """Record at least this format version (a version of 6 or more moves it to ``.data/version``)."""
        self._version = max(self._version, int(version))

    def write_record(self, name, data, size):
        """Add the record ``name`` holding the first ``size`` bytes of ``data`` (bytes, str, a storage,
        or the address of ``size`` bytes in memory)."""
        from ember.storage import TypedStorage, UntypedStorage
        size = int(size)
        if isinstance(data, str):
            data = data.encode('utf-8')
        if isinstance(data, (bytes, bytearray, memoryview)):
            view = memoryview(data).cast('B')[:size]
        elif isinstance(data, (UntypedStorage, TypedStorage)):
            untyped = data.untyped() if isinstance(data, TypedStorage) else data
            view = memoryview(np.ascontiguousarray(backend.to_numpy(untyped._array[:size])))
        elif isinstance(data, int):
            view = memoryview(ctypes.string_at(data, size))
        else:
            raise TypeError(f"write_record(): data must be bytes, str, a storage or an address, not "
                            f"{type(data).__name__}")
        if len(view) < size:
            raise RuntimeError(f"write_record(): {name} is given {len(view)} bytes but size {size}")
        self._write(name, view)

    def write_record_metadata(self, name, size):
        """Add the record ``name`` with ``size`` bytes reserved (zeros): its place and size, no data."""
        self._write(name, bytes(int(size)))

    def _write(self, name, view):
        from ember.serialization import _write_aligned
        if self._finalized:
            raise RuntimeError("PyTorchFileWriter: the archive is finished (write_end_of_file was called)")
        if name in self._written:
            raise RuntimeError(f"Tried to serialize file twice: {name}")
        _write_aligned(self._zip, f'{self._archive}/{name}', view, self._alignment, self._crc32)
        self._written.append(name)

    def write_end_of_file(self):
        """Write the version, byte order and serialization id records and close the archive."""
        if self._finalized:
            return
        version = f'{self._version}\n'.encode()
        self._write('.data/version' if self._version >= _DATA_VERSION else 'version', version)
        if 'byteorder' not in self._written:
            self._write('byteorder', sys.byteorder.encode())
        self._serialization_id = f'{secrets.randbelow(10 ** 40):040d}'
        self._write('.data/serialization_id', self._serialization_id.encode())
        self._finalized = True
        self._zip.close()
        if self._own:
            self._fh.close()
        elif hasattr(self._fh, 'flush'):
            self._fh.flush()

    def __del__(self):
        # as PyTorch's: an archive left open is finished when the writer goes away
        if getattr(self, '_finalized', True) is False:
            try:
                self.write_end_of_file()
            except Exception:  # noqa: BLE001 - a destructor must not raise
                pass


class PyTorchFileReader:
    """Reads the records of a checkpoint archive from a path or a readable binary file object.

    Example::

        >>> buf = io.BytesIO()
        >>> ember.save(ember.ones(2), buf)
        >>> r = ember.PyTorchFileReader(io.BytesIO(buf.getvalue()))
        >>> r.has_record('data.pkl'), r.get_record_size('data/0')
        (True, 8)
    """

    def __init__(self, file_name):
        from ember.serialization import _central_directory_error
        if isinstance(file_name, (str, os.PathLike)):
            path = os.fspath(file_name)
            try:
                fh = open(path, 'rb')
            except OSError as e:
                raise RuntimeError(f"open file failed because of errno {e.errno} on fopen: {e.strerror}, file "
                                   f"path: {path}") from None
        elif hasattr(file_name, 'read'):
            fh = file_name if file_name.seekable() else io.BytesIO(file_name.read())
        else:
            raise TypeError(f"PyTorchFileReader needs a path or a readable file object, not "
                            f"{type(file_name).__name__}")
        try:
            self._zip = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            raise _central_directory_error() from None
        names = self._zip.namelist()
        first = names[0] if names else ''
        self._prefix = first.split('/', 1)[0] + '/' if '/' in first else ''
        self._names = [n[len(self._prefix):] for n in names if n.startswith(self._prefix)]

    def _info(self, name):
        try:
            return self._zip.getinfo(self._prefix + name)
        except KeyError:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found") from None

    def get_all_records(self):
        """The names of the records, in the order they were written."""
        return list(self._names)

    def has_record(self, name):
        return name in self._names

    def get_record(self, name):
        """The bytes of the record ``name``."""
        info = self._info(name)
        try:
            if info.compress_type != zipfile.ZIP_STORED:
                return self._zip.read(info)
            # NOTE: stored bytes are read as they lie, unchecked, as PyTorch's reader does: a record
            # written by write_record_metadata carries no checksum
            from ember.serialization import _data_offset
            fp = self._zip.fp
            fp.seek(_data_offset(self._zip, info))
            data = fp.read(info.file_size)
            if len(data) != info.file_size:
                raise EOFError('the record is truncated')
            return data
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}") from None

    def get_record_size(self, name):
        return self._info(name).file_size

    def get_record_header_offset(self, name):
        """Where the record's local header starts in the file."""
        return self._info(name).header_offset

    def get_record_offset(self, name):
        """Where the record's data starts in the file."""
        from ember.serialization import _data_offset
        return _data_offset(self._zip, self._info(name))

    def get_record_offset_no_read(self, zipfile_header_offset, filename, size, storage_alignment):
        """Where a record written at ``zipfile_header_offset`` with ``size`` bytes would have its data,
        computed from the names and alignment alone (the writer's padding rule)."""
        from ember.serialization import _data_start
        return _data_start(zipfile_header_offset, f'{self._prefix}{filename}', size, storage_alignment)

    def get_storage_from_record(self, name, numel, dtype):
        """The record as the storage of ``numel`` elements of ``dtype``, held by an empty tensor of that
        dtype (its ``untyped_storage()`` is the record's bytes)."""
        from ember._tensor import Tensor
        info = self._info(name)
        nbytes = int(numel) * dtype.itemsize
        if info.file_size != nbytes:
            kind = dtype._legacy[:-len('Tensor')]
            raise RuntimeError(f"record size ({info.file_size} bytes) does not match expected size ({nbytes} bytes "
                               f"= {int(numel)} elements * {dtype.itemsize} bytes/element) for dtype {kind}")
        raw = np.frombuffer(bytearray(self.get_record(name)), np.uint8)
        return Tensor._make(backend.view_bytes(raw, dtype.np_dtype, 0, (0,), (1,)))

    def serialization_id(self):
        """The id the writer gave the archive (empty when it has none)."""
        if '.data/serialization_id' not in self._names:
            return ''
        return self.get_record('.data/serialization_id').decode('utf-8', 'replace')


PyTorchFileWriter.__module__ = PyTorchFileReader.__module__ = 'ember'
