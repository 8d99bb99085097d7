"""Reductions: values, dtypes, tie rules, NaN handling, gradients at zeros and error texts,
recorded from PyTorch 2.x."""
import math
import warnings

import numpy as np
import pytest

import ember as torch  # the cases below ran unchanged under PyTorch to record EXPECTED

nan = float('nan')
inf = float('inf')


def r(f):
    try:
        v = f()
        if isinstance(v, tuple):
            return [r(lambda: t) for t in v]
        if hasattr(v, 'dtype'):
            return [str(v.dtype).split('.')[-1], list(v.shape), v.tolist()]
        return repr(v)
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


def g(fn, x):
    x = x.clone().double().requires_grad_()
    fn(x).sum().backward()
    return x.grad
x = torch.tensor([[1., 3., 3.], [2., 0., 2.]])
e = torch.zeros(0, 3)
i = torch.tensor([[1, 2, 2], [0, 5, 1]])
n = torch.tensor([1., float('nan'), 3.])
x3 = torch.arange(24.).reshape(2, 3, 4) / 5 - 2
CASES = {
 'sum dim 2': lambda: x.sum(2),
 'sum dim -3': lambda: x.sum(-3),
 'sum dup dims': lambda: x.sum((0, 0)),
 'mean int': lambda: i.mean(),
 'mean dtype': lambda: i.mean(dtype=torch.float64),
 'sum dtype': lambda: i.sum(dtype=torch.float32),
 'sum bool': lambda: torch.tensor([True, True]).sum(),
 'sum empty': lambda: e.sum(),
 'sum empty dim0': lambda: e.sum(0),
 'prod empty': lambda: e.prod(),
 'mean empty': lambda: e.mean(),
 'max empty': lambda: e.max(),
 'max empty dim0': lambda: e.max(0),
 'max empty dim1': lambda: e.max(1),
 'amax empty': lambda: e.amax(),
 'amax empty dim1': lambda: e.amax(1),
 'argmax empty': lambda: e.argmax(),
 'max ties': lambda: x.max(1),
 'min ties': lambda: x.min(1),
 'argmax ties': lambda: x.argmax(1),
 'argmin ties all': lambda: x.argmin(),
 'max all': lambda: x.max(),
 'max grad ties': lambda: g(lambda t: t.max(), x),
 'amax grad ties': lambda: g(lambda t: t.amax(1), x),
 'max dim grad ties': lambda: g(lambda t: t.max(1).values, x),
 'median even': lambda: torch.tensor([4., 1., 3., 2.]).median(),
 'median dim even': lambda: torch.tensor([[4., 1., 3., 2.]]).median(1),
 'median ties idx': lambda: torch.tensor([2., 1., 2., 2.]).median(0),
 'median nan': lambda: n.median(),
 'nanmedian': lambda: n.nanmedian(),
 'mode ties': lambda: torch.tensor([3., 1., 3., 1., 2.]).mode(),
 'mode 2d': lambda: torch.tensor([[1., 2., 2., 3.], [4., 4., 5., 5.]]).mode(1),
 'kthvalue k big': lambda: x.kthvalue(4, 1),
 'kthvalue k0': lambda: x.kthvalue(0, 1),
 'kthvalue ties': lambda: torch.tensor([2., 1., 2.]).kthvalue(2),
 'topk big': lambda: x.topk(4),
 'topk ties': lambda: torch.tensor([1., 3., 3., 2.]).topk(2),
 'topk nan': lambda: n.topk(1),
 'sort stable': lambda: torch.tensor([2., 1., 2., 1.]).sort(stable=True),
 'sort desc stable': lambda: torch.tensor([2., 1., 2., 1.]).sort(descending=True, stable=True),
 'sort nan': lambda: torch.tensor([2., float('nan'), -1.]).sort(),
 'sort nan desc': lambda: torch.tensor([2., float('nan'), -1.]).sort(descending=True),
 'argsort int': lambda: i.argsort(1),
 'max nan': lambda: n.max(),
 'max nan dim': lambda: n.max(0),
 'argmax nan': lambda: n.argmax(),
 'amax nan': lambda: n.amax(),
 'sum nan': lambda: n.sum(),
 'nansum': lambda: n.nansum(),
 'nanmean': lambda: n.nanmean(),
 'nanmean all nan': lambda: torch.tensor([float('nan')]).nanmean(),
 'nansum grad': lambda: g(lambda t: t.nansum(), n),
 'var one': lambda: torch.tensor([1.]).var(),
 'std one': lambda: torch.tensor([1.]).std(),
 'var one c0': lambda: torch.tensor([1.]).var(correction=0),
 'var int': lambda: i.var(),
 'std unbiased pos': lambda: x.std(1, False),
 'var_mean': lambda: x.var_mean(1),
 'std_mean keepdim': lambda: x.std_mean(0, keepdim=True),
 'std zero grad': lambda: g(lambda t: t.std(), torch.ones(3)),
 'norm zero grad': lambda: g(lambda t: t.norm(), torch.zeros(3)),
 'norm p1 zero grad': lambda: g(lambda t: t.norm(1), torch.tensor([0., 2., -1.])),
 'norm inf grad ties': lambda: g(lambda t: t.norm(float('inf')), torch.tensor([1., -3., 3.])),
 'norm int': lambda: i.norm(),
 'norm p0': lambda: torch.tensor([0., 2., -1.]).norm(0),
 'norm nuc': lambda: x.norm('nuc'),
 'norm fro dim': lambda: x.norm('fro', 1),
 'norm p-1 zero norm grad': lambda: g(lambda t: t.norm(-1, 1), torch.tensor([[0., 2., 3.], [1., -2., .5]])),
 'norm p0.5 zero grad': lambda: g(lambda t: t.norm(0.5, 1), torch.tensor([[0., 2., 3.], [0., 0., 0.]])),
 'norm p3 over one element': lambda: torch.tensor([[0.7], [2.9]], dtype=torch.float64).norm(3, 1),
 'norm_except_dim': lambda: torch.norm_except_dim(x3, 2, 0),
 'norm_except_dim last': lambda: torch.norm_except_dim(x3, 3, 2),
 'norm_except_dim middle': lambda: torch.norm_except_dim(x3, 2, 1),
 'norm_except_dim -2': lambda: torch.norm_except_dim(x3, 2, -2),
 'norm_except_dim -3': lambda: torch.norm_except_dim(x3, 2, -3),
 'norm_except_dim whole': lambda: torch.norm_except_dim(x3, 2, -1),
 'norm_except_dim 1d': lambda: torch.norm_except_dim(torch.tensor([3., -4.]), 3, 0),
 'norm_except_dim dim big': lambda: torch.norm_except_dim(x3, 2, 3),
 'norm_except_dim dim -4': lambda: torch.norm_except_dim(x3, 2, -4),
 'norm_except_dim 0d': lambda: torch.norm_except_dim(torch.tensor(3.), 2, 0),
 'norm_except_dim 0d dim 1': lambda: torch.norm_except_dim(torch.tensor(3.), 2, 1),
 'norm_except_dim int': lambda: torch.norm_except_dim(torch.tensor([[1, 2]]), 2, 0),
 'norm_except_dim empty': lambda: torch.norm_except_dim(torch.zeros(0, 3), 2, 0),
 'norm_except_dim empty last': lambda: torch.norm_except_dim(torch.zeros(3, 0), 2, 1),
 'norm_except_dim empty kept': lambda: torch.norm_except_dim(torch.zeros(3, 0), 2, 0),
 'norm_except_dim grad middle': lambda: g(lambda t: torch.norm_except_dim(t, 2, 1), x3),
 'frobenius_norm int': lambda: torch.frobenius_norm(torch.tensor([[1, 2]]), [0, 1]),
 'frobenius_norm': lambda: torch.frobenius_norm(x3, [0, 2], True),
 'prod zero grad': lambda: g(lambda t: t.prod(), torch.tensor([2., 0., 3.])),
 'prod two zeros grad': lambda: g(lambda t: t.prod(), torch.tensor([2., 0., 0.])),
 'prod dim zero grad': lambda: g(lambda t: t.prod(1), x),
 'prod int': lambda: i.prod(1),
 'cumprod zero grad': lambda: g(lambda t: t.cumprod(0), torch.tensor([2., 0., 3., 4.])),
 'cumprod two zeros grad': lambda: g(lambda t: t.cumprod(0), torch.tensor([2., 0., 3., 0., 5.])),
 'cumsum bool': lambda: torch.tensor([True, False, True]).cumsum(0),
 'cumsum dtype': lambda: i.cumsum(1, dtype=torch.float32),
 'cumsum 0d': lambda: torch.tensor(3.).cumsum(0),
 'cummax ties': lambda: torch.tensor([1., 3., 2., 3., 0.]).cummax(0),
 'cummin ties': lambda: torch.tensor([3., 1., 2., 1., 4.]).cummin(0),
 'logsumexp -inf': lambda: torch.tensor([-math.inf, -math.inf]).logsumexp(0),
 'logsumexp inf': lambda: torch.tensor([math.inf, 1.]).logsumexp(0),
 'logsumexp int': lambda: i.logsumexp(1),
 'logcumsumexp': lambda: torch.tensor([1., 2., 1000.]).logcumsumexp(0),
 'all float': lambda: x.all(),
 'all uint8': lambda: torch.tensor([1, 2], dtype=torch.uint8).all(),
 'any dim': lambda: x.any(1),
 'all dims tuple': lambda: x.all((0, 1)),
 'count_nonzero': lambda: x.count_nonzero(0),
 'count_nonzero tuple': lambda: x.count_nonzero((0, 1)),
 'unique': lambda: torch.unique(torch.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True),
 'unique dim': lambda: torch.unique(torch.tensor([[1, 2], [1, 2], [0, 1]]), dim=0),
 'bincount weights': lambda: torch.bincount(torch.tensor([0, 2, 2]), torch.tensor([0.5, 1., 2.])),
 'bincount neg': lambda: torch.bincount(torch.tensor([-1, 2])),
 'histc': lambda: torch.histc(torch.tensor([1., 2., 1., 4.]), bins=4, min=0, max=4),
 'histc auto': lambda: torch.histc(torch.tensor([1., 2., 1., 4.]), bins=3),
 'aminmax': lambda: x.aminmax(dim=1),
 'max other': lambda: torch.max(x, torch.ones(3)),
 'min keepdim': lambda: x.min(0, keepdim=True),
 'sum keepdim all': lambda: x.sum((0, 1), keepdim=True),
 'mean list dims': lambda: x.mean([0, 1]),
 'amax list dims': lambda: x.amax([0, -1]),
 'std dims': lambda: torch.arange(24.).reshape(2, 3, 4).std((0, 2)),
}

