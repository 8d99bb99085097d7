"""v2 transforms of detection and segmentation recipes: SSD's RandomIoUCrop, and the random resizes
(ScaleJitter, RandomShortestSize, RandomResize) that move boxes, masks and key points with the image."""
import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.vision.transforms.v2._utils import has_all, has_any, query_size
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.transforms.v2.functional._boxes import convert_format
from ember.vision.tv_tensors import BoundingBoxes, BoundingBoxFormat, Image


def get_bounding_boxes(flat_inputs):
    """The (first) BoundingBoxes of a flattened sample."""
    for inpt in flat_inputs:
        if isinstance(inpt, BoundingBoxes):
            return inpt
    raise ValueError("No bounding boxes were found in the sample")


def _iou_with(boxes, window):
    # IoU of each XYXY box with one window (left, top, right, bottom)
    left, top, right, bottom = window
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    w = (boxes[:, 2].clamp(max=right) - boxes[:, 0].clamp(min=left)).clamp(min=0)
    h = (boxes[:, 3].clamp(max=bottom) - boxes[:, 1].clamp(min=top)).clamp(min=0)
    inter = w * h
    return inter / (area + (right - left) * (bottom - top) - inter)


class RandomIoUCrop(Transform):
    """SSD's random crop: pick a minimum IoU from ``sampler_options`` (1.0 or more keeps the sample),
    then try up to ``trials`` random windows (side scales in [``min_scale``, ``max_scale``], aspect ratio
    in [``min_aspect_ratio``, ``max_aspect_ratio``]) until one holds the centre of a box that it overlaps
    by at least that IoU. Boxes whose centre falls outside are zeroed: follow with
    :class:`SanitizeBoundingBoxes` to drop them.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> img = tv_tensors.Image(ember.zeros(3, 10, 10))
        >>> boxes = tv_tensors.BoundingBoxes([[2, 2, 8, 8]], format="XYXY", canvas_size=(10, 10))
        >>> out_img, out_boxes = v2.RandomIoUCrop(sampler_options=[1.0])(img, boxes)
        >>> out_boxes.tolist()
        [[2, 2, 8, 8]]
    """

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0,
                 sampler_options=None, trials=40):
        super().__init__()
        self.min_scale = min_scale
        self.max_scale = max_scale
        self.min_aspect_ratio = min_aspect_ratio
        self.max_aspect_ratio = max_aspect_ratio
        self.options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None else sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        if not (has_all(flat_inputs, BoundingBoxes) and has_any(flat_inputs, is_pil_image, Image, is_pure_tensor)):
            raise TypeError(f"{type(self).__name__}() requires input sample to contain tensor or PIL images and "
                            "bounding boxes. Sample can also contain masks.")

    def _try_window(self, orig_h, orig_w, xyxy, min_iou):
        r = self.min_scale + (self.max_scale - self.min_scale) * ember.rand(2)
        new_w, new_h = int(orig_w * r[0]), int(orig_h * r[1])
        if not (self.min_aspect_ratio <= new_w / new_h <= self.max_aspect_ratio):
            return None
        r = ember.rand(2)
        left, top = int((orig_w - new_w) * r[0]), int((orig_h - new_h) * r[1])
        right, bottom = left + new_w, top + new_h
        if left == right or top == bottom:
            return None
        cx = 0.5 * (xyxy[..., 0] + xyxy[..., 2])
        cy = 0.5 * (xyxy[..., 1] + xyxy[..., 3])
        inside = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
        if not inside.any():
            return None
        if _iou_with(xyxy[inside], (left, top, right, bottom)).max() < min_iou:
            return None
        return dict(top=top, left=left, height=new_h, width=new_w, is_within_crop_area=inside)

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        boxes = get_bounding_boxes(flat_inputs)
        xyxy = convert_format(boxes.as_subclass(ember.Tensor), boxes.format, BoundingBoxFormat.XYXY)
        while True:
            min_iou = self.options[int(ember.randint(low=0, high=len(self.options), size=(1,)))]
            if min_iou >= 1.0:  # the "leave the sample as it is" option
                return {}
            for _ in range(self.trials):
                params = self._try_window(orig_h, orig_w, xyxy, min_iou)
                if params is not None:
                    return params

    def transform(self, inpt, params):
        if not params:
            return inpt
        out = F.crop(inpt, top=params["top"], left=params["left"], height=params["height"], width=params["width"])
        if isinstance(out, BoundingBoxes):
            out[~params["is_within_crop_area"]] = 0  # degenerate: SanitizeBoundingBoxes removes them
        return out


class _RandomSize(Transform):
    def transform(self, inpt, params):
        return F.resize(inpt, size=params["size"], interpolation=self.interpolation, antialias=self.antialias)


class ScaleJitter(_RandomSize):
    """Large-scale jitter (Copy-Paste augmentation): resize so that the sample fits ``target_size``
    (height, width) times a factor drawn from ``scale_range``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ScaleJitter((8, 8), scale_range=(0.5, 0.5))(ember.zeros(1, 8, 16)).shape
        ember.Size([1, 2, 4])
    """

    def __init__(self, target_size, scale_range=(0.1, 2.0), interpolation="bilinear", antialias=True):
        super().__init__()
        self.target_size = target_size
        self.scale_range = scale_range
        self.interpolation, self.antialias = interpolation, antialias

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        scale = self.scale_range[0] + ember.rand(1) * (self.scale_range[1] - self.scale_range[0])
        r = min(self.target_size[1] / orig_h, self.target_size[0] / orig_w) * scale
        return dict(size=(int(orig_h * r), int(orig_w * r)))


class RandomShortestSize(_RandomSize):
    """Resize so that the shorter side is one of ``min_size`` (drawn at random) and the longer side is at
    most ``max_size``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomShortestSize(4)(ember.zeros(1, 8, 16)).shape
        ember.Size([1, 4, 8])
    """

    def __init__(self, min_size, max_size=None, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size = [min_size] if isinstance(min_size, int) else list(min_size)
        self.max_size = max_size
        self.interpolation, self.antialias = interpolation, antialias

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        min_size = self.min_size[int(ember.randint(len(self.min_size), ()))]
        r = min_size / min(orig_h, orig_w)
        if self.max_size is not None:
            r = min(r, self.max_size / max(orig_h, orig_w))
        return dict(size=(int(orig_h * r), int(orig_w * r)))


class RandomResize(_RandomSize):
    """Resize the shorter side to a size drawn uniformly from [``min_size``, ``max_size``).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.RandomResize(4, 5)(ember.zeros(1, 8, 16)).shape
        ember.Size([1, 4, 8])
    """

    def __init__(self, min_size, max_size, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size = min_size
        self.max_size = max_size
        self.interpolation, self.antialias = interpolation, antialias

    def make_params(self, flat_inputs):
        return dict(size=[int(ember.randint(self.min_size, self.max_size, ()))])
