"""Object detection models with torchvision's names, builders and checkpoints (torchvision.models.detection).

Each builder takes ``weights=`` (a weights enum member, its name, or None) and ``weights_backbone=``;
models take a list of ``[C, H, W]`` float images in ``[0, 1]``.
"""
from ember.vision.models.detection.faster_rcnn import *  # noqa: F401,F403
from ember.vision.models.detection.mask_rcnn import *  # noqa: F401,F403
from ember.vision.models.detection.keypoint_rcnn import *  # noqa: F401,F403
from ember.vision.models.detection.retinanet import *  # noqa: F401,F403
from ember.vision.models.detection.fcos import *  # noqa: F401,F403
from ember.vision.models.detection.ssd import *  # noqa: F401,F403
from ember.vision.models.detection.ssdlite import *  # noqa: F401,F403
