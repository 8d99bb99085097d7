"""Where each rank's piece of a distributed tensor lies in the whole, and moving between the two: cutting
a rank's piece out of a full tensor, and assembling the full tensor from every rank's piece."""
import math

import numpy as np

from ember.distributed.tensor.placement_types import Partial, Shard, _StridedShard


def split_dim(p):
    """The tensor dimension placement ``p`` splits, or None (Replicate, Partial)."""
    return p.dim if isinstance(p, (Shard, _StridedShard)) else None


def split_order(placements):
    """The mesh dimensions in the order their splits apply: mesh order, except that a ``_StridedShard``
    splits after the later mesh dimensions splitting the same tensor dimension (its piece lies inside
    theirs)."""
    def key(m):
        p = placements[m]
        if isinstance(p, _StridedShard):
            inner = [k for k in range(m + 1, len(placements)) if split_dim(placements[k]) == p.dim]
            if inner:
                return inner[-1] + 0.5
        return m
    return sorted(range(len(placements)), key=key)


def shard_range(size, parts, index):
    """(start, length) of piece ``index`` of ``parts`` when ``size`` is split as ``chunk`` splits."""
    chunk = math.ceil(size / parts) if size else 0
    start = min(index * chunk, size)
    return start, min(start + chunk, size) - start


def local_box(shape, mesh_shape, placements, coord):
    """(offsets, sizes) of the piece at mesh coordinate ``coord``."""
    offsets, sizes = [0] * len(shape), list(shape)
    for mesh_dim in split_order(placements):
        dim = split_dim(placements[mesh_dim])
        if dim is not None:
            start, length = shard_range(sizes[dim], mesh_shape[mesh_dim], coord[mesh_dim])
            offsets[dim] += start
            sizes[dim] = length
    return tuple(offsets), tuple(sizes)


def cut(full, shape, mesh_shape, placements, coord):
    """This coordinate's piece of the full array (a copy). Along a Partial(sum) dimension each rank holds
    the value divided by the number of ranks (as PyTorch shares a value out), so that the sum is the value;
    an integer value stays on coordinate 0 with zeros elsewhere. Partial(avg/max/min) pieces are the value."""
    offsets, sizes = local_box(shape, mesh_shape, placements, coord)
    piece = np.array(full[tuple(slice(o, o + s) for o, s in zip(offsets, sizes))])   # an array even when 0-d
    return share_partials(piece, mesh_shape, placements, coord)


def share_partials(piece, mesh_shape, placements, coord):
    """``piece`` made this coordinate's share along the Partial mesh dimensions (see ``cut``)."""
    for mesh_dim, p in enumerate(placements):
        if isinstance(p, Partial) and p.reduce_op == 'sum':
            if piece.dtype.kind in 'fc':
                piece = piece / np.asarray(mesh_shape[mesh_dim], piece.dtype)
            elif coord[mesh_dim] != 0:
                piece[...] = 0
    return piece


def assemble(pieces, shape, dtype, mesh_shape, placements):
    """The full array from ``pieces`` ([(coord, array)] of every rank of the mesh)."""
    partial_dims = [d for d, p in enumerate(placements) if isinstance(p, Partial)]
    groups = {}
    for coord, arr in pieces:
        key = tuple(coord[d] for d in partial_dims)
        buf = groups.get(key)
        if buf is None:
            buf = groups[key] = np.zeros(shape, dtype)
        offsets, sizes = local_box(shape, mesh_shape, placements, coord)
        buf[tuple(slice(o, o + s) for o, s in zip(offsets, sizes))] = arr
    parts = [groups[k] for k in sorted(groups)]
    out = parts[0]
    if partial_dims:
        op = placements[partial_dims[0]].reduce_op
        fn = {'sum': np.add, 'avg': np.add, 'max': np.maximum, 'min': np.minimum, 'product': np.multiply}[op]
        out = parts[0].copy()
        for p in parts[1:]:
            fn(out, p, out=out)
        if op == 'avg':
            out = out / len(parts)
    return out
