"""Every public nn class lives in the file named as PyTorch's (``BatchNorm2d`` in
``ember.nn.modules.batchnorm``), so whole pickled models cross between the two libraries and reprs
and error texts name the same classes. The expected homes are recorded by record_class_modules.py."""
import importlib
import io
import json
import os
import pickletools
import zipfile

import pytest

import ember
import ember.nn as nn

FIXTURES = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn')
with open(os.path.join(FIXTURES, 'class_modules.json')) as _f:
    HOMES = json.load(_f)['homes']

# PyTorch's private autograd Function for its CUDA kernel; ember's SyncBatchNorm differentiates through
# its collective ops instead, so there is no such class to export.
EXCLUDED = {'torch.nn.modules.batchnorm:sync_batch_norm'}


def _ember(path):
    return path.replace('torch', 'ember', 1)


@pytest.mark.parametrize('where', sorted(set(HOMES) - EXCLUDED))
def test_class_has_pytorchs_module(where):
    module_name, name = where.split(':')
    cls = getattr(importlib.import_module(_ember(module_name)), name)
    assert cls.__module__ == _ember(HOMES[where])
    # the recorded home defines it under the same name, so pickle can find it there
    assert getattr(importlib.import_module(cls.__module__), name) is cls


def test_recorded_data_covers_the_moved_families():
    assert HOMES['torch.nn:BatchNorm2d'] == 'torch.nn.modules.batchnorm'
    assert HOMES['torch.nn:MultiheadAttention'] == 'torch.nn.modules.activation'
    assert HOMES['torch.nn:LazyConv2d'] == 'torch.nn.modules.conv'
    assert len(HOMES) > 500


def test_old_import_paths_still_work():
    from ember.nn.modules._syncbn import SyncBatchNorm
    from ember.nn.modules.conv import Fold
    from ember.nn.modules.ctc import CTCLoss
    from ember.nn.modules.deprecated import Container, NLLLoss2d
    from ember.nn.modules.fractional_pool import FractionalMaxPool2d
    from ember.nn.modules.lazy_layers import LazyBatchNorm1d, LazyLinear
    from ember.nn.modules.linear_cross_entropy import LinearCrossEntropyLoss
    from ember.nn.modules.normalization import BatchNorm2d, InstanceNorm1d
    from ember.nn.modules.pixelshuffle import ChannelShuffle
    from ember.nn.modules.pooling3d import LPPool3d
    from ember.nn.modules.rms_norm import RMSNorm
    from ember.nn.modules.transformer import MultiheadAttention
    assert (SyncBatchNorm, Fold, CTCLoss, Container, NLLLoss2d, FractionalMaxPool2d, LazyBatchNorm1d, LazyLinear,
            LinearCrossEntropyLoss, BatchNorm2d, InstanceNorm1d, ChannelShuffle, LPPool3d, RMSNorm,
            MultiheadAttention) == (nn.SyncBatchNorm, nn.Fold, nn.CTCLoss, nn.Container, nn.NLLLoss2d,
                                    nn.FractionalMaxPool2d, nn.LazyBatchNorm1d, nn.LazyLinear,
                                    nn.LinearCrossEntropyLoss, nn.BatchNorm2d, nn.InstanceNorm1d, nn.ChannelShuffle,
                                    nn.LPPool3d, nn.RMSNorm, nn.MultiheadAttention)


def _pickled_globals(buffer):
    archive = zipfile.ZipFile(buffer)
    data = next(n for n in archive.namelist() if n.endswith('data.pkl'))
    return [arg for op, arg, _ in pickletools.genops(archive.read(data)) if op.name == 'GLOBAL']


def test_whole_model_pickles_under_pytorchs_class_paths():
    model = nn.Sequential(nn.BatchNorm2d(2), nn.InstanceNorm2d(2), nn.LazyLinear(3), nn.MultiheadAttention(4, 2),
                          nn.Fold((2, 2), 1), nn.RMSNorm(2), nn.FractionalMaxPool2d(2, output_size=1))
    buffer = io.BytesIO()
    ember.save(model, buffer)
    buffer.seek(0)
    classes = [g for g in _pickled_globals(buffer) if g.startswith('torch.nn.modules')]
    assert classes == ['torch.nn.modules.container Sequential', 'torch.nn.modules.batchnorm BatchNorm2d',
                       'torch.nn.modules.instancenorm InstanceNorm2d', 'torch.nn.modules.linear LazyLinear',
                       'torch.nn.modules.activation MultiheadAttention',
                       'torch.nn.modules.linear NonDynamicallyQuantizableLinear', 'torch.nn.modules.fold Fold',
                       'torch.nn.modules.normalization RMSNorm', 'torch.nn.modules.pooling FractionalMaxPool2d']
    buffer.seek(0)
    loaded = ember.load(buffer, weights_only=False)
    assert [type(m) for m in loaded] == [type(m) for m in model]


def test_whole_model_saved_by_pytorch_loads():
    loaded = ember.load(os.path.join(FIXTURES, 'whole_model_by_pytorch.pt'), weights_only=False)
    want = [nn.Conv2d, nn.BatchNorm2d, nn.InstanceNorm2d, nn.LayerNorm, nn.RMSNorm, nn.MultiheadAttention, nn.Fold,
            nn.Unfold, nn.ChannelShuffle, nn.CTCLoss, nn.AdaptiveMaxPool3d, nn.LPPool3d, nn.MaxUnpool3d,
            nn.SyncBatchNorm, nn.LinearCrossEntropyLoss]
    assert [type(m) for m in loaded] == want
    assert repr(loaded[1]) == ('BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, '
                               'track_running_stats=True)')
    x = ember.arange(8.).reshape(1, 2, 2, 2)
    out = loaded[1].eval()(loaded[0](x))
    assert out.shape == (1, 2, 2, 2)
    attn, _ = loaded[5](ember.ones(3, 1, 2), ember.ones(3, 1, 2), ember.ones(3, 1, 2))
    assert attn.shape == (3, 1, 2)


def test_matches_pytorch_live():
    torch = pytest.importorskip('torch')
    import sys
    sys.path.insert(0, os.path.dirname(__file__))
    from record_class_modules import class_homes
    assert class_homes() == HOMES or torch.__version__.split('+')[0] != '2.13.0'
