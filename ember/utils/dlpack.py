"""ember.utils.dlpack: exchange tensors with other libraries through DLPack without copying
(``torch.utils.dlpack``).

>>> import numpy as np
>>> a = np.arange(3.)
>>> t = ember.from_dlpack(a)
>>> t[0] = 7.
>>> a
array([7., 1., 2.])
"""
import enum

__all__ = ['DLDeviceType', 'from_dlpack', 'to_dlpack']


class DLDeviceType(enum.IntEnum):
    """DLPack's device type codes."""
    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17


class _Capsule:
    """A legacy DLPack capsule (what :func:`to_dlpack` returns) presented as a producer object."""

    def __init__(self, capsule, device):
        self._capsule, self._device = capsule, device

    def __dlpack__(self, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        return self._device


def _to_dlpack(tensor):
    """A DLPack capsule viewing ``tensor``'s memory (consumable once by ``from_dlpack``).

    Args:
        tensor (Tensor): the tensor to export.

    Example::

        >>> t = ember.arange(3)
        >>> ember.utils.dlpack.from_dlpack(ember.utils.dlpack.to_dlpack(t))
        tensor([0, 1, 2])
    """
    from ember import Tensor
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack(): argument 'tensor' (position 1) must be Tensor, not {type(tensor).__name__}")
    return tensor.__dlpack__()


to_dlpack = _to_dlpack   # PyTorch's is its C function _to_dlpack (the __name__ it shows)


def from_dlpack(ext_tensor, *, device=None, copy=None):
    """A tensor sharing the memory of ``ext_tensor``: an object with ``__dlpack__`` (a NumPy array,
    a CuPy array, a PyTorch tensor, an ember tensor) or a DLPack capsule.

    Args:
        ext_tensor: the producer or capsule.
        device (ember.device or str, optional): where the result should live; a copy is made when it differs
            from ``ext_tensor``'s. Default: its own device.
        copy (bool, optional): ``True`` always copies, ``False`` never does (a different ``device`` is then
            an error), ``None`` copies only when needed. Default: ``None``.

    Returns:
        Tensor: a tensor viewing the same memory (writes through one show in the other).

    Example::

        >>> import numpy as np
        >>> ember.from_dlpack(np.array([1, 2], dtype=np.int32))
        tensor([1, 2], dtype=ember.int32)
    """
    from ember import backend
    from ember._device import device as device_class
    from ember._tensor import Tensor
    if type(ext_tensor).__name__ == 'PyCapsule':
        producer, kind, index = _Capsule(ext_tensor, (1, 0)), 1, 0
    elif hasattr(ext_tensor, '__dlpack__'):
        if isinstance(ext_tensor, Tensor):
            kind, index = ext_tensor.__dlpack_device__()
        else:
            kind, index = ext_tensor.__dlpack_device__()
        producer = ext_tensor
    else:
        raise TypeError(f"from_dlpack: expected an object with __dlpack__ or a DLPack capsule, got "
                        f"{type(ext_tensor).__name__}")
    kind, index = int(kind), int(index)
    if kind not in (1, 2):
        raise RuntimeError(f"from_dlpack: ember supports CPU and CUDA memory, got DLPack device type {kind}")
    arr = backend.from_dlpack(producer, kind)
    result = Tensor._make(arr, device_class('cpu') if kind == 1 else device_class('cuda', index))
    if device is not None and device_class(device) != result.device:
        if copy is False:
            raise BufferError(f"from_dlpack: copy=False, but the data lives on {result.device}, not on "
                              f"{device_class(device)}")
        return result.to(device)
    return result.clone() if copy else result
