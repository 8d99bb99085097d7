"""Rows for ember/ops/linalg.py: the matmul family, einsum, tensordot, inverse/det, cross, cdist."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample

_MATMUL_SHAPES = [
    ((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)), ((3, 4), (4, 5)),
    ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 2)), ((1, 3, 4), (2, 4, 5)), ((2, 2, 3, 4), (2, 2, 4, 2)), ((4,), (2, 2, 4, 3)),
    ((2, 1, 3, 4), (4,)), ((3, 1, 2, 4), (1, 2, 4, 3)),
]


def _pair(shapes):
    def samples(rng):
        return [Sample(rng.standard_normal(a), rng.standard_normal(b)) for a, b in shapes]
    return samples


def _np_dot(a, b):
    return np.asarray(np.dot(a, b))


def _einsum_samples(rng):
    n = rng.standard_normal
    return [
        Sample('ij,j->i', [n((3, 4)), n(4)]),
        Sample('ij,jk->ik', [n((3, 4)), n((4, 2))]),
        Sample('bij,bjk->bik', [n((2, 3, 4)), n((2, 4, 2))]),
        Sample('...ij,...jk', [n((2, 3, 4)), n((2, 4, 2))]),
        Sample('...ij,...jk->...ik', [n((3, 4)), n((2, 4, 2))]),
        Sample('i,i->', [n(4), n(4)]),
        Sample('i,j->ij', [n(3), n(4)]),
        Sample('ij->', [n((3, 4))]),
        Sample('ij->j', [n((3, 4))]),
        Sample('ij->ji', [n((3, 4))]),
        Sample('ijk->kj', [n((2, 3, 4))]),
        Sample('bij,jk->bik', [n((2, 3, 4)), n((4, 2))]),
        Sample('ij,ij->i', [n((3, 4)), n((3, 4))]),
        Sample('ij,k->i', [n((3, 4)), n(2)]),            # an index summed within one operand only
        Sample('ij,jk,kl->il', [n((2, 3)), n((3, 4)), n((4, 2))]),
        Sample('i,i,i->', [n(3), n(3), n(3)]),
        Sample('ii->i', [n((3, 3))]),
        Sample('ii', [n((3, 3))]),
        Sample('iij->j', [n((3, 3, 2))]),
        Sample('ij,jj->i', [n((2, 3)), n((3, 3))]),
        Sample('ba', [n((3, 4))]),                       # implicit output: sorted letters, so a transpose
        Sample('i j , j k -> i k', [n((2, 3)), n((3, 2))]),
    ]


def _einsum(eq, ops):
    return ember.einsum(eq, *ops)


def _np_einsum(eq, ops):
    return np.asarray(np.einsum(eq.replace(' ', ''), *ops))


def _well_conditioned(rng, *shape):
    n = shape[-1]
    return np.eye(n) * 3 + rng.standard_normal(shape) * 0.5


def _square(rng):
    return [Sample(_well_conditioned(rng, 3, 3)), Sample(_well_conditioned(rng, 2, 4, 4)), Sample(_well_conditioned(rng, 1, 1))]


def _tensordot_samples(rng):
    n = rng.standard_normal
    return [Sample(n((2, 3, 4)), n((3, 4, 5))), Sample(n((2, 3, 4)), n((4, 2)), 1),
            Sample(n((2, 3, 4)), n((4, 3, 2)), ([1, 2], [1, 0])), Sample(n((3, 4)), n((4, 3)), ([0], [1])),
            Sample(n((3, 4)), n((2,)), 0)]


def _np_tensordot(a, b, dims=2):
    return np.tensordot(a, b, dims)


def _cross_samples(rng):
    n = rng.standard_normal
    return [Sample(n((4, 3)), n((4, 3)), dim=1), Sample(n((3, 2)), n((3, 2)), dim=0), Sample(n(3), n(3), dim=0),
            Sample(n((2, 3)), n((3,)), dim=-1)]


def _np_cross(a, b, dim=None):
    a, b = np.broadcast_arrays(a, b)
    return np.moveaxis(np.cross(np.moveaxis(a, dim, -1), np.moveaxis(b, dim, -1)), -1, dim)


def _cdist_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 2)), n((4, 2))), Sample(n((2, 3, 4)), n((2, 5, 4)), 1.0), Sample(n((3, 2)), n((4, 2)), 3.0),
            Sample(n((3, 2)), n((4, 2)), float('inf'))]


def _np_cdist(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    if p == np.inf:
        return d.max(-1)
    return (d ** p).sum(-1) ** (1 / p)


def _addmm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 5)), n((3, 4)), n((4, 5))), Sample(n(5), n((3, 4)), n((4, 5)), beta=0.5, alpha=2.0),
            Sample(n((3, 1)), n((3, 4)), n((4, 5)), alpha=-1), Sample(n(()), n((3, 4)), n((4, 5)), beta=0)]


def _addmv_samples(rng):
    n = rng.standard_normal
    return [Sample(n(3), n((3, 4)), n(4)), Sample(n(()), n((3, 4)), n(4), beta=2, alpha=0.5)]


def _baddbmm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((2, 3, 5)), n((2, 3, 4)), n((2, 4, 5))), Sample(n((3, 5)), n((2, 3, 4)), n((2, 4, 5)), beta=0.5,
                                                                      alpha=-2.0)]


def _addbmm_samples(rng):
    n = rng.standard_normal
    return [Sample(n((3, 5)), n((2, 3, 4)), n((2, 4, 5))), Sample(n(5), n((2, 3, 4)), n((2, 4, 5)), beta=0.5,
                                                                  alpha=3)]


def _np_addm(prod):
    def ref(inp, a, b, beta=1, alpha=1):
        p = prod(a, b)
        return (beta * inp if beta != 0 else 0) + alpha * p
    return ref


def _np_slogdet(a):
    return np.linalg.slogdet(a)


OPS = [
    OpInfo('matmul', ember.matmul, _pair(_MATMUL_SHAPES), ref=np.matmul),
    OpInfo('__matmul__', lambda a, b: a @ b, _pair(_MATMUL_SHAPES[:4]), ref=np.matmul),
    OpInfo('mm', ember.mm, _pair([((3, 4), (4, 5)), ((1, 4), (4, 1))]), ref=np.matmul),
    OpInfo('mv', ember.mv, _pair([((3, 4), (4,))]), ref=np.matmul),
    OpInfo('dot', ember.dot, _pair([((4,), (4,))]), ref=_np_dot),
    OpInfo('inner', ember.inner, _pair([((4,), (4,)), ((3, 4), (2, 4)), ((2, 3, 4), (4,)), ((), (2, 3))]),
           ref=np.inner),
    OpInfo('bmm', ember.bmm, _pair([((2, 3, 4), (2, 4, 5))]), ref=np.matmul),
    OpInfo('outer', ember.outer, _pair([((3,), (4,))]), ref=np.outer, aliases=('ger',)),
    OpInfo('addmm', ember.addmm, _addmm_samples, ref=_np_addm(np.matmul)),
    OpInfo('addmv', ember.addmv, _addmv_samples, ref=_np_addm(np.matmul)),
    OpInfo('baddbmm', ember.baddbmm, _baddbmm_samples, ref=_np_addm(np.matmul)),
    OpInfo('addbmm', ember.addbmm, _addbmm_samples, ref=_np_addm(lambda a, b: np.matmul(a, b).sum(0))),
    OpInfo('tensordot', ember.tensordot, _tensordot_samples, ref=_np_tensordot),
    OpInfo('einsum', _einsum, _einsum_samples, ref=_np_einsum),
    OpInfo('einsum', lambda eq, a, b: ember.einsum(eq, a, b), lambda rng: [
        Sample('ij,jk', rng.standard_normal((2, 3)), rng.standard_normal((3, 2)))],
        ref=lambda eq, a, b: np.einsum(eq, a, b)),
    OpInfo('inverse', ember.inverse, _square, ref=np.linalg.inv),
    OpInfo('det', ember.det, _square, ref=np.linalg.det),
    OpInfo('slogdet', ember.slogdet, _square, ref=lambda a: np.linalg.slogdet(a)[1], output_index=1),
    OpInfo('slogdet_sign', ember.slogdet, lambda rng: [Sample(_well_conditioned(rng, 3, 3) * np.array([1, 1, -1]))],
           ref=lambda a: np.linalg.slogdet(a)[0], output_index=0, grad=False),
    OpInfo('trace', ember.trace, lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((3, 5)))],
           ref=lambda a: np.asarray(np.trace(a))),
    OpInfo('cross', ember.cross, _cross_samples, ref=_np_cross),
    OpInfo('cdist', ember.cdist, _cdist_samples, ref=_np_cdist),
]
