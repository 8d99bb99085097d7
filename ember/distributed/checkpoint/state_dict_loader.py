"""``load``: fill a state dict in place from a checkpoint directory (ember's or PyTorch's), at any
number of ranks: each tensor (or each local shard of a distributed tensor) gathers the overlapping parts
of the saved chunks, whatever the number of ranks that saved them."""
import ember
from ember._tensor import Tensor
from ember.distributed.checkpoint import _flatten
from ember.distributed.checkpoint._coordinate import Coordinator, use_distributed
from ember.distributed.checkpoint.default_planner import DefaultLoadPlanner
from ember.distributed.checkpoint.filesystem import FileSystemReader
from ember.distributed.checkpoint.metadata import BytesStorageMetadata, MetadataIndex
from ember.distributed.checkpoint.stateful import is_stateful

__all__ = ['load', 'load_state_dict']


def _reader(checkpoint_id, storage_reader):
    if storage_reader is None:
        if checkpoint_id is None:
            raise RuntimeError("`checkpoint_id` must be specified if storage_writer/storage_reader is None.")
        return FileSystemReader(checkpoint_id)
    if not isinstance(storage_reader, FileSystemReader):
        raise TypeError(f"ember's checkpoints are read by FileSystemReader, not {type(storage_reader).__name__}")
    if checkpoint_id is not None:
        storage_reader.path = str(checkpoint_id)
    return storage_reader


class _Records:
    """Saved records, each read and decoded once per load."""

    def __init__(self, reader, metadata):
        self.reader, self.metadata, self.cache = reader, metadata, {}

    def get(self, index, weights_only):
        info = self.metadata.storage_data[index]
        key = (info.relative_path, info.offset)
        if key not in self.cache:
            self.cache[key] = ember.load(self.reader._read_record(info), map_location='cpu', weights_only=weights_only)
        return self.cache[key]


def _fill(target, key, md, records):
    """Copy the saved chunks of ``key`` that overlap each local piece of ``target`` into it."""
    if tuple(md.size) != tuple(target.shape):
        raise ValueError(f"Size mismatch between saved {md.size} and current: {target.size()} for {key}")
    _, pieces, _ = _flatten.chunks(target)
    with ember.no_grad():
        for offsets, local in pieces:
            for i, chunk in enumerate(md.chunks):
                meet = _flatten.overlap(offsets, local.shape, chunk.offsets, chunk.sizes)
                if meet is None:
                    continue
                saved = records.get(MetadataIndex(key, chunk.offsets, i), True)
                into_local, into_saved = meet
                if local.dim() == 0:
                    local.copy_(saved)
                else:
                    local[into_local].copy_(saved[into_saved])


def load(state_dict, *, checkpoint_id=None, storage_reader=None, planner=None, process_group=None, no_dist=False):
    """Load the checkpoint in ``checkpoint_id`` into ``state_dict`` in place: its tensors are overwritten
    (a distributed tensor's local shards read just their part), other values are replaced, and objects
    with ``load_state_dict`` (modules, optimizers) get their loaded state. Every key of ``state_dict``
    must be in the checkpoint (unless ``planner=DefaultLoadPlanner(allow_partial_load=True)``); the
    checkpoint may hold more. A failure on any rank raises ``CheckpointException`` on every rank.

    Example::

        >>> import ember.distributed.checkpoint as dcp
        >>> dcp.load({'model': model}, checkpoint_id='ckpt')   # doctest: +SKIP
    """
    planner = DefaultLoadPlanner() if planner is None else planner
    if not isinstance(planner, DefaultLoadPlanner):
        raise TypeError(f"ember's checkpoints are planned by DefaultLoadPlanner, not {type(planner).__name__}")
    reader = _reader(checkpoint_id, storage_reader)
    coord = Coordinator(use_distributed(no_dist, 'load'), process_group)

    def run():
        metadata = reader.read_metadata()
        records = _Records(reader, metadata)
        stateful = {k: v for k, v in state_dict.items() if is_stateful(v)}
        resolved = {k: (v.state_dict() if k in stateful else v) for k, v in state_dict.items()}
        flat, paths = _flatten.flatten(resolved)
        for key, target in flat.items():
            md = metadata.state_dict_metadata.get(key)
            if md is None:
                if planner.allow_partial_load:
                    continue
                raise RuntimeError(f"Missing key in checkpoint state_dict: {key}.")
            if isinstance(target, Tensor) and not isinstance(md, BytesStorageMetadata):
                _fill(target, key, md, records)
            elif isinstance(md, BytesStorageMetadata):
                _flatten.set_path(resolved, paths[key], records.get(MetadataIndex(key), False))
            else:
                raise RuntimeError(f"{key} is a tensor in the checkpoint but {type(target).__name__} in the "
                                   "state_dict to load")
        for k, obj in stateful.items():
            obj.load_state_dict(resolved[k])
        for k in state_dict:
            if k not in stateful:
                state_dict[k] = resolved[k]

    coord.all_run(run, 'load failed')


def load_state_dict(state_dict, storage_reader, process_group=None, coordinator_rank=0, no_dist=False, planner=None):
    """The older name of ``load`` (``storage_reader`` positional)."""
    return load(state_dict, storage_reader=storage_reader, process_group=process_group, no_dist=no_dist,
                planner=planner)