EXPECTED = {'sum dim 2': 'IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)',
 'sum dim -3': 'IndexError: Dimension out of range (expected to be in range of [-2, 1], but got -3)',
 'sum dup dims': 'RuntimeError: dim 0 appears multiple times in the list of dims',
 'mean int': 'RuntimeError: mean(): could not infer output dtype. Input dtype must be either a floating point or '
             'complex dtype. Got: Long',
 'mean dtype': ['float64', [], 1.8333333333333333],
 'sum dtype': ['float32', [], 11.0],
 'sum bool': ['int64', [], 2],
 'sum empty': ['float32', [], 0.0],
 'sum empty dim0': ['float32', [3], [0.0, 0.0, 0.0]],
 'prod empty': ['float32', [], 1.0],
 'mean empty': ['float32', [], nan],
 'max empty': 'RuntimeError: max(): Expected reduction dim to be specified for input.numel() == 0. Specify the '
              "reduction dim with the 'dim' argument.",
 'max empty dim0': 'IndexError: max(): Expected reduction dim 0 to have non-zero size.',
 'max empty dim1': [['float32', [0], []], ['int64', [0], []]],
 'amax empty': 'RuntimeError: amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the '
               "reduction dim with the 'dim' argument.",
 'amax empty dim1': ['float32', [0], []],
 'argmax empty': 'IndexError: argmax(): Expected reduction dim to be specified for input.numel() == 0.',
 'max ties': [['float32', [2], [3.0, 2.0]], ['int64', [2], [1, 0]]],
 'min ties': [['float32', [2], [1.0, 0.0]], ['int64', [2], [0, 1]]],
 'argmax ties': ['int64', [2], [1, 0]],
 'argmin ties all': ['int64', [], 4],
 'max all': ['float32', [], 3.0],
 'max grad ties': ['float64', [2, 3], [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]],
 'amax grad ties': ['float64', [2, 3], [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]],
 'max dim grad ties': ['float64', [2, 3], [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]],
 'median even': ['float32', [], 2.0],
 'median dim even': [['float32', [1], [2.0]], ['int64', [1], [3]]],
 'median ties idx': [['float32', [], 2.0], ['int64', [], 0]],
 'median nan': ['float32', [], nan],
 'nanmedian': ['float32', [], 1.0],
 'mode ties': [['float32', [], 1.0], ['int64', [], 3]],
 'mode 2d': [['float32', [2], [2.0, 4.0]], ['int64', [2], [2, 1]]],
 'kthvalue k big': 'RuntimeError: kthvalue(): selected number k out of range for dimension 1',
 'kthvalue k0': 'RuntimeError: kthvalue(): selected number k out of range for dimension 1',
 'kthvalue ties': [['float32', [], 2.0], ['int64', [], 0]],
 'topk big': 'RuntimeError: selected index k out of range',
 'topk ties': [['float32', [2], [3.0, 3.0]], ['int64', [2], [1, 2]]],
 'topk nan': [['float32', [1], [nan]], ['int64', [1], [1]]],
 'sort stable': [['float32', [4], [1.0, 1.0, 2.0, 2.0]], ['int64', [4], [1, 3, 0, 2]]],
 'sort desc stable': [['float32', [4], [2.0, 2.0, 1.0, 1.0]], ['int64', [4], [0, 2, 1, 3]]],
 'sort nan': [['float32', [3], [-1.0, 2.0, nan]], ['int64', [3], [2, 0, 1]]],
 'sort nan desc': [['float32', [3], [nan, 2.0, -1.0]], ['int64', [3], [1, 0, 2]]],
 'argsort int': ['int64', [2, 3], [[0, 1, 2], [0, 2, 1]]],
 'max nan': ['float32', [], nan],
 'max nan dim': [['float32', [], nan], ['int64', [], 1]],
 'argmax nan': ['int64', [], 1],
 'amax nan': ['float32', [], nan],
 'sum nan': ['float32', [], nan],
 'nansum': ['float32', [], 4.0],
 'nanmean': ['float32', [], 2.0],
 'nanmean all nan': ['float32', [], nan],
 'nansum grad': ['float64', [3], [1.0, 0.0, 1.0]],
 'var one': ['float32', [], nan],
 'std one': ['float32', [], nan],
 'var one c0': ['float32', [], 0.0],
 'var int': 'RuntimeError: std and var only support floating point and complex dtypes',
 'std unbiased pos': ['float32', [2], [0.9428090453147888, 0.9428090453147888]],
 'var_mean': "AttributeError: 'Tensor' object has no attribute 'var_mean'",
 'std_mean keepdim': "AttributeError: 'Tensor' object has no attribute 'std_mean'",
 'std zero grad': ['float64', [3], [0.0, 0.0, 0.0]],
 'norm zero grad': ['float64', [3], [0.0, 0.0, 0.0]],
 'norm p1 zero grad': ['float64', [3], [0.0, 1.0, -1.0]],
 'norm inf grad ties': ['float64', [3], [0.0, -0.5, 0.5]],
 'norm int': 'RuntimeError: linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long',
 'norm p0': ['float32', [], 2.0],
 'norm nuc': ['float32', [], 6.764737129211426],
 'norm fro dim': ['float32', [2], [4.358899116516113, 2.8284270763397217]],
 'norm p-1 zero norm grad': ['float64', [2, 3], [[0.0, 0.0, 0.0], [0.08163265306122448, -0.02040816326530612, 0.32653061224489793]]],
 'norm p0.5 zero grad': ['float64', [2, 3], [[0.0, 2.224744871391589, 1.8164965809277265], [0.0, 0.0, 0.0]]],
 'norm p3 over one element': ['float64', [2], [0.7, 2.9]],
 'norm_except_dim': ['float32', [2, 1, 1], [[[3.9293766021728516]], [[5.720139503479004]]]],
 'norm_except_dim last': ['float32', [1, 1, 4], [[[2.6954658031463623, 2.7345356941223145, 2.8455147743225098, 3.013861894607544]]]],
 'norm_except_dim middle': ['float32', [1, 3, 1], [[[3.7309515476226807], [3.5552775859832764], [4.647579669952393]]]],
 'norm_except_dim -2': ['float32', [1, 3, 1], [[[3.7309515476226807], [3.5552775859832764], [4.647579669952393]]]],
 'norm_except_dim -3': ['float32', [2, 1, 1], [[[3.9293766021728516]], [[5.720139503479004]]]],
 'norm_except_dim whole': ['float32', [], 6.9397406578063965],
 'norm_except_dim 1d': ['float32', [2], [3.0, 4.0]],
 'norm_except_dim dim big': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'norm_except_dim dim -4': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got -4)',
 'norm_except_dim 0d': 'IndexError: Dimension specified as 0 but tensor has no dimensions',
 'norm_except_dim 0d dim 1': 'IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
 'norm_except_dim int': 'RuntimeError: norm(): input dtype should be either floating point or complex. Got Long instead.',
 'norm_except_dim empty': 'RuntimeError: cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any value and is ambiguous',
 'norm_except_dim empty last': 'RuntimeError: cannot reshape tensor of 0 elements into shape [-1, 0] because the unspecified dimension size -1 can be any value and is ambiguous',
 'norm_except_dim empty kept': ['float32', [3, 1], [[0.0], [0.0], [0.0]]],
 'norm_except_dim grad middle': ['float64', [2, 3, 4], [[[-0.5360562727441376, -0.4824506326891464, -0.42884502458559887, -0.37523938453060757], [-0.33752638407188973, -0.28127197554983063, -0.22501756702777156, -0.16876319203594486], [-0.08606629316241951, -0.0430331594060876, 0.0, 0.0430331594060876]], [[0.1072112801099825, 0.1608168562620863, 0.21442249631707755, 0.2680281363720688], [0.33752638407188973, 0.3937807925939488, 0.45003513405554313, 0.5062895425776023], [0.43033149146185323, 0.47336459956842947, 0.5163978102740284, 0.5594309183806047]]]],
 'frobenius_norm int': 'RuntimeError: norm(): input dtype should be either floating point or complex. Got Long instead.',
 'frobenius_norm': ['float32', [1, 3, 1], [[[3.7309515476226807], [3.5552775859832764], [4.647579669952393]]]],
 'prod zero grad': ['float64', [3], [0.0, 6.0, 0.0]],
 'prod two zeros grad': ['float64', [3], [0.0, 0.0, 0.0]],
 'prod dim zero grad': ['float64', [2, 3], [[9.0, 3.0, 3.0], [0.0, 4.0, 0.0]]],
 'prod int': ['int64', [2], [4, 0]],
 'cumprod zero grad': ['float64', [4], [1.0, 32.0, 0.0, 0.0]],
 'cumprod two zeros grad': ['float64', [5], [1.0, 8.0, 0.0, 0.0, 0.0]],
 'cumsum bool': ['int64', [3], [1, 1, 2]],
 'cumsum dtype': ['float32', [2, 3], [[1.0, 3.0, 5.0], [0.0, 5.0, 6.0]]],
 'cumsum 0d': ['float32', [], 3.0],
 'cummax ties': [['float32', [5], [1.0, 3.0, 3.0, 3.0, 3.0]], ['int64', [5], [0, 1, 1, 3, 3]]],
 'cummin ties': [['float32', [5], [3.0, 1.0, 1.0, 1.0, 1.0]], ['int64', [5], [0, 1, 1, 3, 3]]],
 'logsumexp -inf': ['float32', [], -inf],
 'logsumexp inf': ['float32', [], inf],
 'logsumexp int': ['float32', [2], [2.861994743347168, 5.024744987487793]],
 'logcumsumexp': ['float32', [3], [1.0, 2.3132617473602295, 1000.0]],
 'all float': ['bool', [], False],
 'all uint8': ['uint8', [], 1],
 'any dim': ['bool', [2], [True, True]],
 'all dims tuple': ['bool', [], False],
 'count_nonzero': ['int64', [3], [2, 1, 2]],
 'count_nonzero tuple': ['int64', [], 5],
 'unique': [['int64', [3], [1, 2, 3]], ['int64', [4], [2, 0, 2, 1]], ['int64', [3], [1, 1, 2]]],
 'unique dim': ['int64', [2, 2], [[0, 1], [1, 2]]],
 'bincount weights': ['float32', [3], [0.5, 0.0, 3.0]],
 'bincount neg': 'RuntimeError: bincount only supports 1-d non-negative integral inputs.',
 'histc': ['float32', [4], [0.0, 2.0, 1.0, 1.0]],
 'histc auto': ['float32', [3], [2.0, 1.0, 1.0]],
 'aminmax': [['float32', [2], [1.0, 0.0]], ['float32', [2], [3.0, 2.0]]],
 'max other': ['float32', [2, 3], [[1.0, 3.0, 3.0], [2.0, 1.0, 2.0]]],
 'min keepdim': [['float32', [1, 3], [[1.0, 0.0, 2.0]]], ['int64', [1, 3], [[0, 1, 1]]]],
 'sum keepdim all': ['float32', [1, 1], [[11.0]]],
 'mean list dims': ['float32', [], 1.8333333730697632],
 'amax list dims': ['float32', [], 3.0],
 'std dims': ['float32', [3], [6.5246782302856445, 6.5246782302856445, 6.5246782302856445]]}


