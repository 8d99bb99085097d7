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
        # what the mesh's last dimension cuts on dim 0: the parameter, or its tensor-parallel piece
        self.whole_shape = tuple(param.shape) if self.tp_spec is None else tuple(_host(param).shape)
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
    """The gradient reductions one forward owes its backward: a unit's parameters are reduced together
    (one collective) once all their gradients are in, from the last unit the forward gathered to the
    first (the order backward usually produces them; every rank issues the same collectives in the same
    order)."""

    def __init__(self):
        self.entries = []          # (unit, ShardedParam), in the order the forward gathered them
        self.ready = []
        self.end = None            # entries before it are still to reduce (None: forward still running)
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
        self.end = len(self.entries)
        self.flush()

    def mark(self, index):
        self.ready[index] = True
        self.flush()

    def flush(self):
        if self.end is None:
            return
        while self.end > 0:
            unit, start = self.entries[self.end - 1][0], self.end - 1
            while start > 0 and self.entries[start - 1][0] is unit:
                start -= 1
            if any(self.ready[i] is False for i in range(start, self.end)):
                break
            unit.reduce_grads([self.entries[i][1] for i in range(start, self.end) if self.ready[i]])
            self.end = start
        if self.entries and self.end == 0:
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
            for sp, full in zip(self.params, self._gather_all()):
                if self.param_dtype is not None:
                    full = full.to(self.param_dtype)
                sp.unsharded = sp.as_unsharded(full)
                _set(sp.places, sp.unsharded)
            self.gathered = True
        if iteration is not None:
            for sp in self.params:
                iteration.add(self, sp)

    def _batchable(self):
        """Whether the parameters can travel in one flat buffer: CPU arrays of one dtype."""
        arrays = [sp.sharded._data for sp in self.params]
        return bool(arrays) and all(isinstance(a, np.ndarray) for a in arrays) and \
            len({a.dtype for a in arrays}) == 1

    def _gather_all(self):
        """Every parameter whole (tensor-parallel ones: their piece), without autograd history: one
        all-gather of the unit's shards along the mesh's last dimension, as PyTorch's FSDP2 makes."""
        if not self._batchable():
            return [sp.gather() for sp in self.params]
        split = [sp for sp in self.params if sp.shard_placement != Replicate()]
        wholes = {id(sp): sp.sharded._data.copy() for sp in self.params if sp.shard_placement == Replicate()}
        if split:
            for sp, whole in zip(split, all_gather_dim0([sp.sharded._data for sp in split],
                                                         [sp.whole_shape for sp in split], self.mesh)):
                wholes[id(sp)] = whole
        return [ember.from_numpy(wholes[id(sp)]) for sp in self.params]

    def reshard(self):
        """Register the sharded parameters again (the whole ones are released)."""
        for sp in self.params:
            _set(sp.places, sp.sharded)
        self.gathered = False

    def after_backward(self):
        if self.reshard_after_backward and self.gathered:
            self.reshard()

    def reduce_grads(self, sps):
        """Average the gradients of ``sps`` (parameters of this unit) over the ranks into their shards:
        one reduce-scatter for all of them (and, with HSDP, one all-reduce across the replicas)."""
        if not self._batchable():
            for sp in sps:
                self.reduce_grad(sp)
            return
        todo = []
        for sp in sps:
            full = self._take_grad(sp)
            if full is not None:
                todo.append((sp, full))
        if not todo:
            return
        mesh = self.mesh
        last = mesh.ndim - 1
        split = [(sp, f) for sp, f in todo if sp.shard_placement != Replicate()]
        whole = [(sp, f) for sp, f in todo if sp.shard_placement == Replicate()]
        shards = reduce_scatter_dim0_many([f for _, f in split], mesh, self.reduce_dtype, last) if split else []
        shards += [all_reduce_mean(f, mesh, self.reduce_dtype, last) for _, f in whole]
        order = [sp for sp, _ in split] + [sp for sp, _ in whole]
        for m in range(last):           # HSDP: the shards averaged across the replicas, in one all-reduce
            shards = all_reduce_mean_many(shards, mesh, self.reduce_dtype, m)
        for sp, shard in zip(order, shards):
            self._add_grad(sp, shard)

    def _take_grad(self, sp):
        """``sp``'s whole gradient as an array, taken off the whole parameter (None when there is none, or
        when gradient sync is off: then it is kept to add to the next one)."""
        grad = sp.unsharded.grad
        sp.unsharded.grad = None
        if grad is None:
            return None
        full = _host(grad)
        if sp.stash is not None:
            full = full + sp.stash
            sp.stash = None
        if not self.sync:
            sp.stash = full.copy()
            return None
        return full

    def _add_grad(self, sp, shard):
        shard = np.asarray(shard, dtype=sp.sharded._data.dtype)   # 0-d results stay arrays
        g = sp.sharded._grad
        if g is None:
            sp.sharded._grad = dtensor_api._make(shard, sp.sharded._device, sp.sharded._spec)
        else:
            g._data = g._data + shard

    def reduce_grad(self, sp):
        """Average ``sp``'s whole gradient (a tensor-parallel parameter's: its piece) over the ranks and keep this rank's shard of it as the sharded
        parameter's gradient (accumulating into one already there)."""
        full = self._take_grad(sp)
        if full is None:
            return
        mesh = sp.dp_mesh
        last = mesh.ndim - 1              # the sharding dimension; before it, HSDP's replicating one
        if sp.shard_placement == Replicate():
            shard = all_reduce_mean(full, mesh, self.reduce_dtype, last)
        else:
            shard = reduce_scatter_dim0(full, mesh, self.reduce_dtype, last)
        for m in range(last):
            shard = all_reduce_mean(shard, mesh, self.reduce_dtype, m)
        self._add_grad(sp, shard)


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


