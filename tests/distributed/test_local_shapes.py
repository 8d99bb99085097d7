"""``compute_local_shape_and_global_offset`` and ``Shard.local_shard_size_and_offset`` (imported by Hugging Face
transformers and checkpoint loaders): each rank's piece of a distributed tensor, as PyTorch computes it.
The expected pieces were recorded from PyTorch 2.13 (its private helper taking a mesh shape and coordinates);
the mesh here is a stand-in exposing what the function reads (its shape and this rank's coordinate)."""
import itertools

import pytest

from ember.distributed.tensor._utils import compute_local_shape_and_global_offset
from ember.distributed.tensor.placement_types import Replicate, Shard

# (global shape, mesh shape, placements, [(local shape, global offset) for each coordinate in row-major order])
RECORDED = [
    ((5, 6), (2,), [Shard(0)], [((3, 6), (0, 0)), ((2, 6), (3, 0))]),
    ((4, 5), (2, 2), [Shard(1), Shard(1)], [((4, 2), (0, 0)), ((4, 1), (0, 2)), ((4, 1), (0, 3)), ((4, 1), (0, 4))]),
    ((7, 3), (4,), [Shard(0)], [((2, 3), (0, 0)), ((2, 3), (2, 0)), ((2, 3), (4, 0)), ((1, 3), (6, 0))]),
    ((6, 4), (2, 2), [Replicate(), Shard(1)], [((6, 2), (0, 0)), ((6, 2), (0, 2)), ((6, 2), (0, 0)), ((6, 2), (0, 2))]),
    ((8, 6), (2, 2), [Shard(0), Shard(1)], [((4, 3), (0, 0)), ((4, 3), (0, 3)), ((4, 3), (4, 0)), ((4, 3), (4, 3))]),
    ((2, 3), (4,), [Shard(1)], [((2, 1), (0, 0)), ((2, 1), (0, 1)), ((2, 1), (0, 2)), ((2, 0), (0, 3))]),
]


class _Mesh:
    def __init__(self, shape, coordinate):
        self.shape, self._coordinate = shape, coordinate

    def get_coordinate(self):
        return self._coordinate


@pytest.mark.parametrize('shape,mesh_shape,placements,pieces', RECORDED)
def test_each_rank_gets_pytorchs_piece(shape, mesh_shape, placements, pieces):
    coords = itertools.product(*[range(n) for n in mesh_shape])
    got = [compute_local_shape_and_global_offset(shape, _Mesh(mesh_shape, list(c)), placements) for c in coords]
    assert got == pieces
    assert compute_local_shape_and_global_offset(shape, _Mesh(mesh_shape, [0] * len(mesh_shape)), placements,
                                                 skip_offset=True) == (pieces[0][0], ())


def test_a_rank_outside_the_mesh_holds_nothing():
    assert compute_local_shape_and_global_offset((4, 4), _Mesh((2,), None), [Shard(0)]) == ((0,), ())


@pytest.mark.parametrize('size,chunks,rank,want', [(10, 4, 3, (1, 9)), (5, 4, 3, (0, 5)), (8, 4, 1, (2, 2)),
                                                   (0, 2, 1, (0, 0)), (9, 3, 2, (3, 6))])
def test_shard_size_and_offset(size, chunks, rank, want):
    assert Shard.local_shard_size_and_offset(size, chunks, rank) == want


def test_pytorch_agrees():
    torch_utils = pytest.importorskip('torch.distributed.tensor._utils')
    placement_types = pytest.importorskip('torch.distributed.tensor.placement_types')
    to_torch = {Shard: lambda p: placement_types.Shard(p.dim), Replicate: lambda p: placement_types.Replicate()}
    for shape, mesh_shape, placements, pieces in RECORDED:
        theirs = [to_torch[type(p)](p) for p in placements]
        for c, piece in zip(itertools.product(*[range(n) for n in mesh_shape]), pieces):
            local, offset = torch_utils._compute_local_shape_and_global_offset(shape, mesh_shape,
                                                                               lambda d, c=c: c[d], theirs, False)
            assert (tuple(local), tuple(offset)) == piece
    for size, chunks, rank in [(10, 4, 3), (5, 4, 3), (9, 3, 2)]:
        assert tuple(placement_types.Shard.local_shard_size_and_offset(size, chunks, rank)) == \
            Shard.local_shard_size_and_offset(size, chunks, rank)
