"""einsum's recorded graph for two operands that share summed letters, as PyTorch's einsum makes it.

PyTorch's einsum (ATen's Linear.cpp) first lines every operand up with one order of letters, the output's
then the summed ones: each letter an operand lacks becomes a size-1 dim (UnsqueezeBackward0, one per letter,
appended), then the operand is permuted to that order (PermuteBackward0, even where the order is unchanged).
Its pairwise product (``sumproduct_pair``) permutes each operand again, the left one to (batch, left-only,
summed, right-only) and the right one to (batch, summed, right-only, left-only), reshapes them to matrix
stacks, multiplies them with ``bmm``, views the product as (batch, left-only, 1 per summed letter,
right-only) and permutes it back to the common order; einsum's last step is a view dropping the summed
dims. Where every dim of the right operand's own (or of size 1) comes before all of the left one's in the
output, the two operands swap places first, so the product is laid out as the output.

Each step is recorded with ``record_step`` (views run their own forward; a reshape PyTorch must copy is
copied here too); the product's array is the one ember's fused einsum computes, so values keep their bits.
"""
import math

import numpy as np

from ember._tensor import Tensor
from ember.autograd._recorded_steps import record_step
from ember.ops._matmul_steps import _reshape
from ember.ops.linalg import Bmm, _BMM_BLAS_WORK
from ember.ops.arith import Mul
from ember.ops.reduce import SumDim, _sum_array
from ember.ops.shape import Diagonal, Permute, Unsqueeze, View


