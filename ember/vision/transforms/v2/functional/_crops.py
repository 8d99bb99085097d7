"""v2 five_crop and ten_crop: the corner and centre crops of images and videos, as tuples."""
import numbers

from ember.vision.transforms import functional as F1
from ember.vision.transforms.v2.functional._dispatch import dispatch
from ember.vision.tv_tensors import BoundingBoxes, KeyPoints, Mask


def _crop_size(size):
    if isinstance(size, numbers.Number):
        size = [int(size), int(size)]
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = [size[0], size[0]]
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def _reject_non_images(inpt, name):
    # the crops of boxes, masks and key points are not defined: torchvision has no kernel for them
    if isinstance(inpt, (BoundingBoxes, KeyPoints, Mask)):
        raise TypeError(f"Functional F.{name} supports inputs of type torch.Tensor, PIL images, tv_tensors.Image "
                        f"and tv_tensors.Video, but got {type(inpt)} instead.")


def _five(img, size):
    crop_height, crop_width = _crop_size(size)
    if isinstance(img, F1.ember.Tensor):
        image_height, image_width = img.shape[-2:]
    else:
        image_width, image_height = img.size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(image_height, image_width)}")
    right, bottom = image_width - crop_width, image_height - crop_height
    return (F1.crop(img, 0, 0, crop_height, crop_width), F1.crop(img, 0, right, crop_height, crop_width),
            F1.crop(img, bottom, 0, crop_height, crop_width), F1.crop(img, bottom, right, crop_height, crop_width),
            F1.center_crop(img, [crop_height, crop_width]))


def _each(inpt, name, fn):
    """Apply a function returning a tuple of images to ``inpt`` and keep its tv_tensor type on each."""
    _reject_non_images(inpt, name)
    out = []
    dispatch(inpt, name, image=lambda img: out.extend(fn(img)) or img)
    if isinstance(inpt, F1.ember.Tensor) and type(inpt) is not F1.ember.Tensor:
        return tuple(type(inpt).wrap(o, like=inpt) for o in out)
    return tuple(out)


def five_crop(inpt, size):
    """The top-left, top-right, bottom-left, bottom-right and centre crops of ``size``.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> [c.flatten().tolist() for c in F.five_crop(ember.arange(9).view(1, 3, 3), 1)]
        [[0], [2], [6], [8], [4]]
    """
    return _each(inpt, "five_crop", lambda img: _five(img, size))


def ten_crop(inpt, size, vertical_flip=False):
    """:func:`five_crop` of the input, then of its mirror image (top-bottom if ``vertical_flip``).

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> [c.item() for c in F.ten_crop(ember.arange(4).view(1, 2, 2), 1)]
        [0, 1, 2, 3, 0, 1, 0, 3, 2, 1]
    """
    def both(img):
        return _five(img, size) + _five(F1.vflip(img) if vertical_flip else F1.hflip(img), size)
    return _each(inpt, "ten_crop", both)
