"""The engine under both FSDP APIs: a unit's parameters sharded on dim 0 over a 1-D mesh, gathered
whole for the forward (``unshard``), put back afterwards (``reshard``), and their gradients averaged
over the ranks and cut to each rank's shard (a reduce-scatter) as backward produces them.

Gradients are reduced in the order the forward gathered their parameters (every rank issues the same
collectives in the same order); parameters the forward's outputs cannot reach are skipped."""
import numpy as np

import ember
from ember import backend
from ember.distributed.tensor import Replicate, Shard
from ember.distributed.tensor import _api as dtensor_api
from ember.distributed.tensor._layout import shard_range


class ShardedParam:
    """One parameter of a unit: where it is registered, its sharded form and, while gathered, its
    whole form.

    A parameter tensor parallelism already made a DTensor (over a mesh['tp']) is sharded over the
    data-parallel ``mesh`` within its piece: the sharded form lies on the 2-D (dp, tp) mesh, and its
    "whole" form is the tensor-parallel DTensor the module's forward expects."""

    def __init__(self, places, param, mesh):
        self.places = places      # every (module, attribute name) the parameter is registered as (tied weights)
        self.dp_mesh = mesh
        self.tp_spec = param._spec if isinstance(param, dtensor_api.DTensor) else None
        # a 0-d parameter (a learned temperature) has no dim 0: every rank keeps it whole
        placement = Shard(0) if param.dim() else Replicate()
        if self.tp_spec is None:
            # on a 2-D (replicate, shard) mesh (HSDP), every row of the mesh holds the whole, sharded
            placements = (Replicate(),) * (mesh.ndim - 1) + (placement,)
            spec = dtensor_api._Spec(mesh, placements, tuple(param.shape))
            local = dtensor_api._layout.cut(_host(param), spec.shape, mesh.shape, spec.placements, spec.coord())
        else:
            if mesh.ndim != 1:
                raise NotImplementedError("fully_shard: hybrid sharding (a 2-D mesh) of tensor-parallel parameters "
                                          "is not supported by ember")
            spec, local = _within_tensor_parallel(param, mesh, placement)
            placement = spec.placements[0]
        self.shard_placement = placement      # how the mesh's last dimension splits it (Replicate: 0-d)
        self.sharded = dtensor_api._make(local, param._device, spec)._as_parameter(param.requires_grad)
        self.unsharded = None
        self.stash = None         # whole gradients kept while gradient sync is off

    def gather(self):
        """The whole parameter (a collective over the data-parallel ranks), without autograd history: a
        tensor, or for a tensor-parallel parameter its DTensor over mesh['tp']."""
        with ember.no_grad():
            if self.tp_spec is None:
                return self.sharded.full_tensor()
            return self.sharded.redistribute(placements=(Replicate(), *self.tp_spec.placements)).to_local()

    def as_unsharded(self, full):
        """``full`` (from ``gather``, maybe cast) as the parameter the forward uses."""
        if self.tp_spec is not None:
            full = dtensor_api._make(full._data, full._device, self.tp_spec)
        return ember.nn.Parameter(full, requires_grad=self.sharded.requires_grad)


def _within_tensor_parallel(param, dp_mesh, placement):
    """(layout on the (dp, tp) mesh, this rank's piece) of the tensor-parallel DTensor ``param`` sharded on
    dim 0 over ``dp_mesh`` inside each tensor-parallel piece, as PyTorch's FSDP2 lays it out: a dim 0
    already split by tensor parallelism becomes a ``_StridedShard`` on the dp dimension."""
    from ember.distributed.device_mesh import DeviceMesh
    from ember.distributed.tensor.placement_types import _StridedShard
    tp = param._spec
    if tp.mesh.ndim != 1 or any(p.is_partial() for p in tp.placements):
        raise NotImplementedError("fully_shard: ember composes FSDP with a tensor-parallel layout over a 1-D mesh "
                                  f"of Shard or Replicate placements, got {tp.placements}")
    if dp_mesh.mesh_dim_names is None or tp.mesh.mesh_dim_names is None:
        raise NotImplementedError("fully_shard over tensor-parallel parameters: the data- and tensor-parallel meshes "
                                  "must be named sub-meshes of one device mesh (mesh['dp'], mesh['tp'])")
    spmd = DeviceMesh._concatenate([dp_mesh, tp.mesh])
    if placement == Shard(0) and dtensor_api._layout.split_dim(tp.placements[0]) == 0:
        placement = _StridedShard(0, split_factor=tp.mesh.size())
    spec = dtensor_api._Spec(spmd, (placement, *tp.placements), tp.shape)
    piece = _host(param)
    if placement != Replicate():
        start, length = shard_range(piece.shape[0], dp_mesh.size(), dp_mesh.get_local_rank())
        piece = piece[start:start + length]
    return spec, np.array(piece)


