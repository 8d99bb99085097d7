"""Pooling (ember/ops/pooling.py, ember/nn/modules/pooling.py) against values recorded from PyTorch 2.13.

CASES are evaluated by tests/nn/_oracle_cases.py; EXPECTED (at the end) is what PyTorch gave for
the same inputs: outputs, indices, grad_fn names and input gradients.
"""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tests.nn._oracle_cases import _inp, check_case, run_case

CASES = {
    'max_pool2d': ('F.max_pool2d(x, 2, return_indices=True)', {'x': (1, 2, 4, 5)}),
    'max_pool2d_pad_ceil': ('F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)', {'x': (2, 1, 6, 5)}),
    'max_pool2d_mixed': ('F.max_pool2d(x, (3, 2), (2, 1), (1, 0), (1, 2), ceil_mode=True, return_indices=True)',
                         {'x': (1, 2, 5, 6)}),
    'max_pool2d_overlap': ('F.max_pool2d(x, 3, 1)', {'x': (1, 1, 5, 5)}),
    'max_pool2d_unbatched': ('F.max_pool2d(x, 2, 1, return_indices=True)', {'x': (2, 3, 3)}),
    'max_pool1d': ('F.max_pool1d(x, 3, 2, 1, 2, ceil_mode=True, return_indices=True)', {'x': (2, 2, 9)}),
    'max_pool3d': ('F.max_pool3d(x, 2, 1, 1, return_indices=True)', {'x': (1, 1, 3, 3, 2)}),
    'avg_pool2d': ('F.avg_pool2d(x, 2)', {'x': (1, 2, 4, 5)}),
    'avg_pool2d_exclude_pad': ('F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)',
                               {'x': (1, 2, 6, 5)}),
    'avg_pool2d_include_pad': ('F.avg_pool2d(x, 3, 2, 1, ceil_mode=True)', {'x': (1, 1, 6, 5)}),
    'avg_pool2d_divisor': ('F.avg_pool2d(x, (3, 2), (2, 1), (1, 0), divisor_override=4)', {'x': (1, 1, 5, 6)}),
    'avg_pool1d': ('F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)', {'x': (2, 2, 8)}),
    'avg_pool3d': ('F.avg_pool3d(x, 2, 1, 1)', {'x': (1, 1, 3, 2, 3)}),
    'adaptive_avg_pool2d': ('F.adaptive_avg_pool2d(x, (3, 4))', {'x': (1, 2, 5, 7)}),
    'adaptive_avg_pool2d_none': ('F.adaptive_avg_pool2d(x, (None, 2))', {'x': (1, 1, 3, 5)}),
    'adaptive_avg_pool2d_global': ('F.adaptive_avg_pool2d(x, 1)', {'x': (2, 2, 3, 3)}),
    'adaptive_avg_pool2d_upsample': ('F.adaptive_avg_pool2d(x, 4)', {'x': (1, 1, 3, 3)}),
    'adaptive_avg_pool1d': ('F.adaptive_avg_pool1d(x, 3)', {'x': (2, 2, 7)}),
    'adaptive_max_pool2d': ('F.adaptive_max_pool2d(x, (3, 4), return_indices=True)', {'x': (1, 2, 5, 7)}),
    'adaptive_max_pool1d': ('F.adaptive_max_pool1d(x, 4, return_indices=True)', {'x': (2, 1, 7)}),
    'lp_pool2d': ('F.lp_pool2d(x, 2, 2)', {'x': (1, 2, 4, 4)}),
    'lp_pool1d': ('F.lp_pool1d(x.abs() + 0.1, 3, 2, ceil_mode=True)', {'x': (1, 2, 5)}),
    'max_unpool2d': ('F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2, output_size=(5, 5))',
                     {'x': (1, 2, 5, 5)}),
}


