"""Conversions to and from the float8 dtypes, bit for bit as PyTorch's CPU casts.

ml_dtypes supplies the NumPy types, and its casts round as PyTorch's for ordinary values; PyTorch
differs in a few places, which this module settles:

- every source goes through float32 first (a float64 is rounded to float32, then to float8), as
  PyTorch's conversions are written from float32;
- float8_e4m3fn has no infinity: PyTorch saturates a finite value beyond its range, and infinity,
  to +-448, where ml_dtypes gives NaN;
- float8_e5m2 makes every NaN 0x7f (sign kept), and float8_e8m0fnu (an exponent, no sign, no zero)
  takes the exponent of the float32, rounded up from the top mantissa bits by PyTorch's rule;
- a float8 NaN widens to the float32 NaN PyTorch's conversion produces.

bfloat16 (also ml_dtypes') is converted to through float32 as well: PyTorch rounds a float64 (or an
int32/int64) to float32 first, then to bfloat16, where ml_dtypes rounds once; the two differ on values
near a bfloat16 midpoint. Its NaNs take PyTorch's bit patterns (see _bfloat16_nans.py).
"""
import numpy as np

from ember._dtype import FLOAT8_NUMS, RESTRICTED_NAMES
from ember.ops import _bfloat16_nans


def astype(arr, np_dtype, copy=True):
    """``arr.astype(np_dtype)`` with PyTorch's rounding to and from ml_dtypes' types (float8 on either
    side, bfloat16 from types wider than float32)."""
    np_dtype = np.dtype(np_dtype)
    src = arr.dtype
    if src.num not in FLOAT8_NUMS and np_dtype.num not in FLOAT8_NUMS:
        if np_dtype.kind == 'V' and np_dtype.itemsize == 2 and src.kind in 'fiu':    # to bfloat16
            if src.itemsize >= 4 and src != np.float32:     # rounded to float32 first, as PyTorch
                with np.errstate(invalid='ignore', over='ignore'):   # (NaN payloads, beyond float32: as PyTorch)
                    out = np.asarray(arr).astype(np.float32).astype(np_dtype)
            else:
                out = arr.astype(np_dtype, copy=copy)
            return _bfloat16_nans.fix_to_bfloat16(arr, out)     # (PyTorch's NaN bits)
        if src.kind == 'V' and src.itemsize == 2 and np_dtype == np.float16:
            return _bfloat16_nans.fix_bfloat16_to_half(arr, arr.astype(np_dtype, copy=copy))
        return arr.astype(np_dtype, copy=copy)
    if src == np_dtype:
        return arr.copy() if copy else arr
    if src.num in FLOAT8_NUMS:
        wide = _widen_table(src)[np.asarray(arr).view(np.uint8)].view(np.float32)
        if np_dtype == np.float32:
            return wide
        out = wide.astype(np_dtype)
        if np_dtype.itemsize == 2:
            # PyTorch's NaNs: bfloat16 takes one quiet NaN; float16 keeps the sign and the top
            # mantissa bits, with the quiet bit set
            nan = np.isnan(wide)
            if nan.any():
                bits = out.view(np.uint16)
                w = wide[nan].view(np.uint32)
                bits[nan] = 0x7fc0 if np_dtype.kind == 'V' else \
                    ((w >> 16) & 0x8000) | 0x7e00 | ((w & 0x7fffff) >> 13)
        return out
    return from_float32(np.asarray(arr).astype(np.float32), np_dtype)


def array_from_data(data, np_dtype):
    """Python numbers (nested lists) as an array of an ml_dtypes type, rounded as PyTorch's ``tensor()``
    does: each number to float32 first."""
    with np.errstate(over='ignore'):    # (beyond float32: infinity, as PyTorch's conversion gives)
        x = np.array(data, dtype=np.float32)
    if np_dtype.num in FLOAT8_NUMS:
        return from_float32(x, np_dtype)
    if np_dtype.itemsize != 2:
        return x.astype(np_dtype)
    if isinstance(data, np.ndarray):    # an array: converted as a tensor of its dtype would be
        return _bfloat16_nans.fix_to_bfloat16(data, x.astype(np_dtype))
    out = x.astype(np_dtype)
    out.view(np.uint16)[np.isnan(x)] = _bfloat16_nans.SCALAR_NAN   # numbers: one by one, PyTorch's one NaN
    return out


