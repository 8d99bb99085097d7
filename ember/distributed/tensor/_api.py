"""``DTensor``: a tensor spread over the ranks of a device mesh. Each rank holds its piece (``to_local()``);
``shape`` and ``placements`` describe the whole. Element-wise operations run on the pieces and keep the
layout, as do the operations tensor parallelism is made of (``_sharding``: linear layers, embeddings,
sums, layer norms); other operations gather the full values first (a collective every rank must make, as
every DTensor operation is) and give a replicated result.

Autograd runs on the local pieces: a DTensor shares the autograd identity (``grad_fn``) of its local piece,
layout changes are autograd functions (``_redistribute``), and a leaf DTensor's ``.grad`` is a DTensor of
its own layout."""
import weakref

import numpy as np

import ember
from ember._tensor import Tensor
from ember.distributed import _comm_count
from ember.distributed.tensor import _layout
from ember.distributed.tensor._redistribute import redistribute_local
from ember.distributed.tensor._sharding import RULES, local_input
from ember.distributed.tensor.placement_types import Partial, Placement, Replicate, Shard, _StridedShard
from ember.overrides import DisableTorchFunctionSubclass

__all__ = ['DTensor', 'distribute_tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn']

# operations computed piece by piece (same layout in, same layout out)
_ELEMENTWISE = frozenset('''
abs abs_ neg neg_ exp exp_ log log_ sqrt sqrt_ rsqrt rsqrt_ sign sin cos tanh tanh_ sigmoid sigmoid_ relu relu_
reciprocal reciprocal_ square pow pow_ add add_ sub sub_ mul mul_ div div_ true_divide lerp lerp_ addcmul addcmul_
addcdiv addcdiv_ clamp clamp_ clamp_min clamp_max maximum minimum where eq ne lt le gt ge logical_not
copy_ fill_ zero_ clone detach detach_ contiguous to float double half bfloat16 type_as zeros_like ones_like
empty_like full_like rand_like randn_like nan_to_num nan_to_num_ requires_grad_ masked_fill masked_fill_ isnan
isinf isfinite normal_ uniform_
__add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__ __truediv__ __rtruediv__
__itruediv__ __neg__ __pow__ __rpow__ __ipow__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __abs__
'''.split())
_SCALING = frozenset('mul mul_ div div_ true_divide __mul__ __rmul__ __imul__ __truediv__ __itruediv__'.split())
_LINEAR = _SCALING | frozenset('add add_ sub sub_ neg neg_ clone detach detach_ contiguous to float double half '
                               'bfloat16 copy_ zero_ __add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __neg__'.split())


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


def _default_mesh(device_mesh=None):
    """``device_mesh``, or when None a 1-D mesh over every rank (made once), for calls that name no mesh."""
    if device_mesh is not None:
        return device_mesh
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


def _take_identity(dst, src):
    """``dst`` takes ``src``'s autograd identity (the node its gradient goes to, its version counter); for a
    leaf that is ``src``'s own gradient accumulator, held so that it lives as long as ``dst``."""
    dst._requires_grad, dst._grad_fn, dst._output_nr = src._requires_grad, src._grad_fn, src._output_nr
    dst._version_counter = src._version_counter
    if src._requires_grad and src._grad_fn is None:
        acc = src._grad_accumulator()
        dst._grad_acc, dst._hooked_acc = weakref.ref(acc), acc
    return dst


def local_of(d):
    """This rank's piece of ``d`` as a plain tensor in ``d``'s autograd graph: the gradient it receives is
    ``d``'s (for a leaf, it accumulates into ``d.grad``)."""
    return _take_identity(Tensor._make(d._data, d._device), d)


def wrap(local, spec):
    """A DTensor of layout ``spec`` whose piece is ``local``, taking over its autograd identity."""
    return _take_identity(_make(local._data, local._device, spec), local)


