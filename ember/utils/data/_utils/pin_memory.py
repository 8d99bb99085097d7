"""``torch.utils.data._utils.pin_memory``: a batch copied to page-locked memory."""
from ember._tensor import Tensor


def pin_memory(data, device=None):
    """The batch ``data`` with every CPU tensor in it copied to pinned (page-locked) memory, its structure
    kept: tuples, named tuples, lists, dicts, and objects with a ``pin_memory()`` method of their own. It
    needs CUDA, as :meth:`ember.Tensor.pin_memory`.

    Example::

        >>> from ember.utils.data._utils.pin_memory import pin_memory
        >>> batch = {'x': ember.ones(2), 'n': 3}
        >>> if ember.cuda.is_available():
        ...     batch = pin_memory(batch)
        >>> batch['x'].is_pinned() == ember.cuda.is_available()
        True
    """
    if isinstance(data, Tensor):
        return data.pin_memory(device) if data.device.type == 'cpu' else data
    if isinstance(data, tuple) and hasattr(data, '_fields'):
        return type(data)(*(pin_memory(d, device) for d in data))
    if isinstance(data, (list, tuple)):
        return type(data)(pin_memory(d, device) for d in data)
    if isinstance(data, dict):
        return type(data)((k, pin_memory(v, device)) for k, v in data.items())
    if hasattr(data, 'pin_memory'):     # a user's batch type (PyTorch's pin_memory protocol)
        return data.pin_memory()
    return data
