"""``DTensor``: a tensor spread over the ranks of a device mesh. Each rank holds its piece (``to_local()``);
``shape`` and ``placements`` describe the whole. Element-wise operations run on the pieces and keep the
layout; other operations gather the full values first (a collective every rank must make, as every
DTensor operation is) and give a replicated result."""
import numpy as np

import ember
from ember import backend
from ember._tensor import Tensor
from ember.distributed.tensor import _layout
from ember.distributed.tensor.placement_types import Partial, Placement, Replicate, Shard
from ember.overrides import DisableTorchFunctionSubclass

__all__ = ['DTensor', 'distribute_tensor']

# operations computed piece by piece (same layout in, same layout out)
_ELEMENTWISE = frozenset('''
abs abs_ neg neg_ exp exp_ log log_ sqrt sqrt_ rsqrt rsqrt_ sign sin cos tanh tanh_ sigmoid sigmoid_ relu relu_
reciprocal reciprocal_ square pow pow_ add add_ sub sub_ mul mul_ div div_ true_divide lerp lerp_ addcmul addcmul_
addcdiv addcdiv_ clamp clamp_ clamp_min clamp_max maximum minimum where eq ne lt le gt ge logical_not
copy_ fill_ zero_ clone detach detach_ contiguous to float double half bfloat16 type_as zeros_like ones_like
empty_like full_like rand_like randn_like nan_to_num nan_to_num_ requires_grad_ masked_fill masked_fill_ isnan
isinf isfinite
__add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__ __truediv__ __rtruediv__
__itruediv__ __neg__ __pow__ __rpow__ __ipow__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __abs__
'''.split())
# operations whose results carry no gradient (fine on parameters that require one)
_NO_GRAD = frozenset('zeros_like ones_like empty_like full_like rand_like randn_like eq ne lt le gt ge isnan isinf '
                     'isfinite logical_not detach __eq__ __ne__ __lt__ __le__ __gt__ __ge__ requires_grad_'.split())
_LINEAR = frozenset('add add_ sub sub_ neg neg_ clone detach detach_ contiguous to float double half bfloat16 '
                    'copy_ zero_ __add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __neg__'.split())


class _Spec:
    """A DTensor's layout: mesh, placements (one per mesh dimension) and global shape."""
    __slots__ = ('mesh', 'placements', 'shape')

    def __init__(self, mesh, placements, shape):
        self.mesh, self.placements, self.shape = mesh, tuple(placements), tuple(shape)

    def __eq__(self, other):
        return (isinstance(other, _Spec) and other.mesh is self.mesh and other.placements == self.placements
                and other.shape == self.shape)

    def coord(self):
        return self.mesh.get_coordinate()


def _placements(mesh, placements):
    if placements is None:
        return (Replicate(),) * mesh.ndim
    placements = tuple(placements)
    if len(placements) != mesh.ndim:
        raise ValueError(f"`placements` must have the same length as `device_mesh.ndim`! Found placements "
                         f"length: {len(placements)}, and device_mesh.ndim: {mesh.ndim}.")
    for p in placements:
        if not isinstance(p, Placement):
            raise TypeError(f"placements must be Shard, Replicate or Partial, got {p!r}")
    return placements


def _normalise(placements, ndim):
    out = []
    for p in placements:
        if isinstance(p, Shard) and p.dim < 0:
            p = Shard(p.dim + ndim)
        if isinstance(p, Shard) and not 0 <= p.dim < max(ndim, 1):
            raise IndexError(f"Shard(dim={p.dim}) is out of range for a tensor of {ndim} dimensions")
        out.append(p)
    return tuple(out)


_DEFAULT_MESH = []


def _default_mesh():
    """A 1-D mesh over every rank (made once), for calls that name no mesh."""
    import ember.distributed as dist
    from ember.distributed.device_mesh import init_device_mesh
    if not _DEFAULT_MESH or _DEFAULT_MESH[0][0] is not dist.group.WORLD:
        _DEFAULT_MESH[:] = [(dist.group.WORLD, init_device_mesh('cpu', (dist.get_world_size(),)))]
    return _DEFAULT_MESH[0][1]


def _make(local_array, device, spec, requires_grad=False):
    out = DTensor._from(Tensor._make(local_array, device))
    out._spec = spec
    if requires_grad:
        out.requires_grad_(True)
    return out


def _world_group(mesh):
    import ember.distributed as dist
    if mesh.size() != dist.get_world_size():
        raise NotImplementedError("ember's DTensor gathers pieces over the whole job: its device mesh must hold "
                                  "every rank")
    return None


