"""Equations and operand shapes whose einsum graphs tests/test_einsum_steps.py compares with PyTorch's, and the
graph as both libraries show it: each node's name, its saved attributes (a tensor by its shape) and its
next_functions, to the leaves."""

# (equation, operand shapes, which operands require grad)
CASES = [
    ('ij,j->i', [(3, 4), (4,)], (True, True)),
    ('ij,jk', [(2, 3), (3, 2)], (True, True)),
    ('ij,jk', [(2, 3), (3, 2)], (True, False)),
    ('ij,jk', [(2, 3), (3, 2)], (False, True)),
    ('bij,bjk->bik', [(2, 3, 4), (2, 4, 5)], (True, True)),
    ('ij,kj->ik', [(3, 4), (5, 4)], (True, True)),
    ('ij,jk->ki', [(3, 4), (4, 5)], (True, True)),
    ('bqd,bkd->qbk', [(2, 3, 4), (2, 5, 4)], (True, True)),
    ('ijk,jkl->li', [(2, 3, 4), (3, 4, 5)], (True, True)),
    ('i,i->', [(4,), (4,)], (True, True)),
    ('bhqd,bhkd->bhqk', [(2, 3, 5, 4), (2, 3, 6, 4)], (True, True)),
    ('...ij,...jk->...ik', [(2, 3, 4), (4, 5)], (True, True)),
    ('ij,ij->i', [(3, 4), (3, 4)], (True, True)),
    ('ij,j->i', [(1, 4), (4,)], (True, True)),
    ('Ab,bA->', [(3, 4), (4, 3)], (True, True)),
    ('ij,jk->ik', [(40, 48), (48, 30)], (True, True)),
    ('bij,bjk->bik', [(4, 24, 64), (4, 64, 20)], (True, True)),
    ('ij,j->i', [(300, 400), (400,)], (True, True)),
    # products (no summed letter): each operand lined up, then MulBackward0
    ('i,j->ij', [(3,), (4,)], (True, True)),
    ('i,j->ji', [(3,), (4,)], (False, True)),
    ('ij,ij->ij', [(3, 4), (3, 4)], (True, True)),
    ('ab,ab->ba', [(3, 4), (3, 4)], (True, True)),
    ('bi,bj->bij', [(2, 3), (2, 4)], (True, False)),
    # a letter summed inside one operand: SumBackward1 (keepdim) there first
    ('ij,k->i', [(3, 4), (2,)], (True, True)),
    ('ij,jk->', [(3, 4), (4, 5)], (True, True)),
    ('ab,cb->', [(3, 4), (5, 4)], (True, False)),
    ('bij,bjk->bi', [(2, 3, 4), (2, 4, 5)], (True, True)),
    ('ij,jk->ik', [(3, 1), (1, 4)], (True, True)),
    # one operand: a permute, then a sum over the summed letters
    ('ij->', [(3, 4)], (True,)),
    ('ij->j', [(3, 4)], (True,)),
    ('ijk->kj', [(2, 3, 4)], (True,)),
    ('ij->ji', [(3, 4)], (True,)),
    ('...ij->...', [(2, 3, 4)], (True,)),
    ('bij->j', [(50, 40, 30)], (True,)),
    # diagonals: DiagonalBackward0, then the permute of movedim
    ('ii->i', [(3, 3)], (True,)),
    ('ii', [(3, 3)], (True,)),
    ('iij->j', [(3, 3, 2)], (True,)),
    ('ijij->ji', [(2, 3, 2, 3)], (True,)),
    ('ij,jj->i', [(2, 3), (3, 3)], (True, True)),
    ('ii,i->i', [(3, 3), (3,)], (True, True)),
    ('bii,bj->bij', [(2, 3, 3), (2, 4)], (True, True)),
    # three or more operands, contracted pairwise in opt_einsum's order
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)], (True, True, True)),
    ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)], (False, True, False)),
    ('i,i,i->', [(3,), (3,), (3,)], (True, True, True)),
    ('bn,anm,bm->ba', [(2, 3), (4, 3, 5), (2, 5)], (True, True, True)),
    ('ab,bc,cd,de->ae', [(3, 4), (4, 5), (5, 6), (6, 3)], (True, True, True, True)),
    ('ij,ik,il->jkl', [(3, 2), (3, 4), (3, 5)], (True, True, True)),
    ('ij,jk,kl->il', [(20, 30), (30, 40), (40, 20)], (True, True, True)),
]


def inner_sums(eq, shapes):
    """Whether einsum computes as PyTorch's steps do rather than as its fused node (three or more operands, or a
    letter summed inside one of two: the sum, then the product), so that the tests compare values with
    PyTorch's rather than with the fused einsum's."""
    if len(shapes) > 2:
        return True
    if len(shapes) != 2 or '->' not in eq or '...' in eq:
        return False
    lhs, rhs = eq.split('->')
    a, b = lhs.split(',')
    return any(c not in rhs and (c in a) != (c in b) for c in a + b)


def operands(lib, shapes, grads, seed=0):
    """The operands of a case, from NumPy's generator (float32), as tensors of ``lib`` (ember or torch)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.standard_normal(s).astype(np.float32)).requires_grad_(g) for s, g in zip(shapes, grads)]


def results(lib, eq, shapes, grads):
    """The case's value and the gradients of the operands that require grad, for an upstream gradient of
    NumPy's generator (seed 1), as flat lists of floats."""
    import numpy as np
    ops = operands(lib, shapes, grads)
    y = lib.einsum(eq, *ops)
    y.backward(lib.tensor(np.random.default_rng(1).standard_normal(tuple(y.shape)).astype(np.float32)))
    return [y.detach().numpy().ravel().tolist()] + [op.grad.numpy().ravel().tolist() for op in ops if op.requires_grad]


def graph(fn):
    """``fn``'s graph: [name, {saved attribute: value}, child graphs...]; a leaf's accumulator is 'leaf'."""
    if fn is None:
        return None
    name = type(fn).__name__
    if name == 'AccumulateGrad' or name.endswith('::AccumulateGrad'):
        return 'leaf'
    saved = {}
    for attr in sorted(dir(fn)):
        if attr.startswith('_saved_') and not attr.endswith('_raw'):
            value = getattr(fn, attr)
            if hasattr(value, 'shape'):
                value = ['tensor', list(value.shape)]
            elif isinstance(value, tuple):
                value = list(value)
            saved[attr[len('_saved_'):]] = value
    return [name, saved] + [graph(f) for f, _ in fn.next_functions]
