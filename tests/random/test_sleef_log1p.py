"""SLEEF's log1p, as PyTorch's CPU kernel computes it for float32 and float64 tensors (recorded by
tests/fixtures/random/record_sleef_log1p.py), bit for bit: the samplers that apply log1p to their
draws (Laplace) use it to give PyTorch's numbers."""
import os

import numpy as np
import pytest

from ember._random.sleef_log1p import log1p32, log1p64

RECORDED = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'random', 'sleef_log1p.npz')


def sleef_log1p_inputs(dtype):
    """Uniforms in (-1, 0] (Laplace's inputs), numbers up to 1e6, tiny ones and the edges."""
    rng = np.random.default_rng(17)
    edges = [-1.0, -0.0, 0.0, np.nan, -2.0, 1e-30, -1e-30, 1e20, -0.25, -0.75, 0.5, 1.0, -0.5]
    x = np.concatenate([-rng.random(6000), rng.random(1500) * 100.0, np.exp(rng.normal(0, 5, 1500)),
                        rng.standard_normal(500) * 1e-6, edges])
    return x.astype(dtype)


@pytest.mark.parametrize('dtype, fn', [('float32', log1p32), ('float64', log1p64)])
def test_sleef_log1p_is_pytorchs(dtype, fn):
    with np.load(RECORDED) as f:
        want = f[dtype]
    got = fn(sleef_log1p_inputs(dtype))
    assert got.dtype == want.dtype
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize('dtype, fn', [('float32', log1p32), ('float64', log1p64)])
def test_sleef_log1p_live(dtype, fn):
    torch = pytest.importorskip('torch')
    x = -torch.rand(20000, dtype=getattr(torch, dtype), generator=torch.Generator().manual_seed(3))
    assert fn(x.numpy()).tobytes() == torch.log1p(x).numpy().tobytes()


def test_shapes_are_kept():
    assert log1p64(np.float64(-0.5)).shape == ()
    assert log1p32(np.zeros((2, 3), np.float32)).shape == (2, 3)
