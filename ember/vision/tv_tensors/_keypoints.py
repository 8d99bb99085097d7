"""KeyPoints: an ``[..., 2]`` tensor of (x, y) points with the size of their canvas."""
from ember.vision.tv_tensors._tv_tensor import TVTensor


class KeyPoints(TVTensor):
    """Points ``[..., 2]`` (x, y) on a canvas of ``canvas_size`` = (height, width).

    Example:
        >>> from ember.vision import tv_tensors
        >>> tv_tensors.KeyPoints([[1.0, 2.0]], canvas_size=(4, 4)).canvas_size
        (4, 4)
    """

    @classmethod
    def _wrap(cls, tensor, *, canvas_size, check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.shape[-1] != 2:
                raise ValueError(f"Expected a tensor of shape (..., 2), not {tensor.shape}")
        points = tensor.as_subclass(cls)
        points.canvas_size = canvas_size
        return points

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        return cls._wrap(tensor, canvas_size=kwargs.get("canvas_size", like.canvas_size))

    def __new__(cls, data, *, canvas_size, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        return cls._wrap(tensor, canvas_size=canvas_size)

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr(canvas_size=self.canvas_size)
