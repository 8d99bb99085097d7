"""ember.vision.tv_tensors (torchvision.tv_tensors): tensor subclasses that say what a tensor holds,
so that the v2 transforms can transform images, boxes, masks and key points of one sample together.
"""
from ember.vision.tv_tensors._bounding_boxes import BoundingBoxes, BoundingBoxFormat, is_rotated_bounding_format
from ember.vision.tv_tensors._image import Image
from ember.vision.tv_tensors._keypoints import KeyPoints
from ember.vision.tv_tensors._mask import Mask
from ember.vision.tv_tensors._tv_tensor import TVTensor, set_return_type, wrap
from ember.vision.tv_tensors._video import Video

__all__ = ["TVTensor", "Image", "Video", "Mask", "BoundingBoxes", "BoundingBoxFormat", "KeyPoints",
           "is_rotated_bounding_format", "set_return_type", "wrap"]