def from_float32(x, np_dtype):
    """float32 array -> the float8 array PyTorch's conversion gives."""
    name = np_dtype.name
    if name == 'float8_e8m0fnu':
        return _to_e8m0(x).view(np_dtype)
    out = x.astype(np_dtype)
    bits = out.view(np.uint8)
    if name == 'float8_e4m3fn':
        over = np.isnan(out) & ~np.isnan(x)        # beyond the range (or infinite): saturate
        if over.any():
            bits[over] = np.where(np.signbit(x[over]), 0xfe, 0x7e).astype(np.uint8)
    elif name == 'float8_e5m2':
        nan = np.isnan(x)
        if nan.any():
            bits[nan] |= 0x7f
    return out


def overflows(value, np_dtype):
    """Whether PyTorch's checked conversion refuses a fill value: beyond the dtype's largest value
    (an infinity only where the dtype has none; NaN never)."""
    import ml_dtypes
    value = float(value)
    if value != value:
        return False
    if abs(value) == float('inf'):
        return np_dtype.name != 'float8_e5m2'
    return abs(value) > float(ml_dtypes.finfo(np_dtype).max)


def _to_e8m0(x):
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    exponent = (bits >> 23) & 0xff
    guard = (bits & 0x400000) != 0
    rest = (bits & 0x3fffff) != 0                   # the round and sticky bits together
    round_up = guard & (rest | (exponent > 0)) & (exponent != 0xff)
    return (exponent + round_up).astype(np.uint8)


_WIDE = {}


def _widen_table(np_dtype):
    """The float32 of each of the 256 codes of a float8 dtype."""
    table = _WIDE.get(np_dtype.num)
    if table is None:
        codes = np.arange(256, dtype=np.uint8)
        table = codes.view(np_dtype).astype(np.float32).view(np.uint32).copy()
        nan = np.isnan(codes.view(np_dtype).astype(np.float32))
        name = np_dtype.name
        sign = (codes.astype(np.uint32) & 0x80) << 24
        if name == 'float8_e4m3fn':      # the mantissa bits kept, no quiet bit added
            table[nan] = sign[nan] | 0x7f800000 | ((codes[nan].astype(np.uint32) & 0x7) << 20)
        elif name == 'float8_e5m2':      # through float16: the mantissa kept and the quiet bit set
            table[nan] = sign[nan] | 0x7fc00000 | ((codes[nan].astype(np.uint32) & 0x3) << 21)
        else:                            # the fnuz types and e8m0fnu: one NaN each
            table[nan] = 0x7f800001
        _WIDE[np_dtype.num] = table = table.view(np.float32).view(np.uint32)
    return table


def binary(name, a, b, out):
    """``out`` (NumPy's ``a * b``) as PyTorch computes it when it is a float8 array: in float32,
    rounded once; PyTorch's kernels refuse a float8 multiplication by one value (a number, or a
    tensor of one element broadcast) and any float8 division. Other dtypes pass through."""
    num = out.dtype.num
    if num not in FLOAT8_NUMS:
        return out
    from ember.ops._barebones import refuse
    scalar = np.size(b) == 1
    if name == 'div':
        raise refuse('div_cpu_reduced_float' if scalar else 'div_cpu', num)
    if scalar:
        raise refuse('mul_cpu_reduced_float', num)
    return from_float32(astype(a, np.float32) * astype(b, np.float32), out.dtype)


