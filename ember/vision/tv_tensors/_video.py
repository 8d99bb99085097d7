"""Video: a tensor tagged as frames."""
from ember.vision.tv_tensors._tv_tensor import TVTensor


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
