"""Operators and layers for vision models (torchvision.ops): one module per family, re-exported here."""
from ember.vision.ops.boxes import (  # noqa: F401
    batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image, complete_box_iou, distance_box_iou,
    generalized_box_iou, masks_to_boxes, nms, remove_small_boxes,
)
from ember.vision.ops.box_losses import (  # noqa: F401
    complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss,
)
from ember.vision.ops.deform_conv import DeformConv2d, deform_conv2d  # noqa: F401
from ember.vision.ops.drop_block import DropBlock2d, DropBlock3d, drop_block2d, drop_block3d  # noqa: F401
from ember.vision.ops.feature_pyramid_network import FeaturePyramidNetwork  # noqa: F401
from ember.vision.ops.focal_loss import sigmoid_focal_loss  # noqa: F401
from ember.vision.ops.misc import (  # noqa: F401
    Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation,
)
# through the module torchvision defines them in: importing it binds the name to the function, not the module
from ember.vision.ops.stochastic_depth import StochasticDepth, stochastic_depth  # noqa: F401
from ember.vision.ops.poolers import MultiScaleRoIAlign  # noqa: F401
from ember.vision.ops.ps_roi_align import PSRoIAlign, ps_roi_align  # noqa: F401
from ember.vision.ops.ps_roi_pool import PSRoIPool, ps_roi_pool  # noqa: F401
from ember.vision.ops.roi_align import RoIAlign, roi_align  # noqa: F401
from ember.vision.ops.roi_pool import RoIPool, roi_pool  # noqa: F401
