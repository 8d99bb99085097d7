"""The ops PyTorch's CPU kernels refuse for uint16, uint32 and uint64, with its errors.

PyTorch gives these dtypes "barebones" support: creation, copies, conversions, views, equality,
bitwise and/or/xor, sums, sorting and the like work; the kernels below raise
``NotImplementedError: "<kernel>" not implemented for 'UInt16'``. NumPy would compute them
happily, so ember refuses them explicitly, as PyTorch does, rather than return what PyTorch never
does. The table was recorded from PyTorch 2.13 (tests/fixtures/printed/uint.py).

:func:`install` wraps exactly the registered functions named here, once, before any namespace
binds them (as autocast's policies are installed); a wrapped op pays one dtype test per tensor
operand (measured: about a quarter of a microsecond on ``a + b``). The same test also catches the
float8 dtypes (their type numbers are in the same set once ml_dtypes is loaded), whose refusals, where
they differ, come from ember/ops/_float8.py; no op is wrapped for float8 alone.
"""
import functools
import sys

from ember._dtype import BAREBONES, FLOAT8, FLOAT8_NUMS, RESTRICTED_NAMES, RESTRICTED_NUMS
from ember.ops import _argparse, _float8

# op name -> the PyTorch kernel that refuses these dtypes
# NOTE: the hottest ops (add, sub, the comparisons <, <=, >, >=, neg, abs) test the dtype inside
# their own code instead (NUMS, refuse): a wrapper's extra call would cost every a + b
REFUSED = {
    'diff': 'add_stub', 'sign': 'sign_cpu',
    'sgn': 'sign_cpu', 'frac': 'frac_cpu', 'pow': 'pow', 'square': 'pow',
    'maximum': 'maximum_cpu', 'minimum': 'minimum_cpu', 'fmod': 'fmod_cpu', 'remainder': 'remainder_cpu',
    'floor_divide': 'div_floor_cpu', 'hypot': 'hypot_cpu', 'gcd': 'gcd_cpu', 'lcm': 'lcm_cpu',
    'logical_not': 'logical_not_cpu', 'logical_and': 'logical_and_cpu', 'logical_or': 'logical_or_cpu',
    'logical_xor': 'logical_xor_cpu', 'bitwise_not': 'bitwise_not_cpu',
    'bitwise_left_shift': 'lshift_cpu', 'bitwise_right_shift': 'rshift_cpu',
    'argmax': 'argmax_cpu', 'argmin': 'argmin_cpu', 'amax': 'max_values_cpu', 'amin': 'min_values_cpu',
    'aminmax': 'aminmax_cpu', 'histc': 'aminmax_cpu', 'median': 'median_cpu', 'topk': 'topk_cpu',
    'kthvalue': 'kthvalue_cpu', 'cummax': 'cummax_cpu', 'cummin': 'cummin_cpu',
    'nonzero': 'nonzero_count_cpu', 'count_nonzero': 'nonzero_count_cpu', 'bincount': 'bincount_cpu',
    'flip': 'flip_cpu', 'tril': 'tril', 'triu': 'triu', 'trace': 'trace',
    'clamp': 'clamp_scalar_cpu', 'clip': 'clamp_scalar_cpu', 'clamp_min': 'clamp_min_scalar_cpu',
    'relu': 'clamp_min_scalar_cpu',
    'masked_fill': 'masked_fill', 'masked_select': 'masked_select', 'index_select': 'index_select',
    'gather': 'scatter_gather_tensor_cpu', 'scatter': 'scatter_gather_tensor_cpu', 'take': 'take_cpu',
    'put': 'take_put_cpu', 'index_add': 'index_add_', 'index_put': 'index_put',
    'matmul': 'dot', 'dot': 'dot', 'mm': 'dot', 'searchsorted': 'searchsorted_out_cpu',
    'bucketize': 'searchsorted_out_cpu', 'lerp': 'lerp_kernel_scalar',
}
# ops whose first two arguments are operands of one computation: their common dtype decides
_BINARY = {'pow', 'maximum', 'minimum', 'fmod', 'remainder', 'floor_divide', 'hypot', 'gcd', 'lcm',
           'logical_and', 'logical_or', 'logical_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'matmul',
           'dot', 'mm', 'lerp'}
# reductions that name another kernel when given a dim
_WITH_DIM = {'max': ('max_all', 'max_cpu'), 'min': ('min_all', 'min_cpu')}
# creation functions refuse the dtype they are asked for
_CREATION = {'arange': 'arange_cpu', 'linspace': 'linspace_cpu'}

# NumPy's type numbers (the cheapest test) of uint16/32/64 and, once ml_dtypes is loaded, of the
# float8 dtypes, whose refusals ember/ops/_float8.py's table names
NUMS = _NUMS = RESTRICTED_NUMS
_NAMES = RESTRICTED_NAMES
_REFUSED_DTYPES = frozenset(BAREBONES + FLOAT8)


