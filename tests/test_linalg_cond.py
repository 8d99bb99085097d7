"""linalg.cond and linalg.matrix_norm as PyTorch 2.13 gives them: values, dtypes, shapes, errors and the node
their graph ends in (PyTorch's last step: a squeeze, a product made finite, a max/min or a permute back), for
empty, singular and non-finite matrices too. The cases ran unchanged under PyTorch to record EXPECTED."""
import math
import warnings

import pytest

import ember as torch

inf = math.inf


def r(f):
    try:
        v = f()
        return [str(v.dtype).split('.')[-1], list(v.shape), v.tolist(), v.grad_fn.name() if v.grad_fn else None]
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


def leaf(rows):
    return torch.tensor(rows, dtype=torch.float64, requires_grad=True)


A = [[2., 1., 0.], [1., 3., 1.], [0., 1., 4.]]
CASES = {
    'cond empty': lambda: torch.linalg.cond(torch.zeros(0, 0)),
    'cond empty batch ord 1': lambda: torch.linalg.cond(torch.zeros(2, 0, 3), 1),
    'cond empty complex fro': lambda: torch.linalg.cond(torch.zeros(0, 0, dtype=torch.complex64), 'fro'),
    'cond empty fro not square': lambda: torch.linalg.cond(torch.zeros(2, 0, 3), 'fro'),
    'cond 1-d': lambda: torch.linalg.cond(torch.ones(3)),
    'cond 1-d bad order': lambda: torch.linalg.cond(torch.ones(3), 3),
    'cond 1-d fro': lambda: torch.linalg.cond(torch.ones(3), 'fro'),
    'cond bad name not square': lambda: torch.linalg.cond(torch.ones(2, 3), 'bad'),
    'cond int': lambda: torch.linalg.cond(torch.ones(2, 2, dtype=torch.int64)),
    'cond int ord 1': lambda: torch.linalg.cond(torch.ones(2, 2, dtype=torch.int64), 1),
    'cond int not square ord 1': lambda: torch.linalg.cond(torch.ones(2, 3, dtype=torch.int64), 1),
    'cond int nuc': lambda: torch.linalg.cond(torch.ones(2, 2, dtype=torch.int64), 'nuc'),
    'cond half ord 1': lambda: torch.linalg.cond(torch.ones(2, 2, dtype=torch.float16), 1),
    'cond nan ord 1': lambda: torch.linalg.cond(torch.tensor([[1., math.nan], [0., 2.]]), 1),
    'cond singular inf': lambda: torch.linalg.cond(torch.tensor([[1., 2.], [2., 4.]]), math.inf),
    'cond singular nuc': lambda: torch.linalg.cond(torch.tensor([[1., 0.], [0., 0.]]), 'nuc'),
    'cond': lambda: torch.linalg.cond(leaf(A)),
    'cond -2': lambda: torch.linalg.cond(leaf(A), -2),
    'cond fro': lambda: torch.linalg.cond(leaf(A), 'fro'),
    'cond nuc': lambda: torch.linalg.cond(leaf(A), 'nuc'),
    'cond -inf': lambda: torch.linalg.cond(leaf(A), -math.inf),
    'matrix_norm 1': lambda: torch.linalg.matrix_norm(leaf(A), 1),
    'matrix_norm -inf keepdim': lambda: torch.linalg.matrix_norm(leaf([A, A]), -math.inf, keepdim=True),
    'matrix_norm nuc keepdim': lambda: torch.linalg.matrix_norm(leaf([A, A]), 'nuc', (-1, 0), keepdim=True),
    'matrix_norm 2 keepdim': lambda: torch.linalg.matrix_norm(leaf([A, A]), 2, (0, 2), keepdim=True),
}
EXPECTED = {
    'cond empty': ['float32', [], 0.0, None],
    'cond empty batch ord 1': ['float32', [2], [0.0, 0.0], None],
    'cond empty complex fro': ['float32', [], 0.0, None],
    'cond empty fro not square': 'RuntimeError: linalg.cond(ord=fro): A must be batches of square matrices, but they are 0 by 3 matrices',
    'cond 1-d': 'RuntimeError: linalg.cond: The input tensor must have at least 2 dimensions.',
    'cond 1-d bad order': 'RuntimeError: linalg.cond: The input tensor must have at least 2 dimensions.',
    'cond 1-d fro': 'RuntimeError: linalg.cond(ord=fro): The input tensor A must have at least 2 dimensions.',
    'cond bad name not square': 'RuntimeError: linalg.cond(ord=bad): A must be batches of square matrices, but they are 2 by 3 matrices',
    'cond int': 'RuntimeError: linalg.svd: Expected a floating point or complex tensor as input. Got Long',
    'cond int ord 1': 'RuntimeError: linalg.inv: Expected a floating point or complex tensor as input. Got Long',
    'cond int not square ord 1': 'RuntimeError: linalg.cond(ord=1): A must be batches of square matrices, but they are 2 by 3 matrices',
    'cond int nuc': 'RuntimeError: linalg.svd: Expected a floating point or complex tensor as input. Got Long',
    'cond half ord 1': 'RuntimeError: linalg.inv: Low precision dtypes not supported. Got Half',
    'cond nan ord 1': ['float32', [], inf, None],
    'cond singular inf': ['float32', [], inf, None],
    'cond singular nuc': ['float32', [], inf, None],
    'cond': ['float64', [], 3.7320508075688794, 'SqueezeBackward1'],
    'cond -2': ['float64', [], 0.2679491924311226, 'SqueezeBackward1'],
    'cond fro': ['float64', [], 5.066228051190222, 'NanToNumBackward0'],
    'cond nuc': ['float64', [], 12.000000000000005, 'MulBackward0'],
    'cond -inf': ['float64', [], 1.3333333333333335, 'NanToNumBackward0'],
    'matrix_norm 1': ['float64', [], 5.0, 'AmaxBackward0'],
    'matrix_norm -inf keepdim': ['float64', [2, 1, 1], [[[3.0]], [[3.0]]], 'AminBackward0'],
    'matrix_norm nuc keepdim': ['float64', [1, 3, 1], [[[3.1622776601683795], [4.69041575982343], [5.830951894845301]]], 'PermuteBackward0'],
    'matrix_norm 2 keepdim': ['float64', [1, 3, 1], [[[3.1622776601683795], [4.69041575982343], [5.830951894845301]]], 'PermuteBackward0'],
}


def _same(got, want):
    """Equal structure and text; floats equal to a few units in the last place (the nuclear norms' sums)."""
    if isinstance(want, float):
        return isinstance(got, float) and (got == want or math.isclose(got, want, rel_tol=1e-15))
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want))
    return got == want


@pytest.mark.parametrize('name', list(CASES))
def test_matches_pytorch(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = r(CASES[name])
    assert _same(got, EXPECTED[name]), (got, EXPECTED[name])
