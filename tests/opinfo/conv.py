"""Rows for ember/ops/conv.py (gradcheck and gradgradcheck in float64, small shapes)."""
import numpy as np

import ember.ops.conv as C
from tests.opinfo import OpInfo, Sample


def _ref_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Direct N-d convolution: dilate the kernel with zeros, take every window, contract per group."""
    n = w.ndim - 2
    tup = (lambda v: (v,) * n if isinstance(v, int) else tuple(v))
    stride, dilation = tup(stride), tup(dilation)
    if padding == 'same':
        pads = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for d, k in zip(dilation, w.shape[2:])]
    else:
        pads = [(p, p) for p in tup(0 if padding == 'valid' else padding)]
    x = np.pad(x, [(0, 0), (0, 0)] + pads)
    wd = np.zeros(w.shape[:2] + tuple(d * (k - 1) + 1 for d, k in zip(dilation, w.shape[2:])))
    wd[(Ellipsis,) + tuple(slice(None, None, d) for d in dilation)] = w
    win = np.lib.stride_tricks.sliding_window_view(x, wd.shape[2:], axis=tuple(range(2, 2 + n)))
    win = win[(Ellipsis,) + tuple(slice(None, None, s) for s in stride) + (slice(None),) * n]
    N, C_ = x.shape[:2]
    O = w.shape[0]
    win = win.reshape((N, groups, C_ // groups) + win.shape[2:])
    wd = wd.reshape((groups, O // groups) + wd.shape[1:])
    letters = 'defgh'[:n]
    kl = 'pqrst'[:n]
    out = np.einsum(f'ngc{letters}{kl},goc{kl}->ngo{letters}', win, wd).reshape((N, O) + win.shape[3:3 + n])
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * n)
    return out


def _ref(x, w, b=None, **kw):
    if x.ndim == w.ndim - 1:   # unbatched
        return _ref_conv(x[None], w, b, **kw)[0]
    return _ref_conv(x, w, b, **kw)


def _conv1d(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 6)), r((3, 2, 3)), r(3)),
            Sample(r((1, 4, 7)), r((4, 2, 2)), None, stride=2, padding=1, dilation=2, groups=2),
            Sample(r((1, 2, 5)), r((2, 2, 2)), padding='same'),
            Sample(r((2, 5)), r((3, 2, 2)), padding='valid')]


def _conv2d(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 4, 4)), r((3, 2, 2, 2)), r(3)),
            Sample(r((1, 2, 5, 4)), r((2, 2, 3, 2)), r(2), stride=(2, 1), padding=(1, 0)),
            Sample(r((1, 4, 5, 5)), r((4, 2, 2, 2)), None, dilation=2, groups=2),
            Sample(r((1, 1, 4, 3)), r((2, 1, 2, 2)), padding='same'),
            Sample(r((2, 4, 4)), r((2, 2, 2, 3)), stride=2, padding=1)]


def _conv3d(rng):
    r = rng.standard_normal
    return [Sample(r((1, 2, 3, 3, 3)), r((2, 1, 2, 2, 2)), r(2), stride=(1, 2, 1), padding=1, groups=2)]


def _conv_transpose1d(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 4)), r((2, 3, 3)), r(3), stride=2, padding=1, output_padding=1),
            Sample(r((1, 4, 3)), r((4, 1, 2)), None, stride=1, dilation=2, output_padding=1, groups=2)]


def _conv_transpose2d(rng):
    r = rng.standard_normal
    return [Sample(r((1, 2, 3, 3)), r((2, 2, 2, 2)), r(2)),
            Sample(r((1, 2, 3, 2)), r((2, 3, 3, 2)), r(3), stride=(2, 3), padding=(1, 0), output_padding=(1, 2)),
            Sample(r((1, 4, 2, 3)), r((4, 1, 2, 2)), None, stride=2, groups=2, dilation=(1, 2))]


def _conv_transpose3d(rng):
    r = rng.standard_normal
    return [Sample(r((1, 2, 2, 2, 2)), r((2, 1, 2, 2, 2)), r(1), stride=2, padding=1, output_padding=1)]


def _unfold(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 4, 4)), 2), Sample(r((1, 2, 4, 5)), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
            Sample(r((2, 3, 3)), 2, stride=1)]


def _fold(rng):
    r = rng.standard_normal
    return [Sample(r((2, 8, 9)), (4, 4), 2), Sample(r((1, 8, 9)), (4, 5), (2, 2), stride=(1, 2), padding=(0, 1)),
            Sample(r((4, 4)), (3, 3), 2)]


OPS = [
    OpInfo('conv1d', C.conv1d, _conv1d, ref=_ref),
    OpInfo('conv2d', C.conv2d, _conv2d, ref=_ref),
    OpInfo('conv3d', C.conv3d, _conv3d, ref=_ref),
    OpInfo('conv_transpose1d', C.conv_transpose1d, _conv_transpose1d),
    OpInfo('conv_transpose2d', C.conv_transpose2d, _conv_transpose2d),
    OpInfo('conv_transpose3d', C.conv_transpose3d, _conv_transpose3d),
    OpInfo('unfold', C.unfold, _unfold),
    OpInfo('fold', C.fold, _fold),
]
