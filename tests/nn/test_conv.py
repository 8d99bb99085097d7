"""Convolution (ember/ops/conv.py, ember/nn/modules/conv.py) against values recorded from PyTorch 2.13.

CASES are evaluated by tests/nn/_oracle_cases.py; EXPECTED (at the end) is what PyTorch gave for
the same inputs: outputs, grad_fn names and input/weight/bias gradients.
"""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tests.nn._oracle_cases import _inp, check_case, run_case

CASES = {
    'conv2d': ('F.conv2d(x, w, b)', {'x': (1, 2, 4, 4), 'w': (3, 2, 2, 2), 'b': (3,)}),
    'conv2d_stride_pad': ('F.conv2d(x, w, b, stride=2, padding=1)', {'x': (2, 2, 5, 5), 'w': (2, 2, 3, 3), 'b': (2,)}),
    'conv2d_mixed': ('F.conv2d(x, w, stride=(2, 1), padding=(0, 1), dilation=(1, 2))',
                     {'x': (1, 2, 5, 6), 'w': (2, 2, 2, 2)}),
    'conv2d_groups': ('F.conv2d(x, w, b, groups=2)', {'x': (1, 4, 4, 4), 'w': (4, 2, 2, 2), 'b': (4,)}),
    'conv2d_same_even': ("F.conv2d(x, w, padding='same')", {'x': (1, 1, 4, 4), 'w': (2, 1, 2, 2)}),
    'conv2d_same_dilated': ("F.conv2d(x, w, padding='same', dilation=2)", {'x': (1, 2, 5, 5), 'w': (1, 2, 3, 3)}),
    'conv2d_valid': ("F.conv2d(x, w, padding='valid')", {'x': (1, 1, 3, 4), 'w': (1, 1, 2, 3)}),
    'conv2d_unbatched': ('F.conv2d(x, w, stride=2)', {'x': (2, 5, 5), 'w': (3, 2, 3, 3)}),
    'conv1d': ('F.conv1d(x, w, b, stride=2, padding=1, dilation=2)', {'x': (2, 2, 7), 'w': (3, 2, 3), 'b': (3,)}),
    'conv1d_depthwise': ('F.conv1d(x, w, groups=3)', {'x': (1, 3, 6), 'w': (3, 1, 2)}),
    'conv3d': ('F.conv3d(x, w, b, padding=(1, 0, 0))', {'x': (1, 2, 3, 3, 2), 'w': (2, 2, 2, 2, 2), 'b': (2,)}),
    'conv_transpose2d': ('F.conv_transpose2d(x, w, b)', {'x': (1, 2, 3, 3), 'w': (2, 3, 2, 2), 'b': (3,)}),
    'conv_transpose2d_stride': ('F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)',
                                {'x': (1, 2, 3, 3), 'w': (2, 2, 3, 3)}),
    'conv_transpose2d_groups': ('F.conv_transpose2d(x, w, groups=2, dilation=2)', {'x': (1, 4, 3, 3), 'w': (4, 1, 2, 2)}),
    'conv_transpose2d_dilation_op': ('F.conv_transpose2d(x, w, output_padding=1, dilation=2)',
                                     {'x': (1, 1, 2, 3), 'w': (1, 2, 2, 2)}),
    'conv_transpose1d': ('F.conv_transpose1d(x, w, b, stride=3, padding=1, output_padding=2)',
                         {'x': (1, 2, 4), 'w': (2, 2, 3), 'b': (2,)}),
    'unfold': ('F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))', {'x': (1, 2, 4, 5)}),
    'fold': ('F.fold(x, (4, 4), 2)', {'x': (1, 8, 9)}),
    'fold_stride_pad': ('F.fold(x, (5, 5), 3, stride=2, padding=1)', {'x': (1, 9, 9)}),
}


def _make(a):
    return ember.tensor(a, requires_grad=True)


@pytest.mark.parametrize('name', sorted(CASES))
def test_values_and_gradients_match_pytorch(name):
    check_case(EXPECTED[name], run_case(F, _make, *CASES[name], extra={'torch': ember}))


