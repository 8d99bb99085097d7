"""Tensor methods for exchanging data with other libraries and Python's protocols: DLPack
(``__dlpack__``/``__dlpack_device__``), NumPy's ``__array_wrap__``, ``__cuda_array_interface__``,
``as_subclass``, ``const_data_ptr``, ``module_load``, ``is_distributed``."""
from ember._tensor import Tensor


def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
    """Exports the tensor as a DLPack capsule viewing its memory, for ``from_dlpack`` of any library
    (:func:`ember.from_dlpack`, ``numpy.from_dlpack``, ...), which usually call it themselves.

    Keyword args:
        stream (int, optional): for CUDA tensors, the consumer's stream; ``None`` on the CPU.
        max_version (tuple of int, optional): the newest DLPack version the consumer reads.
        dl_device (tuple, optional): the device the consumer wants; it must be the tensor's own.
        copy (bool, optional): export a copy instead of a view of the tensor's memory.

    Example::

        >>> import numpy as np
        >>> x = ember.tensor([1., 2., 3.])
        >>> np.from_dlpack(x)
        array([1., 2., 3.], dtype=float32)
        >>> ember.from_dlpack(x.__dlpack__())
        tensor([1., 2., 3.])
    """
    if self.requires_grad:
        raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
    if dl_device is not None and tuple(int(v) for v in dl_device) != tuple(int(v) for v in self.__dlpack_device__()):
        raise BufferError("ember exports a tensor to DLPack only on its own device")
    arr = self._data.copy() if copy else self._data
    kwargs = {} if max_version is None else {'max_version': max_version}
    if stream is not None and self._device.type == 'cpu' and stream not in (-1,):
        raise BufferError(f"stream should be None on cpu, got {stream}")
    return arr.__dlpack__(**kwargs) if self._device.type == 'cpu' else arr.__dlpack__(stream=stream, **kwargs)


def __dlpack_device__(self):
    """Returns where the tensor's memory lives, in DLPack's terms: ``(device type, index)``, that is
    ``(kDLCPU, 0)`` or ``(kDLCUDA, n)``.

    Example::

        >>> ember.ones(2).__dlpack_device__()
        (<DLDeviceType.kDLCPU: 1>, 0)
    """
    from ember.utils.dlpack import DLDeviceType
    if self._device.type == 'cuda':
        return (DLDeviceType.kDLCUDA, self._device.index or 0)
    return (DLDeviceType.kDLCPU, 0)


def __array_wrap__(self, array, context=None, return_scalar=False):
    """Wraps the result of a NumPy ufunc applied to a tensor: NumPy calls it, and the result is a tensor over
    the result array (bool results become uint8, as in PyTorch).

    Args:
        array (numpy.ndarray): the ufunc's result.
        context (tuple, optional): the ufunc and its arguments, as NumPy passes them.
        return_scalar (bool, optional): NumPy's request for a scalar result (a tensor is returned anyway).

    Example::

        >>> import numpy as np
        >>> np.sin(ember.tensor([0., 1.]))
        tensor([0.0000, 0.8415])
        >>> np.greater(ember.tensor([0., 1.]), 0.5)
        tensor([0, 1], dtype=ember.uint8)
    """
    import ember
    if array.dtype == bool:
        array = array.astype('uint8')
    return ember.from_numpy(array)


def _cuda_array_interface(self):
    if self._device.type != 'cuda':
        raise AttributeError(f"Can't get __cuda_array_interface__ on non-CUDA tensor type: {self.type()} If CUDA "
                             "data is required use tensor.cuda() to copy tensor to device memory.")
    if self.requires_grad:
        raise RuntimeError("Can't get __cuda_array_interface__ on Variable that requires grad. If gradients aren't "
                           "required, use var.detach() to get Variable that doesn't require grad.")
    return self._data.__cuda_array_interface__


