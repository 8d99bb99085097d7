"""Rows for ember/ops/lobpcg.py. The initial block X is fixed (so gradcheck's perturbations follow
one iteration path) and each eigenvector's sign is fixed by its largest entry, since LOBPCG, like
any eigensolver, may return -v for v. In float64 the tolerance is tightened so that the iterations
converge far below gradcheck's finite-difference steps."""
import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Sample


def _sym_np(a):
    return a @ np.swapaxes(a, -1, -2) / a.shape[-1] + np.diag(np.arange(1.0, a.shape[-1] + 1))


def _sign_fixed(U):
    idx = U.abs().argmax(-2, keepdim=True)
    return U * U.gather(-2, idx).sign()


def _run(a, k=1, largest=True, method=None):
    # symmetric, with eigenvalues spread out by the diagonal ramp
    A = a.matmul(a.mT) / a.shape[-1] + ember.diag(ember.arange(1.0, a.shape[-1] + 1, dtype=a.dtype))
    X = ember.eye(a.shape[-1], k, dtype=a.dtype).expand(*a.shape[:-1], k).clone()
    tol = 1e-12 if a.dtype == ember.float64 else 1e-6
    D, U = ember.lobpcg(A, k=k, X=X, largest=largest, method=method, tol=tol)
    return D, _sign_fixed(U)


def _ref(a, k=1, largest=True, method=None):
    E, V = np.linalg.eigh(_sym_np(a))
    order = slice(None, -k - 1, -1) if largest else slice(0, k)
    E, V = E[..., order], V[..., order]
    idx = np.abs(V).argmax(-2)[..., None, :]
    return E, V * np.sign(np.take_along_axis(V, idx, -2))


def _samples(rng):
    # small, as gradcheck runs the solver twice per input entry
    return [Sample(rng.standard_normal((6, 6)), k=2, largest=False),
            Sample(rng.standard_normal((2, 3, 3)), method='basic')]


def _errors():
    return [
        ErrorInput(Sample(np.zeros((3, 4))), AssertionError, 'A must be square, got shape ember.Size([3, 4])'),
        ErrorInput(Sample(np.eye(5), k=2), ValueError,
                   'LOBPCG algorithm is not applicable when the number of A rows (=5) is smaller than 3 x the number '
                   'of requested eigenpairs (=2)'),
    ]


OPS = [
    OpInfo('lobpcg', _run, _samples, ref=_ref, atol=1e-3, grad_atol=1e-4, noncontig=False, called=ember.lobpcg),
    OpInfo('lobpcg_errors', ember.lobpcg, lambda rng: [], grad=False, error_inputs=_errors),
]