def _same(got, want):
    """Equal structure and text; floats equal to float32 precision (NaN equals NaN)."""
    if isinstance(want, float):
        return isinstance(got, float) and (math.isnan(want) and math.isnan(got) or
                                           math.isclose(got, want, rel_tol=2e-7, abs_tol=1e-6))
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want))
    return got == want


@pytest.mark.parametrize('name', list(CASES))
def test_reduction_matches_pytorch(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # var/std of one element warn, as in PyTorch
        got = r(CASES[name])
    assert _same(got, EXPECTED[name]), (got, EXPECTED[name])


def test_var_with_no_degrees_of_freedom_warns_like_pytorch():
    with pytest.warns(UserWarning, match=r"var\(\): degrees of freedom is <= 0"):
        v = torch.tensor([1.0]).var()
    assert math.isnan(v.item())
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # and NumPy's own RuntimeWarnings stay quiet
        torch.zeros(0, 3).mean()
        torch.tensor([1.0]).var(correction=0)


def test_dim_out_of_range_messages():
    x = torch.zeros(2, 3)
    for fn in (lambda: x.sum(2), lambda: x.mean(-3), lambda: x.max(2), lambda: x.argmax(5), lambda: x.cumsum(2),
               lambda: x.softmax(2), lambda: x.std(3), lambda: x.amax(-4), lambda: x.logsumexp(2)):
        with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\]"):
            fn()


