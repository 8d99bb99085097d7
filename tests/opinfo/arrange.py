"""Rows for ember/ops/arrange.py."""
import itertools

import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Raw, Sample


def _vectors(rng):
    return [Sample(rng.standard_normal(3), rng.standard_normal(2)), Sample(rng.standard_normal(4), rng.standard_normal(1))]


def _np_combinations(x, r=2, with_replacement=False):
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return np.array(list(pick(x, r))).reshape(-1, r)


def _rot(rng):
    x = rng.standard_normal((2, 3, 4))
    return [Sample(x), Sample(x, 2, (1, 2)), Sample(x, -1, (2, 0)), Sample(x, 3, (0, -1))]


def _rot_errors():
    return [ErrorInput(Sample(np.zeros((2, 3)), 1, (0, 0)), RuntimeError,
                       'expected rotation dims to be different, but got dim0 = 0 and dim1 = 0'),
            ErrorInput(Sample(np.zeros((2, 3)), 1, (0,)), RuntimeError,
                       'expected total rotation dims == 2, but got dims = 1')]


OPS = [
    OpInfo('meshgrid', lambda a, b: ember.meshgrid(a, b, indexing='ij'), _vectors,
           ref=lambda a, b: np.meshgrid(a, b, indexing='ij')),
    OpInfo('meshgrid', lambda a, b: ember.meshgrid(a, b, indexing='xy'), _vectors,
           ref=lambda a, b: np.meshgrid(a, b, indexing='xy')),
    OpInfo('cartesian_prod', ember.cartesian_prod, _vectors,
           ref=lambda a, b: np.array(list(itertools.product(a, b)))),
    OpInfo('combinations', ember.combinations,
           lambda rng: [Sample(rng.standard_normal(4)), Sample(rng.standard_normal(4), 3),
                        Sample(rng.standard_normal(3), 2, True)],
           ref=_np_combinations,
           error_inputs=lambda: [ErrorInput(Sample(np.zeros((2, 2))), RuntimeError,
                                            'Expect a 1D vector, but got shape [2, 2]')]),
    OpInfo('block_diag', ember.block_diag,
           lambda rng: [Sample(rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal(()))],
           ref=lambda *bs: _np_block_diag(*bs)),
    OpInfo('rot90', ember.rot90, _rot, ref=lambda x, k=1, dims=(0, 1): np.rot90(x, k, axes=dims),
           error_inputs=_rot_errors),
    OpInfo('ravel', ember.ravel, lambda rng: [Sample(rng.standard_normal((2, 3)))], ref=np.ravel),
    OpInfo('diagflat', ember.diagflat, lambda rng: [Sample(rng.standard_normal((2, 2))),
                                                    Sample(rng.standard_normal(3), 1),
                                                    Sample(rng.standard_normal(3), -2)],
           ref=lambda x, k=0: np.diagflat(x, k)),
]


def _np_block_diag(*blocks):
    mats = [b.reshape(1, -1) if b.ndim < 2 else b for b in blocks]
    out = np.zeros((sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)))
    r = c = 0
    for m in mats:
        out[r:r + m.shape[0], c:c + m.shape[1]] = m
        r, c = r + m.shape[0], c + m.shape[1]
    return out
