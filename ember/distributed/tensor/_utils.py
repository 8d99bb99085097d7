"""``torch.distributed.tensor._utils``' helper that checkpointing and model-loading libraries import: where
this rank's piece of a distributed tensor lies in the whole."""
from ember.distributed.tensor._layout import local_box


def compute_local_shape_and_global_offset(global_shape, mesh, placements, skip_offset=False):
    """(local shape, global offset) of this rank's piece of a tensor of ``global_shape`` laid out on ``mesh``
    by ``placements``: the piece's size along each dimension and where it starts in the whole (an empty
    offset with ``skip_offset=True``). A rank outside the mesh holds nothing: ``((0,), ())``.

    Example (on rank 1 of 2)::

        >>> from ember.distributed.device_mesh import init_device_mesh
        >>> from ember.distributed.tensor import Shard
        >>> mesh = init_device_mesh('cpu', (2,))                                     # doctest: +SKIP
        >>> compute_local_shape_and_global_offset((5, 6), mesh, [Shard(0)])          # doctest: +SKIP
        ((2, 6), (3, 0))
    """
    coordinate = mesh.get_coordinate()
    if coordinate is None:
        return (0,), ()
    offsets, sizes = local_box(tuple(global_shape), tuple(mesh.shape), list(placements), coordinate)
    return tuple(sizes), (() if skip_offset else tuple(offsets))