def refuse(kernel, num):
    """PyTorch's error for a kernel that refuses the dtype of NumPy type number ``num``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{_NAMES[num]}\'')


def _common_num(args):
    """The dtype code two operands compute in (uint16 with float32 computes in float32, which PyTorch
    allows; two integer types raise its promotion error here)."""
    from ember._dtype import result_type
    from ember._tensor import Tensor
    operands = [a for a in args[:2] if isinstance(a, (Tensor, bool, int, float, complex))]
    return result_type(*operands).np_dtype.num


def _refuse_float8(name, num, input, args, kwargs):
    """PyTorch's error when it refuses op ``name`` for a float8 dtype (nothing when it supports it)."""
    from ember._dtype import _BY_NP
    from ember._tensor import Tensor
    dt = next(d for d in _BY_NP if d.num == num)
    if name in _float8.SHORTCUTS and _float8.SHORTCUTS[name](input, args, kwargs):
        return      # PyTorch's op answers this call without the kernel that refuses float8
    if name == 'matmul' and any(getattr(t, 'ndim', 0) > 2 for t in (input, *args[:1])):
        raise refuse('bmm', num)        # (batched: PyTorch's matmul runs bmm)
    if name in _float8.WITH_DIM:
        if args and isinstance(args[0], Tensor):    # max(a, b): the elementwise kernel
            raise refuse(name + 'imum_cpu', num)
        all_kernel, dim_kernel = _float8.WITH_DIM[name]
        raise refuse(dim_kernel if (args or 'dim' in kwargs) else all_kernel, num)
    if name in ('clamp', 'clip', 'clamp_min'):
        raise refuse(_clamp_kernel(name, args, kwargs), num)
    kernel = _float8.kernel(name, dt)
    if kernel is not None:
        raise refuse(kernel, num)


def _clamp_kernel(name, args, kwargs):
    """The kernel PyTorch's clamp picks (and names refusing float8): tensor bounds go to the
    elementwise maximum/minimum, number bounds to the scalar clamps."""
    from ember._tensor import Tensor
    low = args[0] if args else kwargs.get('min')
    high = None if name == 'clamp_min' else args[1] if len(args) > 1 else kwargs.get('max')
    if isinstance(low, Tensor) or isinstance(high, Tensor):
        return 'clamp_cpu' if low is not None and high is not None else 'maximum_cpu' if low is not None else \
            'minimum_cpu'
    return 'clamp_scalar_cpu' if low is not None and high is not None else 'clamp_min_scalar_cpu' \
        if low is not None else 'clamp_max_scalar_cpu'


def _wrap_tensor_op(fn, kernel, dim_kernel=None, binary=False, name=None):
    # NOTE: this runs in front of hot ops (a + b): one attribute read and one set test per tensor
    # operand when the dtype is an ordinary one, the rest only for uint16/32/64
    @functools.wraps(fn)
    def barebones_check(input, *args, **kwargs):
        data = getattr(input, '_data', None)
        try:
            hit = data is not None and data.dtype.num in _NUMS
        except NotImplementedError:     # a quantized tensor's placeholder: the op itself answers it
            hit = False
        if binary and not hit and args:
            other = getattr(args[0], '_data', None)
            hit = other is not None and other.dtype.num in _NUMS
        if hit:
            num = _common_num((input,) + args) if binary else data.dtype.num
            if num in FLOAT8_NUMS:
                _refuse_float8(name, num, input, args, kwargs)
            elif num in _NUMS:
                with_dim = dim_kernel is not None and (len(args) > 0 or 'dim' in kwargs)
                raise refuse(dim_kernel if with_dim else kernel, num)
        try:
            return fn(input, *args, **kwargs)
        except _argparse.FAILURES:     # arguments PyTorch refuses get its error (costs nothing otherwise)
            kwargs = _argparse.refuse(fn, (input,) + args, kwargs)
            if kwargs is None:
                raise
        return barebones_check(input, *args, **kwargs)     # once more, with NumPy's keyword names renamed
    barebones_check.barebones_kernel = kernel
    return barebones_check


def _wrap_creation(fn, kernel, float8_kernel):
    @functools.wraps(fn)
    def barebones_check(*args, **kwargs):
        dt = kwargs.get('dtype')
        try:
            refused = dt in _REFUSED_DTYPES     # (one hash lookup: uint16/32/64 and the float8 dtypes)
        except TypeError:                       # not a dtype at all: the call fails below, with PyTorch's error
            refused = False
        if refused:
            raise refuse(float8_kernel if dt in FLOAT8 else kernel, dt.np_dtype.num)
        try:
            return fn(*args, **kwargs)
        except _argparse.FAILURES:
            kwargs = _argparse.refuse(fn, args, kwargs)
            if kwargs is None:
                raise
        return barebones_check(*args, **kwargs)     # once more, with NumPy's keyword names renamed
    barebones_check.barebones_kernel = kernel
    return barebones_check


def install(registry):
    """Wrap the registered ops named above (called once, before binding)."""
    wrapped = {}
    for entry in registry:
        name = entry.name
        if hasattr(entry.fn, 'barebones_kernel'):
            continue
        if name in REFUSED:
            wrapper = _wrap_tensor_op(entry.fn, REFUSED[name], binary=name in _BINARY, name=name)
        elif name in _WITH_DIM:
            wrapper = _wrap_tensor_op(entry.fn, *_WITH_DIM[name], name=name)
        elif name in _CREATION:
            wrapper = _wrap_creation(entry.fn, _CREATION[name], _float8.CREATION[name])
        else:
            continue
        wrapped[id(entry.fn)] = wrapper
        entry.fn = wrapper
    # NOTE: the op's own module gets the checked version (the operators, a + b, are bound from it);
    # other ember modules keep what they imported, so ops PyTorch supports for these dtypes (sort)
    # may still use the others as building blocks
    for wrapper in wrapped.values():
        module = sys.modules.get(wrapper.__wrapped__.__module__)
        if module is not None and getattr(module, wrapper.__name__, None) is wrapper.__wrapped__:
            setattr(module, wrapper.__name__, wrapper)
