"""Strided transposed convolutions (and so every strided convolution's input gradient) on the
output's stride phases (ember/ops/_conv_phases.py) give what the strided col2im gives: any rank,
stride, dilation, output padding, groups, padding, kernels that leave phases empty, and a batch
split into chunks."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _conv_phases


def _run(fn, arrays, monkeypatch, phases, chunk=1 << 21):
    monkeypatch.setattr(_conv_phases, 'fits', (lambda *a: True) if phases else (lambda *a: False))
    monkeypatch.setattr(_conv_phases, '_CHUNK_BYTES', chunk)
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts]


CASES = [
    # a DCGAN generator's upsampling; a discriminator's strided convolution (its input gradient)
    (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1), [(3, 4, 5, 5), (4, 3, 4, 4), (3,)]),
    (lambda x, w: F.conv2d(x, w, stride=2, padding=1), [(2, 3, 10, 9), (4, 3, 4, 4)]),
    # ResNet's 3x3/2 and 1x1/2 (three of four phases empty) input gradients, odd sizes
    (lambda x, w: F.conv2d(x, w, stride=2, padding=1), [(2, 4, 9, 7), (6, 4, 3, 3)]),
    (lambda x, w: F.conv2d(x, w, stride=2), [(2, 4, 9, 8), (6, 4, 1, 1)]),
    # output padding, dilation, groups, unequal strides, stride above the kernel
    (lambda x, w: F.conv_transpose2d(x, w, stride=(3, 2), padding=(1, 0), output_padding=(2, 1),
                                     dilation=(1, 2), groups=2), [(2, 4, 3, 4), (4, 3, 2, 3)]),
    (lambda x, w: F.conv_transpose1d(x, w, stride=3, output_padding=1), [(3, 2, 5), (2, 3, 2)]),
    (lambda x, w: F.conv_transpose3d(x, w, stride=2, padding=1, output_padding=1), [(2, 2, 3, 2, 3), (2, 2, 3, 3, 2)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_phases_match_strided_col2im(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    strided = _run(fn, arrays, monkeypatch, False)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for chunk in (1 << 21, 1):                              # whole batch, then one sample per chunk
        got = _run(fn, arrays, monkeypatch, True, chunk)
        for g, s in zip(got, strided):
            assert g.dtype == s.dtype and g.shape == s.shape and g.flags['C_CONTIGUOUS']
            np.testing.assert_allclose(g, s, rtol=tol, atol=tol * np.abs(s).max())


def test_phase_path_is_taken_where_it_pays():
    # DCGAN's ConvTranspose2d(128, 64, 4, 2, 1) on 7x7, ResNet's 3x3/2 input gradient
    assert _conv_phases.fits((64, 128, 7, 7), (128, 64, 4, 4), (2, 2), (1, 1), 1)
    assert _conv_phases.fits((32, 128, 16, 16), (128, 64, 3, 3), (2, 2), (1, 1), 1)
    assert not _conv_phases.fits((32, 128, 16, 16), (128, 64, 3, 3), (1, 1), (1, 1), 1)   # stride 1
    assert not _conv_phases.fits((32, 128, 16, 16), (128, 64, 1, 1), (2, 2), (1, 1), 1)   # 1x1 kernel
    assert not _conv_phases.fits((64, 64, 14, 14), (64, 1, 4, 4), (2, 2), (1, 1), 1)      # to one channel
    assert not _conv_phases.fits((8, 64, 2, 2), (64, 64, 5, 5), (2, 2), (1, 1), 1)        # rows 2 -> 4
