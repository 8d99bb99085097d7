"""Checkpoints in a directory, in PyTorch's layout: a ``.metadata`` file (the pickled ``Metadata``) and
``__<rank>_<n>.distcp`` files, each a run of ``torch.save``-format records (one per tensor chunk or
pickled value) that ``.metadata`` locates by file, offset and length."""
import io
import os
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ember.distributed.checkpoint import _pickle

__all__ = ['FileSystemWriter', 'FileSystemReader', 'SerializationFormat']

_METADATA = '.metadata'
_SUFFIX = '.distcp'


@dataclass
class _StorageInfo:
    """Where one saved record lies: file (relative to the checkpoint directory), byte offset, length."""
    relative_path: str
    offset: int
    length: int
    transform_descriptors: Any = None

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if v is not None}


class SerializationFormat(Enum):
    """How each record of a ``.distcp`` file is encoded."""
    TORCH_SAVE = 'torch_save'
    SAFETENSORS = 'safetensors'


def _sync(f, on):
    f.flush()
    if on:
        os.fsync(f.fileno())


class FileSystemWriter:
    """Writes a checkpoint into the directory ``path`` (created if missing).

    Args:
        path: the checkpoint directory.
        single_file_per_rank (bool): one ``.distcp`` file per rank (True) or one per record.
        sync_files (bool): ``fsync`` every file before the save completes.
        thread_count (int): each rank spreads its records over this many files.
        per_thread_copy_ahead (int): accepted for PyTorch's signature; ember writes records one at a
            time, so there is no copy-ahead to bound.
        cache_staged_state_dict (bool): must be False (ember has no asynchronous staging).
        overwrite (bool): when False, refuse to write where a checkpoint already is.
        serialization_format: ``SerializationFormat.TORCH_SAVE`` (the only one ember writes).

    Example::

        >>> import ember, tempfile
        >>> import ember.distributed.checkpoint as dcp
        >>> path = tempfile.mkdtemp()
        >>> _ = dcp.save({'w': ember.arange(4.)}, storage_writer=dcp.FileSystemWriter(path))  # doctest: +SKIP
    """

    def __init__(self, path, single_file_per_rank=True, sync_files=True, thread_count=1,
                 per_thread_copy_ahead=10_000_000, cache_staged_state_dict=False, overwrite=True, _extensions=None,
                 serialization_format=SerializationFormat.TORCH_SAVE):
        if int(thread_count) < 1:
            raise ValueError(f"thread_count must be at least 1, got {thread_count}")
        if cache_staged_state_dict:
            raise ValueError("FileSystemWriter(cache_staged_state_dict=True) needs asynchronous staging, which "
                             "ember does not have")
        if _extensions:
            raise ValueError("FileSystemWriter: ember writes no stream transform extensions")
        if serialization_format is not SerializationFormat.TORCH_SAVE:
            raise ValueError(f"FileSystemWriter: ember writes records in {SerializationFormat.TORCH_SAVE}, not "
                             f"{serialization_format}")
        self.path = os.fspath(path)
        self.single_file_per_rank = bool(single_file_per_rank)
        self.sync_files = bool(sync_files)
        self.thread_count = int(thread_count)
        self.per_thread_copy_ahead = per_thread_copy_ahead
        self.overwrite = bool(overwrite)

    @property
    def checkpoint_id(self):
        return self.path

    def _prepare(self):
        if not self.overwrite and os.path.exists(os.path.join(self.path, _METADATA)):
            raise RuntimeError(f"Checkpoint already exists at {self.path} and overwrite=False.")
        os.makedirs(self.path, exist_ok=True)

    def _write_records(self, rank, records):
        """Write ``records`` ([(key, bytes)]) of this rank; {key: _StorageInfo}."""
        if self.single_file_per_rank:
            groups = [records[i::self.thread_count] for i in range(self.thread_count)]
        else:
            groups = [[r] for r in records]
        where = {}
        for n, group in enumerate(g for g in groups if g):
            name = f'__{rank}_{n}{_SUFFIX}'
            with open(os.path.join(self.path, name), 'wb') as f:
                for key, data in group:
                    where[key] = _StorageInfo(name, f.tell(), len(data))
                    f.write(data)
                _sync(f, self.sync_files)
        return where

    def _write_metadata(self, metadata):
        tmp = os.path.join(self.path, _METADATA + '.tmp')
        with open(tmp, 'wb') as f:
            f.write(_pickle.dumps(metadata))
            _sync(f, self.sync_files)
        os.replace(tmp, os.path.join(self.path, _METADATA))


class FileSystemReader:
    """Reads a checkpoint (written by ember or by PyTorch) from the directory ``path``.

    Example::

        >>> import ember.distributed.checkpoint as dcp
        >>> dcp.load(state_dict, storage_reader=dcp.FileSystemReader('ckpt'))  # doctest: +SKIP
    """

    def __init__(self, path, _extension_registry=None):
        self.path = os.fspath(path)

    @property
    def checkpoint_id(self):
        return self.path

    def read_metadata(self):
        """The checkpoint's ``Metadata``."""
        with open(os.path.join(self.path, _METADATA), 'rb') as f:
            return _pickle.loads(f.read())

    def _read_record(self, info):
        with open(os.path.join(self.path, info.relative_path), 'rb') as f:
            f.seek(info.offset)
            data = f.read(info.length)
        if getattr(info, 'transform_descriptors', None):
            raise RuntimeError(f"checkpoint record in {info.relative_path} was written with stream transforms "
                               f"{info.transform_descriptors}, which ember cannot read")
        return io.BytesIO(data)
