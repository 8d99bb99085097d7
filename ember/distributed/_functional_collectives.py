"""Functional collectives (PyTorch's ``torch.distributed._functional_collectives``): each returns a new
tensor instead of writing in place, and names its group by a process group, a 1-D device mesh, a
``(mesh, dim)`` pair or the list of its ranks. They are the operators ``ember.ops.c10d_functional.*``
(what ``CommDebugMode`` counts DTensor's communication as). As in PyTorch, the results are
``AsyncCollectiveTensor``s and the operators are differentiable (all-reduce and reduce-scatter for 'sum').
ember completes them before returning, so ``wait_tensor`` has nothing left to wait for. DTensor's layout
changes use the plain-result forms (``_all_reduce``, ...)."""
import warnings

import ember
from ember.distributed import _comm_count
from ember.distributed._async_tensor import AsyncCollectiveTensor, _wrap
from ember.library import Library

__all__ = ['AsyncCollectiveTensor', 'all_reduce', 'all_reduce_coalesced', 'all_gather_single',
           'all_gather_single_autograd', 'all_gather_tensor', 'all_gather_tensor_autograd', 'reduce_scatter_single',
           'reduce_scatter_single_autograd', 'reduce_scatter_tensor', 'reduce_scatter_tensor_autograd',
           'all_to_all_single', 'all_to_all_single_autograd', 'broadcast', 'wait_tensor']

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


# ------------------------------------------------------------------ autograd of the operators (PyTorch's rules)
def _setup(ctx, inputs, output):
    ctx.inputs = inputs[1:]


def _all_reduce_backward(ctx, grad):
    op, tag, ranks, size = ctx.inputs
    if op.lower() != 'sum':
        raise RuntimeError(f"all_reduce backward only supports 'sum' reduction, got '{op.lower()}'")
    return _op('all_reduce')(grad.contiguous(), 'sum', tag, ranks, size), None, None, None, None


def _all_gather_backward(ctx, grad):
    tag, ranks, size = ctx.inputs
    return _op('reduce_scatter_tensor')(grad.contiguous(), 'sum', tag, ranks, size), None, None, None


def _reduce_scatter_backward(ctx, grad):
    op, tag, ranks, size = ctx.inputs
    if op.lower() != 'sum':
        raise RuntimeError(f"reduce_scatter_tensor backward only supports 'sum' reduction, got '{op.lower()}'")
    return _op('all_gather_into_tensor')(grad.contiguous(), tag, ranks, size), None, None, None, None


def _all_to_all_backward(ctx, grad):
    out_splits, in_splits, tag, ranks, size = ctx.inputs
    return (_op('all_to_all_single')(grad.contiguous(), in_splits, out_splits, tag, ranks, size),
            None, None, None, None, None)


for _name, _backward in (('all_reduce', _all_reduce_backward), ('all_gather_into_tensor', _all_gather_backward),
                         ('reduce_scatter_tensor', _reduce_scatter_backward),
                         ('all_to_all_single', _all_to_all_backward)):
    ember.library.register_autograd(f'c10d_functional::{_name}', _backward, setup_context=_setup)


# ------------------------------------------------------------------ plain results (DTensor's layout changes)
def _all_reduce(self, reduceOp, group, tag=''):
    ranks = _ranks(group)
    return _op('all_reduce')(self, reduceOp.lower(), tag, ranks, len(ranks))


def _all_gather(self, gather_dim, group, tag=''):
    ranks = _ranks(group)
    out = _op('all_gather_into_tensor')(self, tag, ranks, len(ranks))
    if gather_dim != 0:
        out = ember.cat(ember.chunk(out, len(ranks), 0), gather_dim)
    return out


def _reduce_scatter(self, reduceOp, scatter_dim, group, tag=''):
    ranks = _ranks(group)
    n = len(ranks)
    if self.shape[scatter_dim] % n:
        raise AssertionError(f"input dimension 0 ({self.shape[0]} must be a multiple of group_size {n})")
    if scatter_dim != 0:       # the pieces stacked along dim 0: each rank's arrives whole
        self = ember.cat(ember.chunk(self, n, scatter_dim), 0)
    return _op('reduce_scatter_tensor')(self, reduceOp.lower(), tag, ranks, n)


# ------------------------------------------------------------------ the public functions
def _named_by_ranks(group):
    if isinstance(group, list):
        warnings.warn("The combination of ranks + tag as process group identifier has been deprecated. Please "
                      "switch to using ProcessGroup, DeviceMesh, or group name instead.", FutureWarning,
                      stacklevel=3)


