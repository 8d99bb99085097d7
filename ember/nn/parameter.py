"""nn.Parameter and nn.Buffer: the tensors a Module registers as its state.

A ``Parameter`` is a Tensor subclass (so ``isinstance(p, ember.Tensor)`` holds and every op
accepts it); assigning one to a Module attribute registers it.  Ops on a Parameter return plain
Tensors, as in PyTorch.

>>> p = Parameter(ember.zeros(2))
>>> p
Parameter containing:
tensor([0., 0.], requires_grad=True)
"""

from ember._torch_function import _disabled_torch_function_impl
from ember._tensor import Tensor


class _ParameterMeta(type):
    # NOTE: a tensor subclass made a parameter (``nn.Parameter(dtensor)``) keeps its own type, carrying the
    # ``_is_param`` flag; ``isinstance(t, Parameter)`` reads the flag for it, as PyTorch's metaclass does.
    def __instancecheck__(cls, obj):
        if cls is Parameter and isinstance(obj, Tensor) and getattr(obj, '_is_param', False):
            return True
        return super().__instancecheck__(obj)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A Tensor that is a module parameter: ``requires_grad=True`` by default.

    The parameter shares storage with ``data`` (like PyTorch's ``_make_subclass``).

    Example::

        >>> p = nn.Parameter(ember.zeros(2))
        >>> p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
        >>> layer = nn.Linear(2, 1)
        >>> layer.scale = nn.Parameter(ember.ones(1))
        >>> [name for name, _ in layer.named_parameters()]
        ['weight', 'bias', 'scale']
    """
    __torch_function__ = _disabled_torch_function_impl   # ops give plain tensors, no dispatch

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ember.ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            data.detach     # (PyTorch's first use of what is not a tensor: Python's AttributeError)
            raise TypeError(f"Parameter.__new__(): argument 'data' must be Tensor, not {type(data).__name__}")
        if type(data) is not Tensor and getattr(data, '_as_parameter', None) is not None:
            return data._as_parameter(requires_grad)   # a tensor subclass (DTensor) stays one
        if type(data) is not Tensor and '__torch_dispatch__' in _class_members(type(data)):
            # a __torch_dispatch__ subclass stays itself, flagged (PyTorch's path for custom tensors)
            t = data.detach().requires_grad_(requires_grad)
            if type(t) is not type(data):
                raise RuntimeError(f"Creating a Parameter from an instance of type {type(data).__name__} requires "
                                   "that detach() returns an instance of the same type, but return type "
                                   f"{type(t).__name__} was found instead. To use the type as a Parameter, please "
                                   "correct the detach() semantics defined by its __torch_dispatch__() "
                                   "implementation.")
            t._is_param = True
            return t
        p = cls._from(data)
        p._is_param = True
        if requires_grad:
            if not (data.dtype.is_floating_point or data.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            p.requires_grad = True     # the setter's checks (an inference tensor refuses)
        return p

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()

    def __deepcopy__(self, memo):
        # as PyTorch's: a new parameter of the copied values and requires_grad, without the .grad or the
        # attributes set on this one (a plain tensor's deepcopy keeps both)
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.data.clone(memory_format=_preserve_format()), self.requires_grad)
        return memo[id(self)]


def _preserve_format():
    from ember._formats import preserve_format
    return preserve_format


def _class_members(cls):
    return {name for klass in cls.__mro__ if klass is not Tensor for name in vars(klass)}


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """PyTorch's ``torch._utils._rebuild_parameter``: the unpickling side of a Parameter."""
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    # NOTE: a Buffer is a plain Tensor carrying a flag (as in PyTorch): ``isinstance`` reads the flag.
    def __instancecheck__(cls, obj):
        if cls is Buffer:
            return isinstance(obj, Tensor) and getattr(obj, '_is_buffer', False)
        return super().__instancecheck__(obj)


class Buffer(metaclass=_BufferMeta):
    """A tensor that a Module registers as a buffer when assigned as an attribute.

    ``persistent=False`` keeps it out of ``state_dict()``.

    >>> m = ember.nn.Module()
    >>> m.running = Buffer(ember.zeros(2))
    >>> list(m.state_dict())
    ['running']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ember.ops.creation import empty
            data = empty(0)
        t = data.detach()
        t._is_buffer = True
        t.persistent = persistent
        return t


class UninitializedTensorMixin:
    """What uninitialized parameters and buffers share: no shape until ``materialize(shape)``.

    Lazy modules (``LazyLinear``, ``LazyConv2d``, ...) hold these until their first forward call
    has seen an input; materializing turns the object itself into a ``Parameter`` (or a plain
    ``Tensor`` for a buffer), so references held elsewhere stay valid.
    """
    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give this parameter or buffer storage of ``shape`` (same device/dtype unless given)."""
        from ember.ops.creation import empty
        device = self._device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        fresh = empty(shape, device=device, dtype=dtype)
        self._data, self._device = fresh._data, fresh._device
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
                           "in `load_state_dict` when trying to load an uninitialized parameter into an initialized "
                           "one. Call `forward` to initialize the parameters before accessing their attributes.")

    def size(self, dim=None):
        return self.shape

    def numel(self):
        return self.shape

    def dim(self):
        return self.shape

    ndim = property(dim)

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize "
                           "the parameters before calling `module.share_memory()`.")

    def _converted(self, new):
        # dtype and device conversions keep the object uninitialized (what Module.to/.double() rely on)
        out = type(self)(self.requires_grad, new.device, new.dtype)
        if isinstance(self, UninitializedBuffer):
            out.persistent = getattr(self, 'persistent', True)
        return out

    def to(self, *args, **kwargs):
        return self._converted(self.data.to(*args, **kwargs))

    def float(self):
        return self.to(dtype=_dtype('float32'))

    def double(self):
        return self.to(dtype=_dtype('float64'))

    def half(self):
        return self.to(dtype=_dtype('float16'))

    def bfloat16(self):
        return self.to(dtype=_dtype('bfloat16'))

    def cpu(self):
        return self.to('cpu')

    def cuda(self, device=None):
        return self.to('cuda' if device is None else device)

    def __repr__(self):
        return f'<{type(self).__name__}>'

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad,))

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self._device, self.dtype)
        return memo[id(self)]