def test_reductions_keep_float32():
    x = torch.rand(5, 7)
    for out in (x.sum(), x.mean(1), x.var(0), x.std(), x.norm(), x.logsumexp(1), x.prod(0), x.cumsum(1),
                x.cumprod(0), x.amax(1), x.median(), x.nanmean(), x.logcumsumexp(0)):
        assert out.dtype is torch.float32


def test_logcumsumexp_is_stable_and_differentiable_at_large_values():
    x = torch.tensor([1.0, 2.0, 1000.0, -1000.0], dtype=torch.float64, requires_grad=True)
    y = x.logcumsumexp(0)
    assert np.allclose(y.detach().numpy(), [1.0, 2.3132616875182226, 1000.0, 1000.0])
    y.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    assert torch.autograd.gradcheck(lambda t: t.logcumsumexp(0), (x,))


def test_cumprod_gradient_with_zeros_is_exact_to_second_order():
    x = torch.tensor([[2.0, 0.0, 3.0, 0.0, 5.0], [1.0, -2.0, 0.0, 4.0, 0.5]], dtype=torch.float64,
                     requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: t.cumprod(1), (x,))
    assert torch.autograd.gradgradcheck(lambda t: t.cumprod(1), (x,))
    assert torch.autograd.gradgradcheck(lambda t: t.prod(1), (x,))