def _chunks(shapes, n):
    """(rows per rank, elements per row) of each shape cut on dim 0 into ``n`` padded pieces."""
    out = []
    for shape in shapes:
        rows = -(-shape[0] // n) if shape[0] else 0
        out.append((rows, int(np.prod(shape[1:], dtype=np.int64))))
    return out


def all_gather_dim0(locals_, whole_shapes, mesh, mesh_dim=-1):
    """The whole arrays (of ``whole_shapes``) whose dim-0 pieces along ``mesh_dim`` are ``locals_`` on each
    rank: the pieces padded, flattened into one buffer and gathered in one collective."""
    import ember.distributed as dist
    mesh_dim %= mesh.ndim
    n = mesh.size(mesh_dim)
    layout = _chunks(whole_shapes, n)
    width = sum(rows * row for rows, row in layout)
    mine = np.zeros(width, locals_[0].dtype)
    offset = 0
    for local, (rows, row) in zip(locals_, layout):
        mine[offset:offset + local.size] = local.reshape(-1)
        offset += rows * row
    out = ember.from_numpy(np.empty(n * width, mine.dtype))
    dist.all_gather_into_tensor(out, ember.from_numpy(mine), group=mesh.get_group(mesh_dim))
    everyone = out.numpy().reshape(n, width)
    wholes, offset = [], 0
    for shape, (rows, row) in zip(whole_shapes, layout):
        block = everyone[:, offset:offset + rows * row].reshape((n * rows,) + tuple(shape[1:]))
        wholes.append(np.ascontiguousarray(block[:shape[0]]))
        offset += rows * row
    return wholes


def reduce_scatter_dim0_many(fulls, mesh, reduce_dtype=None, mesh_dim=0):
    """This rank's dim-0 shard of the average over ``mesh_dim`` of each of ``fulls``: one reduce-scatter
    of a buffer holding, for each rank in turn, its padded piece of every array."""
    import ember.distributed as dist
    n = mesh.size(mesh_dim)
    rank = mesh.get_local_rank(mesh_dim)
    dtype = _reduce_np_dtype(fulls[0], reduce_dtype)
    layout = _chunks([f.shape for f in fulls], n)
    blocks = []
    for full, (rows, row) in zip(fulls, layout):
        padded = np.zeros((rows * n,) + full.shape[1:], dtype)
        padded[:full.shape[0]] = full
        blocks.append(padded.reshape(n, rows * row))
    send = np.ascontiguousarray(np.concatenate(blocks, axis=1))
    out = ember.from_numpy(np.empty(send.shape[1], dtype))
    dist.reduce_scatter_tensor(out, ember.from_numpy(send.reshape(-1)), op=dist.ReduceOp.SUM,
                               group=mesh.get_group(mesh_dim))
    got, shards, offset = out.numpy(), [], 0
    for full, (rows, row) in zip(fulls, layout):
        _, length = shard_range(full.shape[0], n, rank)
        piece = got[offset:offset + rows * row].reshape((rows,) + full.shape[1:])[:length] / n
        shards.append(piece)
        offset += rows * row
    return shards


def all_reduce_mean_many(arrays, mesh, reduce_dtype=None, mesh_dim=0):
    """The average over ``mesh_dim`` of each of ``arrays``, in one all-reduce."""
    flat = np.concatenate([np.asarray(a).reshape(-1) for a in arrays])
    mean = all_reduce_mean(flat, mesh, reduce_dtype, mesh_dim)
    out, offset = [], 0
    for a in arrays:
        a = np.asarray(a)
        out.append(mean[offset:offset + a.size].reshape(a.shape))
        offset += a.size
    return out


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

    def reduce_grads(self, sps):
        for sp in sps:
            self.reduce_grad(sp)

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
