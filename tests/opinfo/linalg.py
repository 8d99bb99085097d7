"""Rows for ember/ops/linalg.py: the matmul family, einsum, tensordot, inverse/det, cross, cdist."""
import numpy as np

import ember
from ember.ops.linalg import LinAlgError
from tests.opinfo import ErrorInput, OpInfo, Raw, Sample

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


def _z(*shape):
    return np.zeros(shape)


def _err(*cases):
    """error_inputs from (args, exception, message) triples recorded from PyTorch."""
    return lambda: [ErrorInput(Sample(*args), exc, msg) for args, exc, msg in cases]


_MM = 'mat1 and mat2 shapes cannot be multiplied'
_BATCH2 = 'Expected size for first two dimensions of batch2 tensor to be: '
_DOT_SIZE = ('inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 '
             'and 4 elements respectively')

OPS = [
    OpInfo('matmul', ember.matmul, _pair(_MATMUL_SHAPES), ref=np.matmul, error_inputs=_err(
        ((_z(2, 3), _z(4, 5)), RuntimeError, f'{_MM} (2x3 and 4x5)'),
        ((_z(3), _z(4, 5)), RuntimeError, f'{_MM} (1x3 and 4x5)'),
        ((_z(2, 3), _z(4)), RuntimeError, 'size mismatch, got input (2), mat (2x3), vec (4)'),
        ((_z(3), _z(4)), RuntimeError, _DOT_SIZE),
        ((_z(2, 2, 3), _z(2, 4, 5)), RuntimeError, _BATCH2 + '[2, 3] but got: [2, 4].'),
        ((_z(2, 2, 3), _z(3, 3, 5)), RuntimeError,
         'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0'),
        ((_z(2, 1, 2, 3), _z(3, 4, 5)), RuntimeError, _BATCH2 + '[6, 3] but got: [6, 4].'),
        ((_z(2, 2, 3), _z(4, 5)), RuntimeError, f'{_MM} (4x3 and 4x5)'),
        ((_z(3, 4), _z(2, 5, 5)), RuntimeError, _BATCH2 + '[2, 4] but got: [2, 5].'),
        ((_z(2, 5, 5), _z(4)), RuntimeError, 'size mismatch, got input (10), mat (10x5), vec (4)'),
        ((_z(), _z(3)), RuntimeError, 'both arguments to matmul need to be at least 1D, but they are 0D and 1D'),
        ((_z(2, 3), Raw(ember.zeros(3, 2, dtype=ember.float64))), RuntimeError,
         'expected m1 and m2 to have the same dtype, but got: float != double'))),
    OpInfo('__matmul__', lambda a, b: a @ b, _pair(_MATMUL_SHAPES[:4]), ref=np.matmul),
    OpInfo('mm', ember.mm, _pair([((3, 4), (4, 5)), ((1, 4), (4, 1))]), ref=np.matmul, error_inputs=_err(
        ((_z(2, 3), _z(4, 5)), RuntimeError, f'{_MM} (2x3 and 4x5)'),
        ((_z(3), _z(3, 2)), RuntimeError, 'self must be a matrix'),
        ((_z(2, 3), _z(1, 3, 2)), RuntimeError, 'mat2 must be a matrix'))),
    OpInfo('mv', ember.mv, _pair([((3, 4), (4,))]), ref=np.matmul, error_inputs=_err(
        ((_z(2, 3), _z(4)), RuntimeError, 'size mismatch, got input (2), mat (2x3), vec (4)'),
        ((_z(3), _z(3)), RuntimeError, 'vector + matrix @ vector expected, got 1, 1, 1'),
        ((_z(2, 3), Raw(ember.zeros(3, dtype=ember.float64))), RuntimeError,
         'addmv input tensors must have the same dtype, but got Double, Float, and Double'))),
    OpInfo('dot', ember.dot, _pair([((4,), (4,))]), ref=_np_dot, error_inputs=_err(
        ((_z(3), _z(4)), RuntimeError, _DOT_SIZE),
        ((_z(2, 3), _z(3)), RuntimeError, '1D tensors expected, but got 2D and 1D tensors'),
        ((_z(3), Raw(ember.zeros(3, dtype=ember.float64))), RuntimeError,
         'dot : expected both vectors to have same dtype, but found Float and Double'))),
    OpInfo('inner', ember.inner, _pair([((4,), (4,)), ((3, 4), (2, 4)), ((2, 3, 4), (4,)), ((), (2, 3))]),
           ref=np.inner),
    OpInfo('bmm', ember.bmm, _pair([((2, 3, 4), (2, 4, 5))]), ref=np.matmul, error_inputs=_err(
        ((_z(2, 3), _z(3, 2)), RuntimeError, 'batch1 must be a 3D tensor'),
        ((_z(2, 2, 3), _z(3, 3, 2)), RuntimeError, _BATCH2 + '[2, 3] but got: [3, 3].'),
        ((_z(2, 2, 3), _z(2, 4, 2)), RuntimeError, _BATCH2 + '[2, 3] but got: [2, 4].'))),
    OpInfo('outer', ember.outer, _pair([((3,), (4,))]), ref=np.outer, aliases=('ger',), error_inputs=_err(
        ((_z(2, 2), _z(2)), RuntimeError, 'outer: Expected 1-D argument self, but got 2-D'),
        ((_z(2), _z(2, 2)), RuntimeError, 'outer: Expected 1-D argument vec2, but got 2-D'))),
    OpInfo('addmm', ember.addmm, _addmm_samples, ref=_np_addm(np.matmul), error_inputs=_err(
        ((_z(2, 2), _z(2, 3), _z(4, 2)), RuntimeError, f'{_MM} (2x3 and 4x2)'),
        ((_z(3, 3), _z(2, 3), _z(3, 2)), RuntimeError,
         'The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 1.  Target '
         'sizes: [2, 2].  Tensor sizes: [3, 3]'))),
    OpInfo('addmv', ember.addmv, _addmv_samples, ref=_np_addm(np.matmul)),
    OpInfo('baddbmm', ember.baddbmm, _baddbmm_samples, ref=_np_addm(np.matmul)),
    OpInfo('addbmm', ember.addbmm, _addbmm_samples, ref=_np_addm(lambda a, b: np.matmul(a, b).sum(0))),
    OpInfo('tensordot', ember.tensordot, _tensordot_samples, ref=_np_tensordot, error_inputs=_err(
        ((_z(2, 3), _z(4, 5), ([1], [0])), RuntimeError,
         'contracted dimensions need to match, but first has size 3 in dim 1 and second has size 4 in dim 0'),
        ((_z(2, 3), _z(3, 2), ([1, 0], [0])), RuntimeError, 'both dimension lists should have same length'))),
    OpInfo('einsum', _einsum, _einsum_samples, ref=_np_einsum, error_inputs=_err(
        (('ij,jk->ik', [_z(2, 3)]), RuntimeError,
         'einsum(): fewer operands were provided than specified in the equation'),
        (('ij->i', [_z(2, 3, 4)]), RuntimeError,
         'einsum(): the number of subscripts in the equation (2) does not match the number of dimensions (3) for '
         'operand 0 and no ellipsis was given'),
        (('ij,jk->ik', [_z(2, 3), _z(4, 2)]), RuntimeError,
         'einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3'),
        (('ij->k', [_z(2, 3)]), RuntimeError,
         'einsum(): output subscript k does not appear in the equation for any input operand'),
        (('ii', [_z(2, 3)]), RuntimeError,
         "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"),
        (('ij,jk->ii', [_z(2, 3), _z(3, 2)]), RuntimeError,
         'einsum(): output subscript i appears more than once in the output'))),
    OpInfo('einsum', lambda eq, a, b: ember.einsum(eq, a, b), lambda rng: [
        Sample('ij,jk', rng.standard_normal((2, 3)), rng.standard_normal((3, 2)))],
        ref=lambda eq, a, b: np.einsum(eq, a, b)),
    OpInfo('inverse', ember.inverse, _square, ref=np.linalg.inv, error_inputs=_err(
        ((_z(2, 3),), RuntimeError, 'linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices'),
        ((_z(2, 2),), LinAlgError, 'linalg.inv: The diagonal element 1 is zero, the inversion could not be '
                                   'completed because the input matrix is singular.'),
        ((np.array([[1.0, 2.0], [2.0, 4.0]]),), LinAlgError, 'linalg.inv: The diagonal element 2 is zero, the '
                                                             'inversion could not be completed because the input '
                                                             'matrix is singular.'),
        ((_z(3, 2, 2),), LinAlgError, 'linalg.inv: (Batch element 0): The diagonal element 1 is zero, the inversion '
                                      'could not be completed because the input matrix is singular.'))),
    OpInfo('det', ember.det, _square, ref=np.linalg.det, error_inputs=_err(
        ((_z(2, 3),), RuntimeError, 'linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices'),
        ((_z(3),), RuntimeError, 'linalg.det: The input tensor A must have at least 2 dimensions.'))),
    OpInfo('slogdet', ember.slogdet, _square, ref=lambda a: np.linalg.slogdet(a)[1], output_index=1),
    OpInfo('slogdet_sign', ember.slogdet, lambda rng: [Sample(_well_conditioned(rng, 3, 3) * np.array([1, 1, -1]))],
           ref=lambda a: np.linalg.slogdet(a)[0], output_index=0, grad=False),
    OpInfo('trace', ember.trace, lambda rng: [Sample(rng.standard_normal((3, 3))), Sample(rng.standard_normal((3, 5)))],
           ref=lambda a: np.asarray(np.trace(a)), error_inputs=_err(
               ((_z(2, 2, 2),), RuntimeError, 'trace: expected a matrix, but got tensor with dim 3'),
               ((_z(3),), RuntimeError, 'trace: expected a matrix, but got tensor with dim 1'))),
    OpInfo('cross', ember.cross, _cross_samples, ref=_np_cross, error_inputs=lambda: [
        ErrorInput(Sample(_z(4), _z(4), dim=0), RuntimeError,
                   'linalg.cross: inputs dimension 0 must have length 3. Got 4 and 4'),
        ErrorInput(Sample(_z(2, 3), _z(3, 3), dim=1), RuntimeError,
                   'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0'),
        ErrorInput(Sample(_z(2, 3), _z(2, 4), dim=1), RuntimeError,
                   'linalg.cross: inputs dimension 1 must have length 3. Got 3 and 4')]),
    # (no second order on these small samples: PyTorch's direct kernel's backward has no derivative)
    OpInfo('cdist', ember.cdist, _cdist_samples, ref=_np_cdist, gradgrad=False, error_inputs=_err(
        ((_z(2, 3), _z(2, 4)), RuntimeError, 'X1 and X2 must have the same number of columns. X1: 3 X2: 4'),
        ((_z(3), _z(3)), RuntimeError, 'cdist only supports at least 2D tensors, X1 got: 1D'))),
]
