"""Rows for ember/ops/lowrank.py. The randomized algorithms draw from the default generator, so each
run reseeds it; the checked (sign-free) output is U diag(S) V^H, which for a matrix of rank <= q is
the matrix itself."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample


def _seeded(fn):
    def run(B, C, **kw):
        ember.manual_seed(0)
        U, S, V = fn(B @ C, **kw)
        return U @ ember.diag_embed(S) @ V.mH
    return run


def _samples(rng):
    return [Sample(rng.standard_normal((6, 2)), rng.standard_normal((2, 4)), q=2),
            Sample(rng.standard_normal((3, 2)), rng.standard_normal((2, 5)), q=2, niter=1)]


def _pca_ref(B, C, q=None, niter=2):
    A = B @ C
    return A - A.mean(0, keepdims=True)


OPS = [
    OpInfo('svd_lowrank', _seeded(ember.svd_lowrank), _samples, ref=lambda B, C, **kw: B @ C, atol=1e-4),
    OpInfo('pca_lowrank', _seeded(ember.pca_lowrank), _samples, ref=_pca_ref, atol=1e-4),
]