def _gather_full(dt):
    """The full array of ``dt`` (a collective over the mesh's ranks)."""
    import ember.distributed as dist
    spec = dt._spec
    local = dt._data if isinstance(dt._data, np.ndarray) else backend.to_numpy(dt._data)
    placements = spec.placements
    if all(isinstance(p, Replicate) for p in placements):
        return local.copy()
    mesh = spec.mesh
    if mesh.ndim == 1 and isinstance(placements[0], Shard):
        # one dimension split over the ranks: pad every piece to the largest, gather, trim
        d, n = placements[0].dim, mesh.size()
        size = spec.shape[d]
        chunk = -(-size // n) if size else 0
        padded_shape = list(local.shape)
        padded_shape[d] = chunk
        padded = np.zeros(padded_shape, local.dtype)
        padded[tuple(slice(0, s) for s in local.shape)] = local
        pieces = [ember.from_numpy(np.empty_like(padded)) for _ in range(n)]
        dist.all_gather(pieces, ember.from_numpy(padded), group=mesh.get_group(0))
        full = np.concatenate([p.numpy() for p in pieces], axis=d)
        return full[tuple(slice(0, s) for s in spec.shape)]
    box = [None] * dist.get_world_size()
    dist.all_gather_object(box, (spec.coord(), local), group=_world_group(mesh))
    return _layout.assemble(box, spec.shape, local.dtype, mesh.shape, placements)


class DTensor(Tensor):
    """A tensor spread over a device mesh: this rank's piece plus the layout (``device_mesh``,
    ``placements``) and the global ``shape``. Make one with ``distribute_tensor`` or
    ``DTensor.from_local``; read it with ``to_local()`` (this rank's piece) or ``full_tensor()``.

    Operations are collective: every rank of the mesh must make them in the same order. ember's DTensor
    records no autograd history through its operations (parameters sharded by ``fully_shard`` get their
    gradients from FSDP's hooks).

    Example::

        >>> from ember.distributed.tensor import distribute_tensor, Shard
        >>> dt = distribute_tensor(ember.arange(6.), mesh, [Shard(0)])   # doctest: +SKIP
        >>> dt.to_local()          # rank 1 of 2                        # doctest: +SKIP
        tensor([3., 4., 5.])
    """

    # ---------------------------------------------------------------- layout
    @property
    def device_mesh(self):
        """The mesh the tensor is spread over."""
        return self._spec.mesh

    @property
    def placements(self):
        """One placement per mesh dimension."""
        return self._spec.placements

    @property
    def shape(self):
        return ember.Size(self._spec.shape)

    def size(self, dim=None):
        if dim is None:
            return ember.Size(self._spec.shape)
        return self._spec.shape[dim]

    def dim(self):
        return len(self._spec.shape)

    ndim = property(dim)

    def numel(self):
        n = 1
        for s in self._spec.shape:
            n *= s
        return n

    def __len__(self):
        if not self._spec.shape:
            raise TypeError("len() of a 0-d tensor")
        return self._spec.shape[0]

    def __repr__(self):
        return (f"DTensor(local_tensor={self.to_local()!r}, device_mesh={self._spec.mesh!r}, "
                f"placements={self._spec.placements})")

    def detach(self):
        """The same pieces, without autograd history (still a DTensor)."""
        return _make(self._data, self._device, self._spec)

    @property
    def data(self):
        return _make(self._data, self._device, self._spec)

    @data.setter
    def data(self, value):
        if isinstance(value, DTensor):
            self._spec = value._spec
        self._data = value._data

    # ---------------------------------------------------------------- conversions
    def to_local(self, *, grad_placements=None):
        """This rank's piece, as a plain tensor sharing its memory."""
        _no_grad_layouts(grad_placements)
        return Tensor._make(self._data, self._device)

    def full_tensor(self, *, grad_placements=None):
        """The whole tensor on every rank (gathered: a collective)."""
        _no_grad_layouts(grad_placements)
        return ember.from_numpy(_gather_full(self)).to(self._device)

    def redistribute(self, device_mesh=None, placements=None, *, async_op=False, forward_dtype=None,
                     backward_dtype=None):
        """The same values with another layout (on the same mesh). The collectives complete before it
        returns, whatever ``async_op`` says."""
        if backward_dtype is not None:
            raise NotImplementedError("redistribute(backward_dtype=...): ember's DTensor records no backward")
        mesh = self._spec.mesh if device_mesh is None else device_mesh
        if mesh is not self._spec.mesh:
            raise NotImplementedError("redistribute to another device mesh is not supported by ember's DTensor")
        placements = _normalise(_placements(mesh, placements), len(self._spec.shape))
        if placements == self._spec.placements:
            out = _make(self._data, self._device, self._spec)
        elif all(isinstance(p, Replicate) or (isinstance(p, Shard)) for p in placements) and \
                all(isinstance(p, Replicate) for p in self._spec.placements):
            local = _layout.cut(self._data, self._spec.shape, mesh.shape, placements, self._spec.coord())
            out = _make(local, self._device, _Spec(mesh, placements, self._spec.shape))
        else:
            full = _gather_full(self)
            local = _layout.cut(full, self._spec.shape, mesh.shape, placements, self._spec.coord())
            out = _make(local, self._device, _Spec(mesh, placements, self._spec.shape))
        if forward_dtype is not None:
            out = _make(out._data.astype(ember._dtype.to_dtype(forward_dtype).np_dtype), self._device, out._spec)
        return out

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None, stride=None):
        """A DTensor whose piece on this rank is ``local_tensor`` (every rank passes its own). The global
        shape is ``shape``, or the pieces' shape times the mesh size along sharded dimensions."""
        mesh = device_mesh if device_mesh is not None else _default_mesh()
        placements = _normalise(_placements(mesh, placements), local_tensor.dim())
        if shape is None:
            shape = list(local_tensor.shape)
            for mesh_dim, p in enumerate(placements):
                if isinstance(p, Shard):
                    shape[p.dim] *= mesh.size(mesh_dim)
        spec = _Spec(mesh, placements, tuple(shape))
        out = _make(local_tensor._data, local_tensor._device, spec)
        if run_check:
            import ember.distributed as dist
            if all(isinstance(p, Replicate) for p in placements):
                dist.broadcast(out.to_local(), src=int(mesh._ranks.reshape(-1)[0]), group=_world_group(mesh))
        return out

    # ---------------------------------------------------------------- checkpoints
    @staticmethod
    def _checkpoint_chunks(dt):
        """(global shape, [(offsets, piece)]) for distributed checkpoints: this rank's non-empty piece."""
        if any(isinstance(p, Partial) for p in dt._spec.placements):
            dt = dt.redistribute(placements=[Replicate() if isinstance(p, Partial) else p
                                             for p in dt._spec.placements])
        offsets, sizes = _layout.local_box(dt._spec.shape, dt._spec.mesh.shape, dt._spec.placements,
                                           dt._spec.coord())
        if 0 in sizes and len(sizes):
            return dt._spec.shape, []
        return dt._spec.shape, [(offsets, dt.to_local())]

    # ---------------------------------------------------------------- operations
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        every = [a for a in _leaves(args, kwargs) if isinstance(a, DTensor)]
        # a replicated one-element DTensor (a total norm, a loss) acts as a number beside other layouts
        dts = [d for d in every if not _replicated_scalar(d)] or every
        spec = dts[0]._spec
        same = all(d._spec == spec for d in dts)
        plain_tensors = [a for a in _leaves(args, kwargs) if isinstance(a, Tensor) and not isinstance(a, DTensor)]
        scalar_others = all(t.dim() == 0 for t in plain_tensors)
        partial = any(isinstance(p, Partial) for p in spec.placements)
        if name in _ELEMENTWISE and same and scalar_others and (not partial or name in _LINEAR):
            if name not in _NO_GRAD:
                _no_autograd(dts)
            local_args, local_kwargs = _swap(args, kwargs, lambda d: d.to_local())
            with DisableTorchFunctionSubclass():
                out = func(*local_args, **local_kwargs)
            return _rewrap(out, local_args, args, spec, dts[0]._device, dts)
        _no_autograd(dts)
        if name.endswith('_') and not name.startswith('__') or name in ('__setitem__',):
            raise NotImplementedError(f"ember's DTensor cannot run the in-place operation {name} on its layout "
                                      "(element-wise in-place operations between tensors of the same layout work)")
        full_args, full_kwargs = _swap(args, kwargs, lambda d: d.full_tensor())
        with DisableTorchFunctionSubclass():
            out = func(*full_args, **full_kwargs)
        mesh = spec.mesh
        return _replicated(out, mesh)


