"""v2 FiveCrop and TenCrop: each image or video becomes a tuple of crops."""
import warnings

from ember.vision.transforms.transforms import _setup_size
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.vision.transforms.v2._utils import has_any
from ember.vision.tv_tensors import BoundingBoxes, KeyPoints, Mask


class _MultiCrop(Transform):
    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, BoundingBoxes, Mask):
            raise TypeError(f"BoundingBoxes'es and Mask's are not supported by {type(self).__name__}()")

    def transform(self, inpt, params):
        if isinstance(inpt, KeyPoints):
            warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                          f"tv_tensors.{type(inpt).__name__}. This will likely change in the future.")
            return inpt
        return self._crops(inpt)


class FiveCrop(_MultiCrop):
    """The four corner crops and the centre crop of ``size`` (an int for a square), as a tuple.

    Example:
        >>> from ember.vision.transforms import v2
        >>> [c.flatten().tolist() for c in v2.FiveCrop(1)(ember.arange(9).view(1, 3, 3))]
        [[0], [2], [6], [8], [4]]
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def _crops(self, inpt):
        return F.five_crop(inpt, self.size)


class TenCrop(_MultiCrop):
    """:class:`FiveCrop` of the input and of its mirror image (top-bottom if ``vertical_flip``).

    Example:
        >>> from ember.vision.transforms import v2
        >>> len(v2.TenCrop(2)(ember.zeros(3, 4, 4)))
        10
    """

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        self.vertical_flip = vertical_flip

    def _crops(self, inpt):
        return F.ten_crop(inpt, self.size, vertical_flip=self.vertical_flip)