def _host(t):
    data = t.detach()._data
    return data if isinstance(data, np.ndarray) else backend.to_numpy(data)


def _set(places, value):
    for owner, name in places:
        owner._parameters[name] = value


def collect_params(module, skip_ids, skip_module=lambda m: False):
    """[(places, parameter)] for the parameters of ``module`` not in ``skip_ids``, each once with every
    place it is registered (a weight tied between two modules is one parameter)."""
    found, order = {}, []
    for owner in module.modules():
        if skip_module(owner):
            continue
        for name, p in owner._parameters.items():
            if p is None or id(p) in skip_ids:
                continue
            if id(p) not in found:
                found[id(p)] = ([], p)
                order.append(id(p))
            found[id(p)][0].append((owner, name))
    return [found[i] for i in order]


class Iteration:
    """The gradient reductions one forward owes its backward, in the order the forward gathered."""

    def __init__(self):
        self.entries = []          # (unit, ShardedParam)
        self.ready = []
        self.next = 0
        self.handles = []

    def add(self, unit, sp):
        index = len(self.entries)
        self.entries.append((unit, sp))
        self.ready.append(False)
        if sp.unsharded.requires_grad:
            self.handles.append(sp.unsharded.register_post_accumulate_grad_hook(lambda p: self.mark(index)))

    def skip_unreachable(self, outputs):
        from ember.nn.parallel._reducer import _reachable_leaves
        reached = _reachable_leaves(outputs)
        for i, (_, sp) in enumerate(self.entries):
            if id(sp.unsharded) not in reached:
                self.ready[i] = None   # no gradient will come
        self.flush()

    def mark(self, index):
        self.ready[index] = True
        self.flush()

    def flush(self):
        while self.next < len(self.entries) and self.ready[self.next] is not False:
            unit, sp = self.entries[self.next]
            if self.ready[self.next]:
                unit.reduce_grad(sp)
            self.next += 1
        if self.entries and self.next == len(self.entries):
            for h in self.handles:
                h.remove()
            units = []
            for unit, _ in self.entries:
                if unit not in units:
                    units.append(unit)
            self.entries = []
            for unit in units:
                unit.after_backward()


class Unit:
    """The parameters one FSDP module manages (not those of FSDP modules inside it)."""

    def __init__(self, params, mesh, reshard_after_forward=True, param_dtype=None, reduce_dtype=None):
        self.params = [ShardedParam(places, p, mesh) for places, p in params]
        for sp in self.params:
            _set(sp.places, sp.sharded)
        self.mesh = mesh
        self.reshard_after_forward = reshard_after_forward
        self.reshard_after_backward = True
        self.param_dtype, self.reduce_dtype = param_dtype, reduce_dtype
        self.sync = True
        self.gathered = False

    def unshard(self, iteration=None):
        """Gather every parameter whole (a collective) and register the whole ones for the forward."""
        if not self.gathered:
            for sp in self.params:
                full = sp.gather()
                if self.param_dtype is not None:
                    full = full.to(self.param_dtype)
                sp.unsharded = sp.as_unsharded(full)
                _set(sp.places, sp.unsharded)
            self.gathered = True
        if iteration is not None:
            for sp in self.params:
                iteration.add(self, sp)

    def reshard(self):
        """Register the sharded parameters again (the whole ones are released)."""
        for sp in self.params:
            _set(sp.places, sp.sharded)
        self.gathered = False

    def after_backward(self):
        if self.reshard_after_backward and self.gathered:
            self.reshard()

    def reduce_grad(self, sp):
        """Average ``sp``'s whole gradient (a tensor-parallel parameter's: its piece) over the ranks and keep this rank's shard of it as the sharded
        parameter's gradient (accumulating into one already there)."""
        grad = sp.unsharded.grad
        sp.unsharded.grad = None
        if grad is None:
            return
        full = _host(grad)
        if sp.stash is not None:
            full = full + sp.stash
            sp.stash = None
        if not self.sync:
            sp.stash = full.copy()
            return
        mesh = sp.dp_mesh
        last = mesh.ndim - 1              # the sharding dimension; before it, HSDP's replicating one
        if sp.shard_placement == Replicate():
            shard = all_reduce_mean(full, mesh, self.reduce_dtype, last)
        else:
            shard = reduce_scatter_dim0(full, mesh, self.reduce_dtype, last)
        for m in range(last):
            shard = all_reduce_mean(shard, mesh, self.reduce_dtype, m)
        shard = np.asarray(shard, dtype=sp.sharded._data.dtype)   # 0-d results stay arrays
        g = sp.sharded._grad
        if g is None:
            spec = sp.sharded._spec
            sp.sharded._grad = dtensor_api._make(shard, sp.sharded._device, spec)
        else:
            g._data = g._data + shard


