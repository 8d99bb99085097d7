"""PyTorch's error for an ``out=`` tensor whose dtype is not the result's, op by op.

PyTorch's kernels check ``out``'s dtype in a few different ways: most elementwise ops and
reductions cast the result when its kind fits (a float result into a float64 ``out``) and refuse
a lower kind (``result type Float can't be cast to the desired output type Long``); matrix
products, linear algebra, sorting and gathering ops refuse any other dtype; some unary ops and
``clamp`` with numbers, ``where``, the FFTs and a few others have their own texts. Recorded from
PyTorch 2.13 (tests/fixtures/argument_errors). :func:`out_dtype_error` is consulted by
``write_out`` only when the dtypes differ.
"""
from ember._tensor import _scalar_type_name as _name

# "Expected out tensor to have dtype float, but got long int instead": any other dtype refused
_SAME = frozenset((
    'mm', 'bmm', 'mv', 'addmm', 'addmv', 'baddbmm', 'matmul', 'linalg_matmul', 'argmax', 'argmin', 'sort', 'topk',
    'max', 'min', 'gather', 'take_along_dim', 'scatter', 'index_add', 'tril', 'triu', 'diag', 'cross',
    'linalg_cross', 'inverse', 'slogdet', 'linalg_inv', 'linalg_det', 'linalg_slogdet', 'linalg_solve',
    'linalg_cholesky', 'linalg_eigh', 'linalg_svdvals', 'linalg_vector_norm', 'softmax', 'log_softmax'))
# "Found dtype Long but expected Float": ops whose result dtype is their input's, checked as such
_FOUND = frozenset(('abs', 'neg', 'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'clamp', 'clip', 'clamp_min',
                    'clamp_max'))
# the same text as index_select's, naming the op
_SAME_SCALAR_TYPE = frozenset(('index_select', 'masked_select'))
_C_TYPES = {'float64': 'double', 'float32': 'float', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
            'int64': 'long int', 'int32': 'int', 'int16': 'short int', 'int8': 'signed char',
            'uint8': 'unsigned char', 'bool': 'bool', 'complex64': 'c10::complex<float>',
            'complex128': 'c10::complex<double>'}


def c_type_name(dtype):
    """The C++ name PyTorch's "Expected out tensor to have dtype ..." messages give ``dtype``."""
    return _C_TYPES.get(dtype.name, dtype.name)


def out_dtype_error(name, result, out, input_dtype=None):
    """PyTorch's error for op ``name`` writing a result of dtype ``result`` into an ``out`` of dtype
    ``out`` (the two differ), or None where PyTorch casts or refuses with its general text
    (``write_out`` decides then by the kinds)."""
    if name in _SAME:
        return RuntimeError(f"Expected out tensor to have dtype {c_type_name(result)}, but got {c_type_name(out)} instead")
    if name in _FOUND and out.category <= result.category:     # (abs of complex into complex is taken)
        return RuntimeError(f"Found dtype {_name(out)} but expected {_name(result)}")
    if name in _SAME_SCALAR_TYPE:
        return RuntimeError(f"{name}(): self and result must have the same scalar type")
    if name in ('amax', 'amin'):
        return RuntimeError(f"Expected the dtype for input and out to match, but got {_name(input_dtype or result)} for "
                            f"input's dtype and {_name(out)} for out's dtype.")
    if name in ('dot', 'vdot'):
        return RuntimeError(f"result dtype {_name(out)} does not match input dtype {_name(result)}")
    if name in ('inner', 'tensordot'):
        return RuntimeError(f"tensordot: Expected the output tensor to have dtype {_name(result)}, but got an output "
                            f"tensor with dtype {_name(out)}")
    if name == 'where':
        return RuntimeError(f"Expected out type to be {_name(result)} but got {_name(out)}")
    if name in ('linalg_norm', 'linalg_matrix_norm'):
        return RuntimeError(f"linalg.{name[7:]} expected out tensor dtype {_name(result)} but got: {_name(out)}")
    if name == 'take':
        return RuntimeError(f"take(): self and out expected to have the same dtype, but got self.dtype = "
                            f"{_name(result)} and out.dtype = {_name(out)}")
    if name == 'kthvalue':
        return RuntimeError("output values must be of same type as input")
    if name == 'cummax' or name == 'cummin':
        return RuntimeError(f"expected scalar_type {_name(result)} but found {_name(out)}")
    if name == 'logsumexp' and not out.is_floating_point:
        return RuntimeError(f"logsumexp(): Expected floating point type for result tensor, but got: {_name(out)}")
    if name.startswith('fft_'):
        short = name[4:]
        if result.is_complex and not out.is_complex:
            return RuntimeError(f"{short} expects a complex output tensor, but got {_name(out)}")
        if not result.is_complex and not out.is_floating_point:
            return RuntimeError(f"{short} expects a floating point output tensor, but got {_name(out)}")
        return None
    if name in ('cat', 'stack', 'hstack', 'vstack', 'dstack', 'column_stack') and result.category > out.category:
        return TypeError(f"ember.cat(): input types can't be cast to the desired output type {_name(out)}")
    return None