def as_subclass(self, cls):
    """This tensor as an instance of ``cls`` (a Tensor subclass): same memory, same autograd history.

    Example::

        >>> class Tagged(ember.Tensor): pass
        >>> t = ember.ones(2)
        >>> s = t.as_subclass(Tagged)
        >>> type(s).__name__, s.data_ptr() == t.data_ptr()
        ('Tagged', True)
    """
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not possible. "
                        "Make sure your class inherits from Tensor.")
    # NOTE: the plain detach, past the dispatching wrapper: as_subclass is not an op of the program (a
    # subclass whose detach re-wraps its result through as_subclass would recurse)
    from ember._torch_function import unwrapped
    # (an alias of the same memory: PyTorch's node for it is AliasBackward0, as of x[...])
    out = unwrapped(Tensor.__getitem__)(self, Ellipsis) if self.requires_grad else unwrapped(Tensor.detach)(self)
    out.__class__ = cls
    return out


def const_data_ptr(self):
    """Returns the address of the tensor's first element, for code that only reads through it (the same address
    as :meth:`data_ptr`).

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> x.const_data_ptr() == x.data_ptr()
        True
    """
    return self.data_ptr()


def module_load(self, other, assign=False):
    """Returns the new value of this parameter or buffer when :meth:`ember.nn.Module.load_state_dict` loads
    ``other`` into it: ``self.copy_(other).detach()``, or ``other.detach()`` when ``assign`` is true. A Tensor
    subclass can override it (or ``__torch_function__`` can intercept it) to control loading.

    Args:
        other (Tensor): the value from the state dict.
        assign (bool, optional): take ``other`` itself instead of copying it into ``self``. Default: ``False``.

    Example::

        >>> buffer = ember.zeros(2)
        >>> buffer.module_load(ember.tensor([1., 2.]))
        tensor([1., 2.])
        >>> buffer
        tensor([1., 2.])
    """
    from ember.overrides import handle_torch_function, has_torch_function_variadic
    if has_torch_function_variadic(self, other):
        return handle_torch_function(Tensor.module_load, (self, other), self, other, assign=assign)
    if assign:
        return other.detach()
    return self.copy_(other).detach()


def is_distributed(input):  # noqa: A002  (PyTorch's parameter name)
    """Whether ``input`` is split across processes: always ``False``, as an ember tensor lives whole
    in one process (also for PyTorch's dense tensors).

    Example::

        >>> ember.is_distributed(ember.ones(2))
        False
    """
    return False


def _make_wrapper_subclass(cls, size, strides=None, storage_offset=None, memory_format=None, dtype=None, layout=None,
                           device=None, pin_memory=False, requires_grad=False, dispatch_sizes_strides_policy=None,
                           dispatch_device=False, dispatch_layout=False, _extra_dispatch_keys=None, storage_size=None):
    """An instance of the Tensor subclass ``cls`` with this shape, strides, dtype and device and no data of its
    own: the wrapper of ``__torch_dispatch__`` subclasses (see ``ember/utils/_python_dispatch.py``)."""
    from ember.utils._python_dispatch import make_wrapper_subclass
    return make_wrapper_subclass(cls, size, strides, storage_offset, memory_format, dtype, layout, device, pin_memory,
                                 requires_grad, dispatch_sizes_strides_policy, dispatch_device, dispatch_layout,
                                 _extra_dispatch_keys, storage_size)


def _make_subclass(cls, data, require_grad=False, dispatch_sizes_strides_policy=None, dispatch_device=False,
                   dispatch_layout=False):
    """``data``'s memory as an instance of the Tensor subclass ``cls`` (what ``Parameter`` is made with)."""
    from ember.utils._python_dispatch import make_subclass
    return make_subclass(cls, data, require_grad, dispatch_sizes_strides_policy, dispatch_device, dispatch_layout)


Tensor._make_wrapper_subclass = staticmethod(_make_wrapper_subclass)
Tensor._make_subclass = staticmethod(_make_subclass)
Tensor.__dlpack__ = __dlpack__
Tensor.__dlpack_device__ = __dlpack_device__
Tensor.__array_wrap__ = __array_wrap__
Tensor.__cuda_array_interface__ = property(_cuda_array_interface)
Tensor.as_subclass = as_subclass
Tensor.const_data_ptr = const_data_ptr
Tensor.module_load = module_load
Tensor.is_distributed = is_distributed
