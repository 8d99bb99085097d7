"""Distributed checkpoints (PyTorch's ``torch.distributed.checkpoint``): every rank saves its part of a
state dict into one directory and loads it back, at the same or another number of ranks. The directory is
PyTorch's format, so either framework reads the other's checkpoints.

>>> import ember, tempfile
>>> import ember.distributed.checkpoint as dcp
>>> path = tempfile.mkdtemp()
>>> _ = dcp.save({'step': 5, 'w': ember.ones(2)}, checkpoint_id=path, no_dist=True)
>>> sorted(dcp.FileSystemReader(path).read_metadata().state_dict_metadata)
['step', 'w']
"""
from ember.distributed.checkpoint.api import CheckpointException  # noqa: F401
from ember.distributed.checkpoint.default_planner import DefaultLoadPlanner, DefaultSavePlanner  # noqa: F401
from ember.distributed.checkpoint.filesystem import FileSystemReader, FileSystemWriter  # noqa: F401
from ember.distributed.checkpoint.metadata import (  # noqa: F401
    BytesStorageMetadata, ChunkStorageMetadata, Metadata, TensorStorageMetadata)
from ember.distributed.checkpoint.state_dict_loader import load, load_state_dict  # noqa: F401
from ember.distributed.checkpoint.state_dict_saver import async_save, save, save_state_dict  # noqa: F401
from ember.distributed.checkpoint.stateful import Stateful  # noqa: F401