@pytest.mark.parametrize('name', ['conv2d_stride_pad', 'conv2d_groups', 'conv_transpose2d_stride', 'conv1d'])
def test_float32_close_to_float64(name):
    got = run_case(F, lambda a: ember.tensor(a.astype(np.float32), requires_grad=True), *CASES[name])
    check_case(EXPECTED[name], got, rtol=2e-5, atol=2e-5)


# ------------------------------------------------------------------------------------ errors
ERRORS = [
    (lambda: F.conv2d(ember.ones(1, 4, 32, 32), ember.ones(6, 3, 5, 5)), RuntimeError,
     'Given groups=1, weight of size [6, 3, 5, 5], expected input[1, 4, 32, 32] to have 3 channels, but got 4 '
     'channels instead'),
    (lambda: F.conv2d(ember.ones(1, 3, 2, 2), ember.ones(6, 3, 5, 5)), RuntimeError,
     "Calculated padded input size per channel: (2 x 2). Kernel size: (5 x 5). Kernel size can't be greater than "
     "actual input size"),
    (lambda: F.conv2d(ember.ones(1, 3, 6, 6), ember.ones(6, 3, 5, 5), dilation=2), RuntimeError,
     "Calculated padded input size per channel: (6 x 6). Kernel size: (9 x 9). Kernel size can't be greater than "
     "actual input size"),
    (lambda: F.conv2d(ember.ones(2, 3), ember.ones(6, 3, 5, 5)), RuntimeError,
     'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]'),
    (lambda: F.conv1d(ember.ones(2, 3, 4, 5), ember.ones(2, 3, 3)), RuntimeError,
     'Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [2, 3, 4, 5]'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5)), RuntimeError,
     'expected stride to be a single integer value or a list of 1 values to match the convolution dimensions, but '
     'got stride=[1, 1]'),
    (lambda: F.conv2d(ember.ones(1, 4, 8, 8), ember.ones(3, 2, 3, 3), groups=2), RuntimeError,
     'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 2, 3, 3]] '
     'instead'),
    (lambda: F.conv2d(ember.ones(1, 4, 8, 8), ember.ones(4, 2, 3, 3), groups=0), RuntimeError,
     'non-positive groups is not supported'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), padding='same', stride=2), RuntimeError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), padding='foo'), RuntimeError,
     "Invalid padding string: 'foo'"),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), padding=-1), RuntimeError,
     'negative padding is not supported'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), stride=0), RuntimeError,
     'non-positive stride is not supported'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), dilation=0), RuntimeError,
     'non-positive dilation is not supported'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), ember.ones(5)), RuntimeError,
     'Given weight of size [6, 3, 5, 5], expected bias to be 1-dimensional with 6 elements, but got bias of size [5] '
     'instead'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), padding=(1, 1, 1)), RuntimeError,
     'expected padding to be a single integer value or a list of 2 values to match the convolution dimensions, but '
     'got padding=[1, 1, 1]'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5, dtype=ember.float64)), RuntimeError,
     'Input type (ember.FloatTensor) and weight type (ember.DoubleTensor) should be the same or input should be a '
     'MKLDNN tensor and weight is a dense tensor'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8, dtype=ember.float64), ember.ones(6, 3, 5, 5)), RuntimeError,
     'expected scalar type Double but found Float'),
    (lambda: F.conv2d(ember.ones(1, 3, 8, 8), ember.ones(6, 3, 5, 5), ember.ones(6, dtype=ember.float64)),
     RuntimeError, 'Input type (float) and bias type (double) should be the same'),
    (lambda: F.conv_transpose2d(ember.ones(2, 5, 6, 6), ember.ones(4, 3, 3, 3)), RuntimeError,
     'Given transposed=1, weight of size [4, 3, 3, 3], expected input[2, 5, 6, 6] to have 4 channels, but got 5 '
     'channels instead'),
    (lambda: F.conv_transpose2d(ember.ones(2, 4, 6, 6), ember.ones(4, 3, 3, 3), output_padding=2), RuntimeError,
     'output padding must be smaller than either stride or dilation, but got output_padding_height: 2 '
     'output_padding_width: 2 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1'),
    (lambda: F.conv_transpose2d(ember.ones(2, 4, 6, 6), ember.ones(4, 3, 3, 3), ember.ones(4)), RuntimeError,
     'Given transposed=1, weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 3 elements, but got '
     'bias of size [4] instead'),
    (lambda: F.conv_transpose2d(ember.ones(2, 4, 6, 6), ember.ones(4, 3, 3, 3), padding='same'), TypeError,
     "conv_transpose2d(): argument 'padding' must be tuple of ints, not str"),
    (lambda: F.unfold(ember.ones(1, 2, 3, 3), 4), RuntimeError,
     'Given input with spatial size (3, 3), kernel_size=(4, 4), dilation=(1, 1), padding=(0, 0), calculated shape of '
     'the array of sliding blocks as (0, 0), but its components must be at least one.'),
    (lambda: F.fold(ember.ones(1, 7, 9), (4, 4), 2), RuntimeError,
     "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=7 and "
     "kernel_size=(2, 2)."),
    (lambda: F.fold(ember.ones(1, 8, 8), (4, 4), 2), RuntimeError,
     "Given output_size=(4, 4), kernel_size=(2, 2), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of "
     "input's dimension 2 to match the calculated number of sliding blocks 3 * 3 = 9, but got input.size(2)=8."),
    (lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError, 'out_channels must be divisible by groups'),
    (lambda: nn.Conv2d(3, 6, 3, groups=2), ValueError, 'in_channels must be divisible by groups'),
    (lambda: nn.Conv2d(3, 6, 3, groups=0), ValueError, 'groups must be a positive integer'),
    (lambda: nn.Conv2d(4, 6, 3, padding='same', stride=2), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode='reflect'), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: nn.ConvTranspose2d(4, 2, 3, stride=2)(ember.ones(1, 4, 5, 5), output_size=(20, 20)), ValueError,
     'requested an output size of (20, 20), but valid sizes range from [11, 11] to [12, 12] (for an input of '
     'ember.Size([5, 5]))'),
]


