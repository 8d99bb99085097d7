"""``save``: every rank writes its part of a state dict into one checkpoint directory.

Each rank lists its entries (flat key, chunk offsets and sizes, bytes); the lists are shared, each
replicated entry gets exactly one writer, every rank writes its records into its own ``.distcp`` file,
and rank 0 writes the ``.metadata`` that locates them all."""
import io
import pathlib
import uuid

import ember
from ember._tensor import Tensor
from ember.distributed.checkpoint import _flatten
from ember.distributed.checkpoint._coordinate import Coordinator, use_distributed
from ember.distributed.checkpoint.default_planner import DefaultSavePlanner
from ember.distributed.checkpoint.filesystem import FileSystemWriter
from ember.distributed.checkpoint.metadata import (BytesStorageMetadata, ChunkStorageMetadata, Metadata,
                                                   MetadataIndex, StorageMeta, TensorProperties,
                                                   TensorStorageMetadata)
from ember.distributed.checkpoint.stateful import is_stateful

__all__ = ['save', 'save_state_dict', 'async_save']

_VERSION = '1.0.0'


def _writer(checkpoint_id, storage_writer):
    if storage_writer is None:
        if checkpoint_id is None:
            raise RuntimeError("`checkpoint_id` must be specified if storage_writer/storage_reader is None.")
        return FileSystemWriter(checkpoint_id)
    if not isinstance(storage_writer, FileSystemWriter):
        raise TypeError(f"ember's checkpoints are written by FileSystemWriter, not {type(storage_writer).__name__}")
    if checkpoint_id is not None:
        storage_writer.path = str(checkpoint_id)
    return storage_writer


def _resolve_stateful(state_dict):
    return {k: (v.state_dict() if is_stateful(v) else v)
            for k, v in state_dict.items()}


def _serialize(obj):
    buf = io.BytesIO()
    ember.save(obj, buf)
    return buf.getvalue()


def _local_plan(state_dict):
    """This rank's entries: [(key, kind, detail)] and the payloads to write, by (key, offsets)."""
    flat, paths = _flatten.flatten(_resolve_stateful(state_dict))
    entries, payload = [], {}
    for key, value in flat.items():
        if isinstance(value, Tensor):
            size, pieces, replicated = _flatten.chunks(value)
            props = TensorProperties.create_from_tensor(value)
            for offsets, local in pieces:
                offsets = tuple(int(o) for o in offsets)
                payload[(key, offsets)] = local
                entries.append((key, 'tensor', (tuple(size), offsets, tuple(local.shape), props, replicated,
                                                local.numel() * local.element_size())))
        else:
            data = _serialize(value)
            payload[(key, None)] = data
            entries.append((key, 'bytes', (len(data),)))
    return entries, payload, paths


def _assign_writers(plans, lowest):
    """(key, offsets) -> the one rank that writes it: each piece once, replicated ones spread over the
    ranks holding them (the least loaded so far, or the lowest rank)."""
    holders, sizes = {}, {}
    for rank, (entries, _) in enumerate(plans):
        for key, kind, detail in entries:
            piece = (key, detail[1] if kind == 'tensor' else None)
            holders.setdefault(piece, []).append(rank)
            sizes[piece] = detail[-1] if kind == 'tensor' else detail[0]
    load = [0] * len(plans)
    writer = {}
    for piece, ranks in holders.items():
        rank = ranks[0] if lowest else min(ranks, key=lambda r: (load[r], r))
        writer[piece] = rank
        load[rank] += sizes[piece]
    return writer


def _metadata(plans, where, checkpoint_id):
    state, storage, planner_data = {}, {}, {}
    for entries, paths in plans:
        planner_data.update(paths)
        for key, kind, detail in entries:
            if kind == 'bytes':
                state.setdefault(key, BytesStorageMetadata())
                continue
            size, offsets, local_size, props, _, _ = detail
            md = state.get(key)
            if md is None:
                md = state[key] = TensorStorageMetadata(props, ember.Size(size), [])
            elif tuple(md.size) != tuple(size):
                raise ValueError(f"{key} has global size {list(size)} on one rank and {list(md.size)} on another")
            if all(tuple(c.offsets) != offsets for c in md.chunks):
                md.chunks.append(ChunkStorageMetadata(ember.Size(offsets), ember.Size(local_size)))
    for key, md in state.items():
        if isinstance(md, BytesStorageMetadata):
            storage[MetadataIndex(key)] = where[(key, None)]
        else:
            for i, c in enumerate(md.chunks):
                storage[MetadataIndex(key, c.offsets, i)] = where[(key, tuple(c.offsets))]
    meta = StorageMeta(checkpoint_id=pathlib.Path(checkpoint_id), save_id=str(uuid.uuid4()), load_id=None, modules=[])
    return Metadata(state, planner_data, storage, meta, _VERSION)


