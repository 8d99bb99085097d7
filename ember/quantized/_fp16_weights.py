"""Float16-packed weights for dynamic quantization with ``dtype=float16`` (FBGEMM's fp16 GEMM): weights
are stored rounded to float16 (values beyond float16's range saturate to +-65504, with PyTorch's warning)
and multiplied by float32 activations in float32; the bias is added to the product afterwards."""
import warnings

import numpy as np

import ember

_FP16_MAX = float(np.finfo(np.float16).max)


def pack(weight):
    """``weight`` (a float tensor) as the float32 tensor of its float16-rounded values."""
    from ember.backend import to_numpy
    w = to_numpy(weight.detach()._data).astype(np.float32)
    if w.size and np.abs(w).max() > _FP16_MAX:
        warnings.warn("FOUND weight out of range", stacklevel=3)
        w = np.clip(w, -_FP16_MAX, _FP16_MAX)
    return ember.Tensor._make(np.ascontiguousarray(w.astype(np.float16).astype(np.float32)))


def linear(x, weight, bias):
    """``x @ weight.T`` (float32 ``x``, float16-valued ``weight``) then ``+ bias``: the product rounded to
    float32 once, the bias added by an ordinary (differentiable) addition as PyTorch's kernel does."""
    from ember.backend import to_numpy
    if x.dtype is not ember.float32:
        raise RuntimeError(f"expected scalar type Float but found {_scalar_name(x.dtype)}")
    a = to_numpy(x.detach()._data)
    w = to_numpy(weight._data)
    if a.shape[-1] != w.shape[1]:
        raise RuntimeError("Expected input.size(input.dim() - 1) == packed_weight_fp16.numRows() to be true, but got "
                           "false.  (Could this error message be improved?  If so, please report an enhancement "
                           "request to PyTorch.)")
    out = (a.reshape(-1, a.shape[-1]).astype(np.float64) @ w.T.astype(np.float64)).astype(np.float32)
    out = ember.Tensor._make(np.ascontiguousarray(out.reshape(a.shape[:-1] + (w.shape[0],))))
    return out if bias is None else out + bias


def _scalar_name(dtype):
    return {ember.float64: 'Double', ember.float16: 'Half', ember.bfloat16: 'BFloat16'}.get(dtype, str(dtype))
