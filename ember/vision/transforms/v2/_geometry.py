"""v2 geometric transforms: flips, resizes, crops, padding, rotation and affine warps that move the
boxes, masks and key points of a sample together with its image."""
import math
import warnings
from collections.abc import Sequence

import ember
from ember.vision.transforms import _geometry_transforms as _v1
from ember.vision.transforms.transforms import _setup_size
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform, _RandomApplyTransform
from ember.vision.transforms.v2._utils import get_fill, query_size, setup_fill_arg
from ember.vision.transforms._functional_tensor import _parse_pad_padding


class RandomHorizontalFlip(_RandomApplyTransform):
    """Mirror the whole sample left-right with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> boxes = tv_tensors.BoundingBoxes([[0, 0, 2, 1]], format="XYXY", canvas_size=(4, 8))
        >>> v2.RandomHorizontalFlip(p=1.0)(boxes)
        BoundingBoxes([[6, 0, 8, 1]], format=BoundingBoxFormat.XYXY, canvas_size=(4, 8), clamping_mode=soft)
    """

    def transform(self, inpt, params):
        return F.horizontal_flip(inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    """Mirror the whole sample top-bottom with probability ``p``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomVerticalFlip(p=1.0)(ember.tensor([[[1], [2]]]))
        tensor([[[2],
                 [1]]])
    """

    def transform(self, inpt, params):
        return F.vertical_flip(inpt)


class Resize(Transform):
    """Resize to ``size`` ((h, w), an int for the smaller edge, or None with ``max_size`` for the longer).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Resize((2, 4))(ember.zeros(3, 4, 8)).shape
        ember.Size([3, 2, 4])
    """

    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, Sequence) and len(size) in {1, 2}:
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        else:
            raise ValueError(f"size can be an integer, a sequence of one or two integers, or None, but got {size} "
                             "instead.")
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def transform(self, inpt, params):
        return F.resize(inpt, self.size, interpolation=self.interpolation, max_size=self.max_size,
                        antialias=self.antialias)