class EinsumBmm(Bmm):
    """einsum's ``bmm`` with PyTorch's CPU sums: below ``_BMM_BLAS_WORK`` multiply-adds a matrix PyTorch's bmm
    runs its own loop, summing in order (NumPy's einsum does too), above it BLAS's (NumPy's matmul). Its
    backward's two products are such bmms again, so gradients sum as PyTorch's do."""
    node_name = 'BmmBackward0'
    saved_names = ('self', 'mat2')
    _profile_name = 'aten::bmm'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _bmm_array(ctx.xp, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = EinsumBmm.apply(g, b.transpose(-1, -2).conj()) if ctx.needs_input_grad[0] else None  # conj: complex
        gb = EinsumBmm.apply(a.transpose(-1, -2).conj(), g) if ctx.needs_input_grad[1] else None
        return ga, gb


def _bmm_array(xp, a, b):
    if a.shape[2] == 1:     # (outer products: one product an element, exact either way; NumPy's matmul is slow)
        return xp.ascontiguousarray(a * b)
    if a.shape[1] * a.shape[2] * b.shape[2] < _BMM_BLAS_WORK:
        # (NumPy's einsum may lay its result out as its operands are; PyTorch's bmm result is contiguous)
        return xp.ascontiguousarray(xp.einsum('bij,bjk->bik', a, b))
    return xp.matmul(a, b)


class PairPlan:
    """The steps for one equation and pair of shapes (einsum calls repeat, so plans are kept)."""
    __slots__ = ('unsqueezed', 'perms', 'swap', 'lperm', 'left_shape', 'rperm', 'right_shape', 'out_size',
                 'operm', 'final_shape', 'blas', 'inner_sums', 'aligned_shape', 'product',
                 'diagonals')


def pair_plan(terms, rhs, summed, a_shape, b_shape):
    """PyTorch's steps for ``terms[0],terms[1]->rhs`` over operands of these shapes (``summed``: the summed
    letters in PyTorch's order), or None where an operand is empty. A repeated letter is a diagonal; a summed
    letter only one operand holds is summed there first; with no letter summed by both the pair is a product
    (``product``), else a batched one."""
    order = list(rhs) + list(summed)
    if 0 in a_shape or 0 in b_shape:
        return None
    diagonals, shapes, kept_terms = [], [], []     # (each operand once its diagonals are taken)
    for t, shape in zip(terms, (a_shape, b_shape)):
        if any(n != shape[t.index(c)] for c, n in zip(t, shape)):
            return None     # (a repeated letter's sizes differ: the fused einsum raises PyTorch's error)
        steps, kept = diagonal_steps(t)
        diagonals.append(steps)
        shapes.append(tuple(shape[t.index(c)] for c in kept))
        kept_terms.append(kept)
    terms = kept_terms
    aligned = []        # each operand's size per letter of ``order`` (1 for a letter it lacks)
    unsqueezed, perms = [], []
    for t, shape in zip(terms, shapes):
        missing = [c for c in order if c not in t]
        unsqueezed.append(len(missing))
        perms.append(tuple(t.index(c) if c in t else len(t) + missing.index(c) for c in order))
        aligned.append([shape[t.index(c)] if c in t else 1 for c in order])
    out_dims = len(rhs)
    sum_dims, inner_sums = [], ([], [])
    for d in range(out_dims, len(order)):
        sa, sb = aligned[0][d] != 1, aligned[1][d] != 1
        if sa and sb:
            sum_dims.append(d)
        elif sa or sb:      # a letter only one operand holds: PyTorch sums it there first (keepdim)
            k = 0 if sa else 1
            inner_sums[k].append(d)
            aligned[k][d] = 1
    plan = PairPlan()
    plan.unsqueezed, plan.perms, plan.diagonals = tuple(unsqueezed), tuple(perms), tuple(diagonals)
    plan.inner_sums = tuple(tuple(dims) for dims in inner_sums)
    plan.final_shape = tuple(max(a, b) for a, b in zip(aligned[0][:out_dims], aligned[1][:out_dims]))
    plan.aligned_shape = tuple(max(a, b) for a, b in zip(*aligned))
    plan.product = not sum_dims     # (no letter summed by both: sumproduct_pair is a mul)
    if plan.product:
        return plan
    left, right = aligned
    lro, lo, ro = _classify(left, right, sum_dims)
    swap = bool(lo and ro and ro[-1] < lo[0])
    if swap:    # (the lists swap with the operands: a dim of size 1 in both stays where it was classed)
        left, right, lo, ro = right, left, ro, lo
    plan.swap = swap
    batch, rows, inner, cols = (math.prod(left[d] for d in lro), math.prod(left[d] for d in lo),
                                math.prod(left[d] for d in sum_dims), math.prod(right[d] for d in ro))
    plan.lperm = tuple(lro + lo + sum_dims + ro)
    plan.left_shape = (batch, rows, inner)
    plan.rperm = tuple(lro + sum_dims + ro + lo)
    plan.right_shape = (batch, inner, cols)
    plan.out_size = tuple([left[d] for d in lro + lo] + [1] * len(sum_dims) + [right[d] for d in ro])
    operm = [0] * len(order)
    for k, d in enumerate(plan.lperm):
        operm[d] = k
    plan.operm = tuple(operm)
    return plan


def _classify(left, right, sum_dims):
    """``sumproduct_pair``'s output dims: in both operands (batch), only the left's, the others."""
    lro, lo, ro = [], [], []
    for d in range(len(left)):
        if d in sum_dims:
            continue
        if left[d] != 1 and right[d] != 1:
            lro.append(d)
        elif left[d] != 1:
            lo.append(d)
        else:
            ro.append(d)
    return lro, lo, ro


def pair_steps(plan, a, b, product_of):
    """The einsum of ``a`` and ``b`` recorded as PyTorch's steps (``plan`` from :func:`pair_plan`).
    ``product_of(left, right)``: the (batch, rows, columns) product of the two matrix stacks' arrays, as ember's
    fused einsum computes it, or with ``left`` None the fused einsum's value."""
    ops = [_summed(_lined_up(t, diagonals, n, perm), dims)
           for t, diagonals, n, perm, dims in zip((a, b), plan.diagonals, plan.unsqueezed, plan.perms, plan.inner_sums)]
    if plan.product:
        x, y = ops[0]._data, ops[1]._data
        saved = (y if ops[0]._requires_grad else None, x if ops[1]._requires_grad else None)
        # (with a letter summed inside an operand the value is PyTorch's: the product of the sums)
        value = x * y if any(plan.inner_sums) else product_of(None, None).reshape(plan.aligned_shape)
        out = record_step(Mul, tuple(ops), value, saved=saved)
        return out if len(plan.aligned_shape) == len(plan.final_shape) else record_step(View, (out, plan.final_shape))
    if plan.swap:
        ops.reverse()
    left = _matrices(ops[0], plan.lperm, plan.left_shape)
    right = _matrices(ops[1], plan.rperm, plan.right_shape)
    if any(plan.inner_sums):    # (PyTorch's value: the batched product of the sums, as its bmm sums)
        product = _bmm_array(_array_module(left), left._data, right._data)
    else:
        product = product_of(left._data, right._data)
    # (as PyTorch's bmm, each factor is kept only where the other one's gradient is wanted)
    saved = (left._data if right._requires_grad else None, right._data if left._requires_grad else None)
    out = record_step(EinsumBmm, (left, right), product, saved=saved)
    out = record_step(Permute, (record_step(View, (out, plan.out_size)), plan.operm))
    return record_step(View, (out, plan.final_shape))


def _summed(t, dims):
    """``t.sum(dims, keepdim=True)`` where ``dims`` names any (recorded where its gradient is wanted)."""
    if not dims:
        return t
    if not t._requires_grad:
        return Tensor._make(_sum_array(_array_module(t), t._data, dims, True, None), t._device)
    return record_step(SumDim, (t, dims, True, None))


def _matrices(t, pair_perm, shape):
    """An operand lined up as ``sumproduct_pair`` permutes and reshapes it for ``bmm``."""
    if not t._requires_grad:
        return Tensor._make(t._data.transpose(pair_perm).reshape(shape), t._device)
    return _reshape(record_step(Permute, (t, pair_perm)), shape)


def diagonal_steps(term):
    """PyTorch's diagonals for an operand's subscripts: for each repeat of a letter, the dims (first place,
    this place) it takes the diagonal of (then moving it back to the first place); and the subscripts left."""
    steps, kept = [], ''
    for c in term:
        if c in kept:
            steps.append((kept.index(c), len(kept)))
        else:
            kept += c
    return tuple(steps), kept


def _lined_up(t, diagonals, n_unsqueezed, perm):
    """Operand ``t`` lined up with the common letter order: its diagonals taken, unsqueezed, then permuted; each
    step recorded where its gradient is wanted (PyTorch records no node for the steps of an operand that does
    not require grad)."""
    if not t._requires_grad:
        x = t._data
        for first, dim in diagonals:
            x = _moved_back(x.diagonal(0, first, dim), first)
        return Tensor._make(x.reshape(x.shape + (1,) * n_unsqueezed).transpose(perm), t._device)
    for first, dim in diagonals:
        t = record_step(Diagonal, (t, 0, first, dim))
        t = record_step(Permute, (t, _moved_back_order(t._data.ndim, first)))
    for _ in range(n_unsqueezed):
        t = record_step(Unsqueeze, (t, t._data.ndim))
    return record_step(Permute, (t, perm))


def _moved_back_order(ndim, first):
    """``movedim(-1, first)`` as a permutation (PyTorch's movedim records a permute)."""
    return tuple(range(first)) + (ndim - 1,) + tuple(range(first, ndim - 1))


def _moved_back(x, first):
    return x.transpose(_moved_back_order(x.ndim, first))


def single_steps(t, rhs, ell, a):
    """The einsum of one operand recorded as PyTorch's: its diagonals, a permute putting the output's letters
    first, then the summed ones (ellipsis letters first, then in order), and a sum over the summed ones where
    there are any (its value NumPy's einsum's, as ember's fused einsum computes it). None for an empty
    operand."""
    x = a._data
    if 0 in x.shape or any(n != x.shape[t.index(c)] for c, n in zip(t, x.shape)):
        return None     # (empty, or a repeated letter's sizes differ: the fused einsum raises PyTorch's error)
    diagonals, kept = diagonal_steps(t)
    summed = [c for c in ell if c in t and c not in rhs]
    summed += sorted(set(t) - set(rhs) - set(summed))
    permuted = _lined_up(a, diagonals, 0, tuple(kept.index(c) for c in list(rhs) + summed))
    if not summed:
        return permuted
    xp = _array_module(a)
    value = xp.asarray(xp.einsum(f'{t}->{rhs}', x))
    dims = tuple(range(len(rhs), len(kept)))
    return record_step(SumDim, (permuted, dims, False, None), value, args=(permuted._data.shape, dims, False))


def product_steps(terms, rhs, a, b):
    """The einsum of two operands that sums no letter recorded as PyTorch's: each operand lined up with the
    output's letters (diagonals taken, unsqueezed, permuted), then their product (MulBackward0). None for an
    empty operand."""
    order = list(rhs)
    lined = []
    for t, op in zip(terms, (a, b)):
        x = op._data
        if 0 in x.shape or any(n != x.shape[t.index(c)] for c, n in zip(t, x.shape)):
            return None     # (empty, or a repeated letter's sizes differ: the fused einsum raises PyTorch's error)
        diagonals, t = diagonal_steps(t)
        missing = [c for c in order if c not in t]
        perm = tuple(t.index(c) if c in t else len(t) + missing.index(c) for c in order)
        lined.append(_lined_up(op, diagonals, len(missing), perm))
    left, right = lined
    x, y = left._data, right._data
    saved = (y if left._requires_grad else None, x if right._requires_grad else None)
    return record_step(Mul, (left, right), x * y, saved=saved)


def _array_module(t):
    if type(t._data) is np.ndarray:
        return np
    from ember import backend
    return backend.get_array_module(t._device)


def many_steps(terms, rhs, summed, operands, path, path_given):
    """The einsum of three or more operands recorded as PyTorch's: each operand lined up (diagonals, unsqueezes,
    permute), then pairs contracted in ``path``'s order (each product at the end of the list where ``path_given``,
    else left to right with each product at the front), a letter no other operand still holds summed inside
    its operand first, and the summed dims viewed away at the end. Values are PyTorch's arithmetic (its sums,
    products and batched products). None for an empty operand or repeated letters of different sizes."""
    order = list(rhs) + list(summed)
    counts = [0] * len(order)       # how many operands hold each letter with a size other than 1
    ops = []
    for t, op in zip(terms, operands):
        x = op._data
        if 0 in x.shape or any(n != x.shape[t.index(c)] for c, n in zip(t, x.shape)):
            return None
        diagonals, t = diagonal_steps(t)
        missing = [c for c in order if c not in t]
        perm = tuple(t.index(c) if c in t else len(t) + missing.index(c) for c in order)
        lined = _lined_up(op, diagonals, len(missing), perm)
        for d, n in enumerate(lined._data.shape):
            counts[d] += n != 1
        ops.append(lined)
    n_out = len(rhs)
    for step in path:
        i, j = sorted(step) if path_given else (0, 1)
        a, b = ops[i], ops[j]
        del ops[j], ops[i]
        sa, sb = a._data.shape, b._data.shape
        sum_dims, a_sums, b_sums = [], [], []
        for d in range(n_out, len(order)):
            if sa[d] != 1 and sb[d] != 1:
                counts[d] -= 1
                if counts[d] == 1:
                    sum_dims.append(d)
                    counts[d] = 0
            elif counts[d] == 1:
                if sa[d] != 1:
                    a_sums.append(d)
                    counts[d] = 0
                elif sb[d] != 1:
                    b_sums.append(d)
                    counts[d] = 0
        product = _sumproduct_pair(_summed(a, tuple(a_sums)), _summed(b, tuple(b_sums)), sum_dims)
        if path_given:
            ops.append(product)
        else:
            ops.insert(0, product)
    out = ops[0]
    if len(order) > n_out:
        out = record_step(View, (out, tuple(out._data.shape[:n_out])))
    return out


def _sumproduct_pair(a, b, sum_dims):
    """PyTorch's ``sumproduct_pair`` (keepdim) of two lined-up operands: their product where no dim is summed,
    else a batched product of the two permuted and reshaped, viewed and permuted back; recorded where a
    gradient is wanted."""
    x, y = a._data, b._data
    recorded = a._requires_grad or b._requires_grad
    if not sum_dims:
        if not recorded:
            return Tensor._make(x * y, a._device)
        saved = (y if a._requires_grad else None, x if b._requires_grad else None)
        return record_step(Mul, (a, b), x * y, saved=saved)
    lro, lo, ro = _classify(x.shape, y.shape, sum_dims)
    if lo and ro and ro[-1] < lo[0]:    # (as in pair_plan)
        a, b, x, y, lo, ro = b, a, y, x, ro, lo
    batch, rows = math.prod(x.shape[d] for d in lro), math.prod(x.shape[d] for d in lo)
    inner, cols = math.prod(x.shape[d] for d in sum_dims), math.prod(y.shape[d] for d in ro)
    lperm, rperm = tuple(lro + lo + sum_dims + ro), tuple(lro + sum_dims + ro + lo)
    out_size = tuple([x.shape[d] for d in lro + lo] + [1] * len(sum_dims) + [y.shape[d] for d in ro])
    operm = [0] * len(lperm)
    for k, d in enumerate(lperm):
        operm[d] = k
    operm = tuple(operm)
    left, right = _matrices(a, lperm, (batch, rows, inner)), _matrices(b, rperm, (batch, inner, cols))
    product = _bmm_array(_array_module(left), left._data, right._data)
    if not recorded:
        return Tensor._make(product.reshape(out_size).transpose(operm), a._device)
    saved = (left._data if right._requires_grad else None, right._data if left._requires_grad else None)
    out = record_step(EinsumBmm, (left, right), product, saved=saved)
    return record_step(Permute, (record_step(View, (out, out_size)), operm))
