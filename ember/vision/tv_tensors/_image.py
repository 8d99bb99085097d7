"""Image: a tensor tagged as pixels."""
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