# op name -> the PyTorch kernel that refuses the float8 dtypes (recorded from PyTorch 2.13,
# tests/fixtures/float8/record.py); a dict names the dtypes that differ (None: supported).
# NOTE: nothing wraps the ops for this: each op consults the table only where it already branches on
# the dtype (ml_dtypes' kind 'V', or Function.apply's promotion, which float8 arrays always take), so
# other dtypes pay nothing
_E8M0 = 'float8_e8m0fnu'
REFUSED = {
    'sum': 'sum_cpu', 'mean': 'sum_cpu', 'nansum': 'nansum_cpu', 'nanmean': 'nansum_cpu', 'prod': 'prod_out_cpu',
    'argmax': 'argmax_cpu', 'argmin': 'argmin_cpu', 'amax': 'max_values_cpu', 'amin': 'min_values_cpu',
    'aminmax': 'aminmax_cpu', 'histc': 'aminmax_cpu', 'logsumexp': 'max_values_cpu',
    'sort': 'sorting_kernel_method_name', 'argsort': 'sorting_kernel_method_name', 'msort': 'sorting_kernel_method_name',
    'topk': 'topk_cpu', 'kthvalue': 'kthvalue_cpu', 'median': 'median_cpu',
    'cumsum': 'cumsum_out_cpu', 'cumprod': 'cumprod_out_cpu', 'cummax': 'cummax_cpu', 'cummin': 'cummin_cpu',
    'exp': 'exp_vml_cpu', 'log': 'log_vml_cpu', 'sqrt': 'sqrt_vml_cpu', 'sin': 'sin_vml_cpu', 'cos': 'cos_vml_cpu',
    'tanh': 'tanh_vml_cpu', 'floor': 'floor_vml_cpu', 'ceil': 'ceil_vml_cpu', 'round': 'round_vml_cpu',
    'round_decimals': 'round_cpu', 'trunc': 'trunc_vml_cpu', 'sigmoid': 'sigmoid_cpu_reduced_float',
    'reciprocal': 'reciprocal_cpu', 'asin': 'asin_vml_cpu', 'acos': 'acos_vml_cpu', 'atan': 'atan_vml_cpu',
    'sinh': 'sinh_cpu', 'cosh': 'cosh_cpu', 'asinh': 'asinh_cpu', 'acosh': 'acosh_cpu', 'atanh': 'atanh_cpu',
    'exp2': 'exp2', 'expm1': 'expm1_vml_cpu', 'log2': 'log2_vml_cpu', 'log10': 'log10_vml_cpu',
    'log1p': 'log1p_vml_cpu', 'rsqrt': 'rsqrt_cpu', 'tan': 'tan_vml_cpu', 'erf': 'erf_vml_cpu', 'erfc': 'erfc_vml_cpu',
    'erfinv': 'erfinv_vml_cpu', 'lgamma': 'lgamma_vml_cpu', 'digamma': 'digamma', 'sinc': 'sinc_cpu',
    'logit': 'logit_cpu', 'gelu': 'GeluKernelImpl', 'silu': 'silu_cpu', 'softplus': 'softplus_cpu',
    'relu': 'clamp_min_scalar_cpu', 'clamp_min': 'clamp_min_scalar_cpu', 'clamp': 'clamp_scalar_cpu',
    'clip': 'clamp_scalar_cpu', 'pow': 'pow', 'square': 'pow', 'sign': 'sign_cpu', 'sgn': 'sign_cpu',
    'frac': 'frac_cpu', 'signbit': 'signbit_cpu', 'nan_to_num': 'nan_to_num', 'isneginf': 'isneginf_cpu',
    'isposinf': 'isposinf_cpu', 'isinf': {'float8_e5m2': None, None: 'isinf'},
    'isfinite': {'float8_e5m2': None, _E8M0: None, None: 'isfinite'},
    'masked_fill': 'masked_fill', 'flip': 'flip_cpu', 'tril': 'tril', 'triu': 'triu', 'trace': 'trace',
    'gather': 'gather_expanded_index', 'scatter': 'scatter_gather_tensor_cpu', 'take': 'take_cpu',
    'put': 'take_put_cpu', 'put_': 'take_put_cpu', 'index_add': 'index_add_', 'nonzero': 'nonzero_count_cpu',
    'count_nonzero': 'nonzero_count_cpu', 'unique': 'unique', 'maximum': 'maximum_cpu', 'minimum': 'minimum_cpu',
    'fmod': 'fmod_cpu', 'remainder': 'remainder_cpu', 'floor_divide': 'div_floor_cpu', 'hypot': 'hypot_cpu',
    'atan2': 'atan2_cpu', 'copysign': 'copysign_cpu', 'logaddexp': 'logaddexp_cpu', 'xlogy': 'xlogy_cpu',
    'lerp': 'lerp_kernel_scalar', 'addcmul': 'addcmul_cpu_out', 'addcdiv': 'addcdiv_cpu_out', 'dot': 'dot',
    'diff': 'add_stub', 'add': 'add_stub', 'sub': 'sub_stub',
    'searchsorted': 'searchsorted_out_cpu', 'bucketize': 'searchsorted_out_cpu', 'bincount': 'bincount_cpu',
    'logical_not': 'logical_not_cpu', 'logical_and': 'logical_and_cpu', 'logical_or': 'logical_or_cpu',
    'logical_xor': 'logical_xor_cpu', 'bitwise_and': 'bitwise_and_cpu', 'bitwise_or': 'bitwise_or_cpu',
    'bitwise_xor': 'bitwise_xor_cpu', 'equal': 'equal_notnan_cpu',
    'allclose': 'mul_cpu_reduced_float', 'isclose': 'mul_cpu_reduced_float', 'norm': 'norm_cpu',
    'softmax': 'softmax_lastdim_kernel_impl', 'log_softmax': 'log_softmax_lastdim_kernel_impl',
    'rand_like': 'check_uniform_bounds', 'randn_like': 'normal_kernel_cpu',
    'matmul': {_E8M0: 'addmm_impl_cpu_', None: None}, 'mm': {_E8M0: 'addmm_impl_cpu_', None: None},
    'index_put': {_E8M0: 'index_put', None: None}, 'abs': {_E8M0: 'abs_cpu', None: None},
    'index_select': None, 'masked_select': None,    # refused for uint16/32/64, supported here
}
# reductions that name another kernel when given a dim
WITH_DIM = {'max': ('max_all', 'max_cpu'), 'min': ('min_all', 'min_cpu')}
# creation functions refuse the dtype they are asked for (rand/randn: ember/ops/random.py's _float_dtype)
CREATION = {'arange': 'arange_cpu', 'linspace': 'linspace_cpu'}
# PyTorch's RuntimeError (not a kernel's NotImplementedError) for the variance family
STD_VAR = frozenset({'std', 'var', 'std_mean', 'var_mean'})