def all_reduce_mean(full, mesh, reduce_dtype=None, mesh_dim=0):
    """The average of ``full`` over the ranks along ``mesh_dim`` (for parameters every rank keeps whole,
    and across HSDP's replicas)."""
    import ember.distributed as dist
    work = ember.from_numpy(np.array(full, dtype=_reduce_np_dtype(full, reduce_dtype)))
    dist.all_reduce(work, group=mesh.get_group(mesh_dim))
    return work.numpy() / mesh.size(mesh_dim)


def _reduce_np_dtype(full, reduce_dtype):
    return ember._dtype.to_dtype(reduce_dtype).np_dtype if reduce_dtype is not None else full.dtype


def reduce_scatter_dim0(full, mesh, reduce_dtype=None, mesh_dim=0):
    """This rank's dim-0 shard of the average of ``full`` over the ranks along ``mesh_dim``."""
    import ember.distributed as dist
    n = mesh.size(mesh_dim)
    rank = mesh.get_local_rank(mesh_dim)
    size = full.shape[0]
    chunk = -(-size // n) if size else 0
    work = full.astype(_reduce_np_dtype(full, reduce_dtype))
    padded = np.zeros((chunk * n,) + work.shape[1:], work.dtype)
    padded[:size] = work
    out = ember.from_numpy(np.empty((chunk,) + work.shape[1:], work.dtype))
    dist.reduce_scatter_tensor(out, ember.from_numpy(padded), op=dist.ReduceOp.SUM, group=mesh.get_group(mesh_dim))
    start, length = shard_range(size, n, rank)
    shard = out.numpy()[:length] / n
    return shard.reshape((length,) + full.shape[1:])


class _WholeParam:
    """A parameter NO_SHARD keeps whole on every rank."""

    def __init__(self, places, param):
        self.places = places
        self.sharded = self.unsharded = param
        self.stash = None


class ReplicatedUnit(Unit):
    """NO_SHARD: parameters stay whole; backward averages each gradient over the ranks (an all-reduce),
    unless gradient sync is off (gradients then accumulate locally until a synchronised backward)."""

    def __init__(self, params, group, reshard_after_forward=False, param_dtype=None, reduce_dtype=None):
        self.params = [_WholeParam(places, p) for places, p in params]
        self.group = group
        self.reshard_after_forward = False
        self.reshard_after_backward = True
        self.param_dtype, self.reduce_dtype = param_dtype, reduce_dtype
        self.sync = True
        self.gathered = True

    def unshard(self, iteration=None):
        if iteration is not None:
            for sp in self.params:
                iteration.add(self, sp)

    def reshard(self):
        pass

    def reduce_grad(self, sp):
        import ember.distributed as dist
        g = sp.unsharded.grad
        if g is None or not self.sync:
            return
        work = g if self.reduce_dtype is None else g.to(self.reduce_dtype)
        with ember.no_grad():
            work = work / dist.get_world_size(self.group)
            dist.all_reduce(work, group=self.group)
            g.copy_(work)
