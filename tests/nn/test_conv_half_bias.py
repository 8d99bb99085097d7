"""A float16/bfloat16 convolution adds its bias before its one rounding, as PyTorch's CPU kernels do (checked
with PyTorch 2.13: its results equal ``(conv_in_float64 + bias).to(dtype)`` on these cases, and differed from
ember's earlier round-then-add in about a third of the elements). Autocast's bfloat16 convolutions go
through this path."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F


def _round_once(x, w, b, conv, **kw):
    wide = conv(x.double(), w.double(), None, **kw)
    return (wide + b.double().reshape((1, -1) + (1,) * (wide.dim() - 2))).to(x.dtype)


# (float16 sums of more products may round differently in float32 than PyTorch's kernel sums them: short ones)
@pytest.mark.parametrize('dtype, conv, shapes, kw', [
    (ember.bfloat16, F.conv1d, ((8, 3, 20), (5, 3, 3)), {}),
    (ember.float16, F.conv1d, ((8, 3, 20), (5, 3, 3)), {}),
    (ember.bfloat16, F.conv2d, ((16, 1, 8, 8), (4, 1, 3, 3)), {}),
    (ember.float16, F.conv2d, ((16, 1, 8, 8), (4, 1, 3, 3)), {}),
    (ember.bfloat16, F.conv2d, ((2, 4, 9, 9), (6, 2, 3, 3)), {'groups': 2, 'padding': 1}),
    (ember.bfloat16, F.conv_transpose2d, ((2, 4, 5, 5), (4, 3, 3, 3)), {'stride': 2}),
    (ember.float16, F.conv_transpose2d, ((2, 4, 5, 5), (4, 3, 3, 3)), {'stride': 2}),
])
def test_bias_added_before_the_rounding(dtype, conv, shapes, kw):
    gen = ember.Generator().manual_seed(0)
    x = ember.randn(*shapes[0], generator=gen).to(dtype)
    w = ember.randn(*shapes[1], generator=gen).to(dtype)
    out_channels = w.shape[1] * kw.get('groups', 1) if conv.__name__.startswith('conv_transpose') else w.shape[0]
    b = ember.randn(out_channels, generator=gen).to(dtype)
    got = conv(x, w, b, **kw)
    assert got.dtype is dtype
    np.testing.assert_array_equal(got.float().numpy(), _round_once(x, w, b, conv, **kw).float().numpy())


def test_autocast_bfloat16_training_matches_pytorch_losses():
    # the losses PyTorch 2.13 printed for this program (a bfloat16 autocast conv net, AdamW)
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Conv2d(1, 4, 3), ember.nn.ReLU(), ember.nn.Flatten(), ember.nn.Linear(144, 10))
    opt = ember.optim.AdamW(m.parameters(), lr=1e-2)
    x, y = ember.randn(16, 1, 8, 8), ember.randint(0, 10, (16,))
    losses = []
    for _ in range(5):
        with ember.autocast('cpu', dtype=ember.bfloat16):
            loss = F.cross_entropy(m(x), y)
        losses.append(f'{loss.item():.6f}')
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert losses == ['2.327540', '1.927067', '1.598180', '1.320564', '1.081590']
