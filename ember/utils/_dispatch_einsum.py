"""``einsum`` as PyTorch's dispatcher hands it to ``__torch_dispatch__`` modes: each operand's repeated labels
taken as diagonals, missing labels unsqueezed and all dimensions permuted to one order (the output's labels,
then the contracted ones); the operands then multiplied left to right, each pair as ``permute`` + ``view``
+ ``bmm`` + ``view`` + ``permute`` (a plain ``mul`` when nothing is contracted), and the contracted
dimensions finally viewed away (summed, for a single operand). Every step is an ATen call handed to the
modes, as PyTorch's composite einsum makes them.
"""
import string

_ELLIPSIS = '...'


def _hand(name, overload, *args, **kwargs):
    from ember.utils._python_dispatch import _hand_aten
    return _hand_aten(name, overload, *args, **kwargs)


def reshape(t, shape):
    """``t.reshape(shape)`` at PyTorch's dispatch level: a view where the strides allow one, else a
    contiguous copy viewed (``clone`` + ``_unsafe_view``)."""
    import ember
    from ember.backend.meta_array import _view_strides
    shape = list(shape)
    if t.is_contiguous() or _view_strides(tuple(t.shape), tuple(t.stride()), tuple(shape)) is not None:
        return _hand('view', 'default', t, shape)
    copy = _hand('clone', 'default', t, memory_format=ember.contiguous_format)
    return _hand('_unsafe_view', 'default', copy, shape)


def _labels(term):
    """The labels of one operand's subscripts, the ellipsis as one item; None for what this does not parse."""
    out, i = [], 0
    while i < len(term):
        c = term[i]
        if c == ' ':
            i += 1
        elif term.startswith(_ELLIPSIS, i):
            out.append(_ELLIPSIS)
            i += 3
        elif c in string.ascii_letters:
            out.append(c)
            i += 1
        else:
            return None
    return out


def _order(label):
    """PyTorch's label order for the implicit output: upper case first, each alphabetically."""
    return (0, label) if label.isupper() else (1, label)


def einsum(equation, operands):
    """The dispatch-level steps of ``ember.einsum(equation, *operands)``, or NotImplemented for the forms
    left whole (malformed equations, which then raise ember's own error, and contraction paths)."""
    lhs, arrow, rhs = equation.partition('->')
    terms = [_labels(t) for t in lhs.split(',')]
    if any(t is None for t in terms) or len(terms) != len(operands) or not operands:
        return NotImplemented
    ell_dims = 0
    counts = {}
    for labels, op in zip(terms, operands):
        named = [lb for lb in labels if lb != _ELLIPSIS]
        if _ELLIPSIS in labels:
            ell_dims = max(ell_dims, op.dim() - len(named))
        elif len(named) != op.dim():
            return NotImplemented
        for lb in named:
            counts[lb] = counts.get(lb, 0) + 1
    # positions of the aligned dimensions: the output's (the ellipsis where it stands), then the contracted
    index, pos = {}, 0
    ell_index = None
    if arrow:
        out_labels = _labels(rhs)
        if out_labels is None:
            return NotImplemented
        for lb in out_labels:
            if lb == _ELLIPSIS:
                ell_index, pos = pos, pos + ell_dims
            elif lb in index or lb not in counts:
                return NotImplemented
            else:
                index[lb], pos = pos, pos + 1
    else:
        ell_index, pos = 0, ell_dims
        for lb in sorted((lb for lb, n in counts.items() if n == 1), key=_order):
            index[lb], pos = pos, pos + 1
    out_dims = pos
    if ell_index is None:
        ell_index, pos = pos, pos + ell_dims
    for lb in sorted(counts, key=_order):
        if lb not in index:
            index[lb], pos = pos, pos + 1
    total = pos

    dim_counts = [0] * total
    aligned = []
    for labels, op in zip(terms, operands):
        perm = [-1] * total
        dim = 0
        for lb in labels:
            if lb == _ELLIPSIS:
                covered = op.dim() - (len(labels) - 1)
                for j in range(ell_dims - covered, ell_dims):
                    if op.shape[dim] != 1:
                        dim_counts[ell_index + j] += 1
                    perm[ell_index + j] = dim
                    dim += 1
            elif perm[index[lb]] == -1:
                if op.shape[dim] != 1:
                    dim_counts[index[lb]] += 1
                perm[index[lb]] = dim
                dim += 1
            else:                    # a repeated label: its diagonal, moved to where the label first stood
                prev = perm[index[lb]]
                op = _hand('diagonal', 'default', op, *((0, prev, dim) if (prev, dim) != (0, 1) else ()))
                order = list(range(op.dim() - 1))
                order.insert(prev, op.dim() - 1)
                op = _hand('permute', 'default', op, order)
        for k in range(total):
            if perm[k] == -1:
                op = _hand('unsqueeze', 'default', op, dim)
                perm[k] = dim
                dim += 1
        aligned.append(_hand('permute', 'default', op, perm))

    while len(aligned) > 1:
        a, b = aligned.pop(0), aligned.pop(0)
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(out_dims, total):
            if a.shape[d] != 1 and b.shape[d] != 1:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a.shape[d] != 1:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif b.shape[d] != 1:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = _hand('sum', 'dim_IntList', a, a_sum, True)
        if b_sum:
            b = _hand('sum', 'dim_IntList', b, b_sum, True)
        aligned.insert(0, _sumproduct_pair(a, b, sum_dims))

    result = aligned[0]
    if total > out_dims:
        if len(operands) > 1:
            return _hand('view', 'default', result, list(result.shape[:out_dims]))
        return _hand('sum', 'dim_IntList', result, list(range(out_dims, total)))
    return result


def _sumproduct_pair(left, right, sum_dims):
    """``(left * right).sum(sum_dims, keepdim=True)`` as one batched matrix product (PyTorch's pairing)."""
    if not sum_dims:
        return _hand('mul', 'Tensor', left, right)
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(left.dim()):
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                sum_size *= left.shape[i]
            elif sl:
                left = _hand('sum', 'dim_IntList', left, [i], True)
            elif sr:
                right = _hand('sum', 'dim_IntList', right, [i], True)
        elif sl and sr:
            lro.append(i)
            lro_size *= left.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left.shape[i]
        else:
            ro.append(i)
            ro_size *= right.shape[i]
    if lo and ro and ro[-1] < lo[0]:
        # every right-only dim comes before the left-only ones in the output: PyTorch swaps the operands, so its
        # bmm writes the output's order
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    out_size = [left.shape[d] for d in lro] + [left.shape[d] for d in lo] + [1] * len(sum_dims) + \
        [right.shape[d] for d in ro]
    lperm = lro + lo + sum_dims + ro
    rperm = lro + sum_dims + ro + lo
    operm = [-1] * len(out_size)
    for i, d in enumerate(lro + lo + sum_dims + ro):
        operm[d] = i
    left = reshape(_hand('permute', 'default', left, lperm), [lro_size, lo_size, sum_size])
    right = reshape(_hand('permute', 'default', right, rperm), [lro_size, sum_size, ro_size])
    out = _hand('bmm', 'default', left, right)
    return _hand('permute', 'default', _hand('view', 'default', out, out_size), operm)