def _make(a):
    return ember.tensor(a, requires_grad=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_values_and_gradients_match_pytorch(name):
    check_case(EXPECTED[name], run_case(F, _make, *CASES[name]))


def test_ties_and_nan_pick_pytorchs_index():
    x = ember.tensor([[[[1., 1., 3., 2.], [0., 1., 3., 3.]]]])
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    assert out.tolist() == [[[[1., 3.]]]] and idx.tolist() == [[[[0, 2]]]]   # first maximum wins
    nan = float('nan')
    x = ember.tensor([[[[1., nan, 3, 2], [nan, 0, 5, 5]]]])
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    assert np.isnan(out[0, 0, 0, 0].item()) and out[0, 0, 0, 1].item() == 5.0
    assert idx.tolist() == [[[[4, 6]]]]                                       # the last NaN, as PyTorch
    assert F.max_pool2d(ember.ones(1, 1, 4, 4, dtype=ember.int64) * 3, 2).tolist() == [[[[3, 3], [3, 3]]]]
    inf = float('inf')
    x = ember.tensor([[[[-inf, -inf, 1.], [-inf, -inf, 2.], [0., 3., -inf]]]], requires_grad=True)
    out, idx = F.max_pool2d(x, 2, 2, 1, return_indices=True)
    assert idx.tolist() == [[[[0, 2], [6, 7]]]]                               # never a padded position
    out.sum().backward()
    assert x.grad.tolist() == [[[[1., 0., 1.], [0., 0., 0.], [1., 1., 0.]]]]


def test_overlapping_windows_accumulate_gradient():
    x = ember.tensor([[[[0., 1., 0.], [1., 9., 1.], [0., 1., 0.]]]], requires_grad=True)
    F.max_pool2d(x, 2, 1).sum().backward()
    assert x.grad.tolist() == [[[[0., 0., 0.], [0., 4., 0.], [0., 0., 0.]]]]


# ------------------------------------------------------------------------------------ errors
ERRORS = [
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 2, padding=2), RuntimeError,
     'pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1'),
    (lambda: F.max_pool2d(ember.ones(5, 5), 2), RuntimeError,
     'non-empty 3D or 4D (batch mode) tensor expected for input'),
    (lambda: F.max_pool2d(ember.ones(1, 1, 1, 1), 2), RuntimeError,
     'Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 2, stride=0), RuntimeError, 'stride should not be zero'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 0, 1), RuntimeError,
     'kernel size should be greater than zero, but got kH: 0 kW: 0'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 2, dilation=0), RuntimeError,
     'dilation should be greater than zero, but got dilationH: 0 dilationW: 0'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), (2, 2, 2)), RuntimeError,
     'max_pool2d: kernel_size must either be a single int, or a tuple of two ints'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 2, (1, 1, 1)), RuntimeError,
     'max_pool2d: stride must either be omitted, a single int, or a tuple of two ints'),
    (lambda: F.max_pool2d(ember.ones(1, 2, 5, 5), 2, 1, -1), RuntimeError, 'pad must be non-negative, but got pad: -1'),
    (lambda: F.max_pool1d(ember.ones(1, 1, 2, 5), 2), RuntimeError,
     'max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but '
     'got:[1, 1, 2, 5]'),
    (lambda: F.max_pool1d(ember.ones(1, 1, 1), 2), RuntimeError, 'max_pool1d() Invalid computed output size: 0'),
    (lambda: F.max_pool1d(ember.ones(1, 1, 5), (2, 2)), RuntimeError,
     'max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got size 2'),
    (lambda: F.max_pool1d(ember.ones(1, 1, 5), 2, 1, 2), RuntimeError,
     'max_pool1d() padding should be at most half of kernel size, but got padding=2 and kernel_size=2'),
    (lambda: F.avg_pool2d(ember.ones(5, 5), 2), IndexError,
     'Dimension out of range (expected to be in range of [-2, 1], but got -3)'),
    (lambda: F.avg_pool2d(ember.ones(1, 1, 1, 5, 5), 2), RuntimeError,
     'Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 1, 1, 5, 5]'),
    (lambda: F.avg_pool2d(ember.ones(1, 2, 5, 5), 2, divisor_override=0), RuntimeError, 'divisor must be not zero'),
    (lambda: F.avg_pool1d(ember.ones(1, 1, 2, 5), 2), RuntimeError,
     "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for "
     "avg_pool1d)"),
    (lambda: F.avg_pool1d(ember.ones(1, 1, 1), 2), RuntimeError,
     'Given input size: (1x1x1). Calculated output size: (1x1x0). Output size is too small'),
    (lambda: F.adaptive_avg_pool2d(ember.ones(5, 5), 2), RuntimeError,
     'adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [5, 5]'),
    (lambda: F.adaptive_avg_pool2d(ember.ones(1, 1, 0, 5), 2), RuntimeError,
     'adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes '
     '[1, 1, 0, 5] with dimension 2 being empty'),
    (lambda: F.adaptive_avg_pool2d(ember.ones(1, 1, 5, 5), (2, 2, 2)), RuntimeError,
     'adaptive_avg_pool2d: output_size must be 2'),
    (lambda: F.adaptive_max_pool2d(ember.ones(5, 5), 2), RuntimeError,
     'adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: [5, 5]'),
    (lambda: F.adaptive_avg_pool1d(ember.ones(1, 1, 5), (2, 2)), RuntimeError,
     "adaptive_avg_pool1d() argument 'output_size' should contain one int (got 2)"),
    (lambda: F.adaptive_avg_pool2d(ember.ones(1, 1, 4, 4, dtype=ember.int64), 2), NotImplementedError,
     '"adaptive_avg_pool2d" not implemented for \'Long\''),
    (lambda: F.max_unpool2d(*F.max_pool2d(ember.ones(1, 1, 4, 4), 2, return_indices=True), 2, output_size=(9, 9)),
     ValueError, 'invalid output_size "(9, 9)" (dim 0 must be between 2 and 6)'),
    # an empty output size runs forward, but PyTorch's backward refuses it (1-d reports its 2-d view)
    (lambda: F.adaptive_max_pool1d(ember.ones(1, 2, 4, requires_grad=True), 0).sum().backward(), RuntimeError,
     'adaptive_max_pool2d_backward(): Expected grad_output to have non-zero size for non-batch dimensions, but '
     'grad_output has sizes [1, 2, 1, 0] with dimension 3 being empty'),
    (lambda: F.adaptive_max_pool2d(ember.ones(2, 4, 4, requires_grad=True), (0, 2)).sum().backward(), RuntimeError,
     'adaptive_max_pool2d_backward(): Expected grad_output to have non-zero size for non-batch dimensions, but '
     'grad_output has sizes [2, 0, 2] with dimension 1 being empty'),
    (lambda: F.adaptive_max_pool3d(ember.ones(1, 2, 4, 4, 4, requires_grad=True), (2, 0, 2)).sum().backward(),
     RuntimeError, 'adaptive_max_pool3d_backward(): Expected grad_output to have non-zero size for non-batch '
     'dimensions, but grad_output has sizes [1, 2, 2, 0, 2] with dimension 3 being empty'),
]


