"""``loss_parallel``: cross-entropy on logits split over the class dimension, without gathering them.

Inside the context, ``log_softmax``, ``nll_loss`` and ``cross_entropy`` on a DTensor whose class dimension
is split (``Shard``) over one mesh dimension reduce the row maxima and the sums of exponentials over the
ranks instead of gathering the logits; the log-probabilities stay split, the loss is replicated. The
backward runs on the pieces too.
"""
import contextlib

import ember
from ember.distributed.tensor._redistribute import _all_reduce, _Reduce, sum_gradients_over
from ember.distributed.tensor.placement_types import Replicate, Shard

__all__ = ['loss_parallel']

_active = [0]


@contextlib.contextmanager
def loss_parallel():
    """Compute ``cross_entropy`` (and ``log_softmax``/``nll_loss``) on logits split over their class
    dimension, as produced by a ``ColwiseParallel`` output layer with ``use_local_output=False``.

    Example::

        >>> from ember.distributed.tensor.parallel import loss_parallel
        >>> with loss_parallel():                                          # doctest: +SKIP
        ...     loss = F.cross_entropy(logits, labels)   # logits: a DTensor split on the class dimension
        ...     loss.backward()
    """
    _active[0] += 1
    try:
        yield
    finally:
        _active[0] -= 1


def _mesh_dim(placements, dim):
    split = [m for m, p in enumerate(placements) if isinstance(p, Shard) and p.dim == dim]
    if len(split) != 1:
        raise ValueError(f"loss_parallel() requires exactly one mesh dim to shard tensor dimension {dim}, but got "
                         f"placements {placements} with {len(split)} such mesh dim(s).")
    for m, p in enumerate(placements):
        if m != split[0] and not isinstance(p, (Shard, Replicate)):
            raise ValueError(f"loss_parallel() expects non-TP mesh dims to be Shard or Replicate, got {p} at dim {m}.")
    return split[0]


def _split_log_softmax(x, dim):
    """(local log-probabilities, mesh dim) of DTensor ``x`` split on ``dim``."""
    from ember.distributed.tensor._api import local_of
    spec = x._spec
    m = _mesh_dim(spec.placements, dim)
    local = local_of(x)
    if local.dtype in (ember.float16, ember.bfloat16):
        local = local.float()
    with ember.no_grad():       # the shift cancels out of the result: no gradient needs to pass through it
        top = _all_reduce(local.amax(dim, keepdim=True), spec.mesh, m, 'max') if local.numel() else None
    shifted = local - top if top is not None else local
    total = _Reduce.apply(ember.exp(shifted).sum(dim, keepdim=True), spec.mesh, m, 'sum')
    # the whole sum feeds every rank's piece: its gradient is the sum of the pieces' contributions
    return shifted - sum_gradients_over(ember.log(total), spec.mesh, [m]), m


def _log_softmax(func, args, kwargs):
    from ember.distributed.tensor._sharding import _bind, _is_dt, _result
    x, dim, dtype = _bind(args, kwargs, ('input', 'dim', 'dtype'), {})
    if not _active[0] or not _is_dt(x) or dim is None:
        return None
    dim %= max(x.dim(), 1)
    if not any(isinstance(p, Shard) and p.dim == dim for p in x._spec.placements):
        return None
    out, _ = _split_log_softmax(x if dtype is None else x.to(dtype), dim)
    return _result(out.to(x.dtype if dtype is None else dtype), x._spec.mesh, x._spec.placements, tuple(x.shape))


def _picked(logp, target, class_dim, start, length, mesh, m):
    """Each row's log-probability at its target, summed over the ranks (a rank contributes the targets
    in its classes)."""
    mine = (target >= start) & (target < start + length)
    where = ember.where(mine, target - start, ember.zeros_like(target))
    vals = logp.gather(class_dim, where.unsqueeze(class_dim)).squeeze(class_dim) * mine.to(logp.dtype)
    return _Reduce.apply(vals, mesh, m, 'sum')


