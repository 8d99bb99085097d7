"""Functional collectives (PyTorch's ``torch.distributed._functional_collectives``): each returns a new
tensor instead of writing in place, and names its group by a process group, a 1-D device mesh, a
``(mesh, dim)`` pair or the list of its ranks. They are the operators ``ember.ops.c10d_functional.*``
(what ``CommDebugMode`` counts DTensor's communication as). ember completes them before returning, so
``wait_tensor`` has nothing left to wait for."""
import ember
from ember.distributed import _comm_count
from ember.library import Library

__all__ = ['all_reduce', 'all_gather_tensor', 'reduce_scatter_tensor', 'all_to_all_single', 'broadcast',
           'wait_tensor']

_REDUCE_OPS = {'sum': 'SUM', 'avg': 'AVG', 'product': 'PRODUCT', 'min': 'MIN', 'max': 'MAX', 'band': 'BAND',
               'bor': 'BOR', 'bxor': 'BXOR'}


def _ranks(group):
    """The global ranks ``group`` names (in its order) and its ``tag``."""
    from ember.distributed._group import ProcessGroup
    from ember.distributed.device_mesh import DeviceMesh
    if isinstance(group, tuple) and len(group) == 2 and isinstance(group[0], DeviceMesh):
        group = group[0].get_group(group[1])
    elif isinstance(group, DeviceMesh):
        if group.ndim != 1:
            raise ValueError("Only 1D mesh is supported, pass in (DeviceMesh, int) together if mesh > 1D")
        group = group.get_group()
    if isinstance(group, ProcessGroup):
        return list(group._ranks)
    if isinstance(group, list) and all(isinstance(r, int) for r in group):
        return list(group)
    raise ValueError(f"Unsupported group type: {type(group)}, {group}")


def _group(ranks):
    """The process group of exactly ``ranks`` (made earlier by init_process_group, new_group or a mesh)."""
    from ember.distributed._group import _State, _default_group
    for pg in [_default_group()] + list(_State.groups):
        if pg is not None and pg != -100 and list(pg._ranks) == list(ranks):
            return pg
    raise ValueError(f"functional collectives: no process group of ranks {list(ranks)} exists on this rank; "
                     "make it with new_group or a device mesh first")


def _reduce_op(name):
    import ember.distributed as dist
    if name.lower() not in _REDUCE_OPS:
        raise ValueError(f"Unrecognized reduce op: {name}")
    return getattr(dist.ReduceOp, _REDUCE_OPS[name.lower()])


def _counted(name, fn):
    """The kernel of ``c10d_functional::name``: counted as itself, its inner collective not again."""
    def kernel(*args):
        _comm_count.record(getattr(ember.ops.c10d_functional, name))
        with _comm_count.inside_functional(), ember.no_grad():
            return fn(*args)
    return kernel


def _k_all_reduce(t, op, tag, ranks, group_size):
    import ember.distributed as dist
    out = t.clone()
    dist.all_reduce(out, op=_reduce_op(op), group=_group(ranks))
    return out


def _k_all_gather(t, tag, ranks, group_size):
    import ember.distributed as dist
    t = t.contiguous()
    out = ember.empty((t.shape[0] * group_size,) + tuple(t.shape[1:]), dtype=t.dtype, device=t.device)
    dist.all_gather_into_tensor(out, t, group=_group(ranks))
    return out