@pytest.mark.parametrize('pool,shape,size', [(F.adaptive_max_pool1d, (0, 4), 2),
                                             (F.adaptive_max_pool2d, (0, 2, 4, 4), 2),
                                             (F.adaptive_max_pool3d, (0, 4, 4, 4), (1, 1, 2)),
                                             (F.max_pool2d, (0, 1, 4, 4), 2)])
def test_max_pool_backward_of_an_empty_batch(pool, shape, size):
    # an empty batch is allowed both ways in PyTorch: its gradient is an empty tensor of the input's shape
    x = ember.ones(*shape, requires_grad=True)
    pool(x, size).sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize('fn,exc,message', ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_pytorch(fn, exc, message):
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value) == message


def test_pool_gradgradcheck():
    x = ember.tensor(_inp((1, 2, 5, 5), 3), requires_grad=True)
    for fn in (lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True), lambda t: F.avg_pool2d(t, 2, 1, 1),
               lambda t: F.adaptive_avg_pool2d(t, 3), lambda t: F.adaptive_max_pool2d(t, (2, 3))):
        assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))


def test_second_order_grad_fn_names():
    x = ember.tensor(_inp((1, 1, 4, 4), 0), requires_grad=True)
    gx, = ember.autograd.grad((F.max_pool2d(x, 2) ** 2).sum(), (x,), create_graph=True)
    assert gx.grad_fn.name() == 'MaxPool2DWithIndicesBackwardBackward0'
    gx, = ember.autograd.grad((F.avg_pool2d(x, 2) ** 2).sum(), (x,), create_graph=True)
    assert gx.grad_fn.name() == 'AvgPool2DBackwardBackward0'


# ------------------------------------------------------------------------------------ modules
def test_reprs():
    assert repr(nn.MaxPool2d(2, 2)) == 'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)'
    assert repr(nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, return_indices=True, ceil_mode=True)) == \
        'MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True)'
    assert repr(nn.MaxPool1d(3)) == 'MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=False)'
    assert repr(nn.AvgPool2d(2)) == 'AvgPool2d(kernel_size=2, stride=2, padding=0)'
    assert repr(nn.AvgPool1d(3)) == 'AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))'
    assert repr(nn.AdaptiveAvgPool2d((None, 3))) == 'AdaptiveAvgPool2d(output_size=(None, 3))'
    assert repr(nn.AdaptiveMaxPool1d(3, return_indices=True)) == 'AdaptiveMaxPool1d(output_size=3)'
    assert repr(nn.LPPool2d(2, 3)) == 'LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)'
    assert repr(nn.MaxUnpool2d(2)) == 'MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))'


def test_modules_call_the_functions():
    x = ember.tensor(_inp((2, 3, 6, 6), 0), dtype=ember.float32)
    out, idx = nn.MaxPool2d(2, return_indices=True)(x)
    assert out.shape == (2, 3, 3, 3) and idx.dtype == ember.int64
    np.testing.assert_array_equal(nn.MaxUnpool2d(2)(out, idx).numpy(), F.max_unpool2d(out, idx, 2).numpy())
    np.testing.assert_array_equal(nn.AvgPool2d(3, 2, 1)(x).numpy(), F.avg_pool2d(x, 3, 2, 1).numpy())
    assert nn.AdaptiveAvgPool2d((2, None))(x).shape == (2, 3, 2, 6)
    assert nn.AdaptiveMaxPool2d(1)(x).shape == (2, 3, 1, 1)
    assert nn.AvgPool1d(2)(x[0]).shape == (3, 6, 3)
    assert nn.LPPool1d(2, 3)(x[0].abs()).shape == (3, 6, 2)


# ------------------------------------------------------------------------------------ oracle sweep
_POOLS = [(2, None, 0, 1), (3, 2, 1, 1), (3, 2, 1, 2), ((3, 2), (2, 1), (1, 0), (1, 2)), (2, 3, 1, 1), (4, 3, 2, 1)]
SWEEP = [(k, s, p, d, c) for k, s, p, d in _POOLS for c in (False, True)]


