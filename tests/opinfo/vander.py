"""Row for ember/ops/vander.py, against numpy.vander (errors recorded from PyTorch 2.13)."""
import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Sample

OPS = [
    OpInfo('vander', ember.vander,
           lambda rng: [Sample(rng.standard_normal(4)), Sample(rng.standard_normal(3), N=5),
                        Sample(rng.standard_normal(5), N=3, increasing=True), Sample(rng.standard_normal(2), N=1)],
           ref=lambda x, N=None, increasing=False: np.vander(x, N, increasing),
           # (no gradient: PyTorch's backward through vander raises, as ember's; tests/test_vander.py)
           grad=False,
           error_inputs=lambda: [
               ErrorInput(Sample(np.zeros((2, 2))), RuntimeError, 'x must be a one-dimensional tensor.'),
               ErrorInput(Sample(np.zeros(3), N=-1), RuntimeError, 'N must be non-negative.')]),
]
