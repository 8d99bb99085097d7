"""ember: PyTorch's programming model in readable Python, on NumPy (CPU) and CuPy (CUDA).

>>> import ember
>>> a = ember.tensor([2., 3.], requires_grad=True)
>>> (a ** 2).sum().backward()
>>> a.grad
tensor([4., 6.])
"""
import math as _math

__version__ = '0.1.0'

from ember._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64,  # noqa
                          complex64, complex128, half, float, double, short, int, long, cfloat, cdouble,
                          get_default_dtype, set_default_dtype, promote_types)
from ember._device import device  # noqa: E402
from ember._tensor import Tensor, Size  # noqa: E402
from ember import _tensor_methods  # noqa: F401,E402  (binds ops as Tensor methods)
from ember.autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: E402
                                      is_grad_enabled, is_inference_mode_enabled)
from ember import autograd  # noqa: E402
from ember.ops.creation import (tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full, zeros_like,  # noqa
                                ones_like, empty_like, full_like, arange, linspace, logspace, eye, scalar_tensor,
                                clone, complex)
from ember.ops.creation import range_ as range  # noqa: E402
from ember.ops.random import (Generator, default_generator, manual_seed, seed, initial_seed, get_rng_state,  # noqa
                              set_rng_state, rand, randn, rand_like, randn_like, randint, randint_like, randperm,
                              normal, bernoulli, multinomial, poisson)
from ember.ops.arith import (add, sub, subtract, rsub, mul, multiply, div, divide, true_divide, floor_divide,  # noqa
                             remainder, fmod, pow, float_power, maximum, minimum, fmax, fmin, atan2, arctan2,
                             hypot, lerp, addcmul, addcdiv, square, xlogy)
from ember.ops.unary import (neg, negative, exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, sin, cos,  # noqa
                             tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, arcsin, arccos, arctan,
                             arcsinh, arccosh, arctanh, sigmoid, reciprocal, abs, absolute, erf, erfc, erfinv, sign,
                             sgn, floor, ceil, trunc, fix, frac, round, logit, sinc)
from ember.ops.compare import (eq, ne, lt, le, gt, ge, not_equal, less, less_equal, greater, greater_equal,  # noqa
                               logical_and, logical_or, logical_xor, logical_not, bitwise_and, bitwise_or,
                               bitwise_xor, bitwise_not, bitwise_left_shift, bitwise_right_shift, isclose, allclose,
                               equal, isnan, isinf, isposinf, isneginf, isfinite, isreal, signbit, is_nonzero)
from ember.ops.reduce import (sum, nansum, mean, nanmean, prod, max, min, amax, amin, aminmax, argmax, argmin,  # noqa
                              var, std, var_mean, std_mean, norm, logsumexp, cumsum, cumprod, cummax, cummin,
                              logcumsumexp, all, any, sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
                              unique, bincount, histc)
from ember.ops.shape import (view_as, reshape, flatten, unflatten, broadcast_to, broadcast_shapes,  # noqa
                             broadcast_tensors, squeeze, unsqueeze, permute, transpose, swapaxes, swapdims, t,
                             adjoint, movedim, moveaxis, narrow, split, tensor_split, chunk, select, unbind, flip,
                             fliplr, flipud, roll, tile, repeat_interleave, diagonal, diag, diag_embed, tril, triu,
                             cat, concat, concatenate, stack, hstack, vstack, row_stack, dstack, column_stack,
                             atleast_1d, atleast_2d, atleast_3d)
from ember.ops.index import (gather, scatter, scatter_add, scatter_reduce, index_select, index_add, index_fill,  # noqa
                             index_put, take, take_along_dim, masked_fill, masked_select, masked_scatter, nonzero,
                             argwhere, count_nonzero, where)
from ember.ops.linalg import (matmul, mm, mv, dot, bmm, outer, ger, inner, addmm, addmv, baddbmm, addbmm,  # noqa
                              tensordot, einsum, inverse, det, slogdet, trace, cross, cdist)
from ember.ops.activation import (relu, relu_, softmax, log_softmax, clamp, clip, clamp_min, clamp_max,  # noqa
                                  nan_to_num)
from ember import cuda  # noqa: E402
from ember import optim  # noqa: E402
from ember import nn  # noqa: E402
from ember import utils  # noqa: E402  (ember.utils.data after a bare `import ember`, as in PyTorch)
from ember._tensor_str import set_printoptions, get_printoptions, printoptions  # noqa: E402
from ember._legacy import (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,  # noqa
                           CharTensor, ByteTensor, BoolTensor, typename, is_tensor, is_floating_point,
                           is_complex, numel, is_storage)

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None

strided = 'strided'
contiguous_format = preserve_format = channels_last = 'contiguous_format'

from ember import serialization  # noqa: E402
from ember.serialization import save, load  # noqa: E402
from ember import backends  # noqa: E402,F401
