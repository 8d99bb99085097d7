"""Device meshes (PyTorch's ``torch.distributed.device_mesh``): the ranks laid out as an n-dimensional
array, with a process group along each dimension (the rows of a ``(dp, tp)`` mesh share a tensor-
parallel group, its columns a data-parallel group), as FSDP2 and tensor-parallel code expect.

>>> from ember.distributed.device_mesh import init_device_mesh
>>> mesh = init_device_mesh('cpu', (2, 2), mesh_dim_names=('dp', 'tp'))   # doctest: +SKIP
>>> mesh['tp'].get_group()                                                 # doctest: +SKIP
"""
import math

import numpy as np

__all__ = ['DeviceMesh', 'init_device_mesh']


def _dims(mesh_dim_names, ndim):
    if mesh_dim_names is None:
        return None
    names = tuple(mesh_dim_names)
    if len(names) != ndim:
        raise RuntimeError(f"mesh_dim_names should have same length as mesh_shape, but found {len(names)} and "
                           f"{ndim}.")
    if len(set(names)) != len(names):
        raise RuntimeError(f"Each mesh_dim_name must be unique. Found repeated mesh_dim_name in mesh_dim_names "
                           f"{names}")
    return names


class DeviceMesh:
    """``mesh`` (nested lists or an integer tensor of global ranks) on ``device_type``, with one process
    group per dimension for each line of ranks along it. Every rank of the job makes the same mesh.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        mesh: the ranks' layout.
        mesh_dim_names (tuple of str, optional): a name per dimension, for ``mesh['tp']``.
    """

    def __init__(self, device_type, mesh, *, mesh_dim_names=None, backend_override=None, _init_backend=True,
                 _root=None, _groups=None, _strides=None):
        import ember
        if backend_override is not None and any(b is not None for b in backend_override):
            raise NotImplementedError("DeviceMesh(backend_override=...): ember's groups all use the default "
                                      "process group's MPI backend")
        self.device_type = device_type
        data = mesh._data if isinstance(mesh, ember.Tensor) else np.asarray(mesh)
        self._ranks = np.asarray(data, dtype=np.int64)
        if self._ranks.ndim == 0 or len(np.unique(self._ranks)) != self._ranks.size:
            raise RuntimeError(f"DeviceMesh cannot have duplicate values, but found {self._ranks.tolist()}")
        self.mesh_dim_names = _dims(mesh_dim_names, self._ranks.ndim)
        self._strides = _strides if _strides is not None else tuple(
            math.prod(self._ranks.shape[d + 1:]) for d in range(self._ranks.ndim))
        self._groups = _groups
        self._root = _root            # the mesh a sub-mesh was taken from (None: this one)
        if self._groups is None and _init_backend:
            self._groups = self._make_groups()

    # ------------------------------------------------------------------ groups
    def _make_groups(self):
        """The group of this rank's line along each dimension. Every rank creates every line's group in the
        same order (a collective call each, as PyTorch requires of new_group)."""
        from ember import distributed as dist
        if not dist.is_initialized():
            dist.init_process_group()
        world = dist.get_world_size()
        if self._ranks.size > world:
            raise RuntimeError(f"Mesh should not be bigger than default world size {world}, but found "
                               f"{self._ranks.size} ranks!")
        me = dist.get_rank()
        groups = []
        for d in range(self._ranks.ndim):
            lines = np.moveaxis(self._ranks, d, -1).reshape(-1, self._ranks.shape[d])
            mine = None
            for line in lines:
                ranks = [int(r) for r in line]
                if len(ranks) == world and sorted(ranks) == list(range(world)):
                    group = dist.group.WORLD
                else:
                    group = dist.new_group(ranks)
                if me in ranks:
                    mine = group
            groups.append(mine)
        return groups

    def _dim(self, mesh_dim):
        if isinstance(mesh_dim, str):
            if self.mesh_dim_names is None or mesh_dim not in self.mesh_dim_names:
                raise KeyError(f"Mesh dimension '{mesh_dim}' does not exist. Available mesh dimensions are: "
                               f"mesh_dim_names={self.mesh_dim_names}")
            return self.mesh_dim_names.index(mesh_dim)
        return int(mesh_dim)

    def _need_dim(self, mesh_dim):
        if mesh_dim is None:
            if self.ndim > 1:
                raise RuntimeError(f"Found the DeviceMesh have {self.ndim} dimensions",
                                   "Optional kwarg `mesh_dim` needs to be specified when device_mesh.ndim > 1.",
                                   "If you want to get the list of all the ProcessGroups in the DeviceMesh,"
                                   "please use `get_all_groups()` instead.")
            return 0
        return self._dim(mesh_dim)

    def get_group(self, mesh_dim=None):
        """The process group along ``mesh_dim`` (an index or a name; optional for a 1-D mesh)."""
        return self._groups[self._need_dim(mesh_dim)]

    def get_all_groups(self):
        """The process group along each dimension, in order."""
        return list(self._groups)

    # ------------------------------------------------------------------ coordinates and sizes
    @property
    def mesh(self):
        """The ranks' layout, as an int32 tensor."""
        import ember
        return ember.tensor(self._ranks.astype(np.int32))

    @property
    def ndim(self):
        return self._ranks.ndim

    @property
    def shape(self):
        return tuple(self._ranks.shape)

    def size(self, mesh_dim=None):
        """The number of ranks in the mesh, or along ``mesh_dim``."""
        return self._ranks.size if mesh_dim is None else self._ranks.shape[self._dim(mesh_dim)]

    def get_rank(self):
        """This process's global rank."""
        from ember import distributed as dist
        return dist.get_rank()

    def get_coordinate(self):
        """This rank's index in the mesh (a tuple), or None when the mesh does not contain it."""
        where = np.argwhere(self._ranks == self.get_rank())
        return tuple(int(i) for i in where[0]) if len(where) else None

    def get_local_rank(self, mesh_dim=None):
        """This rank's position along ``mesh_dim`` (its rank in that dimension's group)."""
        coordinate = self.get_coordinate()
        return None if coordinate is None else coordinate[self._need_dim(mesh_dim)]

    # ------------------------------------------------------------------ sub-meshes
    def __getitem__(self, mesh_dim_names):
        """The sub-mesh of the named dimensions that contains this rank (``mesh['tp']``, ``mesh['dp', 'tp']``)."""
        names = (mesh_dim_names,) if isinstance(mesh_dim_names, str) else tuple(mesh_dim_names)
        if self.mesh_dim_names is None or any(n not in self.mesh_dim_names for n in names):
            raise KeyError(f"Invalid mesh_dim_names {names} specified. Valid mesh_dim_names are "
                           f"{list(self.mesh_dim_names or ())}.")
        if names == self.mesh_dim_names:
            return self
        dims = [self.mesh_dim_names.index(n) for n in names]
        coordinate = self.get_coordinate()
        index = tuple(slice(None) if d in dims else coordinate[d] for d in range(self.ndim))
        ranks = np.transpose(self._ranks[index], np.argsort(np.argsort(dims))) if len(dims) > 1 else \
            self._ranks[index]
        return DeviceMesh(self.device_type, ranks, mesh_dim_names=names, _groups=[self._groups[d] for d in dims],
                          _strides=tuple(self._strides[d] for d in dims), _root=self._root or self)

    @staticmethod
    def _concatenate(meshes):
        """The sub-mesh of the dimensions of ``meshes`` (sub-meshes of one mesh, e.g. ``mesh['dp']`` and
        ``mesh['tp']``) together, in that order: the mesh ``fully_shard`` lays a tensor-parallel parameter's
        shards on."""
        roots = {id(m._root or m): m._root or m for m in meshes}
        names = [n for m in meshes for n in (m.mesh_dim_names or ())]
        if len(roots) != 1 or len(names) != sum(m.ndim for m in meshes):
            raise RuntimeError("DeviceMesh._concatenate: the meshes must be named sub-meshes of one device mesh")
        return next(iter(roots.values()))[tuple(names)]

    # ------------------------------------------------------------------ printing and comparing
    def __repr__(self):
        sizes = self.shape
        if self.mesh_dim_names is None:
            layout = '(' + ', '.join(str(s) for s in sizes) + (',)' if len(sizes) == 1 else ')')
        else:
            layout = '(' + ', '.join(f'{n}={s}' for n, s in zip(self.mesh_dim_names, sizes)) + ')'
        strides = [('()' if s == 1 else str(st)) for s, st in zip(sizes, self._strides)]
        stride = '(' + ', '.join(strides) + (',)' if len(strides) == 1 else ')')
        return f"DeviceMesh({layout}, '{self.device_type}', stride={stride})"

    __str__ = __repr__

    def __eq__(self, other):
        return (isinstance(other, DeviceMesh) and self.device_type == other.device_type
                and self._ranks.shape == other._ranks.shape and bool((self._ranks == other._ranks).all())
                and self.mesh_dim_names == other.mesh_dim_names)

    def __hash__(self):
        return hash((self.device_type, tuple(self._ranks.ravel().tolist()), self.shape, self.mesh_dim_names))


def init_device_mesh(device_type, mesh_shape, *, mesh_dim_names=None, backend_override=None):
    """A :class:`DeviceMesh` of ``mesh_shape`` over the ranks in order (starting the default process group
    if needed). ``prod(mesh_shape)`` must not exceed the world size.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        mesh_shape (tuple of int): the mesh's dimensions, e.g. ``(dp, tp)``.
        mesh_dim_names (tuple of str, optional): their names.
    """
    mesh_shape = tuple(int(s) for s in mesh_shape)
    _dims(mesh_dim_names, len(mesh_shape))
    if device_type.startswith('cuda:') or device_type.startswith('cpu:'):
        raise RuntimeError(f"Device type with index is not supported but got {device_type}. If you maintained a "
                           "'torch.device' object, it's recommended to pass in 'device.type'.")
    # DeviceMesh starts the default group if needed and checks the mesh against the world size
    ranks = np.arange(math.prod(mesh_shape)).reshape(mesh_shape)
    return DeviceMesh(device_type, ranks, mesh_dim_names=mesh_dim_names, backend_override=backend_override)