def test_mode_is_vectorised_over_rows():
    rng = np.random.default_rng(0)
    data = rng.integers(0, 4, (50, 9)).astype(np.float32)
    values, indices = torch.tensor(data).mode(1)
    for row, v, i in zip(data, values.tolist(), indices.tolist()):
        u, c = np.unique(row, return_counts=True)
        assert v == u[np.argmax(c)] and row[i] == v and i == np.nonzero(row == v)[0][-1]


def test_running_extreme_fallback_without_ufunc_accumulate():
    """CuPy may lack ufunc.accumulate: the log-step scan must give NumPy's running max/min."""
    from ember.ops import reduce as R

    class NoAccumulate:  # NumPy, except that maximum/minimum are plain functions
        def __getattr__(self, name):
            fn = getattr(np, name)
            return (lambda *a, **k: fn(*a, **k)) if name in ('maximum', 'minimum') else fn

    a = np.random.default_rng(0).standard_normal((3, 7, 5))
    for axis in (0, 1, 2):
        for name in ('maximum', 'minimum'):
            got = R._accumulate(NoAccumulate(), name, a, axis)
            np.testing.assert_array_equal(got, getattr(np, name).accumulate(a, axis=axis))


def test_unique_along_a_dim_gives_one_inverse_index_per_slice():
    # as PyTorch: torch.unique(t, return_inverse=True, dim=0) -> inverse of shape (3,)
    t = torch.tensor([[2, 3], [2, 3], [1, 1]])
    values, inverse, counts = torch.unique(t, return_inverse=True, return_counts=True, dim=0)
    assert values.tolist() == [[1, 1], [2, 3]]
    assert inverse.tolist() == [1, 1, 0] and counts.tolist() == [1, 2]


