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
    'conv_transpose2d_groups': ('F.conv_transpose2d(x, w, groups=2, dilation=2)',
                                {'x': (1, 4, 3, 3), 'w': (4, 1, 2, 2)}),
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
    # the bias is checked before the weight (the per-sample-grads tutorial's float64 sample in a float32 model)
    (lambda: F.conv2d(ember.ones(1, 1, 28, 28, dtype=ember.float64), ember.ones(32, 1, 3, 3), ember.ones(32)),
     RuntimeError, 'Input type (double) and bias type (float) should be the same'),
    (lambda: F.conv1d(ember.ones(1, 2, 8), ember.ones(3, 2, 3, dtype=ember.float64), ember.ones(3, dtype=ember.bfloat16)),
     RuntimeError, 'Input type (float) and bias type (c10::BFloat16) should be the same'),
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
    assert F.conv_transpose2d(ember.ones(0, 3, 4, 4), ember.ones(3, 2, 2, 2)).shape == (0, 2, 5, 5)
    x = ember.ones(0, 3, 8, 8, requires_grad=True)
    w = ember.ones(6, 3, 5, 5, requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad.shape == (0, 3, 8, 8) and float(w.grad.abs().sum()) == 0


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


@pytest.mark.parametrize('kw', [{}, {'stride': 2, 'padding': 1}])
def test_weight_gradient_differentiated_by_the_output_gradient_alone(kw):
    # the input is a constant, so only the output gradient is saved (the NTK tutorial's jvp of a vjp)
    x = ember.tensor(_inp((2, 3, 6, 6), 0))
    w = ember.tensor(_inp((4, 3, 3, 3), 1), requires_grad=True)
    out_shape = F.conv2d(x, w, **kw).shape
    v = ember.tensor(_inp(tuple(out_shape), 2), requires_grad=True)

    def weight_grad(v):
        with ember.enable_grad():   # gradcheck's numerical pass runs without grad
            return ember.autograd.grad(F.conv2d(x, w, **kw), w, v, create_graph=True)[0]
    assert gradcheck(weight_grad, (v,))


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
    assert loss_fn().item() < first.item()


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


# recorded with tests/nn/_oracle_cases.py from PyTorch 2.13 (float64)
EXPECTED = {'conv2d': {'shape': [1, 3, 3, 3],
            'out': [1.98191259, 1.95553418, 1.25188585, -0.700587514, -1.03113381, -0.63427341, 1.34074239, 1.990017,
                    1.94580387, -0.170487637, -0.418136226, -0.54331908, -0.276073365, -0.00933463249, 0.187604059,
                    0.0779781985, -0.177027598, -0.422964814, -2.24297814, -2.60073533, -2.09126209, 0.275744582,
                    1.0200378, 0.928655256, -1.2164047, -2.2612269, -2.59849479],
            'grad_fn': 'ConvolutionBackward0',
            'x': [0.147640902, -0.609446196, -2.83494261, -2.38518123, -1.14769319, -4.1214731, -3.50370068,
                  -0.367840284, -0.870242791, 1.60982434, 3.70060622, 2.02456461, 1.90343748, 3.16723139, 2.64245448,
                  0.719227693, -0.0816097577, 0.18279582, 1.86743164, 2.03807507, 0.413721361, 3.53985097, 4.20709006,
                  1.16228285, 1.73338611, 0.222369504, -2.55551381, -1.96759123, -2.09388967, -3.99223614, -3.5264824,
                  -1.22270506],
            'w': [-1.71292887, 0.504824862, 2.55771709, 0.615827205, -3.10635607, -3.0879512, 2.55660257, 3.29670235,
                  -1.75732272, 0.432209877, 2.57944271, 0.678451275, -3.05660597, -3.08575234, 2.4910841, 3.26963538,
                  -1.80121973, 0.359472694, 2.60043905, 0.740883527, -3.00599169, -3.08268105, 2.42486133, 3.241644],
            'b': [0.0105959051, 0.0102226449, 0.0098464945]},
 'conv2d_stride_pad': {'shape': [2, 2, 3, 3],
                       'out': [0.922401559, -2.24232725, 0.142907018, -1.15788026, -4.25407111, -1.92744093,
                               -3.05358941, -4.50192743, 0.0897281253, 0.267290748, -3.03209377, -0.674221529,
                               -1.87654089, -5.03301626, -2.66935247, -3.6897908, -5.2075197, -0.593831033,
                               1.55670881, 3.16268021, 0.73872538, 4.03931792, 4.98457345, 1.91714576, 4.89646694,
                               4.05785452, -0.893331923, 0.912339879, 2.64683889, 0.170823138, 3.41790944, 4.41790904,
                               1.25329714, 4.17974585, 3.43248623, -1.58394723],
                       'grad_fn': 'ConvolutionBackward0',
                       'x': [-0.159981575, 0.116036553, 0.939059865, 1.65215057, 1.59644678, -1.65121506,
                             -0.669324461, -0.691050029, 0.816003317, 0.594126632, 1.50299982, 2.03627389, 0.70266857,
                             0.703623995, -0.428138693, 1.59987626, 2.11724599, 1.85317908, 1.32116613, 1.23490282,
                             -1.35758564, -2.17204643, -1.64853884, -2.36259423, -1.16415847, -0.16178752,
                             0.134706193, 0.949622124, 1.68112907, 1.61440964, -1.63456899, -0.656123664,
                             -0.703827197, 0.792345278, 0.557935529, 1.51991508, 2.04654452, 0.710580709, 0.693676497,
                             -0.432950876, 1.55729246, 2.06535272, 1.82423041, 1.29117593, 1.2332043, -1.3728589,
                             -2.20108625, -1.66708993, -2.38152882, -1.17726252, -0.104493397, 0.197568056,
                             0.984364712, 1.71111191, 1.61026072, -1.62043443, -0.599638568, -0.632064797, 0.88304914,
                             0.653574784, 1.47882594, 1.99056075, 0.651876223, 0.625036577, -0.481661071, 1.63182793,
                             2.10048557, 1.8426069, 1.26265491, 1.18677906, -1.38866564, -2.20742174, -1.64255906,
                             -2.34220648, -1.12393129, -0.105674964, 0.21699432, 0.995436887, 1.7402564, 1.62837922,
                             -1.60512913, -0.588206955, -0.646213581, 0.857771103, 0.616626309, 1.49546936, 1.9998964,
                             0.659216889, 0.614161567, -0.48707558, 1.58945721, 2.0491279, 1.81474155, 1.23419292,
                             1.18652458, -1.40428879, -2.23627414, -1.66104304, -2.36037055, -1.1365828],
                       'w': [-0.588066677, -0.782650495, -0.477752982, 0.50909573, 0.255317499, 0.222398572,
                             0.259398806, 0.494738701, 0.539542895, 0.059337482, -0.285756951, -0.314566626,
                             0.624695692, 0.695863119, 0.556935044, -0.512266226, -0.492773067, -0.243080507,
                             -0.587253412, -0.784480303, -0.483496836, 0.513381876, 0.266331088, 0.231214832,
                             0.250458381, 0.484289066, 0.535466415, 0.068723699, -0.273308134, -0.306694034,
                             0.622541814, 0.693937879, 0.562043065, -0.516075421, -0.503115202, -0.251563736],
                       'b': [0.0204423996, 0.0196902051]},
 'conv2d_mixed': {'shape': [1, 2, 2, 6],
                  'out': [0.493213089, 0.266239824, 1.07984017, 1.38557481, 1.03965197, 1.20762889, 1.06187596,
                          1.02409559, 0.181688535, -0.746169481, -1.32309233, -0.712129067, -0.500386303,
                          -0.747547591, -0.272359032, 0.330924235, 0.778568664, 0.781151773, 1.20925954, 0.78536349,
                          0.856766345, 0.525218602, -0.0533476574, 0.473233077],
                  'grad_fn': 'ConvolutionBackward0',
                  'x': [-0.781019349, -1.55267926, -1.31416091, -0.457572152, 0.614219944, 0.570202171, -0.615596439,
                        -0.570219927, 0.325938005, 1.0688022, 1.30899202, 0.52053113, 0.620291824, 0.932506173,
                        -0.0965152105, -1.08014398, -1.55576416, -0.910751596, -0.104359216, -0.751459118,
                        -1.26852853, -1.18898916, -0.550249604, -0.0187978106, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                        0.571757013, 1.35884196, 1.42495842, 0.820894665, -0.169248676, -0.393255793, 0.809956251,
                        1.0321369, 0.158454217, -0.789751959, -1.36652545, -0.654212257, -0.655767099, -1.18795289,
                        -0.334701131, 0.675965802, 1.36871546, 0.904361576, -0.118558505, 0.3476332, 1.15475214,
                        1.41877311, 1.01552291, 0.326221317, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                  'w': [0.689932911, -1.92936763, 1.98362669, 1.58746232, -2.60674314, 0.440906938, 0.50933097,
                        -1.97447732, 1.67023654, 1.38283436, -1.75679587, 1.20764938, -0.0144723194, -2.56747024,
                        1.73878592, 1.23430735]},
 'conv2d_groups': {'shape': [1, 4, 3, 3],
                   'out': [1.98191259, 1.95553418, 1.25188585, -0.700587514, -1.03113381, -0.63427341, 1.34074239,
                           1.990017, 1.94580387, -0.170487637, -0.418136226, -0.54331908, -0.276073365,
                           -0.00933463249, 0.187604059, 0.0779781985, -0.177027598, -0.422964814, 1.04332914,
                           0.88833676, -0.0403903163, -2.31340107, -2.58865227, -2.0023559, 0.37638977, 1.05007781,
                           0.873961811, 1.62594988, 1.19793612, -0.263765246, -3.37555104, -3.56211399, -2.5436386,
                           0.850942754, 1.63052407, 1.1729649],
                   'grad_fn': 'ConvolutionBackward0',
                   'x': [0.152390086, -0.690827119, -2.55130666, -1.81042651, -1.2767971, -3.10966556, -1.77763811,
                         0.333324165, 0.0571161541, 2.37488857, 3.24238961, 1.3658168, 1.09255803, 1.45528652,
                         1.08766779, 0.106132121, -0.110019585, 0.436614149, 2.08333899, 1.75859324, 0.829601066,
                         3.01990536, 2.58312561, 0.280086054, 0.651375475, -1.15828347, -2.70326965, -1.48957607,
                         -1.39551948, -2.33260679, -1.96689224, -0.542551868, -0.0421037181, 0.488348886, 0.410192095,
                         -0.526474874, 0.768394072, -1.0152745, -3.08755141, -1.66705341, -2.04065125, -2.58406647,
                         -0.24510144, 0.917103028, 1.32158278, 3.13514903, 2.92945177, 1.26966591, 0.0770502023,
                         -0.766376137, -1.30982569, -0.0921034454, -1.22175195, -0.0253989898, 2.54703258, 1.82092483,
                         2.1006301, 3.45170871, 1.35846996, -0.474440551, -0.954729426, -2.67460905, -2.60288383,
                         -1.24952348],
                   'w': [-1.71292887, 0.504824862, 2.55771709, 0.615827205, -3.10635607, -3.0879512, 2.55660257,
                         3.29670235, -1.75732272, 0.432209877, 2.57944271, 0.678451275, -3.05660597, -3.08575234,
                         2.4910841, 3.26963538, 0.58075786, -1.61107119, -1.61592176, 0.575255471, 3.24178503,
                         2.42857047, -3.08094129, -3.00808468, 0.645040564, -1.53663153, -1.66334833, 0.501295805,
                         3.21642027, 2.45485085, -3.03328859, -3.00920515],
                   'b': [0.0105959051, 0.0102226449, 0.0098464945, 0.00946756024]},
 'conv2d_same_even': {'shape': [1, 2, 4, 4],
                      'out': [0.818592213, 1.58961387, 1.61301528, 0.411871971, -0.270273015, -1.29122281,
                              -1.70489035, -0.524327035, -0.309277668, 0.843624096, 1.59975626, 0.576193322,
                              1.11361109, -0.0257686902, -1.15302906, -0.84763805, -0.84894814, -1.18890831,
                              -0.969706324, -0.0131845306, 0.519311713, 1.08881932, 1.14623818, 0.106725948,
                              -0.129666056, -0.862911459, -1.19031612, -0.187934615, -1.01717322, 0.103962652,
                              1.17620327, 0.719834905],
                      'grad_fn': 'ConvolutionBackward0',
                      'x': [-0.712986023, -2.00615908, -2.18976318, -1.34348744, -0.279231208, 0.70848087, 1.85904843,
                            2.13527647, 0.50100932, 0.0173728118, -1.3806757, -2.12937086, -0.664893141, -0.741218973,
                            0.742758545, 1.87740511],
                      'w': [-7.5260284, -3.05020865, 5.45827729, 3.05850082, -0.090687619, 5.19861512, 1.94770328,
                            -2.73034151]},
 'conv2d_same_dilated': {'shape': [1, 1, 5, 5],
                         'out': [0.665792707, -0.877680939, -1.79664005, -2.1074298, -2.47027128, 0.131699404,
                                 1.54996421, 2.53430697, 2.44093538, 2.19456498, -1.35069508, -1.33517728,
                                 -2.40036356, -1.02875665, 0.558634201, 1.8610966, 0.899736969, 0.138209283,
                                 -0.807582913, -1.85930013, -1.45767178, -0.203886783, 0.930485739, 1.43234504,
                                 2.07574929],
                         'grad_fn': 'ConvolutionBackward0',
                         'x': [-1.23366283, -0.589278329, -0.0178109846, 0.511746067, 1.16799668, 0.962363184,
                               0.125504913, -0.6673135, -0.90209028, -1.30155643, 0.101326468, 1.04386303, 1.71327984,
                               0.929448616, 0.749081382, -1.57710513, -1.4007246, -1.24239033, -0.637248214,
                               0.355459805, 1.58279142, 1.03631988, 0.637388973, 0.13781252, -0.827897386,
                               -1.21891512, -0.564075327, 0.0149250818, 0.537269284, 1.1824756, 0.940971192,
                               0.0994375187, -0.697980965, -0.923246076, -1.30724761, 0.11684625, 1.04713605,
                               1.71808921, 0.920626502, 0.724897834, -1.58011886, -1.38919709, -1.21699939,
                               -0.613320467, 0.377266297, 1.57808168, 1.01908306, 0.606339682, 0.113496417,
                               -0.844370945],
                         'w': [0.993200186, -5.76435497, -4.09860253, -3.07199165, -12.0132245, -1.51836635,
                               -4.69574216, -4.72857307, 1.80159849, 2.82127965, 3.49163926, -5.38085356, 4.84936529,
                               -3.30166483, -9.15128547, 0.00033035389, -5.84241365, -4.46368303]},
 'conv2d_valid': {'shape': [1, 1, 2, 2],
                  'out': [2.07661446, 3.66724101, -0.875590317, -3.0766741],
                  'grad_fn': 'ConvolutionBackward0',
                  'x': [0.101274124, -0.444273259, -0.464524671, -0.239444399, -0.953924053, -1.69596789,
                        -0.886261308, 0.168560089, 0.245863056, 1.02020979, 1.70428829, 0.907993809],
                  'w': [-0.363496143, 0.647531195, 1.35401449, 0.823772093, -0.163572321, -1.07398612]},
 'conv2d_unbatched': {'shape': [3, 2, 2],
                      'out': [2.01499858, 4.61827118, 4.36972432, 2.66167047, 2.04429692, 4.72651828, 4.46065941,
                              2.73601139, 2.07128351, 4.8294205, 4.54655026, 2.80725835],
                      'grad_fn': 'SqueezeBackward1',
                      'x': [0.375851307, 0.33252987, -0.0770804179, -0.207675099, -0.107782497, -0.129365698,
                            -0.330703126, -0.333703809, 0.17325589, 0.222224931, -0.942155959, -0.648828724,
                            -0.739848273, -0.754196755, -0.46418192, 0.194839091, 0.595729954, 0.971680127,
                            0.738022911, 0.8737017, 0.500196677, 0.0487033305, 0.172768973, 0.0417607472,
                            -0.534584164, 0.376974305, 0.329311265, -0.0843274994, -0.206313189, -0.104498571,
                            -0.13539625, -0.333881519, -0.328873735, 0.175572843, 0.222107678, -0.940149546,
                            -0.637099024, -0.729734866, -0.751149755, -0.453698054, 0.206470522, 0.602452554,
                            0.98446311, 0.745989415, 0.871756978, 0.491412102, 0.036613677, 0.152118881, 0.0269687124,
                            -0.546269995],
                      'w': [-1.96317216, -1.65751118, -0.5722968, 1.92336621, 1.17351439, -0.128259592, -1.63912614,
                            -0.540379606, 0.812515906, -0.194555159, -1.41691956, -1.97288456, 0.872694591,
                            1.81104322, 1.89762993, -1.43992621, -1.97500751, -1.58121192, 1.63406499, 1.06134462,
                            -0.0105427054, -1.42761417, -0.546150275, 0.592176629, 1.03973269, -0.0384524664,
                            -1.09855282, 0.643985425, 1.4782274, 1.61723593, -1.13977756, -1.64926844, -1.3830826,
                            1.49071921, 1.61070952, 0.973157973, -1.11613292, -0.342534042, 0.592163945, 0.766893718,
                            -0.144324406, -0.987664507, -0.320192586, 0.612841152, 1.25764612, -1.01899975,
                            -1.36871819, -1.07470708, 1.27515317, 1.29691191, 0.708712717, -1.36925168, -1.06028548,
                            -0.252650448]},
 'conv1d': {'shape': [2, 3, 3],
            'out': [1.33228942, 0.543635249, 0.161101731, -0.0107133928, -0.553002354, 0.669276974, -1.71775889,
                    -0.397378663, -1.21331648, 0.0875449694, 0.643283122, 1.25045907, -0.534525322, 0.144975013,
                    -1.18201591, 0.0405944867, -1.18140845, -0.487441076],
            'grad_fn': 'ConvolutionBackward0',
            'x': [0.0, -1.00932976, 0.0, -3.88815999, 0.0, -2.96344268, 0.0, 0.0, -1.92869932, 0.0, 0.00112924627,
                  0.0, 1.93624105, 0.0, 0.0, -1.05676897, 0.0, -3.92590053, 0.0, -2.95453887, 0.0, 0.0, -1.88995692,
                  0.0, 0.0767160071, 0.0, 1.97449383, 0.0],
            'w': [-0.0889302527, -0.448463121, -0.151772903, 0.405446335, -0.135703118, -0.140939535, 0.139702351,
                  0.183821199, -0.355310283, 0.0742713104, 0.440096633, 0.0867711309, -0.0521261228, 0.262860289,
                  0.510526928, -0.480437498, -0.308659023, 0.0533274002],
            'b': [-2.86959954, -2.14796746, 5.03838555]},
 'conv1d_depthwise': {'shape': [1, 3, 5],
                      'out': [0.585785485, 1.51680813, 1.73445221, 1.13635631, 0.00381428779, -0.121436926,
                              -0.258565908, -0.274087303, -0.160701157, 0.0282652544, -1.01717322, 0.103962652,
                              1.17620327, 1.6952571, 1.41700504],
                      'grad_fn': 'ConvolutionBackward0',
                      'x': [0.101274124, -0.444273259, -1.43650972, -1.75313322, -1.24523076, -0.392965934,
                            0.107022192, 0.284417283, 0.217610727, 0.0484584457, -0.1434846, -0.0225818314,
                            0.469780501, 1.36283333, 1.70295411, 1.24214896, 0.197141746, -0.265634723],
                      'w': [-2.24063467, -1.46865877, -1.57831658, -0.190570416, -0.361929591, 1.21009655]},
 'conv3d': {'shape': [1, 2, 4, 2, 1],
            'out': [-3.02842631, -2.36380021, 6.96293288, 2.70042434, -3.60864515, 4.81826384, 1.73149708,
                    -3.11491914, -2.75674718, 1.48492259, 2.75364962, -3.95732342, 2.21308753, 4.85118386,
                    -2.86738145, -3.00947407],
            'grad_fn': 'ConvolutionBackward0',
            'x': [-0.693591682, -1.52368159, -1.95782013, -1.84908457, -1.00776044, -0.673127662, 0.203083252,
                  0.195261255, 0.72691801, 1.11809979, 1.15400566, 0.598148611, 0.762626642, 1.59005758, 2.20492448,
                  2.22916503, 1.40004653, 0.876458883, 0.435300672, -0.719415702, -1.17382697, -1.96672162,
                  -0.877271533, -1.00506934, 0.118372651, 0.204096825, 0.0129512119, 0.741486482, 1.1737719,
                  1.14641759, -0.395061749, 0.788795211, 1.17822953, 2.2187783, 1.27627684, 1.39477598],
            'w': [-0.348194163, -1.59441646, -2.09075979, -1.60378611, 0.400751589, 0.155814338, -0.162404831,
                  -0.40424247, -0.417313712, -1.638989, -2.08982215, -1.55777929, 0.392659791, 0.141030092,
                  -0.176928263, -0.411674492, 0.0245798528, -0.963164154, -1.49791701, -1.32817609, 0.57749139,
                  1.15917219, 1.1956762, 0.669835005, -0.0266847604, -1.00235069, -1.50659543, -1.30226479,
                  0.614611752, 1.17464895, 1.18223039, 0.633790404],
            'b': [-0.698689596, -0.97291556]},
 'conv_transpose2d': {'shape': [1, 3, 4, 4],
                      'out': [0.510932016, 0.943780516, 1.2384089, 0.593536456, 1.09828518, 0.439275129, -0.86434296,
                              -0.437226159, -0.566271167, -1.21679726, -0.0998687131, 0.797004507, 1.01791112,
                              1.90227915, 1.79062192, 1.10550954, -0.158860824, -0.718511815, -1.28241634, -0.5543476,
                              -0.904425545, -0.607816005, 0.808394691, 0.777033339, 0.835435435, 1.82528446,
                              0.947704378, -0.193658744, -0.397884718, -1.13107915, -1.10772372, -0.658397757,
                              -0.750131739, -0.128348906, 0.639669598, -0.0874632278, 0.0674905694, 0.167556352,
                              -1.19759627, -1.56561434, -1.54662485, -2.76141448, -2.22459192, -0.970629475,
                              -0.806683536, -0.309387224, -0.241741999, -0.403359543],
                      'grad_fn': 'ConvolutionBackward0',
                      'x': [-0.636104473, -1.00205542, -0.896724043, 0.331277226, 0.876398935, 1.00933653,
                            0.0118308663, -0.649469893, -1.00531481, -0.253986927, 0.433963729, 0.917814462,
                            0.56598353, -0.10422655, -0.725417255, -0.812577727, -0.237554562, 0.449194226],
                      'w': [-2.2267841, -0.281211463, 2.83751661, 1.31103285, -2.6133038, -3.11477036, 1.88199918,
                            3.05492235, 1.16575734, -0.983415604, -2.07340664, -0.0707046633, -2.26084765,
                            -0.351435822, 2.84664341, 1.36698352, -2.55308104, -3.09916381, 1.80941992, 3.01510905,
                            1.22427191, -0.906854834, -2.11200132, -0.142819919],
                      'b': [-1.67160516, -1.09459975, 1.22718701]},
 'conv_transpose2d_stride': {'shape': [1, 2, 6, 6],
                             'out': [-0.0140756185, -0.370463195, -1.07713952, -1.83023059, -1.63360787, -1.96258461,
                                     1.54876873, 0.448964869, 0.504058345, -1.02250849, -0.777718552, 0.87308374,
                                     -1.42176492, -1.88569696, -0.541243706, -0.455309233, 0.593832876, 0.713226782,
                                     -1.69372226, -2.05686873, -1.81314193, -1.13327982, -1.07981261, -0.939855424,
                                     1.44962058, 2.27443673, 1.62362907, 2.28995278, 1.03401944, 1.24244509,
                                     0.115995004, 0.323442262, 0.130135597, -0.29469142, 0.083071386, -0.739456392,
                                     -0.0142282657, -0.391427602, -1.08925592, -1.85961869, -1.65198949, -1.95884791,
                                     1.53637662, 0.441344257, 0.521074943, -0.99387562, -0.739296424, 0.910687195,
                                     -1.4377666, -1.89300615, -0.547339603, -0.442499885, 0.600509758, 0.711864638,
                                     -1.65196513, -2.00684543, -1.78768883, -1.10817984, -1.08263453, -0.930301307,
                                     1.46593, 2.30278117, 1.64190045, 2.30640737, 1.04565947, 1.24008373,
                                     0.0866017333, 0.275913654, 0.0972118757, -0.33635641, 0.062101754,
                                     -0.756281151],
                             'grad_fn': 'ConvolutionBackward0',
                             'x': [2.08962287, 2.26433476, -0.557712615, 3.84968038, 1.2113222, -3.55666479,
                                   -4.09997408, -3.89197357, 0.272209505, 2.1919274, 2.42904823, -0.572841322,
                                   3.7636992, 1.08105754, -3.615296, -4.16528125, -3.85597379, 0.406981631],
                             'w': [1.4466738, 2.28751442, 2.44411931, -2.69863584, -3.1068211, -0.972960209,
                                   0.693885265, -0.375357884, -2.71948867, 1.49971167, 2.3547994, 2.39496969,
                                   -2.64401979, -2.95340049, -0.724275586, 0.510453875, -0.628269466, -2.89117469,
                                   1.41574675, 2.26920242, 2.45485331, -2.71061645, -3.14300737, -1.03448275,
                                   0.740081275, -0.31182654, -2.674622, 1.47020484, 2.33910979, 2.40844631,
                                   -2.65908261, -2.9930359, -0.786792903, 0.557368015, -0.565270357, -2.84945737]},
 'conv_transpose2d_groups': {'shape': [1, 2, 5, 5],
                             'out': [-0.0137584299, 0.0831441297, 0.124193293, -0.0686813128, -0.0883113184,
                                     0.132453725, 0.061669688, -0.104525698, -0.0132706324, 0.0461072521,
                                     -0.131841949, -0.333616394, -0.296082717, -0.137132155, -0.292172033,
                                     -0.234035676, -0.081969567, -0.182945475, -0.112116933, 0.120090065, 0.248166884,
                                     0.270968894, 0.462146828, 0.332416316, 0.212675216, 0.00574600629, 0.201974915,
                                     0.294015038, 0.083542209, 0.136990038, 0.261843537, 0.0973261025, 0.0130439933,
                                     0.0557644377, -0.0407073234, -0.289941634, -0.374426026, -0.42195852,
                                     -0.336863928, -0.376148974, -0.0690890612, -0.0120241136, -0.180997807,
                                     -0.0741575363, 0.118256145, 0.0895729353, 0.086322357, 0.297525139, 0.271893088,
                                     0.160858494],
                             'grad_fn': 'ConvolutionBackward0',
                             'x': [-0.787825612, -1.67520874, -1.77471502, 1.32183172, 1.8374462, 1.48888102,
                                   -1.6878507, -1.76616882, -1.01383016, 1.35263971, 2.08304357, 1.8337595,
                                   -1.83760093, -2.08166745, -1.34669324, 2.08902765, 1.81573923, 0.68848028,
                                   0.981326827, -0.5545411, -1.82959968, -0.208328868, 1.28459307, 2.17335082,
                                   -0.591144904, -1.85139045, -2.24089814, -0.558212601, 0.952211421, 2.01479553,
                                   -0.228222838, -1.59221959, -2.20737059, 0.985654207, 2.02987795, 2.11941837],
                             'w': [0.851534951, 1.08340139, 1.26777223, 0.371836922, 0.802401485, 1.04265171,
                                   1.20913067, 0.36925475, -0.699658804, 0.796783685, 0.083012801, 1.15743796,
                                   -0.67796332, 0.745590019, 0.0627804983, 1.09857784]},
 'conv_transpose2d_dilation_op': {'shape': [1, 2, 5, 6],
                                  'out': [0.0, 0.620741226, 0.949538154, 0.585785485, 0.896066904, 0.0, 0.831752451,
                                          0.322780574, 0.446914006, 0.304603863, -0.318966286, 0.0, 0.0, 0.275325678,
                                          0.421161388, -0.164624098, -0.25182291, 0.0, 0.368918316, 0.143167195,
                                          -0.370503167, -0.0856032411, 0.0896395326, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                          0.0, 0.0, -0.527148588, -0.806370958, -0.64174686, -0.981670145, 0.0,
                                          -0.706344467, -0.274113136, -0.572860735, -0.33370334, 0.349437837, 0.0,
                                          0.0, -0.454521557, -0.695274523, -0.0535276629, -0.0818804296, 0.0,
                                          -0.609029018, -0.236347649, 0.175768162, -0.0278339653, 0.0291463689, 0.0,
                                          0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                  'grad_fn': 'ConvolutionBackward0',
                                  'x': [-1.45430024, -2.98123714, -3.10605163, 3.24149735, 2.57892851, 0.703449292],
                                  'w': [-0.520304413, -0.169821785, 0.199607863, 0.514371975, 0.215887549,
                                        0.510253564, 0.298571204, -0.376979702]},
 'conv_transpose1d': {'shape': [1, 2, 12],
                      'out': [0.487667406, 0.709271838, 1.38373431, 1.13043323, 0.587920082, 2.07997138, 1.48398699,
                              0.432508675, 2.04041376, 1.38204683, 0.31613003, 0.515501372, 0.14447118, -0.0196908851,
                              -0.661899779, -1.00136103, -0.944056807, -1.25318394, -1.75042777, -1.49860833,
                              -1.32926638, -1.75043124, -1.4225312, -0.157745694],
                      'grad_fn': 'ConvolutionBackward0',
                      'x': [1.01155472, -3.67494511, 1.75724738, 1.90066613, -1.32060412, 1.91692154, 0.829391237,
                            -2.75435141],
                      'w': [0.23921357, 0.292440967, 0.208128808, 0.021012276, -0.17247931, -0.284851182,
                            -0.577596654, -0.442399831, -0.340674544, 0.252397503, 0.226670843, 0.41812842],
                      'b': [-1.44171943, -1.04031636]},
 'unfold': {'shape': [1, 12, 9],
            'out': [0.0, 0.0, 0.0, 0.0, -0.350783228, -0.871575772, 0.0, -0.87969576, -0.979177729, 0.0, 0.0, 0.0,
                    -0.871575772, -0.982452613, -0.631266638, -0.979177729, -0.618137112, 0.0336230472, 0.0, 0.0, 0.0,
                    -0.631266638, 0.0168139005, 0.0, 0.0336230472, 0.669569762, 0.0, 0.0, 0.0, 0.644217687, 0.0,
                    0.656986599, 0.988168234, 0.0, 0.0, 0.0, 0.644217687, 0.98544973, 0.863209367, 0.988168234,
                    0.854598908, 0.319098362, 0.0, 0.0, 0.0, 0.863209367, 0.33498815, 0.0, 0.319098362, -0.366479129,
                    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.975626005, -0.604832822, 0.0, -0.59135753,
                    0.0672080725, 0.0, 0.0, 0.0, -0.604832822, 0.0504226878, 0.68196362, 0.0672080725, 0.694164668,
                    0.994644774, 0.0, 0.0, 0.0, 0.68196362, 0.992766406, 0.0, 0.994644774, 0.827327901, 0.0, 0.0,
                    0.990607356, 0.845746831, 0.0, 0.836655639, 0.287052651, 0.0, 0.0, 0.0, 0.845746831, 0.303118357,
                    -0.382071417, 0.287052651, -0.397555683, -0.895187368, 0.0, 0.0, 0.0, -0.382071417, -0.887567034,
                    0.0, -0.895187368, -0.971798446, 0.0, 0.0, 0.0, 0.0],
            'grad_fn': 'Im2ColBackward0',
            'x': [-0.601314526, -0.936617796, -0.614664038, -0.957049087, -0.627839767, -0.432164353, -0.654030265,
                  -0.416940572, -0.630486974, -0.40159891, -0.386143705, -0.582872329, -0.370579327, -0.558814439,
                  -0.354910176, 0.996614261, 1.53412782, 0.995090949, 1.53156443, 0.993286298, -0.678731116,
                  -1.05503397, -0.690983076, -1.07375784, -0.703039676, -0.339140682, -0.510231528, -0.323275304,
                  -0.485720244, -0.307318527, -0.291274863, -0.436292664, -0.275148848, -0.411390344, -0.25894504,
                  0.983265693, 1.51227102, 0.980063583, 1.50712468, 0.976584383]},
 'fold': {'shape': [1, 2, 4, 4],
          'out': [0.0, 0.661031588, 1.64243633, 0.988168234, 0.896832414, 1.90957951, 1.64088611, 0.626287277,
                  -0.0258289413, -0.722374377, -1.70546313, -1.0156928, -0.887567034, -1.87081337, -1.57663127,
                  -0.59135753, 0.0672080725, 0.778139124, 1.70081423, 0.996241929, 0.928044998, 1.9240779, 1.56888894,
                  0.570408203, -0.0945812045, -0.841023815, -1.76232799, -1.02223468, -0.916521548, -1.88178926,
                  -1.50369662, -0.535823232],
          'grad_fn': 'Col2ImBackward0',
          'x': [0.105104316, -0.560261281, -0.962127243, -0.432164353, 0.250414671, 0.815219762, 0.709285501,
                0.0883686861, -0.574109302, -0.560261281, -0.962127243, -0.911489729, 0.250414671, 0.815219762,
                0.996614261, 0.0883686861, -0.574109302, -0.966574715, -0.432164353, 0.250414671, 0.815219762,
                0.709285501, 0.0883686861, -0.574109302, -0.904444936, -0.416940572, 0.266657459, 0.250414671,
                0.815219762, 0.996614261, 0.0883686861, -0.574109302, -0.966574715, -0.416940572, 0.266657459,
                0.82484232, 0.995090949, 0.697332756, 0.0716080723, -0.97074891, -0.897144432, -0.40159891,
                0.834231672, 0.993286298, 0.685182857, 0.697332756, 0.0716080723, -0.587795007, -0.897144432,
                -0.40159891, 0.282824855, 0.993286298, 0.685182857, 0.0548272129, -0.97074891, -0.897144432,
                -0.40159891, 0.834231672, 0.993286298, 0.685182857, -0.601314526, -0.974648648, -0.889590281,
                -0.897144432, -0.40159891, 0.282824855, 0.993286298, 0.685182857, 0.0548272129, -0.974648648,
                -0.889590281, -0.386143705]},
 'fold_stride_pad': {'shape': [1, 1, 5, 5],
                     'out': [0.0672080725, 0.765938076, 0.694164668, 1.69893586, 0.994644774, 0.972030171, 2.0328218,
                             1.0486751, 1.69086516, 0.632111743, 0.827327901, 1.10481891, 0.270905788, -0.14287335,
                             -0.412927549, -0.0817436432, -0.843927547, -0.757153717, -1.84461099, -1.07646257,
                             -0.902554608, -1.88146512, -0.967696132, -1.55467775, -0.577715044],
                     'grad_fn': 'Col2ImBackward0',
                     'x': [0.0, 0.0, 0.0, 0.0, 0.815219762, 0.709285501, 0.0, 0.995090949, 0.0716080723, 0.0, 0.0,
                           0.0, 0.250414671, 0.996614261, 0.0883686861, 0.82484232, 0.697332756, -0.587795007, 0.0,
                           0.0, 0.0, 0.815219762, 0.709285501, 0.0, 0.995090949, 0.0716080723, 0.0, 0.0, -0.560261281,
                           -0.911489729, 0.0, -0.966574715, -0.416940572, 0.0, -0.897144432, 0.282824855, 0.105104316,
                           -0.962127243, -0.432164353, -0.574109302, -0.904444936, 0.266657459, -0.97074891,
                           -0.40159891, 0.834231672, -0.560261281, -0.911489729, 0.0, -0.966574715, -0.416940572, 0.0,
                           -0.897144432, 0.282824855, 0.0, 0.0, 0.815219762, 0.709285501, 0.0, 0.995090949,
                           0.0716080723, 0.0, 0.0, 0.0, 0.250414671, 0.996614261, 0.0883686861, 0.82484232,
                           0.697332756, -0.587795007, 0.0, 0.0, 0.0, 0.815219762, 0.709285501, 0.0, 0.995090949,
                           0.0716080723, 0.0, 0.0, 0.0, 0.0]}}


def test_same_padding_with_even_kernel_warns_like_pytorch():
    import warnings
    x = ember.ones(1, 1, 6, 6)
    with pytest.warns(UserWarning, match="padding='same' with even kernel lengths"):
        y = ember.nn.functional.conv2d(x, ember.ones(1, 1, 2, 2), padding='same')
    assert y.shape == (1, 1, 6, 6)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        ember.nn.functional.conv2d(x, ember.ones(1, 1, 3, 3), padding='same')


@pytest.mark.parametrize('shape', [(0, 3, 8, 8), (2, 3, 3, 3)])
def test_bias_gradient_of_an_empty_batch_or_a_single_position(shape):
    # the bias gradient sums each plane, then the planes: an empty batch gives zeros (PyTorch's)
    x = ember.zeros(*shape, requires_grad=True)
    w = ember.ones(4, 3, 3, 3, requires_grad=True)
    b = ember.zeros(4, requires_grad=True)
    F.conv2d(x, w, b).sum().backward()
    assert b.grad.tolist() == [float(shape[0])] * 4
    assert w.grad.shape == (4, 3, 3, 3) and x.grad.shape == shape


@pytest.mark.parametrize('shape,out,kernel,groups', [((2, 1, 4, 4), 2, 3, 1), ((64, 6, 14, 14), 16, 5, 2),
                                                     ((4, 3, 30, 30), 4, 3, 1)])
def test_weight_gradient_is_contiguous_as_pytorchs(shape, out, kernel, groups):
    """PyTorch's convolution_backward returns a contiguous weight gradient (a dispatch mode sees AccumulateGrad
    detach it rather than copy it into the weight's layout)."""
    conv = ember.nn.Conv2d(shape[1], out, kernel, groups=groups)
    g, = ember.autograd.grad(conv(ember.randn(*shape)).sum(), conv.weight)
    assert g.is_contiguous() and g.stride() == conv.weight.stride()
