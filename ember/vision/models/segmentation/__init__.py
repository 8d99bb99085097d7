"""Semantic segmentation models with torchvision's names, builders and checkpoints
(torchvision.models.segmentation): FCN, DeepLabV3 and Lite R-ASPP.

Each builder takes ``weights=``, ``weights_backbone=`` (pretrained by default, as torchvision; pass None
for random initialisation), ``num_classes=`` and, but for LRASPP, ``aux_loss=``. Models return an
OrderedDict whose ``"out"`` holds ``(N, num_classes, H, W)`` logits at the input's resolution.
"""
from ember.vision.models.segmentation.deeplabv3 import *  # noqa: F401,F403
from ember.vision.models.segmentation.fcn import *  # noqa: F401,F403
from ember.vision.models.segmentation.lraspp import *  # noqa: F401,F403
