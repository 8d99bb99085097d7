"""Moving a DTensor's local piece from one layout to another, one mesh dimension at a time, with autograd.

Each step is an autograd function on the local piece, so gradients flow through layout changes. The
gradient of a piece follows one convention everywhere: the gradient of a Shard piece is the matching piece
of the whole gradient, and the gradient of a Replicate or Partial(sum) tensor is the whole gradient,
the same on every rank. Each step's backward restores that convention:

- Shard -> Replicate gathers; its backward keeps this rank's piece of the (whole) gradient.
- Replicate -> Shard keeps this rank's piece; its backward gathers the pieces of the gradient.
- Partial -> Replicate reduces; its backward passes the gradient on (already whole).
- Replicate -> Partial(sum) divides by the number of ranks (as PyTorch does, so that the sum is the
  value); its backward passes the whole gradient on.

Where an operation uses a Replicate input to make a result that differs between ranks (a Shard or Partial
result), each rank's backward sees only its share of that input's gradient: ``sum_gradients_over`` marks
such inputs, summing their gradients over the ranks in the backward (forward: unchanged).
"""
import ember
from ember.autograd import Function
from ember.distributed import _functional_collectives as funcol
from ember.distributed.tensor._layout import shard_range, split_dim, split_order
from ember.distributed.tensor.placement_types import Partial, Replicate, Shard

__all__ = ['redistribute_local', 'sum_gradients_over']



# DTensor communicates through the functional collectives (what CommDebugMode counts, as in PyTorch)
def _all_reduce(t, mesh, mesh_dim, op='sum'):
    out = t.detach()
    if out.is_floating_point() or out.is_complex() or op != 'avg':
        out = funcol._all_reduce(out, 'sum' if op == 'avg' else op, (mesh, mesh_dim))
    if op == 'avg':
        out = out / mesh.size(mesh_dim)
    return out