def _moved(dt, placements):
    """``dt``'s local piece (in its autograd graph) laid out by ``placements``."""
    spec = dt._spec
    return redistribute_local(local_of(dt), spec.shape, spec.mesh, spec.placements, placements)


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
            self._device = value._device     # to_empty() moves a meta DTensor's pieces to a real device
        self._data = value._data

    @property
    def grad(self):
        """The accumulated gradient: a DTensor of this tensor's layout."""
        g = Tensor.grad.fget(self)
        if g is not None and not isinstance(g, DTensor):
            g = self._grad = wrap(g, self._spec)
        return g

    @grad.setter
    def grad(self, value):
        Tensor.grad.fset(self, value)

    @grad.deleter
    def grad(self):
        self._grad = None

    # ---------------------------------------------------------------- conversions
    def to_local(self, *, grad_placements=None):
        """This rank's piece, as a plain tensor sharing its memory (and in this DTensor's autograd graph).

        ``grad_placements`` says how the gradient that will reach the piece is laid out when that differs
        from the tensor's own layout (for example ``[Partial()]`` for a replicated tensor whose piece feeds
        a computation that differs between ranks): the backward converts it."""
        local = local_of(self)
        if grad_placements is None:
            return local
        grad_placements = _normalise(_placements(self._spec.mesh, grad_placements), len(self._spec.shape))
        if grad_placements == self._spec.placements:
            return local
        return _GradLayout.apply(local, self._spec, grad_placements)

    def full_tensor(self, *, grad_placements=None):
        """The whole tensor on every rank (gathered: a collective)."""
        full = self.redistribute(placements=[Replicate()] * self._spec.mesh.ndim)
        return full.to_local(grad_placements=grad_placements)

    def redistribute(self, device_mesh=None, placements=None, *, async_op=False, forward_dtype=None,
                     backward_dtype=None):
        """The same values with another layout (on the same mesh). The collectives complete before it
        returns, whatever ``async_op`` says. ``forward_dtype`` is the dtype the values travel (and stay)
        in; ``backward_dtype`` the dtype their gradient travels in (it comes back in this tensor's dtype).
        Only a tensor already ``Partial`` may be redistributed to ``Partial``, as in PyTorch."""
        mesh = self._spec.mesh if device_mesh is None else device_mesh
        if mesh is not self._spec.mesh:
            raise NotImplementedError("redistribute to another device mesh is not supported by ember's DTensor")
        if placements is None:
            raise RuntimeError("placements is needed for redistribute!")
        placements = list(placements)
        for current, p in zip(self._spec.placements, placements):
            if isinstance(p, Partial) and current != p:
                raise RuntimeError(f"Can not redistribute from {current} to {p}, redistributing to Partial is for "
                                   "internal use only!")
        placements = _normalise(_placements(mesh, placements), len(self._spec.shape))
        local = local_of(self)
        if backward_dtype is not None:
            local = _GradDtype.apply(local, self.dtype)          # the gradient returns in this dtype ...
        if forward_dtype is not None:
            local = local.to(forward_dtype)
        local = redistribute_local(local, self._spec.shape, mesh, self._spec.placements, placements)
        if backward_dtype is not None:
            local = _GradDtype.apply(local, backward_dtype)      # ... after travelling in backward_dtype
        return wrap(local, _Spec(mesh, placements, self._spec.shape))

    @staticmethod
    def from_local(local_tensor, device_mesh=None, placements=None, *, run_check=False, shape=None, stride=None):
        """A DTensor whose piece on this rank is ``local_tensor`` (every rank passes its own). The global
        shape is ``shape``, or the pieces' shape times the mesh size along sharded dimensions."""
        mesh = _default_mesh(device_mesh)
        placements = _normalise(_placements(mesh, placements), local_tensor.dim())
        if shape is None:
            shape = list(local_tensor.shape)
            for mesh_dim, p in enumerate(placements):
                if _layout.split_dim(p) is not None:
                    shape[p.dim] *= mesh.size(mesh_dim)
        spec = _Spec(mesh, placements, tuple(shape))
        if local_tensor.requires_grad and ember.is_grad_enabled():
            local_tensor = local_tensor.view_as(local_tensor)   # the DTensor is a result, not the same leaf
        out = wrap(local_tensor, spec)
        if run_check:
            import ember.distributed as dist
            # replicated along a mesh dimension: that dimension's first rank's values everywhere along it
            for m, p in enumerate(placements):
                if isinstance(p, Replicate) and mesh.size(m) > 1:
                    with ember.no_grad():
                        dist.broadcast(Tensor._make(out._data, out._device), group_src=0, group=mesh.get_group(m))
        return out

    # numbers read the whole value (a Partial or Shard layout is reduced or gathered first)
    def _replicated_piece(self):
        spec = self._spec
        if all(isinstance(p, Replicate) for p in spec.placements):
            return local_of(self)
        return _moved(self, (Replicate(),) * spec.mesh.ndim)

    def item(self):
        return self._replicated_piece().item()

    def tolist(self):
        return self._replicated_piece().tolist()

    def __float__(self):
        return float(self._replicated_piece())

    def __int__(self):
        return int(self._replicated_piece())

    def __bool__(self):
        return bool(self._replicated_piece())

    def _as_parameter(self, requires_grad):
        """``nn.Parameter(dtensor)``: a DTensor leaf sharing this one's piece and layout, flagged as a
        parameter (its type stays DTensor, as in PyTorch; ``isinstance(p, nn.Parameter)`` holds)."""
        p = DTensor._from(self)
        p._spec = self._spec
        p._is_param = True
        if requires_grad:
            p.requires_grad = True
        return p

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
        if _comm_count.ACTIVE:
            _note_operation(func, name, args, kwargs)
        # the local rules know Shard, Replicate and Partial; FSDP + TP's nested split gathers (or runs
        # element-wise below)
        rule = None if any(isinstance(p, _StridedShard) for d in dts for p in d._spec.placements) else RULES.get(name)
        if rule is not None:
            with DisableTorchFunctionSubclass():
                out = rule(func, args, kwargs)
            if out is not None:
                return out
        _no_plain_tensors(func, name, args, kwargs)
        if name in _ELEMENTWISE and _elementwise_here(name, args, kwargs, dts, spec):
            local_args, local_kwargs = _swap(args, kwargs, lambda d: local_input(d, spec.placements))
            with DisableTorchFunctionSubclass():
                out = func(*local_args, **local_kwargs)
            return _rewrap(out, local_args, args, spec, dts)
        if name.endswith('_') and not name.startswith('__') or name in ('__setitem__',):
            raise NotImplementedError(f"ember's DTensor cannot run the in-place operation {name} on its layout "
                                      "(element-wise in-place operations between tensors of the same layout work)")
        # anything else: on the whole tensors (gathered, in the autograd graph), replicated
        replicate = lambda d: _moved(d, (Replicate(),) * d._spec.mesh.ndim)  # noqa: E731
        full_args, full_kwargs = _swap(args, kwargs, replicate)
        with DisableTorchFunctionSubclass():
            out = func(*full_args, **full_kwargs)
        return _replicated(out, spec.mesh)


