"""Mask: a tensor tagged as a segmentation or detection mask."""
from ember.vision.tv_tensors._image import _from_pil
from ember.vision.tv_tensors._tv_tensor import TVTensor


class Mask(TVTensor):
    """A segmentation or detection mask ``[..., H, W]`` (resampled with nearest neighbours).

    Example:
        >>> from ember.vision import tv_tensors
        >>> tv_tensors.Mask(ember.zeros(2, 2, dtype=ember.uint8))
        Mask([[0, 0],
              [0, 0]], dtype=ember.uint8)
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(_from_pil(data), dtype=dtype, device=device, requires_grad=requires_grad)
        return tensor.as_subclass(cls)
