"""torchvision.ops.diou_loss: where torchvision defines ``distance_box_iou_loss``."""
from ember.vision.ops.box_losses import distance_box_iou_loss  # noqa: F401
