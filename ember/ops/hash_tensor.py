"""``ember.hash_tensor``: an order-independent fingerprint of a tensor's values (XOR of their 64-bit
patterns), as PyTorch computes it, for checking that two runs produced identical data."""
import numpy as np

from ember import backend
from ember._tensor import Tensor
from ember.ops._registry import op
from ember.ops._util import wrap_dims
from ember.ops.inplace import write_out


def _as_uint64_bits(arr):
    # floats widen to float64 and integers (and bools) to int64 before their bits are read, so that
    # equal values hash equally whatever their storage type
    if arr.dtype.kind == 'c':
        return None
    if arr.dtype == np.uint64:
        return arr
    wide = arr.astype(np.float64 if arr.dtype.kind == 'f' or arr.dtype.name == 'bfloat16' else np.int64)
    return wide.view(np.uint64)   # same item size: a bit cast, whatever the layout


@op('ember', 'Tensor')
def hash_tensor(input, dim=(), *, keepdim=False, mode=0, out=None):
    """Returns the XOR of the 64-bit patterns of ``input``'s elements over ``dim`` (all of them by
    default), as ``ember.uint64``. Floating values are first widened to float64 and integers to
    int64, so the hash does not depend on the storage width.

    Args:
        input (Tensor): the input tensor.
        dim (int or tuple of ints, optional): the dimensions to reduce; ``()`` reduces all. Default: ``()``.

    Keyword args:
        keepdim (bool, optional): keep the reduced dimensions with size 1. Default: ``False``.
        mode (int, optional): the hash; only 0 (XOR reduction) exists. Default: 0.
        out (Tensor, optional): the output tensor (of dtype ``ember.uint64``).

    Example::

        >>> ember.hash_tensor(ember.tensor([[1, 2], [3, 4]]))
        tensor(4, dtype=ember.uint64)
        >>> ember.hash_tensor(ember.tensor([[1, 2], [3, 4]]), 1)
        tensor([3, 7], dtype=ember.uint64)
    """
    if mode != 0:
        raise RuntimeError(f'Unknown hash_tensor mode: {mode}')
    arr = input.detach().cpu()._data   # bit patterns are read on the host
    if isinstance(dim, int):
        dim = (dim,)
    if len(dim) == 0:
        if arr.size == 0 and arr.ndim > 0:
            raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        axes = tuple(range(arr.ndim))
    else:
        axes = tuple(wrap_dims(dim, arr.ndim))
        for d in axes:
            if arr.shape[d] == 0:
                raise IndexError(f'hash_tensor: Expected reduction dim {d} to have non-zero size.')
    bits = _as_uint64_bits(arr)
    if bits is None:
        from ember._tensor import _scalar_type_name
        raise NotImplementedError(f'"xor_sum_cpu" not implemented for \'{_scalar_type_name(input.dtype)}\'')
    result = np.bitwise_xor.reduce(bits, axis=axes, keepdims=keepdim) if axes else bits.copy()
    result = Tensor._make(backend.move(np.asarray(result, dtype=np.uint64), input._device), input._device)
    if out is not None and out.dtype != result.dtype:
        raise RuntimeError(f'Expected result to be of dtype uint64, but got {_c_name(out)}')
    return result if out is None else write_out('hash_tensor', result, out)


def _c_name(t):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(t.dtype)
