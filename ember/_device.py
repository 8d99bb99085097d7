"""ember.device: parsing 'cpu' / 'cuda' / 'cuda:N', and the same-device check every op shares."""


# every device type PyTorch names (a device object of any of them can be made; tensors live on cpu and cuda)
DEVICE_TYPES = frozenset(('cpu', 'cuda', 'ipu', 'xpu', 'mkldnn', 'opengl', 'opencl', 'ideep', 'hip', 've', 'fpga',
                          'maia', 'xla', 'lazy', 'vulkan', 'mps', 'meta', 'hpu', 'mtia', 'privateuseone'))


def _refuse_device_string(type, index):
    """PyTorch's error for a device string that is not a name and an optional index ('float32',
    'cpu ', ''), before the one for an unknown name."""
    import re
    if not type:
        raise RuntimeError("Device string must not be empty")
    if not re.fullmatch(r'[a-zA-Z_]+', type):
        raise RuntimeError(f"Invalid device string: '{type if index is None else f'{type}:{index}'}'")


class device:
    """Where a tensor's memory lives: a device type (``'cpu'``, ``'cuda'``, ``'meta'``, ...) and, for devices
    that have several, an index. Every argument that takes a device also takes its string (``'cuda:1'``) or,
    for CUDA, its index.

    Args:
        type (str or int): the device type, optionally followed by ``:index`` (``'cuda:0'``); an int ``n`` means
            ``'cuda:n'``.
        index (int, optional): the device index, when ``type`` gives none.

    Example::

        >>> ember.device('cuda', 1)
        device(type='cuda', index=1)
        >>> d = ember.device('cuda:0')
        >>> d.type, d.index
        ('cuda', 0)
        >>> ember.ones(2).device
        device(type='cpu')
    """
    __slots__ = ('type', 'index')

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = 'cuda', type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        if ':' in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, _, idx = type.partition(':')
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == '0'):
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in DEVICE_TYPES:
            _refuse_device_string(type, index)
            raise RuntimeError("Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, "
                               "ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone "
                               f"device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type, self.index = type, index

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other):
        # as PyTorch's: a device equals only a device (device('cpu') == 'cpu' is False)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        # ``with ember.device(d):`` makes d the default for factory functions inside the block
        global _default
        _entered.append(_default)
        _default = as_device(self)
        return self

    def __exit__(self, *exc):
        global _default
        _default = _entered.pop()


CPU = device('cpu')
_default = CPU  # what factory functions use when no device is given (set_default_device)
_entered = []  # the defaults that enclosing ``with device(...)`` blocks replaced, innermost last


def as_device(d):
    """A concrete device: None -> the default device (cpu unless set), 'cuda' -> cuda:<current>."""
    if d is None:
        return _default
    if not isinstance(d, device):
        d = device(d)
    if d.type == 'cuda' and d.index is None:
        from ember.backend import current_cuda_index
        return device('cuda', current_cuda_index())
    if d.type == 'cpu' and d.index is not None:
        return CPU
    return d


def set_default_device(device):
    """Make factory functions (``zeros``, ``tensor``, ``randn``, ...) create tensors on ``device``
    when they are given no ``device``; ``None`` restores the CPU. As PyTorch's, it does not move
    existing tensors, and ``from_numpy`` always shares the array's (CPU) memory.

    >>> ember.set_default_device('cpu')
    >>> ember.zeros(1).device
    device(type='cpu')
    """
    global _default
    _default = CPU if device is None else as_device(device)


def get_default_device():
    """The device factory functions use when given none (``set_default_device``).

    Example::

        >>> ember.get_default_device()
        device(type='cpu')
    """
    return _default
