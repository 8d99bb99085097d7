"""Root-mean-square normalization (``F.rms_norm``), composed from ember ops as PyTorch composes it."""
import numpy as np

from ember.ops._float8 import refuse_float8 as _refuse_float8
from ember.ops._half import _HALF, in_float32
from ember.ops._scalar_overloads import add_number
from ember.ops._registry import op
from ember.ops._util import require_tensor


@op('ember', 'F')
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the trailing ``normalized_shape`` dims.

    ``eps`` defaults to the machine epsilon of the dtype it is computed in (float32 for float16 and bfloat16
    inputs, which are normalised in float32 as PyTorch does).

    Example::

        >>> F.rms_norm(ember.tensor([[1.0, 2.0, 2.0]]), [3])
        tensor([[0.5774, 1.1547, 1.1547]])
    """
    require_tensor(input, 'rms_norm')
    _refuse_float8('rms_norm', input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    n = len(shape)
    if n == 0 or tuple(input.shape[input.ndim - n:]) != shape or input.ndim < n:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*"
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{list(weight.shape)} and normalized_shape = {list(shape)}")
    if eps is None:
        # the epsilon of the dtype the normalisation runs in (float32 for half inputs), as PyTorch
        eps = float(np.finfo(np.float32 if input.dtype in _HALF else input._data.dtype).eps)
    dims = tuple(range(input.ndim - n, input.ndim))

    def compute(x):
        # (eps added as PyTorch's C++ adds a double: AddBackward1)
        return x * add_number(x.pow(2).mean(dims, keepdim=True), eps).rsqrt()
    out = in_float32(compute, input)       # as PyTorch: half inputs normalised in float32
    return out if weight is None else out * weight
