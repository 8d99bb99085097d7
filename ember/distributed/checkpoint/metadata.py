"""What a distributed checkpoint's ``.metadata`` file describes: every saved entry's kind (tensor or
pickled bytes), each tensor's global size, properties and chunks, and where each piece is stored.
The classes and fields are PyTorch's, so the file is read and written in PyTorch's format."""
import os  # noqa: F401  (checkpoint ids are paths)
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import ember

__all__ = ['ChunkStorageMetadata', 'TensorStorageMetadata', 'BytesStorageMetadata', 'Metadata', 'MetadataIndex',
           'TensorProperties', 'StorageMeta']


@dataclass
class ChunkStorageMetadata:
    """One saved piece of a tensor: where it starts (``offsets``) and its extent (``sizes``)."""
    offsets: ember.Size
    sizes: ember.Size


class _MEM_FORMAT_ENCODING(Enum):
    """How a memory format is written into the metadata file."""
    TORCH_CONTIGUOUS_FORMAT = 0
    TORCH_CHANNELS_LAST = 1
    TORCH_PRESERVE_FORMAT = 2


def _formats():
    return {ember.contiguous_format: _MEM_FORMAT_ENCODING.TORCH_CONTIGUOUS_FORMAT,
            ember.channels_last: _MEM_FORMAT_ENCODING.TORCH_CHANNELS_LAST,
            ember.preserve_format: _MEM_FORMAT_ENCODING.TORCH_PRESERVE_FORMAT}


@dataclass
class TensorProperties:
    """The properties a saved tensor is rebuilt with."""
    dtype: Any = field(default_factory=lambda: ember.get_default_dtype())
    layout: Any = field(default_factory=lambda: ember.strided)
    requires_grad: bool = False
    memory_format: Any = field(default_factory=lambda: ember.contiguous_format)
    pin_memory: bool = False

    def __getstate__(self):
        encoding = _formats().get(self.memory_format)
        if encoding is None:
            raise RuntimeError(f"Invalid torch.memory_format: {self.memory_format}")
        return self.dtype, self.layout, self.requires_grad, encoding, self.pin_memory

    def __setstate__(self, state):
        self.dtype, self.layout, self.requires_grad, encoding, self.pin_memory = state
        formats = {v: k for k, v in _formats().items()}
        if encoding not in formats:
            raise RuntimeError(f"Invalid torch.memory_format encoding: {encoding}")
        self.memory_format = formats[encoding]

    @staticmethod
    def create_from_tensor(tensor):
        """The properties of ``tensor`` (saved contiguous)."""
        return TensorProperties(dtype=tensor.dtype, layout=tensor.layout, requires_grad=tensor.requires_grad,
                                memory_format=ember.contiguous_format, pin_memory=False)


@dataclass
class TensorStorageMetadata:
    """A saved tensor: its properties, global size and the chunks it was saved in."""
    properties: TensorProperties
    size: ember.Size
    chunks: list


@dataclass
class BytesStorageMetadata:
    """A saved non-tensor value (pickled)."""


@dataclass
class StorageMeta:
    """Which checkpoint (``checkpoint_id``) a save or load worked on."""
    checkpoint_id: Any = None
    save_id: Any = None
    load_id: Any = None
    modules: list = field(default_factory=list)


@dataclass
class Metadata:
    """A checkpoint's table of contents: ``state_dict_metadata`` (flat key -> tensor or bytes entry),
    ``planner_data`` (flat key -> path in the nested state dict), ``storage_data`` (piece -> file
    location)."""
    state_dict_metadata: dict
    planner_data: Any = None
    storage_data: Any = None
    storage_meta: Any = None
    version: Any = None


@dataclass(frozen=True)
class MetadataIndex:
    """Names one saved piece: the flat key ``fqn`` and, for a tensor chunk, its ``offset``; ``index`` is
    a look-up hint that takes no part in equality."""
    fqn: str
    offset: Any = None
    index: Any = field(hash=False, compare=False, default=None)

    def __init__(self, fqn, offset=None, index=None):
        object.__setattr__(self, 'fqn', fqn)
        object.__setattr__(self, 'index', index)
        object.__setattr__(self, 'offset', None if offset is None else ember.Size(offset))
