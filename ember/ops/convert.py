"""Tensor.to: dtype and device conversion (differentiable, PyTorch's ToCopyBackward0)."""
from ember import _formats, backend
from ember._device import as_device, device as device_cls
from ember._dtype import dtype as dtype_cls, to_dtype
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _float8


class ToCopy(Primitive):
    node_name = 'ToCopyBackward0'

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
        return g.to(device=src_dev, dtype=from_numpy_dtype(src_dtype)), None, None, None, None, None


def _parse(args, kwargs):
    dev = kwargs.pop('device', None)
    dt = kwargs.pop('dtype', None)
    copy = kwargs.pop('copy', False)
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtype_cls):
            dt = a
        elif isinstance(a, (str, device_cls, int)) and not isinstance(a, bool):
            dev = a
        elif isinstance(a, bool):
            continue
        elif a is not None:
            dt = to_dtype(a)
    return dev, dt, copy, kwargs.pop('non_blocking', False)


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
    options = dict(kwargs)      # (the call's own keywords stay as given, for its argument errors)
    memory_format = options.pop('memory_format', _formats.preserve_format)
    dev, dt, copy, non_blocking = _parse(args, options)
    if options:         # a keyword to() does not take: refused, never ignored
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(options))}'")
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