def _dtype(name):
    from ember import _dtype as dt
    return getattr(dt, name)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet; it becomes a ``Parameter`` when materialized.

    >>> p = UninitializedParameter()
    >>> p.materialize((2, 3)); type(p).__name__, tuple(p.shape)
    ('Parameter', (2, 3))
    """
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ember.ops.creation import empty
        p = cls._from(empty(0, device=device, dtype=dtype))
        p._is_param = True
        p._requires_grad = bool(requires_grad)
        return p


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet, for lazy modules: it becomes a plain ``Tensor`` of the given shape
    when :meth:`materialize` is called (usually on the module's first input).

    Args:
        requires_grad (bool, optional): whether the materialized buffer requires grad. Default: ``False``.
        device (ember.device, optional): where to make it.
        dtype (ember.dtype, optional): its dtype.
        persistent (bool, optional): whether the buffer is part of the module's ``state_dict``. Default:
            ``True``.

    Example::

        >>> b = nn.UninitializedBuffer()
        >>> type(b).__name__
        'UninitializedBuffer'
        >>> b.materialize((2, 3))
        >>> type(b).__name__, b.shape
        ('Tensor', ember.Size([2, 3]))
    """
    __torch_function__ = _disabled_torch_function_impl   # ops give plain tensors, no dispatch
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from ember.ops.creation import empty
        t = cls._from(empty(0, device=device, dtype=dtype))
        t._requires_grad = bool(requires_grad)
        t._is_buffer = True
        t.persistent = persistent
        return t


def is_lazy(param):
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``."""
    return isinstance(param, UninitializedTensorMixin)


# parameters sent to other processes share memory as tensors do (loaded here: ember.nn loads on first use)
from ember.multiprocessing.reductions import register_tensor_class  # noqa: E402
register_tensor_class(Parameter)
