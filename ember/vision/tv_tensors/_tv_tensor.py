"""TVTensor: the base of the tensor subclasses that tag what a tensor holds (image, boxes, mask...).

As in torchvision, operations on a TVTensor return plain tensors, except ``clone``, ``to``,
``detach`` and ``requires_grad_``, which keep the subclass and its metadata; the v2 transforms use
the type to decide how to transform each input.
"""
import ember


class TVTensor(ember.Tensor):
    """Base class of :class:`Image`, :class:`Video`, :class:`Mask`, :class:`BoundingBoxes` and :class:`KeyPoints`."""

    @staticmethod
    def _to_tensor(data, dtype=None, device=None, requires_grad=None):
        if requires_grad is None:
            requires_grad = data.requires_grad if isinstance(data, ember.Tensor) else False
        return ember.as_tensor(data, dtype=dtype, device=device).requires_grad_(requires_grad)

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        """``tensor`` as this class, taking its metadata from ``like`` unless given in ``kwargs``."""
        return tensor.as_subclass(cls)

    def _rewrap(self, output):
        return type(self).wrap(output, like=self) if isinstance(output, ember.Tensor) else output

    def clone(self, *args, **kwargs):
        return self._rewrap(ember.Tensor.clone(self, *args, **kwargs))

    def to(self, *args, **kwargs):
        return self._rewrap(ember.Tensor.to(self, *args, **kwargs))

    def detach(self):
        return self._rewrap(ember.Tensor.detach(self))

    def requires_grad_(self, requires_grad=True):
        ember.Tensor.requires_grad_(self, requires_grad)
        return self

    def _make_repr(self, **kwargs):
        base = ember.Tensor.__repr__(self)
        extra = ", ".join(f"{key}={value}" for key, value in kwargs.items())
        return f"{base[:-1]}, {extra})"

    def __deepcopy__(self, memo):
        return self.detach().clone().requires_grad_(self.requires_grad)


def wrap(wrappee, *, like, **kwargs):
    """``wrappee`` as the same kind of TVTensor as ``like`` (metadata from ``like`` unless overridden).

    Example:
        >>> from ember.vision import tv_tensors
        >>> boxes = tv_tensors.BoundingBoxes([[0, 0, 2, 2]], format="XYXY", canvas_size=(4, 4))
        >>> tv_tensors.wrap(boxes.as_subclass(ember.Tensor) + 1, like=boxes).canvas_size
        (4, 4)
    """
    wrap_method = getattr(type(like), "wrap", None)
    if wrap_method is not None:
        return wrap_method(wrappee, like, **kwargs)
    return wrappee.as_subclass(type(like))