def _no_grad_layouts(grad_placements):
    if grad_placements is not None:
        raise NotImplementedError("grad_placements: ember's DTensor records no autograd history, so there is no "
                                  "gradient layout to choose")


def _leaves(args, kwargs):
    for a in (*args, *kwargs.values()):
        if isinstance(a, (list, tuple)):
            yield from a
        else:
            yield a


def _swap(args, kwargs, fn):
    def one(a):
        if isinstance(a, DTensor):
            return fn(a)
        if isinstance(a, (list, tuple)) and any(isinstance(b, DTensor) for b in a):
            return type(a)(fn(b) if isinstance(b, DTensor) else b for b in a)
        return a
    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


def _no_autograd(dts):
    if ember.is_grad_enabled() and any(d.requires_grad for d in dts):
        raise RuntimeError("ember's DTensor does not record autograd history through its operations: run them "
                           "under ember.no_grad(), or compute on to_local()/full_tensor() results")


def _replicated_scalar(d):
    return d._data.size == 1 and all(isinstance(p, Replicate) for p in d._spec.placements)


def _rewrap(out, local_args, args, spec, device, dts):
    if isinstance(out, Tensor):
        for la, a in zip(local_args, args):
            if out is la and isinstance(a, DTensor):   # in place: the DTensor's piece now holds the result
                a._data = la._data
                a._version_counter.value += 1
                return a
        if tuple(out._data.shape) == tuple(dts[0]._data.shape):
            return _make(out._data, out._device, spec)
        return out
    if isinstance(out, (tuple, list)):
        return type(out)(_rewrap(o, local_args, args, spec, device, dts) for o in out)
    return out


