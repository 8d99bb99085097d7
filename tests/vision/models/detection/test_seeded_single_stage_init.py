"""Seeded RetinaNet and FCOS models start from torchvision's initial weights: torchvision builds the FPN's extra
blocks after the ResNet and draws each regression head's tower after its output layers (values read from
torchvision 0.28 after torch.manual_seed(0), num_classes=3)."""
import pytest

import ember
from ember.vision.models import detection

EXPECTED = {
    'retinanet_resnet50_fpn': {'backbone.body.conv1.weight': [-0.058551, 0.02459],
                               'backbone.fpn.extra_blocks.p6.weight': [0.034366, 0.034882],
                               'head.regression_head.conv.0.0.weight': [0.010608, 0.002366],
                               'head.regression_head.bbox_reg.weight': [0.017662, 0.002938]},
    'retinanet_resnet50_fpn_v2': {'backbone.fpn.extra_blocks.p6.weight': [-0.003646, 0.00436],
                                  'head.regression_head.conv.0.0.weight': [-0.003923, -0.00793]},
    'fcos_resnet50_fpn': {'backbone.fpn.extra_blocks.p7.weight': [-0.008007, -0.035685],
                          'head.regression_head.conv.0.weight': [0.003713, -0.010463],
                          'head.regression_head.bbox_ctrness.weight': [-0.018574, -0.004671]},
}


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_seeded_single_stage_detectors_draw_torchvisions_weights(name):
    ember.manual_seed(0)
    state = getattr(detection, name)(weights=None, weights_backbone=None, num_classes=3).state_dict()
    got = {key: [round(v, 6) for v in state[key].flatten()[:2].tolist()] for key in EXPECTED[name]}
    assert got == EXPECTED[name]