class _GradDtype(ember.autograd.Function):
    """Identity; in the backward, the gradient is cast to ``dtype``."""

    @staticmethod
    def forward(ctx, local, dtype):
        ctx.dtype = dtype
        return local.view_as(local)

    @staticmethod
    def backward(ctx, g):
        return g.to(ctx.dtype), None


class _GradLayout(ember.autograd.Function):
    """Identity on the local piece; in the backward, the gradient laid out by ``grad_placements`` is
    converted to the layout of the tensor itself (see ``DTensor.to_local``)."""

    @staticmethod
    def forward(ctx, local, spec, grad_placements):
        ctx.spec, ctx.grad_placements = spec, grad_placements
        return local.view_as(local)

    @staticmethod
    def backward(ctx, g):
        spec = ctx.spec
        with ember.no_grad():
            g = redistribute_local(g, spec.shape, spec.mesh, ctx.grad_placements, _grad_layout(spec.placements))
        return g, None, None


def _grad_layout(placements):
    """The layout a gradient has under the convention of ``_redistribute``: a Partial tensor's gradient is
    whole (replicated)."""
    return tuple(Replicate() if isinstance(p, Partial) else p for p in placements)


def _elementwise_here(name, args, kwargs, dts, spec):
    """Whether an element-wise call runs on the local pieces: every DTensor of one layout, every other
    tensor a 0-d one; on a Partial layout, only calls that are linear in the pieces."""
    if not all(d._spec == spec for d in dts):
        return False
    if not all(t.dim() == 0 for t in _leaves(args, kwargs) if isinstance(t, Tensor) and not isinstance(t, DTensor)):
        return False
    if not any(isinstance(p, Partial) for p in spec.placements):
        return True
    if name not in _LINEAR:
        return False
    others = [a for a in _leaves(args, kwargs)
              if not isinstance(a, DTensor) and isinstance(a, (Tensor, int, float, complex))
              and not isinstance(a, bool)]
    if name in _SCALING:          # a partial times (or divided by) a number: still a partial of the result
        return len(dts) == 1 and isinstance(args[0], DTensor)
    return not others             # sums of partials (a number added on every rank would count n times)