def save(state_dict, *, checkpoint_id=None, storage_writer=None, planner=None, process_group=None, no_dist=False,
         use_collectives=True):
    """Save ``state_dict`` (nested dicts and lists of tensors and picklable values; objects with
    ``state_dict()``, such as modules and optimizers, are saved through it) into the checkpoint directory
    ``checkpoint_id``, every rank of ``process_group`` taking part.

    Each replicated tensor is written once; a distributed tensor's shards are written by their ranks. The
    directory is PyTorch's format (``.metadata`` and ``__<rank>_<n>.distcp`` files): PyTorch's ``load``
    reads it, and ``load`` here reads it back at any number of ranks.

    Returns:
        Metadata: the checkpoint's metadata (on every rank).

    Example::

        >>> import ember, tempfile
        >>> import ember.distributed.checkpoint as dcp
        >>> path = tempfile.mkdtemp()
        >>> _ = dcp.save({'w': ember.arange(4.), 'step': 3}, checkpoint_id=path, no_dist=True)
        >>> sd = {'w': ember.zeros(4), 'step': 0}
        >>> dcp.load(sd, checkpoint_id=path, no_dist=True)
        >>> sd
        {'w': tensor([0., 1., 2., 3.]), 'step': 3}
    """
    if not use_collectives and not no_dist:
        raise ValueError("save(use_collectives=False) is not supported: ember's ranks agree on the checkpoint "
                         "layout through collectives (pass no_dist=True to save from one process)")
    planner = DefaultSavePlanner() if planner is None else planner
    if not isinstance(planner, DefaultSavePlanner):
        raise TypeError(f"ember's checkpoints are planned by DefaultSavePlanner, not {type(planner).__name__}")
    writer = _writer(checkpoint_id, storage_writer)
    coord = Coordinator(use_distributed(no_dist, 'save'), process_group)
    local = {}

    def plan():
        writer._prepare()
        entries, payload, paths = _local_plan(state_dict)
        local['payload'] = payload
        return entries, paths

    plans = coord.all_run(plan, 'save: planning failed')
    writers = _assign_writers(plans, planner.dedup_save_to_lowest_rank)

    def write():
        records = []
        for (key, offsets), value in local['payload'].items():
            if writers[(key, offsets)] == coord.rank:
                data = value if offsets is None else _serialize(value.detach().contiguous().clone())
                records.append(((key, offsets), data))
        return writer._write_records(coord.rank, records)

    where = {}
    for part in coord.all_run(write, 'save: writing failed'):
        where.update(part)
    metadata = _metadata(plans, where, writer.path)

    def finish():
        if coord.rank == 0:
            writer._write_metadata(metadata)

    coord.all_run(finish, 'save: writing the metadata failed')
    return metadata


def save_state_dict(state_dict, storage_writer, process_group=None, coordinator_rank=0, no_dist=False, planner=None):
    """The older name of ``save`` (``storage_writer`` positional); rank 0 coordinates."""
    if coordinator_rank != 0:
        raise ValueError("save_state_dict: ember's rank 0 writes the metadata (coordinator_rank must be 0)")
    return save(state_dict, storage_writer=storage_writer, process_group=process_group, no_dist=no_dist,
                planner=planner)


def async_save(state_dict, *, checkpoint_id=None, storage_writer=None, planner=None, process_group=None,
               async_checkpointer_type=None, async_stager=None, no_dist=False, use_collectives=True):
    """``save``, returning a ``concurrent.futures.Future`` of its metadata. ember writes the checkpoint
    before returning (its collectives cannot run beside the training loop's on the same communicator),
    so the future is already done; training may change the tensors as soon as it returns."""
    import concurrent.futures
    if async_stager is not None:
        raise ValueError("async_save(async_stager=...): ember saves before returning and stages nothing")
    future = concurrent.futures.Future()
    future.set_result(save(state_dict, checkpoint_id=checkpoint_id, storage_writer=storage_writer, planner=planner,
                           process_group=process_group, no_dist=no_dist, use_collectives=use_collectives))
    return future