def _k_reduce_scatter(t, op, tag, ranks, group_size):
    import ember.distributed as dist
    t = t.contiguous()
    if t.shape[0] % group_size:
        raise ValueError(f"input dimension 0 ({t.shape[0]} must be a multiple of group_size {group_size}")
    out = ember.empty((t.shape[0] // group_size,) + tuple(t.shape[1:]), dtype=t.dtype, device=t.device)
    dist.reduce_scatter_tensor(out, t, op=_reduce_op(op), group=_group(ranks))
    return out


def _k_all_to_all(t, output_split_sizes, input_split_sizes, tag, ranks, group_size):
    import ember.distributed as dist
    rows = sum(output_split_sizes) if output_split_sizes else t.shape[0]
    out = ember.empty((rows,) + tuple(t.shape[1:]), dtype=t.dtype, device=t.device)
    dist.all_to_all_single(out, t.contiguous(), output_split_sizes or None, input_split_sizes or None,
                           group=_group(ranks))
    return out


def _k_broadcast(t, src, tag, ranks, group_size):
    import ember.distributed as dist
    out = t.clone()
    dist.broadcast(out, src=src, group=_group(ranks))
    return out


_lib = Library('c10d_functional', 'DEF')
for _schema, _name, _fn in (
        ('all_reduce(Tensor self, str reduceOp, str tag, int[] ranks, int group_size) -> Tensor',
         'all_reduce', _k_all_reduce),
        ('all_gather_into_tensor(Tensor shard, str tag, int[] ranks, int group_size) -> Tensor',
         'all_gather_into_tensor', _k_all_gather),
        ('reduce_scatter_tensor(Tensor input, str reduceOp, str tag, int[] ranks, int group_size) -> Tensor',
         'reduce_scatter_tensor', _k_reduce_scatter),
        ('all_to_all_single(Tensor input, SymInt[]? output_split_sizes, SymInt[]? input_split_sizes, str tag, '
         'int[] ranks, int group_size) -> Tensor', 'all_to_all_single', _k_all_to_all),
        ('broadcast(Tensor self, int src, str tag, int[] ranks, int group_size) -> Tensor', 'broadcast',
         _k_broadcast)):
    _lib.define(_schema)
    _lib.impl(_name, _counted(_name, _fn), 'CompositeExplicitAutograd')


def _op(name):
    return getattr(ember.ops.c10d_functional, name)


def all_reduce(self, reduceOp, group, tag=''):
    """The reduction (``reduceOp``: 'sum', 'avg', 'max', ...) of ``self`` over ``group``, as a new tensor."""
    ranks = _ranks(group)
    return _op('all_reduce')(self, reduceOp.lower(), tag, ranks, len(ranks))


def all_gather_tensor(self, gather_dim, group, tag=''):
    """Every rank's ``self`` concatenated along ``gather_dim``, in rank order."""
    ranks = _ranks(group)
    out = _op('all_gather_into_tensor')(self, tag, ranks, len(ranks))
    if gather_dim != 0:
        out = ember.cat(ember.chunk(out, len(ranks), 0), gather_dim)
    return out


def reduce_scatter_tensor(self, reduceOp, scatter_dim, group, tag=''):
    """This rank's piece (along ``scatter_dim``, cut evenly) of the reduction of ``self`` over ``group``."""
    ranks = _ranks(group)
    n = len(ranks)
    if self.shape[scatter_dim] % n:
        raise AssertionError(f"input dimension {scatter_dim} ({self.shape[scatter_dim]}) must be a multiple of "
                             f"group_size {n}")
    if scatter_dim != 0:       # the pieces stacked along dim 0: each rank's arrives whole
        self = ember.cat(ember.chunk(self, n, scatter_dim), 0)
    return _op('reduce_scatter_tensor')(self, reduceOp.lower(), tag, ranks, n)


def all_to_all_single(self, output_split_sizes, input_split_sizes, group, tag=''):
    """Rows of ``self`` sent to each rank (``input_split_sizes`` of them, or equal shares) and the rows
    every rank sent here, in rank order."""
    ranks = _ranks(group)
    return _op('all_to_all_single')(self, output_split_sizes, input_split_sizes, tag, ranks, len(ranks))


def broadcast(self, src, group, tag=''):
    """Rank ``src``'s ``self`` (a global rank) on every rank of ``group``, as a new tensor."""
    ranks = _ranks(group)
    return _op('broadcast')(self, src, tag, ranks, len(ranks))


def wait_tensor(tensor):
    """``tensor`` itself: ember's functional collectives complete before they return."""
    return tensor