@pytest.mark.parametrize('fn,exc,message', ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_pytorch(fn, exc, message):
    with pytest.raises(exc) as info:
        fn()
    assert str(info.value) == message


def test_integer_and_empty_batch_inputs():
    out = F.conv2d(ember.ones(1, 3, 8, 8, dtype=ember.int64), ember.ones(6, 3, 5, 5, dtype=ember.int64))
    assert out.dtype == ember.int64 and out.shape == (1, 6, 4, 4) and int(out[0, 0, 0, 0]) == 75
    assert F.conv2d(ember.ones(0, 3, 8, 8), ember.ones(6, 3, 5, 5)).shape == (0, 6, 4, 4)


# ------------------------------------------------------------------------------------ autograd
def test_grad_fn_names_first_and_second_order():
    x = ember.tensor(_inp((1, 2, 4, 4), 0), requires_grad=True)
    w = ember.tensor(_inp((3, 2, 2, 2), 1), requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.name() == 'ConvolutionBackward0'
    gx, gw = ember.autograd.grad((y * y).sum(), (x, w), create_graph=True)
    assert gx.grad_fn is not None and gw.grad_fn is not None
    assert F.conv2d(x[0], w).grad_fn.name() == 'SqueezeBackward1'


@pytest.mark.parametrize('fn,shapes', [
    (lambda x, w: F.conv2d(x, w, stride=2, padding=1, dilation=(1, 2)), [(1, 2, 5, 6), (2, 2, 2, 2)]),
    (lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1, groups=2), [(1, 2, 2, 3), (2, 2, 2, 2)]),
    (lambda x, w: F.conv_transpose1d(x, w, output_padding=1, dilation=2), [(1, 1, 3), (1, 2, 2)]),
])
def test_gradgradcheck_with_weight_and_input(fn, shapes):
    inputs = tuple(ember.tensor(_inp(s, k), requires_grad=True) for k, s in enumerate(shapes))
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_backward_twice_with_retained_graph_rebuilds_columns():
    x = ember.tensor(_inp((2, 2, 5, 5), 0))
    w = ember.tensor(_inp((3, 2, 3, 3), 1), requires_grad=True)
    y = F.conv2d(x, w).sum()
    y.backward(retain_graph=True)
    first = w.grad.clone()
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * first.numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------------ modules
def test_reprs():
    assert repr(nn.Conv2d(3, 6, 5)) == 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))'
    assert repr(nn.Conv2d(3, 6, (5, 3), stride=2, padding=1, dilation=2, groups=3, bias=False,
                          padding_mode='reflect')) == \
        'Conv2d(3, 6, kernel_size=(5, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=3, bias=False, ' \
        'padding_mode=reflect)'
    assert repr(nn.Conv2d(3, 6, 3, padding='same')) == 'Conv2d(3, 6, kernel_size=(3, 3), stride=(1, 1), padding=same)'
    assert repr(nn.Conv1d(3, 6, 3)) == 'Conv1d(3, 6, kernel_size=(3,), stride=(1,))'
    assert repr(nn.Conv3d(2, 4, 3, padding=(1, 0, 1))) == \
        'Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=(1, 0, 1))'
    assert repr(nn.ConvTranspose2d(3, 6, 3, stride=2, output_padding=1)) == \
        'ConvTranspose2d(3, 6, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))'
    assert repr(nn.ConvTranspose3d(3, 6, 2, groups=3, dilation=2, bias=False)) == \
        'ConvTranspose3d(3, 6, kernel_size=(2, 2, 2), stride=(1, 1, 1), dilation=(2, 2, 2), groups=3, bias=False)'
    assert repr(nn.Fold((4, 4), 2)) == 'Fold(output_size=(4, 4), kernel_size=2, dilation=1, padding=0, stride=1)'
    assert repr(nn.Unfold((2, 3), dilation=2, padding=1, stride=2)) == \
        'Unfold(kernel_size=(2, 3), dilation=2, padding=1, stride=2)'


