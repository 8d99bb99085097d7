"""Results PyTorch makes contiguous stay contiguous for non-contiguous inputs, so that ``.view()`` works on
them as in PyTorch (the layouts were recorded from PyTorch 2.13)."""
import pytest

import ember
import ember.nn.functional as F

a = ember.arange(24.).view(2, 3, 4)
t = a.transpose(1, 2)                               # (2, 4, 3), strides (12, 1, 4)
idx = ember.tensor([0, 2])
channels_last = ember.arange(120.).view(2, 3, 4, 5).contiguous(memory_format=ember.channels_last)

CONTIGUOUS_IN_PYTORCH = {
    'softmax': lambda: ember.softmax(t, -1),
    'log_softmax': lambda: t.log_softmax(1),
    'cumsum': lambda: t.cumsum(1),
    'cumprod': lambda: t.cumprod(1),
    'logcumsumexp': lambda: ember.logcumsumexp(t, 1),
    'cummax': lambda: t.cummax(1)[0],
    'cummin': lambda: t.cummin(2)[0],
    'cat': lambda: ember.cat([t, t]),
    'stack': lambda: ember.stack([t, t]),
    'index middle dim': lambda: t[:, idx],
    'index last dim': lambda: a[:, :, idx],
    'index after ellipsis': lambda: a[..., idx],
    'layer_norm': lambda: F.layer_norm(t, (3,)),
    'masked_fill': lambda: t.masked_fill(t > 3, 0.),
    'roll': lambda: t.roll(1, 1),
    'logsigmoid': lambda: F.logsigmoid(t),
    'one_hot': lambda: F.one_hot(t.long() % 3),
    'tensordot': lambda: ember.tensordot(t, a, dims=([2], [1])),
    'renorm': lambda: t.renorm(2, 1, 1.),
    'batch_norm': lambda: F.batch_norm(t, ember.zeros(4), ember.ones(4)),
    'gather': lambda: t.gather(1, ember.zeros(2, 1, 3, dtype=ember.long).expand(2, 4, 3).transpose(0, 0)),
}


@pytest.mark.parametrize('name', sorted(CONTIGUOUS_IN_PYTORCH))
def test_result_is_contiguous_and_views(name):
    r = CONTIGUOUS_IN_PYTORCH[name]()
    assert r.is_contiguous(), r.stride()
    r.view(-1)


def test_channels_last_is_kept_where_pytorch_keeps_it():
    assert ember.cat([channels_last, channels_last]).is_contiguous(memory_format=ember.channels_last)
    y = F.batch_norm(channels_last, ember.zeros(3), ember.ones(3))
    assert y.stride() == (60, 1, 15, 3)


def test_strides_of_tensors_without_elements():
    # PyTorch's (NumPy reports zeros for arrays without elements)
    assert ember.empty(0, 3).stride() == (3, 1)
    assert ember.zeros(2, 0, 4).stride() == (4, 4, 1)
    assert ember.empty(0).stride() == (1,)
    assert ember.ones(2, 3)[ember.tensor([], dtype=ember.long)].stride() == (3, 1)
    assert ember.ones(3, 4)[:, 4:].stride() == (4, 1)
