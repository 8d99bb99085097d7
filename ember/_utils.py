"""``torch._utils``: the helpers libraries reach into PyTorch's private module for — checkpoint rebuilders
(``_rebuild_tensor_v2``, ``_rebuild_parameter``: a tensor subclass's ``__reduce_ex__`` names them),
flattening a list of tensors into one buffer and back (fp16 master weights, bucketed all-reduce),
``_get_device_index``, ``_element_size``. Each is ember's own; the rebuilders are the ones ``ember.load``
uses."""
from ember.serialization import (_rebuild_parameter, _rebuild_parameter_with_state, _rebuild_tensor,  # noqa: F401
                                 _rebuild_tensor_v2, _rebuild_tensor_v3)
from ember.utils.data._worker import ExceptionWrapper  # noqa: F401


def _element_size(dtype):
    """The size in bytes of one element of ``dtype`` (``dtype.itemsize``).

    Example::

        >>> from ember._utils import _element_size
        >>> _element_size(ember.float16), _element_size(ember.bool)
        (2, 1)
    """
    return dtype.itemsize


def _flatten_dense_tensors(tensors):
    """One 1-d tensor holding the elements of ``tensors`` one after another (differentiable): the buffer
    that :func:`_unflatten_dense_tensors` cuts back into tensors of the original shapes.

    Example::

        >>> from ember._utils import _flatten_dense_tensors
        >>> _flatten_dense_tensors([ember.ones(2, 2), ember.arange(3.)])
        tensor([1., 1., 1., 1., 0., 1., 2.])
    """
    import ember
    return ember.cat([t.contiguous().view(-1) for t in tensors])


def _unflatten_dense_tensors(flat, tensors):
    """Views of ``flat`` with the shapes of ``tensors``, in order: the inverse of
    :func:`_flatten_dense_tensors` (the views share ``flat``'s memory).

    Example::

        >>> from ember._utils import _flatten_dense_tensors, _unflatten_dense_tensors
        >>> shapes = [ember.ones(2, 2), ember.arange(3.)]
        >>> [t.shape for t in _unflatten_dense_tensors(_flatten_dense_tensors(shapes), shapes)]
        [ember.Size([2, 2]), ember.Size([3])]
    """
    views, offset = [], 0
    for t in tensors:
        n = t.numel()
        views.append(flat.narrow(0, offset, n).view_as(t))
        offset += n
    return tuple(views)


def _get_device_index(device, optional=False, allow_cpu=False):
    """The index of ``device`` (an int, a string such as ``'cuda:1'``, or an :class:`ember.device`). A CPU
    device gives -1 when ``allow_cpu``, else ValueError; a device without an index gives the current device
    of its type when ``optional`` (None where there is none), else ValueError.

    Example::

        >>> from ember._utils import _get_device_index
        >>> _get_device_index('cuda:1'), _get_device_index(2), _get_device_index('cpu', allow_cpu=True)
        (1, 2, -1)
    """
    from ember._device import device as device_cls
    if isinstance(device, str):
        device = device_cls(device)
    index = None
    if isinstance(device, device_cls):
        if device.type == 'cpu':
            if not allow_cpu:
                raise ValueError(f"Expected a non cpu device, but got: {device}")
            return -1
        index = device.index
    elif isinstance(device, int) and not isinstance(device, bool):
        index = device
    if index is None:
        if not optional:
            raise ValueError("Expected a ember.device with a specified index or an integer, but got:"
                             f"{device}")
        from ember import cuda
        return cuda.current_device() if cuda.is_available() else None
    return index


def _get_available_device_type():
    """The accelerator kind this process can use (``'cuda'``, ``'mps'``, ``'xpu'``, ...), or ``None`` on a
    CPU-only machine (libraries ask it to pick a default device: tensordict).

    Example::

        >>> from ember._utils import _get_available_device_type
        >>> _get_available_device_type() in (None, 'cuda')
        True
    """
    import ember
    for kind in ('cuda', 'mps', 'xpu', 'mtia'):
        module = getattr(ember, kind, None) if kind != 'mps' else getattr(ember.backends, 'mps', None)
        if module is not None and module.is_available():
            return kind
    return None


def _get_device_module(device_type):
    """``ember.<device_type>``, the module of a device kind (``ember.cuda`` for ``'cuda'``).

    Example::

        >>> from ember._utils import _get_device_module
        >>> _get_device_module('cpu') is ember.cpu
        True
    """
    import ember
    module = getattr(ember, device_type, None)
    if module is None:
        raise RuntimeError(f"Device '{device_type}' does not have a corresponding module registered as "
                           f"'ember.{device_type}'.")
    return module
