"""torchvision.ops.giou_loss: where torchvision defines ``generalized_box_iou_loss``."""
from ember.vision.ops.box_losses import generalized_box_iou_loss  # noqa: F401