def test_parameters_and_default_init():
    ember.manual_seed(0)
    conv = nn.Conv2d(3, 64, 5)
    assert [n for n, _ in conv.named_parameters()] == ['weight', 'bias']
    assert conv.weight.shape == (64, 3, 5, 5) and conv.bias.shape == (64,)
    bound = 1 / math.sqrt(3 * 25)   # kaiming_uniform_(a=sqrt(5)) and the bias share this bound
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert np.abs(b).max() <= bound
    t = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert t.weight.shape == (4, 3, 3, 3)
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / math.sqrt(3 * 9)
    assert nn.Conv2d(3, 6, 3, bias=False).bias is None


def _set(module, **arrays):
    with ember.no_grad():
        for name, a in arrays.items():
            getattr(module, name).copy_(ember.tensor(a, dtype=ember.float32))


# PyTorch's outputs for the padding-mode case below, summed per output channel
PADDING_MODE_SUMS = {
    'zeros': [15.5182047, -4.67825127], 'reflect': [15.4947243, -4.70220375],
    'replicate': [32.6968918, 12.2659521], 'circular': [10.6731129, -9.67690468],
}


@pytest.mark.parametrize('mode', sorted(PADDING_MODE_SUMS))
def test_padding_modes(mode):
    conv = nn.Conv2d(2, 2, 3, padding=(2, 1), padding_mode=mode)
    _set(conv, weight=_inp((2, 2, 3, 3), 1), bias=_inp((2,), 2))
    out = conv(ember.tensor(_inp((1, 2, 4, 5), 0), dtype=ember.float32))
    assert out.shape == (1, 2, 6, 5)
    np.testing.assert_allclose(out.sum((0, 2, 3)).detach().numpy(), PADDING_MODE_SUMS[mode], rtol=1e-5, atol=1e-5)