@pytest.mark.parametrize('args', SWEEP, ids=[str(i) for i in range(len(SWEEP))])
def test_pool2d_option_sweep_against_torch(args):
    torch = pytest.importorskip('torch')
    k, s, p, d, c = args
    rng = np.random.default_rng(0)
    x = rng.permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 7.0
    cot_rng = np.random.default_rng(1)
    calls = [(lambda m, t: m.max_pool2d(t, k, s, p, d, c, True)), ]
    calls += [(lambda m, t, cip=cip, do=do: m.avg_pool2d(t, k, s, p, c, cip, do))
              for cip in (True, False) for do in (None, 3)] if d == 1 else []
    for call in calls:
        a, b = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y1, y2 = call(F, a), call(torch.nn.functional, b)
        if isinstance(y1, tuple):
            assert y1[1].tolist() == y2[1].tolist()
            y1, y2 = y1[0], y2[0]
        cot = cot_rng.standard_normal(tuple(y2.shape))
        (y1 * ember.tensor(cot)).sum().backward()
        (y2 * torch.tensor(cot)).sum().backward()
        np.testing.assert_allclose(y1.detach().numpy(), y2.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize('size', [1, 2, 3, (2, 4), (None, 3), 5, (7, 1)])
def test_adaptive_sweep_against_torch(size):
    torch = pytest.importorskip('torch')
    x = np.random.default_rng(2).permutation(2 * 3 * 5 * 6).reshape(2, 3, 5, 6) / 5.0
    for name in ('adaptive_avg_pool2d', 'adaptive_max_pool2d'):
        a, b = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y1, y2 = getattr(F, name)(a, size), getattr(torch.nn.functional, name)(b, size)
        y1.sum().backward()
        y2.sum().backward()
        np.testing.assert_allclose(y1.detach().numpy(), y2.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12)
        assert y1.grad_fn.name() == y2.grad_fn.name()


# recorded with tests/nn/_oracle_cases.py from PyTorch 2.13 (float64)
EXPECTED = {'max_pool2d': {'indices': [1, 2, 11, 12, 0, 8, 10, 18],
                'shape': [1, 2, 2, 2],
                'out': [0.644217687, 0.98544973, 0.988168234, 0.854598908, 0.990607356, 0.68196362, 0.836655639,
                        0.994644774],
                'grad_fn': 'MaxPool2DWithIndicesBackward0',
                'x': [0.0, 0.105104316, -0.560261281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.962127243,
                      -0.911489729, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.432164353, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                      0.0, 0.250414671, 0.0, 0.815219762, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.996614261, 0.0]},
 'max_pool2d_pad_ceil': {'indices': [1, 2, 3, 11, 11, 19, 20, 21, 29, 26, 28, 29, 0, 8, 8, 16, 17, 8, 26, 26, 18, 26,
                                     26, 28],
                         'shape': [2, 1, 4, 3],
                         'out': [0.644217687, 0.98544973, 0.863209367, 0.988168234, 0.988168234, 0.669569762,
                                 0.990607356, 0.845746831, 0.992766406, -0.604832822, 0.68196362, 0.992766406,
                                 0.836655639, 0.994644774, 0.994644774, 0.706169457, 0.996241929, 0.994644774,
                                 0.997557419, 0.997557419, 0.817766255, 0.997557419, 0.997557419, 0.238386872],
                         'grad_fn': 'MaxPool2DWithIndicesBackward0',
                         'x': [0.0, 0.105104316, -0.560261281, -0.962127243, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               -1.34365408, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.250414671, 0.815219762, 0.996614261,
                               0.0, 0.0, 0.0, 0.0, 0.0883686861, 0.0, -0.574109302, -0.257289214, -0.904444936, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.547049644, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                               0.82484232, 0.995090949, -0.97074891, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.81493028,
                               0.0, 0.282824855, 0.0]},
 'max_pool2d_mixed': {'indices': [2, 3, 2, 11, 20, 21, 20, 11, 20, 21, 20, 29, 8, 9, 8, 9, 8, 9, 8, 17, 26, 27, 26,
                                  27],
                      'shape': [1, 2, 3, 4],
                      'out': [0.98544973, 0.863209367, 0.98544973, 0.988168234, 0.990607356, 0.845746831, 0.990607356,
                              0.988168234, 0.990607356, 0.845746831, 0.990607356, 0.992766406, 0.994644774,
                              0.827327901, 0.994644774, 0.827327901, 0.994644774, 0.827327901, 0.994644774,
                              0.996241929, 0.997557419, 0.807973404, 0.997557419, 0.807973404],
                      'grad_fn': 'MaxPool2DWithIndicesBackward0',
                      'x': [0.0, 0.0, -0.857022927, -0.560261281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0851245323,
                            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.518231608, 0.338783357, 0.0, 0.0, 0.0, 0.0, 0.0,
                            0.0, 0.0, -0.966574715, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.428911544, 1.1052345,
                            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.587795007, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                            -1.37234782, -0.614319577, 0.0, 0.0]},
 'max_pool2d_overlap': {'shape': [1, 1, 3, 3],
                        'out': [0.988168234, 0.988168234, 0.98544973, 0.988168234, 0.988168234, 0.854598908,
                                0.990607356, 0.988168234, 0.854598908],
                        'grad_fn': 'MaxPool2DWithIndicesBackward0',
                        'x': [0.0, 0.0, -0.962127243, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.802196786,
                              0.959700172, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.815219762, 0.0, 0.0, 0.0, 0.0]},
 'max_pool2d_unbatched': {'indices': [3, 2, 3, 4, 3, 2, 3, 4],
                          'shape': [2, 2, 2],
                          'out': [0.863209367, 0.98544973, 0.863209367, 0.33498815, 0.854598908, 0.988168234,
                                  0.854598908, 0.319098362],
                          'grad_fn': 'MaxPool2DWithIndicesBackward0',
                          'x': [0.0, 0.0, -0.560261281, -0.857022927, -0.911489729, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                0.250414671, 0.383055409, 0.996614261, 0.0, 0.0, 0.0, 0.0]},
 'max_pool1d': {'indices': [3, 3, 3, 5, 3, 3, 3, 5, 3, 3, 3, 5, 3, 3, 3, 5],
                'shape': [2, 2, 4],
                'out': [0.863209367, 0.863209367, 0.863209367, -0.350783228, 0.854598908, 0.854598908, 0.854598908,
                        -0.366479129, 0.845746831, 0.845746831, 0.845746831, -0.382071417, 0.836655639, 0.836655639,
                        0.836655639, -0.397555683],
                'grad_fn': 'SqueezeBackward1',
                'x': [0.0, 0.0, 0.0, -1.41728421, 0.0, -0.911489729, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.63347008, 0.0,
                      0.996614261, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.223544884, 0.0, -0.966574715, 0.0, 0.0, 0.0, 0.0,
                      0.0, 0.0, -1.05472805, 0.0, 0.82484232, 0.0, 0.0, 0.0]},
 'max_pool3d': {'indices': [0, 1, 1, 2, 2, 3, 2, 2, 3, 4, 4, 5, 0, 1, 1, 2, 2, 3, 2, 11, 11, 10, 11, 11, 12, 12, 13,
                            12, 12, 13, 10, 11, 11, 10, 11, 11, 12, 12, 13, 12, 12, 13, 14, 14, 17, 16, 17, 17],
                'shape': [1, 1, 4, 4, 3],
                'out': [0.0, 0.644217687, 0.644217687, 0.98544973, 0.98544973, 0.863209367, 0.98544973, 0.98544973,
                        0.863209367, 0.33498815, 0.33498815, -0.350783228, 0.0, 0.644217687, 0.644217687, 0.98544973,
                        0.98544973, 0.863209367, 0.98544973, 0.988168234, 0.988168234, 0.656986599, 0.988168234,
                        0.988168234, 0.854598908, 0.854598908, 0.319098362, 0.854598908, 0.854598908, 0.319098362,
                        0.656986599, 0.988168234, 0.988168234, 0.656986599, 0.988168234, 0.988168234, 0.854598908,
                        0.854598908, 0.319098362, 0.854598908, 0.854598908, 0.319098362, -0.366479129, -0.366479129,
                        -0.618137112, -0.979177729, -0.618137112, -0.618137112],
                'grad_fn': 'MaxPool3DWithIndicesBackward0',
                'x': [-0.799340621, -1.67267164, 2.35972128, 1.65703293, -0.485740616, -0.966574715, 0.0, 0.0, 0.0,
                      0.0, -0.94334955, -0.100509332, -0.547966475, -0.952823404, 1.8411353, 0.0, 0.0212237394,
                      -0.949154798]},
 'avg_pool2d': {'shape': [1, 2, 2, 2],
                'out': [-0.144535328, 0.0587349615, -0.0534296641, 0.147295801, 0.0639738397, 0.163358312,
                        0.149889708, 0.0990165978],
                'grad_fn': 'AvgPool2DBackward0',
                'x': [0.0262760789, 0.0262760789, -0.14006532, -0.14006532, 0.0, 0.0262760789, 0.0262760789,
                      -0.14006532, -0.14006532, 0.0, -0.240531811, -0.240531811, -0.227872432, -0.227872432, 0.0,
                      -0.240531811, -0.240531811, -0.227872432, -0.227872432, 0.0, -0.108041088, -0.108041088,
                      0.0626036678, 0.0626036678, 0.0, -0.108041088, -0.108041088, 0.0626036678, 0.0626036678, 0.0,
                      0.203804941, 0.203804941, 0.249153565, 0.249153565, 0.0, 0.203804941, 0.203804941, 0.249153565,
                      0.249153565, 0.0]},
 'avg_pool2d_exclude_pad': {'shape': [1, 2, 4, 3],
                            'out': [-0.144535328, 0.00126362683, 0.145936195, -0.239346276, -0.209680146,
                                    0.00689321752, -0.267163022, -0.0743716153, 0.184714064, -0.790229414,
                                    0.0425178285, 0.837365013, 0.149889708, 0.125054519, -0.0112532848, 0.0206621158,
                                    0.221446318, 0.224835014, 0.194637764, 0.236355468, 0.067387767, 0.857766006,
                                    0.681305898, -0.10246493],
                            'grad_fn': 'AvgPool2DBackward0',
                            'x': [0.0262760789, -0.0671008012, -0.0933768802, -0.333908691, -0.240531811,
                                  -0.125638876, -0.267034018, -0.141395142, -0.340191174, -0.198796032, -0.151914955,
                                  -0.199933216, -0.0480182614, -0.00628248293, 0.0417357785, -0.0160449944,
                                  0.0466716621, 0.0627166565, 0.222666685, 0.159950029, 0.13586996, 0.246604878,
                                  0.110734918, 0.228949168, 0.11821425, 0.180054303, 0.0994194539, -0.0806348495,
                                  -0.445707957, -0.365073107, -0.226111234, -0.295601329, -0.0694900953,
                                  -0.00282573055, 0.0666643647, -0.0886375141, -0.0475619484, 0.0410755657,
                                  0.223962057, 0.182886491, 0.13747372, 0.248039381, 0.110565661, 0.226787787,
                                  0.116222126, 0.149408399, 0.194663503, 0.0452551047, -0.000314254308, -0.045569359,
                                  0.0119346787, -0.0533758776, -0.0653105564, -0.227102041, -0.161791485,
                                  -0.436637537, -0.635814397, -0.19917686, -0.219555917, -0.0203790574]},
 'avg_pool2d_include_pad': {'shape': [1, 1, 4, 3],
                            'out': [-0.0642379237, 0.000842417885, 0.064860531, -0.159564184, -0.209680146,
                                    0.00459547835, -0.178108681, -0.0743716153, 0.123142709, -0.263409805,
                                    0.0212589142, 0.279121671],
                            'grad_fn': 'AvgPool2DBackward0',
                            'x': [0.0116782573, -0.0505729961, -0.0622512534, -0.16915428, -0.106903027,
                                  -0.0895983792, -0.199867894, -0.110269515, -0.18934869, -0.0790791747, -0.101276637,
                                  -0.149294898, -0.0480182614, -0.0201944091, 0.0278238523, -0.010696663,
                                  0.0520199935, 0.0627166565, 0.169350009, 0.106633352, 0.0905799736, 0.201314892,
                                  0.110734918, 0.189544418, 0.0788095001, 0.105308088, 0.120358122, 0.0150500342,
                                  -0.0672362516, -0.0822862858]},
 'avg_pool2d_divisor': {'shape': [1, 1, 3, 5],
                        'out': [-0.302452674, 0.00398704168, 0.30855159, 0.467999504, 0.407339939, 0.0057154237,
                                -0.000230724877, -0.00606835994, -0.00905195051, -0.00777826731, -0.290000057,
                                0.0199295725, 0.320486013, 0.470312874, 0.398944241],
                        'grad_fn': 'AvgPool2DBackward0',
                        'x': [0.0262760789, -0.113789241, -0.380597131, -0.468404243, -0.33591352, -0.108041088,
                              0.0888797467, 0.152619367, 0.0723613749, -0.0419293025, -0.136499974, -0.0859489167,
                              0.0626036678, 0.266408608, 0.452958506, 0.42647494, 0.199413547, 0.0220921715,
                              -0.0809236578, -0.118762396, -0.0147964069, 0.0961285635, 0.161842768, 0.0887565362,
                              -0.143527326, -0.385171004, -0.467754913, -0.330346377, -0.0375707782, 0.0666643647]},
 'avg_pool1d': {'shape': [2, 2, 5],
                'out': [0.322108844, 0.830958928, 0.28247143, -0.734937204, -0.982452613, -0.307226369, 0.553989578,
                        0.720621835, -0.309025509, -0.87969576, -0.798657421, 0.0283518991, 0.835307983, 0.255597924,
                        -0.382071417, -0.93159652, -0.510012047, 0.575050905, 0.705491565, 0.287052651],
                'grad_fn': 'SqueezeBackward1',
                'x': [0.0525521579, -0.134201602, -0.18675376, -0.507462841, -0.320709081, -0.624538991, -0.30382991,
                      -0.735994263, 0.125207336, 0.396947256, 0.271739921, 0.603944675, 0.332204754, 0.568633254,
                      0.2364285, 0.324797186, -0.287054651, -0.609246223, -0.322191572, -0.623673217, -0.301481645,
                      -0.440461836, -0.138980191, 0.127677268, 0.41242116, 0.744118143, 0.331696983, 0.564141235,
                      0.232444252, 0.25631361, 0.0238693574, -0.56392565]},
 'avg_pool3d': {'shape': [1, 1, 4, 3, 4],
                'out': [0.0, 0.0805272109, 0.203708427, 0.123181216, 0.107901171, 0.230301901, 0.201734042,
                        0.0793333128, 0.107901171, 0.14977469, -0.00197438469, -0.0438479035, -0.108946972,
                        -0.151226337, 0.00199352084, 0.0442728865, 0.00105593684, 0.0827734148, 0.20566349,
                        0.123946012, 0.110002908, 0.233999752, 0.203669969, 0.0796731258, -0.00212210804,
                        -0.0850413893, -0.207637502, -0.124718221, -0.10998234, -0.233175513, -0.201657503,
                        -0.0784643307, -0.107860232, -0.148134124, 0.0059799989, 0.0462538902, 0.106824864,
                        0.146712159, -0.00592259586, -0.0458098912, -0.00313710649, -0.0856470273, -0.205586951,
                        -0.12307703, -0.10996197, -0.232359186, -0.199664355, -0.077267139],
                'grad_fn': 'AvgPool3DBackward0',
                'x': [-0.0332335562, 0.0202379532, 0.0641912369, 0.0550543585, 0.00626141297, -0.0454763729,
                      0.077824124, 0.0541109927, 0.00494861593, -0.0761419198, -0.0699319328, -0.0308318651,
                      -0.0475928131, -0.0764364023, -0.0693307571, 0.0240249117, 0.0663683055, 0.0774976483]},
 'adaptive_avg_pool2d': {'shape': [1, 2, 3, 4],
                         'out': [-0.242375391, 0.422568441, 0.557861338, -0.0121654324, -0.285171492, -0.377888537,
                                 0.0129759529, 0.379910709, 0.705898803, 0.1916591, -0.57895271, -0.605348987,
                                 -0.598600049, 0.049096799, 0.646544051, 0.417996606, -0.0397033757, -0.351062527,
                                 -0.217626305, 0.187347324, 0.663134706, 0.521527212, -0.292809927, -0.722514671],
                         'grad_fn': 'AdaptiveAvgPool2DBackward0',
                         'x': [0.0262760789, -0.0671008012, -0.0933768802, -0.253731421, -0.160354541, -0.388226973,
                               -0.227872432, -0.0457513132, -0.111304341, -0.0655530278, -0.135327595, -0.0697745669,
                               -0.131544622, -0.0617700554, -0.0720273922, -0.0442035398, 0.0278238523, 0.118403826,
                               0.0905799736, 0.25668235, 0.166102377, 0.105293983, 0.14784595, 0.0425519667,
                               0.0374470566, -0.00510491012, -0.080646212, -0.0755413019, 0.177321375, 0.19204949,
                               0.0147281144, -0.0809567694, -0.0956848837, -0.337328562, -0.241643679, -0.226111234,
                               -0.295601329, -0.0694900953, -0.0250471855, 0.0444429098, 0.25065349, 0.20621058,
                               -0.0602627426, -0.0522714204, 0.00799132212, 0.0603906844, 0.0523993623, 0.160644108,
                               0.108244745, 0.165848492, 0.243329909, 0.0774814174, 0.0854378698, 0.00795645247,
                               -0.0900093821, -0.0979658345, -0.076838736, -0.148881391, -0.0720426547, -0.131019354,
                               -0.0589766991, -0.0862363199, -0.0272596207, -0.242687228, -0.3922113, -0.149524072,
                               -0.216457224, -0.0669331516, 0.0037730622, 0.0707062138]},
 'adaptive_avg_pool2d_none': {'shape': [1, 1, 3, 2],
                              'out': [0.543222472, 0.727882416, -0.734937204, -0.532301783, 0.833251247, 0.269072714],
                              'grad_fn': 'AdaptiveAvgPool2DBackward0',
                              'x': [0.0350347719, 0.0350347719, -0.151718988, -0.18675376, -0.18675376, -0.320709081,
                                    -0.320709081, -0.624538991, -0.30382991, -0.30382991, -0.144054784, -0.144054784,
                                    -0.0605832273, 0.083471557, 0.083471557]},
 'adaptive_avg_pool2d_global': {'shape': [2, 2, 1, 1],
                                'out': [-0.00091259073, -0.00086930301, -0.000825769515, -0.000782002553],
                                'grad_fn': 'MeanBackward1',
                                'x': [0.0116782573, 0.0116782573, 0.0116782573, 0.0116782573, 0.0116782573,
                                      0.0116782573, 0.0116782573, 0.0116782573, 0.0116782573, -0.0622512534,
                                      -0.0622512534, -0.0622512534, -0.0622512534, -0.0622512534, -0.0622512534,
                                      -0.0622512534, -0.0622512534, -0.0622512534, -0.106903027, -0.106903027,
                                      -0.106903027, -0.106903027, -0.106903027, -0.106903027, -0.106903027,
                                      -0.106903027, -0.106903027, -0.101276637, -0.101276637, -0.101276637,
                                      -0.101276637, -0.101276637, -0.101276637, -0.101276637, -0.101276637,
                                      -0.101276637]},
 'adaptive_avg_pool2d_upsample': {'shape': [1, 1, 4, 4],
                                  'out': [0.0, 0.322108844, 0.814833709, 0.98544973, 0.431604683, 0.460603801,
                                          0.403468085, 0.317333251, -0.00418320288, -0.163957717, -0.407378582,
                                          -0.491024933, -0.871575772, -0.927014193, -0.806859625, -0.631266638],
                                  'grad_fn': 'AdaptiveAvgPool2DBackward0',
                                  'x': [-0.328504834, -0.494785654, -0.690441279, 0.223256413, 0.144973454,
                                        0.0752973881, -0.7361803, -0.19657671, 0.331356366]},
 'adaptive_avg_pool1d': {'shape': [2, 2, 3],
                         'out': [0.543222472, 0.727882416, -0.295790283, -0.532301783, 0.553989578, 0.720621835,
                                 -0.741784206, -0.521230598, 0.564600055, 0.255597924, -0.748421485, -0.510012047],
                         'grad_fn': 'SqueezeBackward1',
                         'x': [0.0350347719, 0.0350347719, -0.151718988, -0.18675376, -0.507462841, -0.320709081,
                               -0.320709081, -0.30382991, -0.30382991, -0.447884694, -0.144054784, -0.0605832273,
                               0.083471557, 0.083471557, 0.271739921, 0.271739921, 0.603944675, 0.332204754,
                               0.568633254, 0.2364285, 0.2364285, 0.0294562287, 0.0294562287, -0.161913539,
                               -0.191369767, -0.513561339, -0.322191572, -0.322191572]},
 'adaptive_max_pool2d': {'indices': [1, 2, 11, 12, 21, 10, 11, 20, 29, 29, 31, 27, 1, 3, 12, 12, 21, 22, 12, 12, 21,
                                     30, 31, 33],
                         'shape': [1, 2, 3, 4],
                         'out': [0.644217687, 0.98544973, 0.988168234, 0.854598908, 0.845746831, 0.656986599,
                                 0.988168234, 0.990607356, 0.992766406, 0.992766406, 0.287052651, 0.0504226878,
                                 0.0672080725, 0.994644774, 0.996241929, 0.996241929, 0.997557419, 0.807973404,
                                 0.996241929, 0.996241929, 0.997557419, 0.998590872, 0.797952117, -0.458325454],
                         'grad_fn': 'AdaptiveMaxPool2DBackward0',
                         'x': [0.0, 0.105104316, -0.560261281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.250414671,
                               -0.146907481, -0.911489729, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.996614261,
                               -0.432164353, 0.0, 0.0, 0.0, 0.0, 0.0, -0.966574715, 0.0, 0.797654187, 0.0,
                               -0.574109302, 0.0, 0.0, 0.0, 0.0, -0.904444936, 0.0, -0.416940572, 0.0, 0.0, 0.0, 0.0,
                               0.0, 0.0, 0.0, 0.0, 0.575312844, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0243420389,
                               0.697332756, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.897144432, -0.40159891, 0.0,
                               0.282824855, 0.0]},
 'adaptive_max_pool1d': {'indices': [1, 2, 3, 5, 1, 3, 4, 5],
                         'shape': [2, 1, 4],
                         'out': [0.644217687, 0.98544973, 0.863209367, -0.350783228, -0.631266638, 0.656986599,
                                 0.988168234, 0.854598908],
                         'grad_fn': 'SqueezeBackward1',
                         'x': [0.0, 0.105104316, -0.560261281, -0.962127243, 0.0, -0.911489729, 0.0, 0.0,
                               -0.432164353, 0.0, 0.250414671, 0.815219762, 0.996614261, 0.0]},
 'lp_pool2d': {'shape': [1, 2, 2, 2],
               'out': [0.806400869, 1.85501996, 1.10947886, 1.52193279, 1.7428348, 0.829043715, 1.78613573,
                       1.07273346],
               'grad_fn': 'PowBackward0',
               'x': [0.0, 0.0839657567, -0.297629859, -0.260710287, 0.0436615356, -0.0457202274, 0.263237146,
                     0.296724656, 0.547427133, -0.0145808202, -0.393471078, -0.591816668, -0.741098297, -0.276718412,
                     0.219485357, 0.526852206, 0.24280311, 0.153277192, 0.0101559232, 0.202245176, -0.245637272,
                     -0.209716739, 0.0915576371, -0.115405601, -0.405099217, -0.445290683, -0.561914996, 0.0468447864,
                     0.311258663, 0.453113825, 0.77728809, 0.266683922]},
 'lp_pool1d': {'shape': [1, 2, 3],
               'out': [0.744819038, 1.29515296, 0.548050727, 1.00290151, 1.18389577, 0.147176292],
               'grad_fn': 'PowBackward0',
               'x': [0.0, 0.104934666, -0.393520999, -0.309877381, -1.21220437, 0.18414957, 0.855438051, 0.361276567,
                     0.164882107, 0.315502715]},
 'max_unpool2d': {'shape': [1, 2, 5, 5],
                  'out': [0.0, 0.644217687, 0.98544973, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.988168234,
                          0.854598908, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                          0.68196362, 0.0, 0.836655639, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.994644774, 0.0,
                          0.270905788, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                  'grad_fn': 'MaxUnpool2DBackward0',
                  'x': [0.0, -0.560261281, -0.962127243, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.966574715,
                        -0.904444936, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                        -0.601314526, 0.0, -0.889590281, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.978272826, 0.0,
                        -0.370579327, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}}


def test_with_indices_spellings_always_return_the_indices():
    # PyTorch's *_with_indices functions ignore return_indices and always give (values, indices)
    x = ember.tensor([[[1., 3., 2., 5., 4., 0.]]])
    values, index = F.max_pool1d_with_indices(x, 2)
    assert values.tolist() == [[[3., 5., 4.]]] and index.tolist() == [[[1, 3, 4]]]
    values, index = F.max_pool2d_with_indices(x.unsqueeze(0), (1, 2))
    assert index.tolist() == [[[[1, 3, 4]]]]