def test_variance_gradient_without_degrees_of_freedom_is_nan():
    # PyTorch 2.13: var/std of one element (correction 1) have NaN gradients, not an error
    for fn in (lambda t: t.var(), lambda t: t.std(), lambda t: t.var(1)):
        x = torch.ones(2, 1, requires_grad=True) if fn(torch.ones(2, 1)).dim() else torch.tensor([1.5], requires_grad=True)
        g, = torch.autograd.grad(fn(x).sum(), x)
        assert g.isnan().all()


def test_nansum_of_integers_is_an_integer_sum():
    # PyTorch 2.13: no NaNs to skip, so sum's result (int64 for integers and bools); complex refused on the CPU
    assert torch.nansum(torch.tensor([1, 2], dtype=torch.int8)).dtype == torch.int64
    assert torch.nansum(torch.tensor([1, 2])).item() == 3
    assert torch.nansum(torch.tensor([True, True]), 0, keepdim=True).tolist() == [2]
    assert torch.tensor([[1, 2], [3, 4]]).nansum(1).tolist() == [3, 7]
    assert torch.nansum(torch.tensor([1, 2]), dtype=torch.float64).dtype == torch.float64
    with pytest.raises(RuntimeError, match='^nansum on CPU does not support complex inputs$'):
        torch.nansum(torch.tensor([1 + 1j, 2]))


