"""v2 transforms of boxes' and key points' metadata and validity: ClampKeyPoints, SetClampingMode,
SanitizeKeyPoints; and UniformTemporalSubsample for videos."""
import ember
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2._transform import Transform
from ember.utils._pytree import tree_flatten, tree_unflatten
from ember.vision.transforms.v2._utils import get_keypoints, parse_labels_getter
from ember.vision.transforms.v2.functional._sanitize import valid_keypoints_mask
from ember.vision.tv_tensors import BoundingBoxes, KeyPoints, TVTensor, Video


class ClampKeyPoints(Transform):
    """Move key points onto the nearest pixel of their canvas.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> v2.ClampKeyPoints()(tv_tensors.KeyPoints([[-2.0, 9.0]], canvas_size=(4, 4))).tolist()
        [[0.0, 3.0]]
    """

    _transformed_types = (KeyPoints,)

    def transform(self, inpt, params):
        return F.clamp_keypoints(inpt)


class SetClampingMode(Transform):
    """Set the ``clamping_mode`` ("soft", "hard" or None) of the bounding boxes for later transforms.

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> b = tv_tensors.BoundingBoxes([[0, 0, 2, 2]], format="XYXY", canvas_size=(4, 4))
        >>> print(v2.SetClampingMode(None)(b).clamping_mode)
        None
    """

    _transformed_types = (BoundingBoxes,)

    def __init__(self, clamping_mode):
        super().__init__()
        self.clamping_mode = clamping_mode
        if clamping_mode not in (None, "soft", "hard"):
            raise ValueError(f"clamping_mode must be soft, hard or None, got {clamping_mode}")

    def transform(self, inpt, params):
        out = inpt.clone()
        out.clamping_mode = self.clamping_mode
        return out


def _labels_tuple(labels):
    msg = "The labels in the input to forward() must be a tensor or None, got {type} instead."
    if isinstance(labels, ember.Tensor):
        return (labels,)
    if isinstance(labels, (tuple, list)):
        for entry in labels:
            if not isinstance(entry, ember.Tensor):
                raise ValueError(msg.format(type=type(entry)))
        return labels
    raise ValueError(msg.format(type=type(labels)))


class SanitizeKeyPoints(Transform):
    """Drop the key points (or groups of them, along the first dimension) outside their canvas, with
    the labels ``labels_getter`` finds (None, the default: only the key points).

    Example:
        >>> from ember.vision.transforms import v2
        >>> from ember.vision import tv_tensors
        >>> kp = tv_tensors.KeyPoints([[1.0, 1.0], [5.0, 0.0]], canvas_size=(4, 4))
        >>> v2.SanitizeKeyPoints()(kp).tolist()
        [[1.0, 1.0]]
    """

    def __init__(self, labels_getter=None):
        super().__init__()
        self.labels_getter = labels_getter
        self._labels_getter = parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = self._labels_getter(inputs)
        labels = None if labels is None else _labels_tuple(labels)
        flat_inputs, spec = tree_flatten(inputs)
        points = get_keypoints(flat_inputs)
        for label in labels or ():
            if points.shape[0] != label.shape[0]:
                raise ValueError(f"Number of kepyoints (shape={points.shape}) must match the number of labels."
                                 f"Found labels with shape={label.shape}).")
        valid = valid_keypoints_mask(points.as_subclass(ember.Tensor), points.canvas_size)
        params = dict(valid=valid, labels=labels)
        return tree_unflatten([self.transform(x, params) for x in flat_inputs], spec)

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is label for label in params["labels"])
        if is_label:
            return inpt[params["valid"]]
        if isinstance(inpt, KeyPoints):
            return KeyPoints.wrap(inpt.as_subclass(ember.Tensor)[params["valid"]], like=inpt)
        return inpt


class UniformTemporalSubsample(Transform):
    """Keep ``num_samples`` evenly spaced frames of videos ``[..., T, C, H, W]``.

    Example:
        >>> from ember.vision.transforms import v2
        >>> v2.UniformTemporalSubsample(2)(ember.arange(4.0).view(4, 1, 1, 1)).flatten().tolist()
        [0.0, 3.0]
    """

    _transformed_types = (ember.Tensor,)

    def __init__(self, num_samples):
        super().__init__()
        self.num_samples = num_samples

    def transform(self, inpt, params):
        if isinstance(inpt, TVTensor) and not isinstance(inpt, Video):
            return inpt  # only videos (and plain tensors) have frames to subsample
        return F.uniform_temporal_subsample(inpt, self.num_samples)
