"""Image, Video and Mask: tensors tagged as pixels, frames or segmentation masks."""
import ember
from ember.vision._pil import is_pil_image
from ember.vision.tv_tensors._tv_tensor import TVTensor


def _from_pil(data):
    if is_pil_image(data):
        from ember.vision.transforms.functional import pil_to_tensor
        return pil_to_tensor(data)
    return data


class Image(TVTensor):
    """An image ``[..., C, H, W]`` (a 2-D input gets a channel dimension; PIL images are converted).

    Example:
        >>> from ember.vision import tv_tensors
        >>> tv_tensors.Image(ember.zeros(2, 3)).shape
        ember.Size([1, 2, 3])
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(_from_pil(data), dtype=dtype, device=device, requires_grad=requires_grad)
        if tensor.ndim < 2:
            raise ValueError(f"Tensor must be 2D or higher, got {tensor.ndim}D tensor.")
        if tensor.ndim == 2:
            tensor = tensor.unsqueeze(0)
        return tensor.as_subclass(cls)

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr()


class Video(TVTensor):
    """A video ``[..., T, C, H, W]``.

    Example:
        >>> from ember.vision import tv_tensors
        >>> tv_tensors.Video(ember.zeros(4, 3, 2, 2)).shape
        ember.Size([4, 3, 2, 2])
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if tensor.ndim < 4:
            raise ValueError
        return tensor.as_subclass(cls)

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr()


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
