"""``ember.TensorType``: TorchScript's type of tensors, what a script's ``Tensor`` annotations name and what
a traced graph knows of a value (dtype, sizes, strides, device, requires_grad; each may be unknown)."""
from ember._dtype import dtype as _dtype_class
from ember._tensor import Tensor, _contiguous_strides, _scalar_type_name


class TensorType:
    """The type of tensors in TorchScript, with what is known of them: ``TensorType.get()`` knows
    nothing (any tensor), ``TensorType.create_from_tensor(t)`` knows everything about ``t``. Libraries use the
    class in annotations (open_clip's ``attention_mask: TensorType``). There is no constructor, as in PyTorch.

    Example::

        >>> t = ember.TensorType.create_from_tensor(ember.zeros(2, 3))
        >>> t.str(), t.dtype(), t.sizes()
        ('Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)', ember.float32, [2, 3])
        >>> t.isSubtypeOf(ember.TensorType.get()), ember.TensorType.get().str()
        (True, 'Tensor')
    """
    __slots__ = ('_dtype', '_sizes', '_strides', '_device', '_requires_grad')
    annotation_str = 'Tensor'

    def __new__(cls, *args, **kwargs):
        raise TypeError("ember._C.TensorType: No constructor defined!")

    @classmethod
    def _make(cls, dtype=None, sizes=None, strides=None, device=None, requires_grad=None):
        t = object.__new__(cls)
        t._dtype, t._sizes, t._strides, t._device, t._requires_grad = (
            dtype, None if sizes is None else list(sizes), None if strides is None else list(strides), device,
            requires_grad)
        return t

    def _fields(self):
        return self._dtype, self._sizes, self._strides, self._device, self._requires_grad

    @classmethod
    def get(cls):
        """The type of any tensor: nothing known."""
        return cls._make()

    @classmethod
    def getInferred(cls):
        """The type TorchScript gives an unannotated argument: any tensor."""
        return cls._make()

    @classmethod
    def create_from_tensor(cls, tensor):
        """The complete type of ``tensor``: its dtype, sizes, strides, device and requires_grad."""
        if not isinstance(tensor, Tensor):
            raise TypeError(f"create_from_tensor(): incompatible function arguments: expected a Tensor, "
                            f"got {type(tensor).__name__}")
        return cls._make(tensor.dtype, tensor.shape, tensor.stride(), tensor.device, tensor.requires_grad)

    def kind(self):
        """``'TensorType'``."""
        return 'TensorType'

    def dtype(self):
        """The dtype, or None when unknown."""
        return self._dtype

    def scalarType(self):
        """The dtype's scalar type name (``'Float'``), or None when unknown."""
        return None if self._dtype is None else _scalar_type_name(self._dtype)

    def sizes(self):
        """The sizes as a list, or None when unknown."""
        return None if self._sizes is None else list(self._sizes)

    def strides(self):
        """The strides as a list, or None when unknown."""
        return None if self._strides is None else list(self._strides)

    def dim(self):
        """The number of dimensions, or None when unknown."""
        return None if self._sizes is None else len(self._sizes)

    def device(self):
        """The device, or None when unknown."""
        return self._device

    def requires_grad(self):
        """Whether the tensor requires grad (True when unknown: it may)."""
        return True if self._requires_grad is None else self._requires_grad

    def containedTypes(self):
        """The types inside this one: none for a tensor."""
        return []

    def with_dtype(self, dtype):
        """This type with its dtype set."""
        if not isinstance(dtype, _dtype_class):
            raise TypeError(f"with_dtype(): expected an ember.dtype, got {type(dtype).__name__}")
        return TensorType._make(dtype, self._sizes, self._strides, self._device, self._requires_grad)

    def with_sizes(self, sizes):
        """This type with its sizes set (and contiguous strides); None entries make the sizes unknown."""
        if sizes is None or any(s is None for s in sizes):
            return TensorType._make(self._dtype, None, None, self._device, self._requires_grad)
        return TensorType._make(self._dtype, sizes, None, self._device, self._requires_grad)

    def with_device(self, device):
        """This type with its device set."""
        from ember._device import device as _device
        return TensorType._make(self._dtype, self._sizes, self._strides, _device(device), self._requires_grad)

    def contiguous(self):
        """This type with the strides of a contiguous tensor of its sizes."""
        strides = None if self._sizes is None else list(_contiguous_strides(tuple(self._sizes)))
        return TensorType._make(self._dtype, self._sizes, strides, self._device, self._requires_grad)

    def isSubtypeOf(self, other):
        """Whether every tensor of this type is of ``other``: what ``other`` knows, this type knows alike."""
        if not isinstance(other, TensorType):
            return False
        return all(theirs is None or mine == theirs for mine, theirs in zip(self._fields(), other._fields()))

    def str(self):
        """The full description: ``Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)``."""
        name = self.scalarType() or ''
        if self._sizes is None:
            return name + 'Tensor'
        parts = [', '.join(str(s) for s in self._sizes)] if self._sizes else []     # a 0-d tensor: no sizes
        if self._strides:
            parts.append(f"strides=[{', '.join(str(s) for s in self._strides)}]")
        if self._requires_grad is not None:
            parts.append(f'requires_grad={int(self._requires_grad)}')
        if self._device is not None:
            parts.append(f'device={self._device}')
        return f"{name or 'Tensor'}({', '.join(parts)})"

    def __str__(self):
        return 'Tensor'

    __repr__ = __str__

    def __eq__(self, other):
        return isinstance(other, TensorType) and self._fields() == other._fields()

    def __hash__(self):
        return hash(('TensorType', self._dtype, self.dim()))


TensorType.__module__ = 'ember'