def _split_nll(logp_local, shape, mesh, m, target, weight, ignore_index, reduction, label_smoothing):
    from ember.distributed.tensor._layout import shard_range
    class_dim = 1 if len(shape) > 1 else 0
    n_classes = shape[class_dim]
    start, length = shard_range(n_classes, mesh.size(m), mesh.get_coordinate()[m])
    if target.dtype.is_floating_point:
        raise NotImplementedError("loss_parallel() supports class-index targets only (not class probabilities)")
    valid = target != ignore_index
    safe = ember.where(valid, target, ember.zeros_like(target))
    picked = _picked(logp_local, safe, class_dim, start, length, mesh, m)
    w = ember.ones((), dtype=picked.dtype) if weight is None else weight.to(picked.dtype)[safe]
    w = w * valid.to(picked.dtype)
    loss = -picked * w
    if label_smoothing:
        lw = logp_local if weight is None else \
            logp_local * weight.to(logp_local.dtype)[start:start + length].reshape(
                [-1 if d == class_dim else 1 for d in range(len(shape))])
        smooth = _Reduce.apply(lw.sum(class_dim), mesh, m, 'sum') * -valid.to(picked.dtype)
        loss = (1 - label_smoothing) * loss + label_smoothing / n_classes * smooth
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.sum() / w.sum()     # the targets' weights (1 each without weights), ignored ones left out
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _target(target):
    from ember.distributed.tensor._api import DTensor
    if isinstance(target, DTensor):
        if any(not isinstance(p, Replicate) for p in target.placements):
            raise RuntimeError(f"Expected {(Replicate(),) * target.device_mesh.ndim} but got {target.placements}.")
        return target.to_local()
    return target


def _plain(t):
    from ember.distributed.tensor._api import DTensor
    return t.full_tensor() if isinstance(t, DTensor) else t


def _loss(logp_local, x, m, target, weight, ignore_index, reduction, label_smoothing):
    from ember.distributed.tensor._sharding import _result
    out = _split_nll(logp_local, tuple(x.shape), x._spec.mesh, m, _target(target), _plain(weight), ignore_index,
                     reduction, label_smoothing)
    return _result(out, x._spec.mesh, (Replicate(),) * x._spec.mesh.ndim, tuple(out.shape))


def _class_split(x):
    from ember.distributed.tensor._sharding import _is_dt
    if not _active[0] or not _is_dt(x):
        return None
    class_dim = 1 if x.dim() > 1 else 0
    return class_dim if any(isinstance(p, Shard) and p.dim == class_dim for p in x._spec.placements) else None


def _cross_entropy(func, args, kwargs):
    from ember.distributed.tensor._sharding import _bind
    x, target, weight, _, ignore_index, _, reduction, label_smoothing = _bind(
        args, kwargs, ('input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction',
                       'label_smoothing'), {'ignore_index': -100, 'reduction': 'mean', 'label_smoothing': 0.0})
    class_dim = _class_split(x)
    if class_dim is None:
        return None
    logp, m = _split_log_softmax(x, class_dim)
    return _loss(logp, x, m, target, weight, ignore_index, reduction, label_smoothing)


def _nll_loss(func, args, kwargs):
    from ember.distributed.tensor._api import local_of
    from ember.distributed.tensor._sharding import _bind
    x, target, weight, _, ignore_index, _, reduction = _bind(
        args, kwargs, ('input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction'),
        {'ignore_index': -100, 'reduction': 'mean'})
    class_dim = _class_split(x)
    if class_dim is None:
        return None
    m = _mesh_dim(x._spec.placements, class_dim)
    return _loss(local_of(x), x, m, target, weight, ignore_index, reduction, 0.0)


RULES = {'log_softmax': _log_softmax, 'cross_entropy': _cross_entropy, 'nll_loss': _nll_loss}
