"""torchvision.ops.ciou_loss: where torchvision defines ``complete_box_iou_loss``."""
from ember.vision.ops.box_losses import complete_box_iou_loss  # noqa: F401
