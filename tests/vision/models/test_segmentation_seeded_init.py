"""A seeded segmentation model with an auxiliary head starts from torchvision's initial weights: torchvision builds
the auxiliary head before the main one, so both draw their weights in that order (values read from torchvision
0.28 after torch.manual_seed(0))."""
import pytest

import ember
from ember.vision.models.segmentation import deeplabv3_resnet50, fcn_resnet50

AUX_FIRST = [0.003157, -0.00286, 0.008617]


@pytest.mark.parametrize('builder, main_conv, expected', [
    (fcn_resnet50, lambda m: m.classifier[0], [-0.004014, -0.003354, -0.003164]),
    (deeplabv3_resnet50, lambda m: m.classifier[0].convs[0][0], [-0.012043, -0.010062, -0.009492]),
])
def test_seeded_heads_draw_torchvisions_weights(builder, main_conv, expected):
    ember.manual_seed(0)
    model = builder(weights=None, weights_backbone=None, num_classes=3, aux_loss=True)
    aux = model.aux_classifier[0].weight.flatten()[:3].tolist()
    main = main_conv(model).weight.flatten()[:3].tolist()
    assert [round(v, 6) for v in aux] == AUX_FIRST
    assert [round(v, 6) for v in main] == expected
