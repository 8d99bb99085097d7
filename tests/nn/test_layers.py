"""Padding, upsampling, distance and shuffle layers: reprs and values recorded from PyTorch 2.13."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

CTORS = ["Upsample(scale_factor=2)", "Upsample(size=(3,4), mode='bilinear', align_corners=True)",
         "Upsample(scale_factor=(2, 3))", "UpsamplingNearest2d(scale_factor=2)", "UpsamplingBilinear2d(size=5)",
         "ZeroPad2d(2)", "ZeroPad2d((1,2,3,4))", "ZeroPad1d(1)", "ZeroPad3d(1)", "ConstantPad1d(2, 3.5)",
         "ConstantPad2d((1,0,0,1), 0.)", "ConstantPad3d(1, -1)", "ReflectionPad1d(2)", "ReflectionPad2d((1,1,2,0))",
         "ReflectionPad3d(1)", "ReplicationPad1d(1)", "ReplicationPad2d(1)", "ReplicationPad3d(1)", "CircularPad1d(1)",
         "CircularPad2d(1)", "CircularPad3d(1)", "CosineSimilarity()", "CosineSimilarity(0, 1e-6)",
         "PairwiseDistance()", "PairwiseDistance(1, 1e-5, True)", "PixelShuffle(2)", "PixelUnshuffle(3)",
         "ChannelShuffle(2)"]
REPRS = ["Upsample(scale_factor=2.0, mode='nearest')", "Upsample(size=(3, 4), mode='bilinear')", "Upsample(scale_factor=(2.0, 3.0), mode='nearest')", "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')", "UpsamplingBilinear2d(size=5, mode='bilinear')", 'ZeroPad2d((2, 2, 2, 2))', 'ZeroPad2d((1, 2, 3, 4))', 'ZeroPad1d((1, 1))', 'ZeroPad3d((1, 1, 1, 1, 1, 1))', 'ConstantPad1d(padding=(2, 2), value=3.5)', 'ConstantPad2d(padding=(1, 0, 0, 1), value=0.0)', 'ConstantPad3d(padding=(1, 1, 1, 1, 1, 1), value=-1)', 'ReflectionPad1d((2, 2))', 'ReflectionPad2d((1, 1, 2, 0))', 'ReflectionPad3d((1, 1, 1, 1, 1, 1))', 'ReplicationPad1d((1, 1))', 'ReplicationPad2d((1, 1, 1, 1))', 'ReplicationPad3d((1, 1, 1, 1, 1, 1))', 'CircularPad1d((1, 1))', 'CircularPad2d((1, 1, 1, 1))', 'CircularPad3d((1, 1, 1, 1, 1, 1))', 'CosineSimilarity()', 'CosineSimilarity()', 'PairwiseDistance()', 'PairwiseDistance()', 'PixelShuffle(upscale_factor=2)', 'PixelUnshuffle(downscale_factor=3)', 'ChannelShuffle(groups=2)']
VALUES = ['[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 4.0, 5.0, 6.0, 7.0, 0.0, 8.0, 9.0, 10.0, 11.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 12.0, 13.0, 14.0, 15.0, 0.0, 16.0, 17.0, 18.0, 19.0, 0.0, 20.0, 21.0, 22.0, 23.0, 0.0, 0.0, 0.0, 0.0, 0.0]', '[5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 9.0, 8.0, 9.0, 10.0, 11.0, 10.0, 5.0, 4.0, 5.0, 6.0, 7.0, 6.0, 17.0, 16.0, 17.0, 18.0, 19.0, 18.0, 13.0, 12.0, 13.0, 14.0, 15.0, 14.0, 17.0, 16.0, 17.0, 18.0, 19.0, 18.0, 21.0, 20.0, 21.0, 22.0, 23.0, 22.0, 17.0, 16.0, 17.0, 18.0, 19.0, 18.0]', '[0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 6.0, 7.0, 7.0, 8.0, 8.0, 8.0, 9.0, 10.0, 11.0, 11.0, 12.0, 12.0, 12.0, 13.0, 14.0, 15.0, 15.0, 16.0, 16.0, 16.0, 17.0, 18.0, 19.0, 19.0, 20.0, 20.0, 20.0, 21.0, 22.0, 23.0, 23.0]', '[3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 7.0, 4.0, 5.0, 6.0, 7.0, 4.0, 5.0, 11.0, 8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 15.0, 12.0, 13.0, 14.0, 15.0, 12.0, 13.0, 19.0, 16.0, 17.0, 18.0, 19.0, 16.0, 17.0, 23.0, 20.0, 21.0, 22.0, 23.0, 20.0, 21.0, 15.0, 12.0, 13.0, 14.0, 15.0, 12.0, 13.0]', '468.0', '[0.0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0, 1.0, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.0, 3.0, 3.25, 3.75, 4.25]', '[0.0, 0.4285714328289032, 0.8571428656578064, 1.2857142686843872, 1.7142857313156128, 2.142857074737549, 2.5714285373687744, 3.0, 1.600000023841858, 2.028571367263794, 2.4571428298950195, 2.885714292526245, 3.3142857551574707, 3.7428572177886963, 4.171428680419922, 4.599999904632568, 3.200000047683716, 3.6285715103149414, 4.057142734527588, 4.485714435577393]', '[0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0, 8.0, 9.0, 10.0, 11.0, 12.0, 12.0, 13.0, 14.0, 15.0, 12.0, 12.0, 13.0, 14.0, 15.0, 16.0, 16.0, 17.0, 18.0, 19.0, 20.0, 20.0, 21.0, 22.0, 23.0]', '0.7999999523162842 [[1.7320524454116821], [1.7320524454116821]]', 'ValueError expected 3D or 4D input (got 1D input)', '[1.0, 1.0, 1.0, 1.0] True']


@pytest.mark.parametrize('k', range(len(CTORS)))
def test_repr_matches_pytorch(k):
    assert repr(eval('nn.' + CTORS[k])) == REPRS[k]


def _nums(line):
    return np.array(eval(line), dtype=float)


def test_values_match_pytorch():
    x = ember.arange(24.).reshape(1, 2, 3, 4)
    got = [nn.ZeroPad2d((1, 0, 2, 1))(x).flatten().tolist(), nn.ReflectionPad2d(1)(x).flatten().tolist(),
           nn.ReplicationPad1d((2, 1))(x[0]).flatten().tolist(), nn.CircularPad2d((1, 2, 0, 1))(x).flatten().tolist(),
           nn.ConstantPad3d(1, 2.0)(x).sum().item(),
           nn.Upsample(scale_factor=2, mode='bilinear')(x).flatten().tolist()[:20],
           nn.UpsamplingBilinear2d(scale_factor=2)(x).flatten().tolist()[:20],
           nn.UpsamplingNearest2d(size=(4, 5))(x).flatten().tolist()]
    for g, line in zip(got, VALUES):
        np.testing.assert_allclose(g, _nums(line), rtol=1e-6)
    cos = nn.CosineSimilarity(dim=0)(ember.tensor([1., 2.]), ember.tensor([2., 1.])).item()
    dist = nn.PairwiseDistance(keepdim=True)(ember.ones(2, 3), ember.zeros(2, 3)).tolist()
    assert f'{cos} {dist}' == VALUES[8]
    with pytest.raises(ValueError) as e:
        nn.CircularPad2d(1)(ember.ones(2))
    assert f'ValueError {e.value}' == VALUES[9]


def test_pixel_and_channel_shuffle_match_pytorch():
    x = ember.arange(16.).reshape(1, 4, 2, 2)
    assert F.pixel_shuffle(x, 2).flatten().tolist() == [0., 4., 1., 5., 8., 12., 9., 13., 2., 6., 3., 7., 10., 14.,
                                                        11., 15.]
    assert F.pixel_unshuffle(ember.arange(16.).reshape(1, 1, 4, 4), 2).flatten().tolist() == \
        [0., 2., 8., 10., 1., 3., 9., 11., 4., 6., 12., 14., 5., 7., 13., 15.]
    assert F.channel_shuffle(x, 2).flatten().tolist() == [0., 1., 2., 3., 8., 9., 10., 11., 4., 5., 6., 7., 12.,
                                                          13., 14., 15.]
    assert F.pixel_shuffle(ember.arange(8.).reshape(8, 1, 1), 2).shape == (2, 2, 2)
    assert F.pixel_shuffle(ember.arange(16.).reshape(2, 1, 8, 1, 1), 2).shape == (2, 1, 2, 2, 2)
    xr = ember.ones(1, 4, 2, 2, requires_grad=True)
    assert F.pixel_shuffle(xr, 2).grad_fn.name() == 'PixelShuffleBackward0'
    assert F.channel_shuffle(xr, 2).grad_fn.name() == 'ChannelShuffleBackward0'


@pytest.mark.parametrize('call,text', [
    (lambda: F.pixel_shuffle(ember.ones(1, 3, 2, 2), 2),
     "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but "
     "input.size(-3)=3 is not divisible by 4"),
    (lambda: F.pixel_unshuffle(ember.ones(1, 1, 3, 3), 2),
     "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not divisible by 2"),
    (lambda: F.channel_shuffle(ember.ones(1, 3, 2, 2), 2),
     "Number of channels must be divisible by groups. Got 3 channels and 2 groups."),
    (lambda: F.pixel_shuffle(ember.ones(3, 2), 2),
     "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)"),
])
def test_shuffle_errors(call, text):
    with pytest.raises(RuntimeError) as e:
        call()
    assert str(e.value) == text


def test_gumbel_softmax():
    ember.manual_seed(0)
    logits = ember.randn(4, 5, requires_grad=True)
    g = F.gumbel_softmax(logits, tau=0.5, hard=True)
    assert g.sum(1).tolist() == [1.0] * 4 and ((g == 0) | (g == 1)).all().item()
    (g * ember.arange(5.)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum().item() > 0   # straight-through gradient
    soft = F.gumbel_softmax(logits, tau=2.0)
    assert ember.allclose(soft.sum(1), ember.ones(4)) and (soft > 0).all()