def _pow_without_kernel(base, args, kwargs):
    """pow's shortcuts: an exponent number 0 fills ones and 1 copies; a base number 1 (not True) fills ones."""
    exponent = args[0] if args else kwargs.get('exponent')
    if not hasattr(base, '_data'):
        return base.__class__ is not bool and base == 1
    return not hasattr(exponent, '_data') and exponent in (0, 1)


def flip_uses_kernel(x, dims):
    """Whether PyTorch's flip of ``x`` along ``dims`` (wrapped) reaches its typed kernel, which refuses float8.
    It does not when nothing needs moving (the flipped dims all have one element or stride 0, or ``x`` has one
    element or none), nor when the innermost dim it walks is unit-stride and not flipped (rows are copied whole):
    that dim is the smallest-stride one of a dense tensor, else the last one (the result is then contiguous)."""
    shape, strides = x.shape, x.stride()
    if x.numel() <= 1 or not any(shape[d] > 1 and strides[d] for d in dims):
        return False
    live = sorted((d for d in range(len(shape)) if shape[d] > 1), key=lambda d: (strides[d], -d))
    expected, dense = 1, True
    for d in live:
        dense = dense and strides[d] == expected
        expected *= shape[d]
    inner = live[0] if dense else max(live)
    return strides[inner] != 1 or inner in dims


def _flip_without_kernel(x, args, kwargs):
    from ember.ops._util import wrap_dims, shape_arg
    dims = shape_arg(args) if args else shape_arg(kwargs.get('dims', ()))
    return not flip_uses_kernel(x, wrap_dims(dims, x.ndim)) if x.ndim else True


def _count_without_kernel(x, args, kwargs):
    """count_nonzero over some dims compares with zero and sums (no counting kernel); over all it counts."""
    dim = args[0] if args else kwargs.get('dim')
    return dim is not None and (isinstance(dim, int) or len(dim) > 0)


# ops whose refusal has exceptions: name -> (input, args, kwargs) -> whether PyTorch computes without the kernel
SHORTCUTS = {'pow': _pow_without_kernel, 'flip': _flip_without_kernel, 'count_nonzero': _count_without_kernel}


def kernel(name, np_dtype):
    """The kernel PyTorch names refusing op ``name`` for this float8 dtype, or None."""
    k = REFUSED.get(name)
    if isinstance(k, dict):
        return k.get(np_dtype.name, k[None])
    return k


def check(name, np_dtype):
    """PyTorch's error when it refuses op ``name`` for ``np_dtype`` and that is a float8 dtype;
    nothing otherwise. Called from an op's branch for ml_dtypes' types (kind 'V': bfloat16 too)."""
    num = np_dtype.num
    if num not in FLOAT8_NUMS:
        return
    if name in STD_VAR:
        raise RuntimeError(f"std_var_all: Unsupported dtype {RESTRICTED_NAMES[num]}")
    k = kernel(name, np_dtype)
    if k is not None:
        from ember.ops._barebones import refuse
        raise refuse(k, num)


