"""TVTensor: the base of the tensor subclasses that tag what a tensor holds (image, boxes, mask...).

As in torchvision, operations on a TVTensor return plain tensors, except ``clone``, ``to``,
``detach`` and ``requires_grad_``, which keep the subclass and its metadata; the v2 transforms use
the type to decide how to transform each input. :func:`set_return_type` ``("TVTensor")`` makes every
operation keep the type (through ``__torch_function__``, switched on by that first call).
"""
import ember
from ember import _torch_function
from ember.overrides import DisableTorchFunctionSubclass

_return_tv_tensors = False


class _ReturnTypeRestorer:
    """What :func:`set_return_type` returns: as a context manager, it restores the previous type on exit."""

    def __init__(self, previous):
        self.previous = previous

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _return_tv_tensors
        _return_tv_tensors = self.previous
        return False


def set_return_type(return_type):
    """Choose what ember operations on a TVTensor return: ``"Tensor"`` (plain tensors, the default) or
    ``"TVTensor"`` (the input's TVTensor type, with its metadata). Transforms always return the type they
    were given. Use it as a global switch or, to limit its scope, as a context manager.

    Args:
        return_type (str): ``"TVTensor"`` or ``"Tensor"`` (any case).

    Example:
        >>> from ember.vision import tv_tensors
        >>> img = tv_tensors.Image(ember.zeros(3, 2, 2))
        >>> type(img + 1).__name__
        'Tensor'
        >>> with tv_tensors.set_return_type("TVTensor"):
        ...     type(img + 1).__name__
        'Image'
        >>> type(img + 1).__name__
        'Tensor'
    """
    global _return_tv_tensors
    previous = _return_tv_tensors
    try:
        _return_tv_tensors = {"tensor": False, "tvtensor": True}[return_type.lower()]
    except KeyError:
        raise ValueError(f"return_type must be 'TVTensor' or 'Tensor', got {return_type}") from None
    if _return_tv_tensors:
        _torch_function.activate()
    return _ReturnTypeRestorer(previous)


def _flat_arguments(args, kwargs):
    for a in (*args, *(kwargs or {}).values()):
        if isinstance(a, (tuple, list)):
            yield from a
        else:
            yield a


class TVTensor(ember.Tensor):
    """Base class of :class:`Image`, :class:`Video`, :class:`Mask`, :class:`BoundingBoxes` and :class:`KeyPoints`."""

    _torch_function_on_demand = True   # ops dispatch on TVTensors once set_return_type("TVTensor") is used
    _KEEP_TYPE = frozenset(('clone', 'to', 'detach', 'requires_grad_', 'pin_memory'))

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if not all(issubclass(cls, t) for t in types):
            return NotImplemented
        with DisableTorchFunctionSubclass():
            output = func(*args, **(kwargs or {}))
        keep = getattr(func, '__name__', None) in cls._KEEP_TYPE and args and isinstance(args[0], cls)
        if _return_tv_tensors or keep:
            return cls._wrap_output(output, args, kwargs)
        if isinstance(output, cls):      # an in-place op returned its TVTensor input: as a plain tensor
            return output.as_subclass(ember.Tensor)
        return output

    @classmethod
    def _wrap_output(cls, output, args=(), kwargs=None):
        """``output``'s tensors as ``cls``, their metadata from the first ``cls`` argument."""
        like = next((a for a in _flat_arguments(args, kwargs) if isinstance(a, cls)), None)
        if isinstance(output, ember.Tensor) and not isinstance(output, cls):
            return cls.wrap(output, like=like) if like is not None else output.as_subclass(cls)
        if isinstance(output, (tuple, list)):
            return type(output)(cls._wrap_output(part, args, kwargs) for part in output)
        return output

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