def _deprecated(old, new):
    warnings.warn(f"`ember.distributed._functional_collectives.{old}` is deprecated. Please use "
                  f"`ember.distributed._functional_collectives.{new}` instead.", FutureWarning, stacklevel=3)


def all_reduce(self, reduceOp, group, tag=''):
    """The reduction (``reduceOp``: 'sum', 'avg', 'max', ...) of ``self`` over ``group``, as a new tensor
    (an :class:`AsyncCollectiveTensor`; differentiable for 'sum')."""
    _named_by_ranks(group)
    return _wrap(_all_reduce(self, reduceOp, group, tag))


def all_gather_single(self, gather_dim, group, tag=''):
    """Every rank's ``self`` concatenated along ``gather_dim``, in rank order (differentiable: the gradient is
    the reduce-scatter of the output's)."""
    _named_by_ranks(group)
    return _wrap(_all_gather(self, gather_dim, group, tag))


def all_gather_single_autograd(self, gather_dim, group, tag=''):
    """:func:`all_gather_single` (which is differentiable)."""
    return all_gather_single(self, gather_dim, group, tag)


def reduce_scatter_single(self, reduceOp, scatter_dim, group, tag=''):
    """This rank's piece (along ``scatter_dim``, cut evenly) of the reduction of ``self`` over ``group``
    (differentiable for 'sum': the gradient is the all-gather of the output's)."""
    _named_by_ranks(group)
    return _wrap(_reduce_scatter(self, reduceOp, scatter_dim, group, tag))


def reduce_scatter_single_autograd(self, reduceOp, scatter_dim, group, tag=''):
    """:func:`reduce_scatter_single` (which is differentiable)."""
    return reduce_scatter_single(self, reduceOp, scatter_dim, group, tag)


def all_gather_tensor(self, gather_dim, group, tag=''):
    """Deprecated name of :func:`all_gather_single`."""
    _deprecated('all_gather_tensor', 'all_gather_single')
    return all_gather_single(self, gather_dim, group, tag)


def all_gather_tensor_autograd(self, gather_dim, group, tag=''):
    """Deprecated name of :func:`all_gather_single_autograd`."""
    _deprecated('all_gather_tensor_autograd', 'all_gather_single_autograd')
    return all_gather_single(self, gather_dim, group, tag)


def reduce_scatter_tensor(self, reduceOp, scatter_dim, group, tag=''):
    """Deprecated name of :func:`reduce_scatter_single`."""
    _deprecated('reduce_scatter_tensor', 'reduce_scatter_single')
    return reduce_scatter_single(self, reduceOp, scatter_dim, group, tag)


def reduce_scatter_tensor_autograd(self, reduceOp, scatter_dim, group, tag=''):
    """Deprecated name of :func:`reduce_scatter_single_autograd`."""
    _deprecated('reduce_scatter_tensor_autograd', 'reduce_scatter_single_autograd')
    return reduce_scatter_single(self, reduceOp, scatter_dim, group, tag)


def all_reduce_coalesced(self, reduceOp, group, tag=''):
    """:func:`all_reduce` of each tensor of the list ``self``."""
    _named_by_ranks(group)
    return [_wrap(_all_reduce(t, reduceOp, group, tag)) for t in self]


def all_to_all_single(self, output_split_sizes, input_split_sizes, group, tag=''):
    """Rows of ``self`` sent to each rank (``input_split_sizes`` of them, or equal shares) and the rows
    every rank sent here, in rank order (differentiable: the gradient goes back by the reverse exchange)."""
    _named_by_ranks(group)
    ranks = _ranks(group)
    return _wrap(_op('all_to_all_single')(self, output_split_sizes, input_split_sizes, tag, ranks, len(ranks)))


def all_to_all_single_autograd(self, output_split_sizes, input_split_sizes, group, tag=''):
    """:func:`all_to_all_single` (which is differentiable)."""
    return all_to_all_single(self, output_split_sizes, input_split_sizes, group, tag)


def broadcast(self, src, group, tag=''):
    """Rank ``src``'s ``self`` (a global rank) on every rank of ``group``, as a new tensor."""
    _named_by_ranks(group)
    ranks = _ranks(group)
    return _wrap(_op('broadcast')(self, src, tag, ranks, len(ranks)))


def wait_tensor(tensor):
    """The plain result behind ``tensor`` (an :class:`AsyncCollectiveTensor`'s ``elem``; a plain tensor is
    returned as it is): ember's functional collectives complete before they return."""
    return tensor.elem if isinstance(tensor, AsyncCollectiveTensor) else tensor
