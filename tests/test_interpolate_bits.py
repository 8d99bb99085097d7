"""F.interpolate in float32 (and float64, float16, bfloat16) gives PyTorch's CPU bits for the linear,
bilinear, trilinear, bicubic and area modes: recorded outputs (tests/fixtures/interpolate_bits) compared bit
for bit, PyTorch itself when installed, and the gradients still those of the resampling."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.fixtures.interpolate_bits.cases import CASES, DOUBLE_CASES, HALF_CASES, inputs
from tests.fixtures.interpolate_bits.record import run

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'interpolate_bits' / 'expected.npz')


def _bits(a):
    return np.asarray(a, np.float32).view(np.uint32)


@pytest.mark.parametrize('name, shape, channels_last, kw', CASES, ids=[c[0] for c in CASES])
def test_float32_bits_match_recorded(name, shape, channels_last, kw):
    got = run(ember, name, shape, channels_last, kw)
    assert np.array_equal(_bits(got), _bits(RECORDED[f'float32/{name}']))


@pytest.mark.parametrize('name', DOUBLE_CASES)
def test_float64_bits_match_recorded(name):
    _, shape, channels_last, kw = next(c for c in CASES if c[0] == name)
    got = run(ember, name, shape, channels_last, kw, 'float64')
    assert np.array_equal(got.view(np.uint64), RECORDED[f'float64/{name}'].view(np.uint64))


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
@pytest.mark.parametrize('name', HALF_CASES)
def test_half_bits_match_recorded(name, dtype):
    _, shape, channels_last, kw = next(c for c in CASES if c[0] == name)
    got = run(ember, name, shape, channels_last, kw, dtype)
    assert np.array_equal(_bits(got), _bits(RECORDED[f'{dtype}/{name}']))


@pytest.mark.parametrize('mode, shape', [('linear', (1, 2, 5)), ('bilinear', (1, 2, 4, 3)),
                                         ('bicubic', (1, 1, 4, 5)), ('trilinear', (1, 1, 3, 2, 3))])
def test_gradient_is_the_resampling_adjoint(mode, shape):
    x = ember.from_numpy(inputs(mode, shape)).requires_grad_()
    size = tuple(2 * s + 1 for s in shape[2:])
    y = F.interpolate(x, size=size, mode=mode)
    assert y.grad_fn.name() == {'linear': 'UpsampleLinear1DBackward0', 'bilinear': 'UpsampleBilinear2DBackward0',
                                'bicubic': 'UpsampleBicubic2DBackward0',
                                'trilinear': 'UpsampleTrilinear3DBackward0'}[mode]
    g = ember.from_numpy(inputs('g' + mode, y.shape))
    y.backward(g)
    with ember.no_grad():   # <interpolate(e_i), g> for each unit input: the adjoint, column by column
        cols = [(F.interpolate(ember.from_numpy(np.eye(x.numel(), dtype=np.float32)[i].reshape(shape)),
                               size=size, mode=mode) * g).sum().item() for i in range(x.numel())]
    np.testing.assert_allclose(x.grad.numpy().reshape(-1), cols, rtol=1e-5, atol=1e-5)
    assert ember.autograd.gradcheck(lambda t: F.interpolate(t, size=size, mode=mode), (x.double().detach().requires_grad_(),))


@pytest.mark.parametrize('threads', [1, 2])
def test_matches_pytorch_on_random_shapes(threads):
    torch = pytest.importorskip('torch')
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    rng = np.random.RandomState(11)
    try:
        for trial in range(40):
            mode = ['linear', 'bilinear', 'bicubic', 'trilinear', 'area'][trial % 5]
            nd = {'linear': 1, 'bilinear': 2, 'bicubic': 2, 'trilinear': 3, 'area': 1 + trial % 3}[mode]
            channels = int(rng.choice([1, 2, 4, 17, 33]))    # (3 channels depend on the thread count)
            shape = (2, channels) + tuple(int(v) for v in rng.randint(1, 9, nd))
            size = tuple(int(v) for v in rng.randint(1, 12 if trial % 3 or mode == 'area' else 90, nd))
            kw = dict(size=size, mode=mode)
            if mode != 'area':
                kw['align_corners'] = bool(trial % 2)
            cl = nd > 1 and trial % 5 == 0
            name = f'random{trial}'
            want = run(torch, name, shape, cl, kw)
            assert np.array_equal(_bits(run(ember, name, shape, cl, kw)), _bits(want)), (shape, kw, cl)
    finally:
        torch.set_num_threads(before)