def _gather(t, mesh, mesh_dim, dim, size):
    """The whole of dimension ``dim`` (``size`` long) from every rank's piece along ``mesh_dim``."""
    n = mesh.size(mesh_dim)
    chunk = -(-size // n) if size else 0
    local = t.detach()
    shape = list(local.shape)
    if shape[dim] != chunk:      # uneven pieces travel padded to the largest, then are trimmed
        shape[dim] = chunk
        padded = ember.zeros(shape, dtype=local.dtype, device=local.device)
        padded.narrow(dim, 0, local.shape[dim]).copy_(local)
        local = padded
    return funcol._all_gather(local, dim, (mesh, mesh_dim)).narrow(dim, 0, size)


def _reduce_scatter(t, mesh, mesh_dim, dim):
    """This rank's piece along ``dim`` of the sum over ``mesh_dim`` of every rank's ``t``."""
    n = mesh.size(mesh_dim)
    size = t.shape[dim]
    chunk = -(-size // n) if size else 0
    local = t.detach()
    if size != chunk * n:        # uneven pieces travel padded to the largest, then are trimmed
        shape = list(local.shape)
        shape[dim] = chunk * n
        padded = ember.zeros(shape, dtype=local.dtype, device=local.device)
        padded.narrow(dim, 0, size).copy_(local)
        local = padded
    out = funcol._reduce_scatter(local, 'sum', dim, (mesh, mesh_dim))
    _, length = shard_range(size, n, mesh.get_coordinate()[mesh_dim])
    return out.narrow(dim, 0, length)


def _piece(t, mesh, mesh_dim, dim):
    start, length = shard_range(t.shape[dim], mesh.size(mesh_dim), mesh.get_coordinate()[mesh_dim])
    return t.detach().narrow(dim, start, length).clone()


class _Gather(Function):
    @staticmethod
    def forward(ctx, t, mesh, mesh_dim, dim, size):
        ctx.mesh, ctx.mesh_dim, ctx.dim = mesh, mesh_dim, dim
        return _gather(t, mesh, mesh_dim, dim, size)

    @staticmethod
    def backward(ctx, g):
        return _piece(g, ctx.mesh, ctx.mesh_dim, ctx.dim), None, None, None, None


class _Cut(Function):
    @staticmethod
    def forward(ctx, t, mesh, mesh_dim, dim):
        ctx.mesh, ctx.mesh_dim, ctx.dim, ctx.size = mesh, mesh_dim, dim, t.shape[dim]
        return _piece(t, mesh, mesh_dim, dim)

    @staticmethod
    def backward(ctx, g):
        return _gather(g, ctx.mesh, ctx.mesh_dim, ctx.dim, ctx.size), None, None, None


class _ReduceScatter(Function):
    """Partial(sum) -> Shard(dim) in one collective; the backward gathers the piece's gradient whole."""

    @staticmethod
    def forward(ctx, t, mesh, mesh_dim, dim):
        ctx.mesh, ctx.mesh_dim, ctx.dim, ctx.size = mesh, mesh_dim, dim, t.shape[dim]
        return _reduce_scatter(t, mesh, mesh_dim, dim)

    @staticmethod
    def backward(ctx, g):
        return _gather(g, ctx.mesh, ctx.mesh_dim, ctx.dim, ctx.size), None, None, None


class _Reduce(Function):
    @staticmethod
    def forward(ctx, t, mesh, mesh_dim, op):
        return _all_reduce(t, mesh, mesh_dim, op)

    @staticmethod
    def backward(ctx, g):
        return g, None, None, None


class _Partition(Function):
    @staticmethod
    def forward(ctx, t, mesh, mesh_dim):
        return t.detach() / mesh.size(mesh_dim)

    @staticmethod
    def backward(ctx, g):
        return g, None, None


class _SumGradients(Function):
    @staticmethod
    def forward(ctx, t, mesh, mesh_dims):
        ctx.mesh, ctx.mesh_dims = mesh, mesh_dims
        return t.view_as(t)

    @staticmethod
    def backward(ctx, g):
        for m in ctx.mesh_dims:
            g = _all_reduce(g, ctx.mesh, m)
        return g, None, None


def sum_gradients_over(local, mesh, mesh_dims):
    """``local`` unchanged; in the backward, its gradient summed over the ranks along ``mesh_dims``."""
    if not mesh_dims or not local.requires_grad or not ember.is_grad_enabled():
        return local
    return _SumGradients.apply(local, mesh, tuple(mesh_dims))


def _needs_autograd_sum(p, what):
    if isinstance(p, Partial) and p.reduce_op != 'sum' and ember.is_grad_enabled():
        raise NotImplementedError(f"{what} a Partial({p.reduce_op}) DTensor that requires grad: ember's DTensor "
                                  "differentiates through Partial(sum) only")


def redistribute_local(local, shape, mesh, src, dst):
    """This rank's piece of a tensor of global ``shape`` laid out by ``dst``, from its piece by ``src``.

    Unsharding steps run from the innermost split to the outermost (``split_order`` reversed) and sharding
    steps from the outermost to the innermost, so that nested shards of one tensor dimension split as
    ``local_box`` says.
    """
    track = local.requires_grad and ember.is_grad_enabled()
    current = list(src)
    src_order, dst_order = split_order(src), split_order(dst)
    change = [p != q for p, q in zip(src, dst)]
    for m2, p in enumerate(src):
        # a piece nested inside a split of the same tensor dimension that changes (before or after) is
        # gathered and cut again around it
        d = split_dim(p)
        if d is None:
            continue
        outer = [m for m in src_order[:src_order.index(m2)] if split_dim(src[m]) == d] + \
                [m for m in dst_order[:dst_order.index(m2)] if split_dim(dst[m]) == d]
        if any(change[m] for m in outer):
            change[m2] = True
    for m in reversed(src_order):
        p = current[m]
        if not change[m] or isinstance(p, Replicate):
            continue
        q = dst[m]
        if p == Partial() and isinstance(q, Shard) and \
                not any(split_dim(x) == q.dim for k in range(mesh.ndim) if k != m for x in (src[k], dst[k])):
            local = _ReduceScatter.apply(local, mesh, m, q.dim)     # the only split of its dimension
            current[m] = q
            continue
        if split_dim(p) is not None:
            size = _parent_size(shape, mesh, current, src_order[:src_order.index(m)], p.dim)
            local = _Gather.apply(local, mesh, m, p.dim, size)
        else:
            if track:
                _needs_autograd_sum(p, 'redistribute')
            local = _Reduce.apply(local, mesh, m, p.reduce_op)
        current[m] = Replicate()
    for m in dst_order:
        p, q = current[m], dst[m]
        if p == q:
            continue
        if split_dim(q) is not None:
            local = _Cut.apply(local, mesh, m, q.dim)
        elif q.reduce_op == 'sum':
            local = _Partition.apply(local, mesh, m)
        elif q.reduce_op in ('avg', 'max', 'min'):
            pass                # each rank's copy reduces to the value itself
        else:
            raise NotImplementedError(f"redistribute to Partial({q.reduce_op}) is not supported")
        current[m] = q
    return local


def _parent_size(shape, mesh, placements, outer, dim):
    """The extent of tensor dimension ``dim`` in the piece a mesh dimension splits: the global size cut by
    the splits of ``dim`` on the ``outer`` mesh dimensions (those applied before it)."""
    size = shape[dim]
    coord = mesh.get_coordinate()
    for m in outer:
        if split_dim(placements[m]) == dim:
            size = shard_range(size, mesh.size(m), coord[m])[1]
    return size
