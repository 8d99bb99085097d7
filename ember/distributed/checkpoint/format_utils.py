"""Converting between distributed checkpoints (directories) and ``torch.save`` files, in one process
(PyTorch's ``torch.distributed.checkpoint.format_utils``)."""
import os

import ember
from ember.distributed.checkpoint.filesystem import FileSystemReader, FileSystemWriter
from ember.distributed.checkpoint.metadata import TensorStorageMetadata
from ember.distributed.checkpoint.state_dict_loader import load
from ember.distributed.checkpoint.state_dict_saver import save

__all__ = ['dcp_to_torch_save', 'torch_save_to_dcp']


def _put(root, path, value):
    """Put ``value`` at ``path`` in the nested ``root``, making the dicts (string keys) and lists
    (integer keys) on the way."""
    node = root
    for part, after in zip(path[:-1], path[1:]):
        empty = [] if isinstance(after, int) else {}
        if isinstance(node, list):
            node.extend([None] * (part + 1 - len(node)))
            if node[part] is None:
                node[part] = empty
        else:
            node.setdefault(part, empty)
        node = node[part]
    last = path[-1]
    if isinstance(node, list):
        node.extend([None] * (last + 1 - len(node)))
    node[last] = value


def _empty_state_dict(metadata):
    """A state dict of the checkpoint's layout: an empty tensor of each saved tensor's whole size and dtype,
    None for the other values (the load replaces them)."""
    root = {}
    planned = metadata.planner_data or {}
    for key, md in metadata.state_dict_metadata.items():
        value = None
        if isinstance(md, TensorStorageMetadata):
            value = ember.empty(tuple(md.size), dtype=md.properties.dtype)
        _put(root, tuple(planned.get(key, (key,))), value)
    return root


def dcp_to_torch_save(dcp_checkpoint_dir, torch_save_path):
    """Read the distributed checkpoint in ``dcp_checkpoint_dir`` whole (every rank's shards put together)
    and write it with ``ember.save`` to ``torch_save_path`` (a file ``torch.load`` reads).

    >>> dcp_to_torch_save('ckpt/step100', 'model.pt')   # doctest: +SKIP
    """
    reader = FileSystemReader(dcp_checkpoint_dir)
    state_dict = _empty_state_dict(reader.read_metadata())
    load(state_dict, storage_reader=reader, no_dist=True)
    ember.save(state_dict, torch_save_path)


def torch_save_to_dcp(torch_save_path, dcp_checkpoint_dir):
    """Write the ``torch.save``/``ember.save`` file ``torch_save_path`` as a distributed checkpoint in
    ``dcp_checkpoint_dir`` (loadable at any number of ranks).

    >>> torch_save_to_dcp('model.pt', 'ckpt/step100')   # doctest: +SKIP
    """
    state_dict = ember.load(os.fspath(torch_save_path), weights_only=False)
    save(state_dict, storage_writer=FileSystemWriter(dcp_checkpoint_dir), no_dist=True)