# graph node -> the PyTorch kernel that refuses every float8 dtype, for ops whose node name is not the name
# REFUSED knows them by (recorded from PyTorch 2.13: tests/fixtures/float8/record.py)
BY_NODE = {
    'LeakyReluBackward0': 'leaky_relu_cpu', 'EluBackward0': 'elu_cpu', 'CeluBackward0': 'elu_cpu',
    'MishBackward0': 'mish_cpu', 'HardtanhBackward0': 'clamp_scalar_cpu', 'HardsigmoidBackward0': 'hardsigmoid_cpu',
    'HardswishBackward0': 'hardswish_cpu', 'LogSigmoidBackward0': 'log_sigmoid_cpu',
    'SoftshrinkBackward0': 'softshrink_check', 'HardshrinkBackward0': 'hardshrink_cpu',
    'ThresholdBackward0': 'threshold_cpu', 'GluBackward0': 'glu_cpu', 'AngleBackward0': 'angle_cpu',
    'SmoothL1LossBackward0': 'smooth_l1_cpu', 'NllLossBackward0': 'nll_loss_out_frame',
    'BinaryCrossEntropyBackward0': 'binary_cross_entropy', 'Logaddexp2Backward0': 'logaddexp2_cpu',
    'Deg2RadBackward0': 'mul_cpu_reduced_float', 'Rad2DegBackward0': 'mul_cpu_reduced_float',
    'AvgPool2DBackward0': 'avg_pool2d', 'AvgPool3DBackward0': 'avg_pool3d_out_frame',
    'AdaptiveAvgPool2DBackward0': 'adaptive_avg_pool2d', 'AdaptiveAvgPool3DBackward0': 'adaptive_avg_pool3d_cpu',
    'LogcumsumexpBackward0': 'logcumsumexp_out_cpu', 'NativeLayerNormBackward0': 'LayerNormKernelImpl',
    'NativeGroupNormBackward0': 'GroupNormKernelImpl', 'NativeBatchNormBackward0': 'batch_norm',
    'SpecialZetaBackward0': 'zeta_cpu', 'IgammaBackward0': 'igamma_cpu', 'IgammacBackward0': 'igammac_cpu',
    'SpecialErfcxBackward0': 'erfcx_cpu', 'SpecialLogNdtrBackward0': 'log_ndtr_cpu',
    'SpecialNdtriBackward0': 'ndtri_cpu', 'SpecialEntrBackward0': 'entr_cpu', 'SpecialXlog1PyBackward0': 'xlog1py_cpu',
    'I0Backward0': 'i0_vml_cpu', 'SpecialI0EBackward0': 'i0e_cpu', 'SpecialI1Backward0': 'i1_cpu',
    'SpecialI1EBackward0': 'i1e_cpu', 'FmaxBackward0': 'fmax_cpu', 'FminBackward0': 'fmin_cpu',
    'HeavisideBackward0': 'heaviside_cpu', 'NextafterBackward0': 'nextafter_cpu',
    'PreluKernelBackward0': 'prelu_cpu', 'PolygammaBackward0': 'digamma',
}


def refuse_float8(kernel, tensor):
    """PyTorch's error for its ``kernel`` refusing ``tensor``'s dtype, when that is a float8 dtype (a tensor, or
    anything else: nothing)."""
    data = getattr(tensor, '_data', None)
    if data is not None and data.dtype.num in FLOAT8_NUMS:
        from ember.ops._barebones import refuse
        raise refuse(kernel, data.dtype.num)


def check_kernel(kernel, np_dtype):
    """PyTorch's error for its ``kernel`` refusing this dtype, when it is a float8 dtype."""
    if np_dtype.num in FLOAT8_NUMS:
        from ember.ops._barebones import refuse
        raise refuse(kernel, np_dtype.num)


def refuse_node(cls, np_dtype):
    """PyTorch's error when it refuses the op whose Primitive is ``cls`` for this float8 dtype:
    the op is named by its graph node (``ExpBackward0``: exp); nothing when it is supported."""
    node = getattr(cls, 'node_name', None) or ''
    k = BY_NODE.get(node)
    if k is not None and np_dtype.num in FLOAT8_NUMS:
        from ember.ops._barebones import refuse
        raise refuse(k, np_dtype.num)
    check(node[:node.find('Backward')].lower(), np_dtype)