def _aten_name(func, name, args, kwargs):
    """The ATen operator PyTorch would name for this call (as called, when ember knows no spelling)."""
    try:
        from ember.export._normalize import to_aten
        return str(to_aten(name, func, args, kwargs)[0])
    except Exception:
        return name


def _note_operation(func, name, args, kwargs):
    """Tell the active CommDebugModes about a DTensor operation."""
    op = _aten_name(func, name, args, kwargs)
    for mode in _comm_count.ACTIVE:
        mode._operation(op, args)


def _no_plain_tensors(func, name, args, kwargs):
    """PyTorch's refusal of plain tensors (other than 0-d ones) beside DTensors, outside
    ``implicit_replication``."""
    from ember.distributed.tensor.experimental._implicit import allowed
    plain = [a for a in _leaves(args, kwargs) if isinstance(a, Tensor) and not isinstance(a, DTensor) and a.dim()]
    if not plain or allowed():
        return
    op = _aten_name(func, name, args, kwargs)
    raise RuntimeError(f"{op} got mixed ember.Tensor and DTensor, need to convert all ember.Tensor to DTensor before "
                       "calling distributed operators!")


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


def _replicated_scalar(d):
    return d._data.size == 1 and all(isinstance(p, Replicate) for p in d._spec.placements)


def _rewrap(out, local_args, args, spec, dts):
    if isinstance(out, Tensor):
        for la, a in zip(local_args, args):
            if out is la and isinstance(a, DTensor):   # in place: the DTensor takes the piece's new state
                a._data = la._data
                a._requires_grad, a._grad_fn, a._output_nr = la._requires_grad, la._grad_fn, la._output_nr
                return a
        if tuple(out._data.shape) == tuple(dts[0]._data.shape):
            return wrap(out, spec)
        return out
    if isinstance(out, (tuple, list)):
        return _same_kind(out, [_rewrap(o, local_args, args, spec, dts) for o in out])
    return out


def _replicated(out, mesh):
    if isinstance(out, Tensor):
        return wrap(out, _Spec(mesh, (Replicate(),) * mesh.ndim, tuple(out._data.shape)))
    if isinstance(out, (tuple, list)):
        return _same_kind(out, [_replicated(o, mesh) for o in out])
    return out


def _same_kind(seq, items):
    """``items`` in a sequence of ``seq``'s type (a named tuple such as ``max``'s (values, indices) too)."""
    return type(seq)(*items) if hasattr(seq, '_fields') else type(seq)(items)


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
    mesh = _default_mesh(device_mesh)
    placements = _normalise(_placements(mesh, placements), tensor.dim())
    full = tensor.detach()
    spec = _Spec(mesh, placements, tuple(tensor.shape))
    sending = src_data_rank is not None and dist.is_initialized() and dist.get_world_size() > 1
    if sending and not any(isinstance(p, _StridedShard) for p in placements):
        local = _scatter_from(full, mesh, placements, src_data_rank)
        local = _layout.share_partials(local._data, mesh.shape, placements, spec.coord())
        return _make(local, tensor._device, spec, requires_grad=tensor.requires_grad)
    if sending:
        # the values of the rank at position src_data_rank along every mesh dimension
        full = full.clone()
        for m in range(mesh.ndim):
            if mesh.size(m) > 1:
                dist.broadcast(full, group_src=src_data_rank, group=mesh.get_group(m))
    local = _layout.cut(full._data, spec.shape, mesh.shape, placements, spec.coord())
    return _make(local, tensor._device, spec, requires_grad=tensor.requires_grad)