def _replicated(out, mesh):
    if isinstance(out, Tensor):
        return _make(out._data, out._device, _Spec(mesh, (Replicate(),) * mesh.ndim, tuple(out._data.shape)))
    if isinstance(out, (tuple, list)):
        return type(out)(_replicated(o, mesh) for o in out)
    return out


def distribute_tensor(tensor, device_mesh=None, placements=None, *, src_data_rank=0):
    """Spread ``tensor`` over ``device_mesh`` with ``placements`` (Replicate on every mesh dimension by
    default): each rank keeps its piece. With ``src_data_rank`` (a global rank; 0 by default) that
    rank's values are used everywhere (broadcast first); with None each rank cuts its own tensor.

    Example::

        >>> from ember.distributed.tensor import distribute_tensor, Shard
        >>> dt = distribute_tensor(ember.arange(4.), mesh, [Shard(0)])   # doctest: +SKIP
        >>> dt.shape, dt.placements                                       # doctest: +SKIP
        (ember.Size([4]), (Shard(dim=0),))
    """
    import ember.distributed as dist
    if isinstance(tensor, DTensor):
        raise ValueError("distribute_tensor: the tensor is already a DTensor; use redistribute")
    mesh = device_mesh if device_mesh is not None else _default_mesh()
    placements = _normalise(_placements(mesh, placements), tensor.dim())
    full = tensor.detach()
    if src_data_rank is not None and dist.is_initialized() and dist.get_world_size() > 1:
        full = full.clone()
        dist.broadcast(full, src=src_data_rank, group=_world_group(mesh))
    spec = _Spec(mesh, placements, tuple(tensor.shape))
    local = _layout.cut(full._data, spec.shape, mesh.shape, placements, spec.coord())
    return _make(local, tensor._device, spec, requires_grad=tensor.requires_grad)


def _factory(fill, size, requires_grad, dtype, device_mesh, placements, layout=ember.strided):
    if layout is not ember.strided:
        raise ValueError(f"DTensors are strided; layout={layout} is not supported")
    mesh = device_mesh if device_mesh is not None else _default_mesh()
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    placements = _normalise(_placements(mesh, placements), len(size))
    spec = _Spec(mesh, placements, tuple(int(s) for s in size))
    _, local_size = _layout.local_box(spec.shape, mesh.shape, placements, spec.coord())
    dt = ember._dtype.to_dtype(dtype) if dtype is not None else ember.get_default_dtype()
    local = np.full(local_size, fill, dt.np_dtype) if fill is not None else np.empty(local_size, dt.np_dtype)
    return _make(local, ember.device('cpu'), spec, requires_grad)


def zeros(*size, requires_grad=False, dtype=None, layout=ember.strided, device_mesh=None, placements=None):
    """A DTensor of zeros of global ``size``, laid out by ``placements`` over ``device_mesh`` (each rank
    makes just its piece)."""
    return _factory(0, size, requires_grad, dtype, device_mesh, placements, layout)


def ones(*size, dtype=None, layout=ember.strided, requires_grad=False, device_mesh=None, placements=None):
    """A DTensor of ones of global ``size`` (each rank makes just its piece)."""
    return _factory(1, size, requires_grad, dtype, device_mesh, placements, layout)


def empty(*size, dtype=None, layout=ember.strided, requires_grad=False, device_mesh=None, placements=None):
    """An uninitialised DTensor of global ``size`` (each rank makes just its piece)."""
    return _factory(None, size, requires_grad, dtype, device_mesh, placements, layout)


def full(size, fill_value, *, dtype=None, layout=ember.strided, requires_grad=False, device_mesh=None, placements=None):
    """A DTensor of global ``size`` filled with ``fill_value`` (each rank makes just its piece)."""
    return _factory(fill_value, tuple(size), requires_grad, dtype, device_mesh, placements, layout)