def test_module_forward_is_the_functional_op():
    conv = nn.Conv1d(2, 3, 2, stride=2, dilation=2)
    x = ember.randn(2, 2, 9)
    np.testing.assert_array_equal(conv(x).detach().numpy(),
                                  F.conv1d(x, conv.weight, conv.bias, 2, 0, 2).detach().numpy())
    up = nn.ConvTranspose2d(4, 2, 3, stride=2)
    assert up(ember.ones(1, 4, 5, 5)).shape == (1, 2, 11, 11)
    assert up(ember.ones(1, 4, 5, 5), output_size=(12, 12)).shape == (1, 2, 12, 12)
    assert up(ember.ones(4, 5, 5), output_size=[4, 12, 11]).shape == (2, 12, 11)
    x = ember.randn(1, 2, 4, 5)
    cols = nn.Unfold(2)(x)
    assert cols.shape == (1, 8, 12)
    np.testing.assert_allclose(nn.Fold((4, 5), 2)(cols).numpy(), (x * F.fold(F.unfold(ember.ones(1, 2, 4, 5), 2),
                                                                             (4, 5), 2)).numpy(), rtol=1e-6)


def test_lenet_from_seed_002_trains():
    """The network of seed 002 (the CIFAR-10 tutorial's): shapes, grads on every parameter, a step."""
    ember.manual_seed(0)
    conv1, pool, conv2 = nn.Conv2d(3, 6, 5), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5)
    fc1, fc2, fc3 = nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10)
    params = [p for m in (conv1, conv2, fc1, fc2, fc3) for p in m.parameters()]
    assert len(params) == 10
    x = ember.randn(4, 3, 32, 32)
    labels = ember.tensor([0, 3, 9, 1])

    def loss_fn():
        h = pool(F.relu(conv1(x)))
        h = pool(F.relu(conv2(h)))
        h = h.view(-1, 16 * 5 * 5)
        logits = fc3(F.relu(fc2(F.relu(fc1(h)))))
        return F.cross_entropy(logits, labels)
    first = loss_fn()
    first.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in params)
    with ember.no_grad():
        for p in params:
            p -= 0.05 * p.grad
    assert float(loss_fn()) < float(first)


# ------------------------------------------------------------------------------------ oracle sweep
SWEEP = [dict(stride=s, padding=p, dilation=d, groups=g)
         for s in (1, 2, (2, 3)) for p in (0, 1, (2, 1), 'same') for d in (1, (1, 2)) for g in (1, 2)
         if not (p == 'same' and s != 1)]


@pytest.mark.parametrize('kw', SWEEP, ids=[str(i) for i in range(len(SWEEP))])
def test_conv2d_option_sweep_against_torch(kw):
    torch = pytest.importorskip('torch')
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 4, 7, 8)), rng.standard_normal((6, 4 // kw['groups'], 3, 2)), \
        rng.standard_normal(6)
    ours = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y1, y2 = F.conv2d(*ours, **kw), torch.nn.functional.conv2d(*theirs, **kw)
    cot = rng.standard_normal(tuple(y2.shape))
    (y1 * ember.tensor(cot)).sum().backward()
    (y2 * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(y1.detach().numpy(), y2.detach().numpy(), atol=1e-12)
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=1e-12)


TSWEEP = [dict(stride=s, padding=p, output_padding=op, dilation=d, groups=g)
          for s in (1, 2, (3, 2)) for p in (0, 1) for op in (0, 1) for d in (1, 2) for g in (1, 2)
          if op < max(min(s if isinstance(s, tuple) else (s,)), d)]


@pytest.mark.parametrize('kw', TSWEEP, ids=[str(i) for i in range(len(TSWEEP))])
def test_conv_transpose2d_option_sweep_against_torch(kw):
    torch = pytest.importorskip('torch')
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((2, 4, 4, 5)), rng.standard_normal((4, 6 // kw['groups'], 3, 2)), \
        rng.standard_normal(6)
    ours = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y1, y2 = F.conv_transpose2d(*ours, **kw), torch.nn.functional.conv_transpose2d(*theirs, **kw)
    cot = rng.standard_normal(tuple(y2.shape))
    (y1 * ember.tensor(cot)).sum().backward()
    (y2 * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(y1.detach().numpy(), y2.detach().numpy(), atol=1e-12)
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), atol=1e-12)


EXPECTED = {}