class CenterCrop(Transform):
    """The central ``size`` window of the sample.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.CenterCrop(2)(ember.arange(16).view(1, 4, 4))
        tensor([[[ 5,  6],
                 [ 9, 10]]])
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")

    def transform(self, inpt, params):
        return F.center_crop(inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    """A random window (area fraction in ``scale``, aspect ratio in ``ratio``) resized to ``size``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomResizedCrop(4)(ember.zeros(3, 10, 12)).shape
        ember.Size([3, 4, 4])
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation="bilinear",
                 antialias=True):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        if not isinstance(scale, Sequence) or len(scale) != 2:
            raise TypeError("Scale should be a sequence of two floats.")
        if not isinstance(ratio, Sequence) or len(ratio) != 2:
            raise TypeError("Ratio should be a sequence of two floats.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.antialias = antialias
        self._log_ratio = ember.log(ember.tensor(self.ratio))

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        area = height * width
        lo, hi = self._log_ratio[0].item(), self._log_ratio[1].item()
        for _ in range(10):
            target_area = area * ember.empty(1).uniform_(self.scale[0], self.scale[1]).item()
            aspect_ratio = ember.exp(ember.empty(1).uniform_(lo, hi)).item()
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = ember.randint(0, height - h + 1, size=(1,)).item()
                j = ember.randint(0, width - w + 1, size=(1,)).item()
                return dict(top=i, left=j, height=h, width=w)
        in_ratio = float(width) / float(height)
        if in_ratio < min(self.ratio):
            w, h = width, int(round(width / min(self.ratio)))
        elif in_ratio > max(self.ratio):
            h, w = height, int(round(height * max(self.ratio)))
        else:
            w, h = width, height
        return dict(top=(height - h) // 2, left=(width - w) // 2, height=h, width=w)

    def transform(self, inpt, params):
        return F.resized_crop(inpt, **params, size=self.size, interpolation=self.interpolation,
                              antialias=self.antialias)


class Pad(Transform):
    """Pad the borders of the sample (boxes and key points move with the image).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Pad([1, 0])(ember.ones(1, 1, 1))
        tensor([[[0., 1., 0.]]])
    """

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if not isinstance(padding, (int, Sequence)) or (isinstance(padding, Sequence) and
                                                         len(padding) not in (1, 2, 4)):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element of tuple or list, got {padding}.")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("`padding_mode` must be one of 'constant', 'edge', 'reflect' or 'symmetric'.")
        self.padding = padding
        self.fill = fill
        self._fill = setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def transform(self, inpt, params):
        return F.pad(inpt, padding=self.padding, fill=get_fill(self._fill, type(inpt)), padding_mode=self.padding_mode)


class RandomCrop(Transform):
    """A random ``size`` window, after optional ``padding`` (and padding up to size if ``pad_if_needed``).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomCrop(2)(ember.zeros(3, 5, 5)).shape
        ember.Size([3, 2, 2])
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.")
        self.padding = _parse_pad_padding(padding) if padding else None  # [left, right, top, bottom]
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self._fill = setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs):
        padded_height, padded_width = query_size(flat_inputs)
        if self.padding is not None:
            pad_left, pad_right, pad_top, pad_bottom = self.padding
            padded_height += pad_top + pad_bottom
            padded_width += pad_left + pad_right
        else:
            pad_left = pad_right = pad_top = pad_bottom = 0
        cropped_height, cropped_width = self.size
        if self.pad_if_needed:
            if padded_height < cropped_height:
                diff = cropped_height - padded_height
                pad_top, pad_bottom, padded_height = pad_top + diff, pad_bottom + diff, padded_height + 2 * diff
            if padded_width < cropped_width:
                diff = cropped_width - padded_width
                pad_left, pad_right, padded_width = pad_left + diff, pad_right + diff, padded_width + 2 * diff
        if padded_height < cropped_height or padded_width < cropped_width:
            raise ValueError(f"Required crop size {(cropped_height, cropped_width)} is larger than "
                             f"{'padded ' if self.padding is not None else ''}input image size "
                             f"{(padded_height, padded_width)}.")
        padding = [pad_left, pad_top, pad_right, pad_bottom]
        top = int(ember.randint(0, padded_height - cropped_height + 1, size=())) \
            if padded_height > cropped_height else 0
        left = int(ember.randint(0, padded_width - cropped_width + 1, size=())) \
            if padded_width > cropped_width else 0
        return dict(needs_crop=padded_height > cropped_height or padded_width > cropped_width, top=top, left=left,
                    height=cropped_height, width=cropped_width, needs_pad=any(padding), padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            inpt = F.pad(inpt, padding=params["padding"], fill=get_fill(self._fill, type(inpt)),
                         padding_mode=self.padding_mode)
        if params["needs_crop"]:
            inpt = F.crop(inpt, top=params["top"], left=params["left"], height=params["height"],
                          width=params["width"])
        return inpt


class RandomRotation(Transform):
    """Rotate the sample by an angle drawn from ``degrees`` (boxes become their rotated corners' bounds).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomRotation((90, 90))(ember.arange(4.0).view(1, 2, 2))
        tensor([[[1., 3.],
                 [0., 2.]]])
    """

    def __init__(self, degrees, interpolation="nearest", expand=False, center=None, fill=0):
        super().__init__()
        self.degrees = _v1._setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.interpolation = interpolation
        self.expand = expand
        self.fill = fill
        self._fill = setup_fill_arg(fill)
        if center is not None:
            _v1._check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs):
        return dict(angle=ember.empty(1).uniform_(self.degrees[0], self.degrees[1]).item())

    def transform(self, inpt, params):
        return F.rotate(inpt, **params, interpolation=self.interpolation, expand=self.expand, center=self.center,
                        fill=get_fill(self._fill, type(inpt)))


class RandomAffine(Transform):
    """A random affine warp of the sample (rotation, translation, scale, shear from their ranges).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomAffine(0)(ember.ones(1, 2, 2))
        tensor([[[1., 1.],
                 [1., 1.]]])
    """

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation="nearest",
                 fill=0, center=None):
        super().__init__()
        checked = _v1.RandomAffine(degrees, translate, scale, shear, fill=0, center=center)  # validates the ranges
        self.degrees, self.translate, self.scale, self.shear = (checked.degrees, checked.translate, checked.scale,
                                                                checked.shear)
        self.interpolation = interpolation
        self.fill = fill
        self._fill = setup_fill_arg(fill)
        self.center = center

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        angle, translate, scale, shear = _v1.RandomAffine.get_params(self.degrees, self.translate, self.scale,
                                                                     self.shear, [width, height])
        return dict(angle=angle, translate=translate, scale=scale, shear=shear)

    def transform(self, inpt, params):
        return F.affine(inpt, **params, interpolation=self.interpolation, fill=get_fill(self._fill, type(inpt)),
                        center=self.center)


class RandomZoomOut(_RandomApplyTransform):
    """With probability ``p``, place the sample on a larger canvas (side ratio from ``side_range``) at a
    random position, filling the rest with ``fill`` (SSD's "zoom out").

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomZoomOut(side_range=(2.0, 2.0), p=1.0)(ember.ones(1, 2, 2)).shape
        ember.Size([1, 4, 4])
    """

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        self.fill = fill
        self._fill = setup_fill_arg(fill)
        _v1._check_sequence_input(side_range, "side_range", req_sizes=(2,))
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        r = self.side_range[0] + ember.rand(1) * (self.side_range[1] - self.side_range[0])
        canvas_width, canvas_height = int(orig_w * r), int(orig_h * r)
        r = ember.rand(2)
        left = int((canvas_width - orig_w) * r[0])
        top = int((canvas_height - orig_h) * r[1])
        return dict(padding=[left, top, canvas_width - (left + orig_w), canvas_height - (top + orig_h)])

    def transform(self, inpt, params):
        return F.pad(inpt, **params, fill=get_fill(self._fill, type(inpt)))
