"""matmul's recorded graph as PyTorch's ``_matmul_impl`` makes it, for an operand of three or more dims.

PyTorch either folds the larger operand's batch into one ``mm`` or ``mv`` (when the smaller operand is a
matrix or vector that requires grad, or the fold needs no copy: ``_should_fold``), viewing it as a matrix
and the product back (UnsafeViewBackward0 over MmBackward0 / MvBackward0), or expands both operands to the
broadcast batch, reshapes them to 3-D and runs ``bmm`` (UnsafeViewBackward0 over BmmBackward0 over a
reshape of an ExpandBackward0 each). A 3-D operand with a batch of one that requires grad, against a batch
of several, is squeezed to a matrix first. Each step is recorded with ``record_step`` running its op's own
forward on the arrays (a reshape PyTorch must copy is copied here too; the others are views), so the nodes,
their saved tensors and their backwards are PyTorch's, without each step's ``apply``.
"""
import math

from ember.autograd import grad_mode
from ember.autograd._recorded_steps import record_step
from ember.ops._util import wrap_dim, wrap_dims
from ember.ops.shape import Clone, Expand, ReshapeAlias, SqueezeDim, T, Transpose, UnsafeView, Unsqueeze, View, \
    _can_view


def _step(cls, args):
    """``record_step(cls, args)`` where the tensor argument needs its gradient; else the op computed unrecorded:
    PyTorch records no node for the steps of an operand that does not require grad."""
    if args[0]._requires_grad:
        return record_step(cls, args)
    with grad_mode.no_grad():
        return cls.apply(*args)


def matmul_steps(a, b, Mm, Mv, Bmm):
    """``a @ b`` with PyTorch's nodes, where one operand has 3 or more dims and the call records (both plain
    tensors of one dtype, checked to multiply). ``Mm``, ``Mv``, ``Bmm``: the product ops (from linalg)."""
    if a.ndim == 3 and b.ndim == 3:
        if a._data.shape[0] == 1 != b._data.shape[0] and a._requires_grad:
            a = _squeeze_first(a)
        elif b._data.shape[0] == 1 != a._data.shape[0] and b._requires_grad:
            b = _squeeze_first(b)
    if _should_fold(a, b):
        return _folded(a, b, Mm, Mv)
    return _batched(a, b, Bmm)


def _should_fold(a, b):
    """PyTorch's should_fold: the larger operand (3+ dims) against a matrix or vector goes through one mm/mv when
    the smaller requires grad, or when the larger's batch folds into its rows without a copy (not for a matrix
    on the left, whose transposed product would need one)."""
    larger_first = a.ndim >= b.ndim
    t1 = a._data if larger_first else b._data.swapaxes(-2, -1)
    small = b if larger_first else a
    if not (t1.ndim >= 3 and small.ndim <= 2):
        return False
    if small._requires_grad:
        return True
    if a.ndim == 2:
        return False
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.ndim - 2))


def _folded(a, b, Mm, Mv):
    transpose = b.ndim > a.ndim
    if transpose:
        t1 = _transpose_last(b)
        t2 = _step(T, (a,)) if a.ndim == 2 else a
    else:
        t1, t2 = a, b
    rows = tuple(t1._data.shape[:-1])
    folded = _reshape(t1, (math.prod(rows), t1._data.shape[-1]))
    if t2.ndim == 2:
        out = _step(UnsafeView, (record_step(Mm, (folded, t2)), rows + (t2._data.shape[1],)))
        # (the transposed product made contiguous: CloneBackward0 over TransposeBackward0)
        return _step(Clone, (_transpose_last(out),)) if transpose else out
    return _step(UnsafeView, (record_step(Mv, (folded, t2)), rows))


def _batched(a, b, Bmm):
    da, db = a.ndim, b.ndim
    sa, sb = a._data.shape, b._data.shape
    n = sa[-2] if da > 1 else 1
    m1 = sa[-1]
    m2 = sb[-2] if db > 1 else sb[0]
    p = sb[-1] if db > 1 else 1
    batch = _broadcast(sa[:max(da - 2, 0)], sb[:max(db - 2, 0)])
    count = math.prod(batch)
    out_shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    left = _reshape(_step(Expand, (a, batch + (n, m1))), (count, n, m1))
    if db == 1:     # a vector on the right: expanded, then a column
        right = _step(Expand, (b, batch + (m2,)))
        right = _step(Unsqueeze, (right, wrap_dim(-1, right.ndim + 1)))
    else:
        right = _step(Expand, (b, batch + (m2, p)))
    product = record_step(Bmm, (left, _reshape(right, (count, m2, p))))
    if db == 1:
        product = _step(SqueezeDim, (product, wrap_dims(-1, 3)))
    return _step(UnsafeView, (product, out_shape))


def _reshape(t, shape):
    """PyTorch's reshape steps: a view of a contiguous tensor, an alias where the strides allow it, else a
    contiguous clone viewed (as ``ember.reshape`` records them)."""
    x = t._data
    if x.flags.c_contiguous:
        return _step(View, (t, shape))
    if _can_view(x, shape):
        return _step(ReshapeAlias, (t, shape))
    return _step(UnsafeView, (_step(Clone, (t,)), shape))


def _transpose_last(t):
    """``t.mT``: the last two dims swapped (TransposeBackward0 with dims -2 and -1, as given)."""
    return _step(Transpose, (t, wrap_dim(-2, t.ndim), wrap_dim(-1, t.ndim)))


def _squeeze_first(t):
    return _step(SqueezeDim, (t, wrap_dims(0, t.ndim)))


def _broadcast(x, y):
    n = max(len(x), len(y))
    x, y = (1,) * (n - len(x)) + tuple(x), (1,) * (n - len(y)) + tuple(y)
    return tuple(q if p == 1 else p for p, q in zip(x, y))