def _scatter_from(full, mesh, placements, src):
    """This rank's piece of ``full`` as held by the rank at position ``src`` along each mesh dimension,
    one mesh dimension after another (as PyTorch sends it): a split dimension's pieces scattered from
    there, any other dimension's piece broadcast."""
    import ember.distributed as dist
    piece = full.contiguous().clone()
    coord = mesh.get_coordinate()
    for m, p in enumerate(placements):
        n, group = mesh.size(m), mesh.get_group(m)
        if n == 1:
            continue
        if not isinstance(p, Shard):
            dist.broadcast(piece, group_src=src, group=group)
            continue
        size = piece.shape[p.dim]
        chunk = -(-size // n) if size else 0
        shape = list(piece.shape)
        shape[p.dim] = chunk
        received = ember.empty(shape, dtype=piece.dtype, device=piece.device)
        pieces = None
        if dist.get_rank(group) == src:     # the sender pads uneven pieces to the largest
            shape[p.dim] = chunk * n
            padded = ember.zeros(shape, dtype=piece.dtype, device=piece.device)
            padded.narrow(p.dim, 0, size).copy_(piece)
            pieces = [c.contiguous() for c in padded.split(chunk, p.dim)] if chunk else [received] * n
        dist.scatter(received, pieces, group_src=src, group=group)
        piece = received.narrow(p.dim, 0, _layout.shard_range(size, n, coord[m])[1]).contiguous()
    return piece


def _factory_spec(size, layout, device_mesh, placements):
    """The layout of a DTensor made from nothing (``zeros``, ``rand``, ...)."""
    if layout is not ember.strided:
        raise ValueError(f"DTensors are strided; layout={layout} is not supported")
    mesh = _default_mesh(device_mesh)
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    placements = _normalise(_placements(mesh, placements), len(size))
    return _Spec(mesh, placements, tuple(int(s) for s in size))


def _factory(fill, size, requires_grad, dtype, device_mesh, placements, layout=ember.strided):
    spec = _factory_spec(size, layout, device_mesh, placements)
    _, local_size = _layout.local_box(spec.shape, spec.mesh.shape, spec.placements, spec.coord())
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


def _random(draw, size, requires_grad, dtype, layout, device_mesh, placements):
    spec = _factory_spec(size, layout, device_mesh, placements)
    # every rank draws the whole tensor from its generator (seeded alike, they stay alike) and keeps its
    # piece: the DTensor holds the numbers one process would draw
    whole = draw(spec.shape, dtype=dtype)
    local = _layout.cut(whole._data, spec.shape, spec.mesh.shape, spec.placements, spec.coord())
    return _make(local, ember.device('cpu'), spec, requires_grad)


def rand(*size, requires_grad=False, dtype=None, layout=ember.strided, device_mesh=None, placements=None):
    """A DTensor of global ``size`` with numbers drawn uniformly from [0, 1), laid out by ``placements``.
    Every rank draws the whole tensor from its own generator and keeps its piece, so with the same seed on
    every rank the DTensor holds the numbers ``ember.rand(size)`` gives in one process."""
    return _random(ember.rand, size, requires_grad, dtype, layout, device_mesh, placements)


def randn(*size, requires_grad=False, dtype=None, layout=ember.strided, device_mesh=None, placements=None):
    """A DTensor of global ``size`` with normally distributed numbers, laid out by ``placements`` (drawn as
    ``rand`` draws: with the same seed on every rank, the numbers ``ember.randn(size)`` gives)."""
    return _random(ember.randn, size, requires_grad, dtype, layout, device_mesh, placements)