def test_dim_given_as_a_zero_dim_integer_tensor():
    # PyTorch's parser reads a 0-d integer tensor as one dim, and refuses a float one or a 1-d tensor
    x = torch.arange(6.).view(2, 3)
    assert x.sum(torch.tensor(1)).tolist() == [3., 12.]
    assert x.mean(torch.tensor(0)).tolist() == [1.5, 2.5, 3.5]
    assert x.amax(torch.tensor(-1)).tolist() == [2., 5.]
    for bad in (torch.tensor(1.0), torch.tensor([0, 1])):
        with pytest.raises(TypeError, match=r'^sum\(\) received an invalid combination of arguments - got \(Tensor\)'):
            x.sum(bad)


# gradients of linalg.vector_norm over dim 1 of X_NORM for the output gradient (0.7, -1.3), recorded from PyTorch
# 2.13 as float.hex: PyTorch groups each order's formula its own way, and the rounding follows the grouping
X_NORM = [[0.3, -1.7, 2.2, 0.1], [1.1, 0.4, -0.9, 3.3]]
NORM_GRADS = {
    2: ['0x1.33656733bb2f1p-4', '-0x1.b37a5233f3d81p-2', '0x1.19c79e9a16409p-1', '0x1.99dc899a4ee98p-6', '-0x1.950a4eeab43fdp-2', '-0x1.2693221f0eba0p-3', '0x1.4b658662f0914p-2', '-0x1.2fc7bb30072fdp+0'],
    3: ['0x1.4acf4c5f7d5dbp-7', '-0x1.4bf559f8b5cd1p-2', '0x1.15f8dad75957bp-1', '0x1.260d99386f6fdp-10', '-0x1.1cb62d8fd7993p-3', '-0x1.2d2ebbd584dd5p-6', '0x1.7d2f25ba3c281p-4', '-0x1.404cf341d28c4p+0'],
    1.5: ['0x1.b8339245d0dccp-3', '-0x1.05f8e637f306cp-1', '0x1.2a048df25ba32p-1', '0x1.fc4d04a4df61cp-4', '-0x1.59689be1a590ap-1', '-0x1.a0941745aff51p-2', '0x1.386f117443f7cp-1', '-0x1.2b21f527b8e14p+0'],
    0.5: ['0x1.2aa12d40fa5eap+2', '-0x1.f5cc4fc5b0462p+0', '0x1.b91aeaf760ad5p+0', '0x1.029eeddef9e65p+3', '-0x1.60bc3faba31a0p+2', '-0x1.247902c7fb2c6p+3', '0x1.85f6ae5ff9909p+2', '-0x1.974dbeed08e5dp+1'],
}


@pytest.mark.parametrize('p', list(NORM_GRADS))
def test_norm_gradient_rounds_as_pytorch(p):
    x = torch.tensor(X_NORM, dtype=torch.float64, requires_grad=True)
    torch.linalg.vector_norm(x, p, 1).backward(torch.tensor([0.7, -1.3], dtype=torch.float64))
    assert [v.hex() for row in x.grad.tolist() for v in row] == NORM_GRADS[p]


def test_norm_over_one_element_is_its_absolute_value():
    # PyTorch's norm of a single element is |x| exactly for every order ((2.9 ** 3) ** (1 / 3) is not)
    x = torch.tensor([[0.7], [-2.9]], dtype=torch.float64)
    for p in (3, 0.5, -1, 1.7):
        assert torch.linalg.vector_norm(x, p, 1).tolist() == [0.7, 2.9]
