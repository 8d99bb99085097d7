"""Helpers of the v2 transforms: flattening nested samples, finding sizes and labels, fill values."""
import collections.abc
import numbers

from ember.vision._pil import is_pil_image
from ember.vision.transforms.v2.functional import get_size, is_pure_tensor
from ember.vision.tv_tensors import BoundingBoxes, Image, KeyPoints, Mask, Video


def check_type(obj, types_or_checks):
    for t in types_or_checks:
        if (isinstance(obj, t) if isinstance(t, type) else t(obj)):
            return True
    return False


def has_any(flat_inputs, *types_or_checks):
    return any(check_type(x, types_or_checks) for x in flat_inputs)


def has_all(flat_inputs, *types_or_checks):
    """Whether every type (or check) in ``types_or_checks`` matches some input of the sample."""
    return all(any(check_type(x, (t,)) for x in flat_inputs) for t in types_or_checks)


def get_keypoints(flat_inputs):
    """The (first) KeyPoints of a flattened sample."""
    for inpt in flat_inputs:
        if isinstance(inpt, KeyPoints):
            return inpt
    raise ValueError("No keypoints were found in the sample")


def _is_pil(x):
    return is_pil_image(x)


def query_size(flat_inputs):
    """(height, width) shared by the images, videos, masks, boxes and key points of a sample."""
    sizes = {tuple(get_size(x)) for x in flat_inputs
             if check_type(x, (is_pure_tensor, Image, _is_pil, Video, Mask, BoundingBoxes, KeyPoints))}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: {', '.join(str(s) for s in sorted(sizes))}")
    return sizes.pop()


def query_chw(flat_inputs):
    """(channels, height, width) shared by the images and videos of a sample."""
    from ember.vision.transforms.v2.functional import get_dimensions
    chws = {tuple(get_dimensions(x)) for x in flat_inputs if check_type(x, (is_pure_tensor, Image, _is_pil, Video))}
    if not chws:
        raise TypeError("No image or video was found in the sample")
    if len(chws) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: {', '.join(str(s) for s in sorted(chws))}")
    return chws.pop()


def setup_fill_arg(fill):
    """``fill`` as {input type or 'others': value}, numbers kept, sequences as float lists."""
    def check(value):
        if isinstance(value, dict):
            for v in value.values():
                check(v)
        elif value is not None and not isinstance(value, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts are allowed.")
    check(fill)

    def convert(value):
        if value is None or isinstance(value, (int, float)):
            return value
        return [float(v) for v in list(value)]
    if isinstance(fill, dict):
        return {k: convert(v) for k, v in fill.items()}
    return {"others": convert(fill)}


def get_fill(fill_dict, inpt_type):
    if inpt_type in fill_dict:
        return fill_dict[inpt_type]
    return fill_dict.get("others")


def find_labels(inputs):
    """The labels of a sample: the second item of a pair, or the 'labels' (or first '*label*') entry of a dict."""
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, collections.abc.Mapping):
        raise ValueError("When using the default labels_getter, the input passed to forward must be a dictionary or a "
                         f"two-tuple whose second item is a dictionary or a tensor, but got {inputs} instead.")
    key = next((k for k in inputs.keys() if k.lower() == "labels"), None)
    if key is None:
        key = next((k for k in inputs.keys() if "label" in k.lower()), None)
    if key is None:
        raise ValueError("Could not infer where the labels are in the sample. Try passing a callable as the "
                         "labels_getter parameter?If there are no labels in the sample by design, pass "
                         "labels_getter=None.")
    return inputs[key]


def parse_labels_getter(labels_getter):
    if labels_getter == "default":
        return find_labels
    if callable(labels_getter):
        return labels_getter
    if labels_getter is None:
        return lambda _: None
    raise ValueError(f"labels_getter should either be 'default', a callable, or None, but got {labels_getter}.")


