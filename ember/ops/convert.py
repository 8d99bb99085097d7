"""Tensor.to: dtype and device conversion (differentiable, PyTorch's ToCopyBackward0)."""
from ember import _formats, backend
from ember._device import as_device, device as device_cls
from ember._dtype import dtype as dtype_cls, to_dtype
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _float8


class ToCopy(Primitive):
    node_name = 'ToCopyBackward0'
    _profile_name = 'aten::to'
    _profile_chain = ('aten::_to_copy',)

    @staticmethod
    def forward(ctx, x, np_dtype, dev, src_dev, copy, non_blocking=False):
        ctx.back = (x.dtype, src_dev)
        if dev.type == 'meta' or src_dev.type == 'meta':
            if dev.type != 'meta':
                raise NotImplementedError("Cannot copy out of meta tensor; no data!")
            return backend.meta_array(x.shape, np_dtype)   # to 'meta': shape and dtype, no data
        out = backend.move(x, dev, non_blocking) if dev != src_dev else x
        if (out.dtype.num | np_dtype.num) > 255:    # ml_dtypes' types: PyTorch's float8 rounding, not ml_dtypes'
            return _float8.astype(out, np_dtype, copy=copy or out is x)
        out = out.astype(np_dtype, copy=copy or out is x)
        return out

    @staticmethod
    def backward(ctx, g):
        src_dtype, src_dev = ctx.back
        from ember._dtype import from_numpy_dtype
        if g.dtype.is_complex and src_dtype.kind != 'c':    # a real input's gradient: the real part, unwarned
            from ember.ops.complex import real
            g = real(g)
        return g.to(device=src_dev, dtype=from_numpy_dtype(src_dtype)), None, None, None, None, None


_FLAGS = ('non_blocking', 'copy')
_KEYWORDS = frozenset(('device', 'dtype', 'non_blocking', 'copy', 'memory_format'))


def read_to_call(args, kwargs):
    """``(device, dtype, non_blocking, copy, memory_format)`` named by a ``.to(...)`` call's arguments (the
    tensor or module left out), each None or False where not named, read as PyTorch reads its three forms:
    ``to(device=None, dtype=None, non_blocking=False, copy=False)``, ``to(dtype, non_blocking=False,
    copy=False)`` and ``to(other, non_blocking=False, copy=False)``, all with a keyword ``memory_format``.
    A call none of them takes gets PyTorch's TypeError. ``Tensor.to`` and ``nn.Module.to`` both read
    their calls here."""
    # the usual calls, read directly: one dtype, device or tensor (the calls made in loops, most with no
    # keywords at all), or keywords only; the flags must be bools
    if len(args) == 1 and (not kwargs or 'device' not in kwargs and 'dtype' not in kwargs and _plain(kwargs)):
        a = args[0]
        if isinstance(a, dtype_cls):
            device, dtype = None, a
        elif isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, (str, device_cls, int)) and not isinstance(a, bool) or a is None:
            device, dtype = a, None
        else:
            return _read_by_signatures(args, kwargs)
        if not kwargs:
            return device, dtype, False, False, None
        return device, dtype, kwargs.get('non_blocking', False), kwargs.get('copy', False), kwargs.get('memory_format')
    if not args and _plain(kwargs):
        dtype = kwargs.get('dtype')
        return (kwargs.get('device'), None if dtype is None else to_dtype(dtype), kwargs.get('non_blocking', False),
                kwargs.get('copy', False), kwargs.get('memory_format'))
    return _read_by_signatures(args, kwargs)


def _plain(kwargs):
    """Only to()'s own keywords, its flags given as bools."""
    return _KEYWORDS.issuperset(kwargs) and all(type(kwargs.get(k, False)) is bool for k in _FLAGS)


def _read_by_signatures(args, kwargs):
    # every other call (positional flags, a Python type as dtype, ...) by PyTorch's recorded forms of to()
    from ember.ops import _argparse
    for sig in _argparse.signatures('Tensor', 'to'):
        bound = _argparse._match(sig, args, kwargs, False)
        if bound is not None:
            named = {param.name: value for _, param, value in bound}
            other = named.get('tensor')
            device = other.device if other is not None else named.get('device')
            dtype = other.dtype if other is not None else named.get('dtype')
            return (device, None if dtype is None else to_dtype(dtype), named.get('non_blocking', False),
                    named.get('copy', False), named.get('memory_format'))
    raise _argparse.explain('Tensor', 'to', args, kwargs) or TypeError('to() received an invalid combination of arguments')


def to(self, *args, **kwargs):
    """Returns this tensor with the requested dtype and/or device (``self`` itself when nothing changes).

    Accepted forms: ``to(dtype, non_blocking=False, copy=False, memory_format=ember.preserve_format)``,
    ``to(device=None, dtype=None, non_blocking=False, copy=False, memory_format=ember.preserve_format)`` and
    ``to(other, non_blocking=False, copy=False)`` (``other``'s dtype and device). ``copy=True`` always returns a
    new tensor.

    Example::

        >>> x = ember.tensor([1.5, 2.5])
        >>> x.to(ember.int64)
        tensor([1, 2])
        >>> x.to('cpu', ember.float64)
        tensor([1.5000, 2.5000], dtype=ember.float64)
        >>> x.to(ember.zeros(1, dtype=ember.int32))
        tensor([1, 2], dtype=ember.int32)
        >>> x.to(ember.float32) is x
        True
    """
    dev, dt, non_blocking, copy, memory_format = read_to_call(args, kwargs)
    if memory_format is None:
        memory_format = _formats.preserve_format
    dev = as_device(dev) if dev is not None else self._device
    dt = to_dtype(dt) if dt is not None else self.dtype
    result = self
    if dev != self._device or dt is not self.dtype or copy:
        if dev.type == 'cuda':
            backend.get_array_module(dev)  # raises a clear error without CUDA
        result = ToCopy.apply(self, dt.np_dtype, dev, self._device, copy, bool(non_blocking))
        result._device = dev  # apply labels results with the inputs' device; this op changes it
    if memory_format is not _formats.preserve_format and not _formats.is_in_format(result._data, memory_format):
        result = result.contiguous(memory_format=memory_format)
    elif memory_format is not _formats.preserve_format and result._data.size and \
            not _formats.has_format_strides(result._data, memory_format):
        # in the format only because of dims of size 1 (N1HW, NC11): PyTorch's to() still restrides
        if result is self:
            from ember.ops.shape import Clone
            result = Clone.apply(self)
        result._data = _formats.restrided(result._xp, result._data, memory_format, 'to')
    elif result is not self and 1 in self._data.shape and dev.type != 'meta':
        # NumPy's copy keeps the order of the dims but not the strides of those of size 1; PyTorch's does
        result._data = _formats.arrange(result._xp, result._data, memory_format, 'to', like=self._data)
    return result
