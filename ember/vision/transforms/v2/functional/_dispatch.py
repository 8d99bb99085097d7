"""How a v2 functional picks its arithmetic from the input's type: images (tv Image, Video, plain
tensors, PIL images) go through the classic functional transforms; masks are resampled with nearest
neighbours; bounding boxes and key points have their coordinates transformed; the result keeps the
input's tv_tensor type and metadata.

A functional called on a tv_tensor kind it has no rule for raises a TypeError; inside a v2
transform the same input passes through unchanged (a photometric transform leaves the boxes of a
sample alone), as in torchvision.
"""
import contextlib
import threading

import ember
from ember.vision._pil import is_pil_image
from ember.vision.tv_tensors import BoundingBoxes, Image, KeyPoints, Mask, TVTensor, Video


def is_pure_tensor(inpt):
    """A plain tensor, not a tv_tensor."""
    return isinstance(inpt, ember.Tensor) and not isinstance(inpt, TVTensor)


def _plain(x):
    return x.as_subclass(ember.Tensor)


_STATE = threading.local()


@contextlib.contextmanager
def passing_through():
    """Within a transform's call, kinds a functional has no rule for pass through instead of raising."""
    previous = getattr(_STATE, "passthrough", False)
    _STATE.passthrough = True
    try:
        yield
    finally:
        _STATE.passthrough = previous


def _unsupported(inpt, name):
    if getattr(_STATE, "passthrough", False):
        return inpt
    raise TypeError(f"Functional F.{name} does not support inputs of type {type(inpt)}.")


_SAME = object()


def dispatch(inpt, name, image=None, mask=None, boxes=None, keypoints=None, pil=None, video=_SAME):
    """Apply the handler for ``inpt``'s kind (``video`` defaults to ``image``).

    ``boxes(plain, format, canvas_size, clamping_mode)`` and ``keypoints(plain, canvas_size)`` return
    ``(output, new_canvas_size)``; the others return the output.
    """
    if isinstance(inpt, BoundingBoxes):
        if boxes is None:
            return _unsupported(inpt, name)
        out, size = boxes(_plain(inpt), inpt.format, inpt.canvas_size, inpt.clamping_mode)
        return BoundingBoxes.wrap(out, like=inpt, canvas_size=size)
    if isinstance(inpt, KeyPoints):
        if keypoints is None:
            return _unsupported(inpt, name)
        out, size = keypoints(_plain(inpt), inpt.canvas_size)
        return KeyPoints.wrap(out, like=inpt, canvas_size=size)
    if isinstance(inpt, Mask):
        if mask is None:
            return _unsupported(inpt, name)
        return Mask.wrap(mask(_plain(inpt)), like=inpt)
    if isinstance(inpt, Video) and video is not _SAME:
        return Video.wrap(video(_plain(inpt)), like=inpt) if video is not None else _unsupported(inpt, name)
    if isinstance(inpt, (Image, Video)):
        return type(inpt).wrap(image(_plain(inpt)), like=inpt) if image is not None else _unsupported(inpt, name)
    if isinstance(inpt, TVTensor):
        return _unsupported(inpt, name)
    if isinstance(inpt, ember.Tensor):
        return image(inpt) if image is not None else inpt
    if is_pil_image(inpt):
        return (pil or image)(inpt)
    raise TypeError(f"{name}() supports inputs of type torch.Tensor, PIL images and tv_tensors, but got "
                    f"{type(inpt)} instead.")


def with_channel(fn):
    """Apply an image function to a mask, adding then removing a channel dimension if it has none."""
    def apply(mask):
        if mask.ndim < 3:
            return fn(mask.unsqueeze(0)).squeeze(0)
        return fn(mask)
    return apply
