"""v2 transforms on values and metadata: Normalize, ToDtype, GaussianBlur, Lambda, Identity, and the
bounding-box housekeeping (ConvertBoundingBoxFormat, ClampBoundingBoxes, SanitizeBoundingBoxes)."""
import warnings

import ember
from ember.vision.transforms import _tensor_transforms as _v1
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.utils._pytree import tree_flatten, tree_unflatten
from ember.vision.transforms.v2._utils import parse_labels_getter
from ember.vision.transforms.v2.functional import is_pure_tensor
from ember.vision.transforms.v2.functional._sanitize import valid_boxes_mask
from ember.vision.tv_tensors import BoundingBoxes, Image, Mask, Video


class Identity(Transform):
    """Return the input unchanged.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Identity()(3)
        3
    """

    def transform(self, inpt, params):
        return inpt


class Lambda(Transform):
    """Apply ``lambd`` to every input of ``types`` (all inputs by default).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Lambda(lambda x: x + 1)(ember.zeros(1))
        tensor([1.])
    """

    _transformed_types = (object,)

    def __init__(self, lambd, *types):
        super().__init__()
        self.lambd = lambd
        self.types = types or self._transformed_types

    def transform(self, inpt, params):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt


class Normalize(Transform):
    """``(x - mean) / std`` per channel of images and videos.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.Normalize([0.5], [0.5])(ember.ones(1, 1, 1))
        tensor([[[1.]]])
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = list(mean)
        self.std = list(std)
        self.inplace = inplace

    def transform(self, inpt, params):
        return F.normalize(inpt, mean=self.mean, std=self.std, inplace=self.inplace)


class ToDtype(Transform):
    """Cast images and videos to ``dtype`` (rescaling values if ``scale``), or each input type to its
    own dtype when ``dtype`` is a dict ({type: dtype, 'others': dtype or None}).

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ToDtype(ember.float32, scale=True)(ember.tensor([[[255]]], dtype=ember.uint8))
        tensor([[[1.]]])
    """

    _transformed_types = (ember.Tensor,)

    def __init__(self, dtype, scale=False):
        super().__init__()
        if not isinstance(dtype, (dict, ember.dtype)):
            raise ValueError(f"dtype must be a dict or a torch.dtype, got {type(dtype)} instead")
        if isinstance(dtype, dict) and ember.Tensor in dtype and any(c in dtype for c in (Image, Video)):
            warnings.warn("Got `dtype` values for `torch.Tensor` and either `tv_tensors.Image` or `tv_tensors.Video`. "
                          "Note that a plain `torch.Tensor` will *not* be transformed by this (or any other "
                          "transformation) in case a `tv_tensors.Image` or `tv_tensors.Video` is present in the "
                          "input.")
        self.dtype = dtype
        self.scale = scale

    def transform(self, inpt, params):
        if isinstance(self.dtype, ember.dtype):
            if not is_pure_tensor(inpt) and not isinstance(inpt, (Image, Video)):
                return inpt
            dtype = self.dtype
        elif type(inpt) in self.dtype:
            dtype = self.dtype[type(inpt)]
        elif "others" in self.dtype:
            dtype = self.dtype["others"]
        else:
            raise ValueError(f"No dtype was specified for type {type(inpt)}. If you only need to convert the dtype of "
                             "images or videos, you can just pass e.g. dtype=torch.float32. If you're passing a dict "
                             'as dtype, you can use "others" as a catch-all key e.g. dtype={tv_tensors.Mask: '
                             'torch.int64, "others": None} to pass-through the rest of the inputs.')
        if dtype is None:
            if self.scale and (is_pure_tensor(inpt) or isinstance(inpt, (Image, Video))):
                warnings.warn("scale was set to True but no dtype was specified for images or videos: no scaling "
                              "will be done.")
            return inpt
        return F.to_dtype(inpt, dtype=dtype, scale=self.scale)


class ConvertImageDtype(Transform):
    """[DEPRECATED] Convert images to ``dtype``, rescaling their values; use
    ``v2.ToDtype(dtype, scale=True)`` instead.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.ConvertImageDtype(ember.float32)(ember.tensor([[[255]]], dtype=ember.uint8))
        tensor([[[1.]]])
    """

    def __init__(self, dtype=ember.float32):
        super().__init__()
        self.dtype = dtype

    def transform(self, inpt, params):
        return F.to_dtype(inpt, dtype=self.dtype, scale=True)


class GaussianBlur(Transform):
    """Blur images and videos with a Gaussian whose sigma is drawn from ``sigma`` on each call.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.GaussianBlur(3, sigma=1.0)(ember.ones(1, 3, 3))
        tensor([[[1., 1., 1.],
                 [1., 1., 1.],
                 [1., 1., 1.]]])
    """

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        checked = _v1.GaussianBlur(kernel_size, sigma)
        self.kernel_size, self.sigma = checked.kernel_size, [float(s) for s in checked.sigma]

    def make_params(self, flat_inputs):
        sigma = ember.empty(1).uniform_(self.sigma[0], self.sigma[1]).item()
        return dict(sigma=[sigma, sigma])

    def transform(self, inpt, params):
        return F.gaussian_blur(inpt, self.kernel_size, **params)


class ConvertBoundingBoxFormat(Transform):
    """Convert bounding boxes to ``format``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> b = tv_tensors.BoundingBoxes([[1, 1, 3, 4]], format="XYXY", canvas_size=(5, 5))
        >>> v2.ConvertBoundingBoxFormat("XYWH")(b).tolist()
        [[1, 1, 2, 3]]
    """

    _transformed_types = (BoundingBoxes,)

    def __init__(self, format):
        super().__init__()
        self.format = format  # a name or a BoundingBoxFormat, kept as given (it shows in the repr)

    def transform(self, inpt, params):
        return F.convert_bounding_box_format(inpt, new_format=self.format)


class ClampBoundingBoxes(Transform):
    """Clip bounding boxes to their canvas.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> b = tv_tensors.BoundingBoxes([[-1, 1, 9, 4]], format="XYXY", canvas_size=(5, 5))
        >>> v2.ClampBoundingBoxes()(b).tolist()
        [[0, 1, 5, 4]]
    """

    _transformed_types = (BoundingBoxes,)

    def __init__(self, clamping_mode="auto"):
        super().__init__()
        self.clamping_mode = clamping_mode

    def transform(self, inpt, params):
        return F.clamp_bounding_boxes(inpt, clamping_mode=self.clamping_mode)


class SanitizeBoundingBoxes(Transform):
    """Drop degenerate boxes (smaller than ``min_size`` / ``min_area``, or outside the canvas) along with
    their labels and masks.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> b = tv_tensors.BoundingBoxes([[0, 0, 2, 2], [1, 1, 1, 3]], format="XYXY", canvas_size=(4, 4))
        >>> out = v2.SanitizeBoundingBoxes()({"boxes": b, "labels": ember.tensor([7, 8])})
        >>> out["boxes"].tolist(), out["labels"].tolist()
        ([[0, 0, 2, 2]], [7])
    """

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        super().__init__()
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1, got {min_size}.")
        if min_area < 1:
            raise ValueError(f"min_area must be >= 1, got {min_area}.")
        self.min_size = min_size
        self.min_area = min_area
        self.labels_getter = labels_getter
        self._labels_getter = parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = self._labels_getter(inputs)
        if labels is not None:
            msg = "The labels in the input to forward() must be a tensor or None, got {type} instead."
            if isinstance(labels, ember.Tensor):
                labels = (labels,)
            elif isinstance(labels, (tuple, list)):
                for entry in labels:
                    if not isinstance(entry, ember.Tensor):
                        raise ValueError(msg.format(type=type(entry)))
            else:
                raise ValueError(msg.format(type=type(labels)))
        flat_inputs, spec = tree_flatten(inputs)
        boxes = [x for x in flat_inputs if isinstance(x, BoundingBoxes)]
        if not boxes:
            raise ValueError("No bounding boxes were found in the sample")
        boxes = boxes[0]
        if labels is not None:
            for label in labels:
                if boxes.shape[0] != label.shape[0]:
                    raise ValueError(f"Number of boxes (shape={boxes.shape}) and must match the number of labels."
                                     f"Found labels with shape={label.shape}).")
        valid = valid_boxes_mask(boxes.as_subclass(ember.Tensor), boxes.format, boxes.canvas_size, self.min_size,
                                 self.min_area)
        params = dict(valid=valid, labels=labels)
        return tree_unflatten([self.transform(x, params) for x in flat_inputs], spec)

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is label for label in params["labels"])
        if not (is_label or isinstance(inpt, (BoundingBoxes, Mask))):
            return inpt
        plain = inpt.as_subclass(ember.Tensor) if not is_label else inpt
        if plain.shape[0] != params["valid"].shape[0]:
            return inpt
        out = plain[params["valid"]]
        return out if is_label else type(inpt).wrap(out, like=inpt)
