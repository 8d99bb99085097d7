"""Matrix products (matmul family, einsum) and a little linear algebra."""
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember import _dtype as dtypes
from ember._tensor import Tensor
from ember.autograd import function as _function, grad_mode
from ember.autograd.function import Primitive
from ember.ops._registry import op
from ember.ops._util import python_reads, require_tensor_args, require_tensor
from ember.ops.inplace import write_out
from ember.ops.inplace_views import named_as_inplace
from ember.ops._half import in_float32, refuse_half
from ember.ops import _add_products, _bf16_products, _float8, _no_second_derivative
from ember._dtype import FLOAT8_NUMS as _FLOAT8_NUMS
from ember.numerics import ENABLED as _PYTORCH_BITS

_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'   # (string.ascii_letters, without importing string)


def _mm_error(a, b):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})")



def _same_dtype(out, a):
    # bfloat16 (ml_dtypes) matrix products accumulate and return float32; PyTorch rounds the result
    # back to bfloat16
    return out if out.dtype == a.dtype else out.astype(a.dtype)


def _matrix_product(xp, a, b):
    """``a @ b`` in the arrays' dtype: bfloat16 ones on the CPU with PyTorch's kernel's bits (see _bf16_products)."""
    if xp is np and _PYTORCH_BITS[0] and _bf16_products.is_bfloat16(a) and _bf16_products.is_bfloat16(b):
        return _bf16_products.product(a, b)
    return _same_dtype(xp.matmul(a, b), a)


def _float8_sum_of_product(input, a, b, beta, alpha, batched_sum=False):
    """``beta * input + alpha * (a @ b)`` (``batched_sum``: the batch's products summed, addbmm) for float8
    tensors, as PyTorch's CPU kernel computes it: in float32, rounded once (float8_e8m0fnu refused); None for
    other dtypes."""
    data = a._data
    if data.dtype.num not in _FLOAT8_NUMS:
        return None
    _float8.check('mm', data.dtype)     # (float8_e8m0fnu: addmm_impl_cpu_)
    a32, b32 = _float8.astype(data, np.float32), _float8.astype(b._data, np.float32)
    prod = np.matmul(a32, b32)
    if batched_sum:
        prod = prod.sum(0, dtype=np.float32)
    _check_bias(input, prod.shape)
    value = prod * np.float32(alpha)
    if beta != 0:
        value = value + np.broadcast_to(_float8.astype(input._data, np.float32), prod.shape) * np.float32(beta)
    return Tensor._make(_float8.from_float32(np.asarray(value, np.float32), data.dtype), a._device)


def _bf16_sum_of_product(input, a, b, beta, alpha):
    """``beta * input + alpha * (a @ b)`` for bfloat16 CPU tensors with PyTorch's bits, or None where another
    path computes it (other dtypes or devices, or ember.numerics' PyTorch bits off)."""
    if not (_PYTORCH_BITS[0] and input.device.type == 'cpu' and input.dtype is dtypes.bfloat16
            and a.dtype is dtypes.bfloat16 and b.dtype is dtypes.bfloat16 and a.device == b.device == input.device):
        return None
    shape = tuple(a.shape[:-1]) + (b.shape[-1],)
    _check_bias(input, shape)
    c = None if beta == 0 else np.broadcast_to(input._data, shape)
    return Tensor._make(_bf16_products.product(a._data, b._data, c, alpha, beta), a._device)


class Mm(Primitive):
    keeps_saved_strides = True
    node_name = 'MmBackward0'
    saved_attrs = {'self': _sa.saved(0), 'self_sym_sizes': _sa.input_sizes(0, 0), 'self_sym_strides': _sa.strides_of_saved(0, 0),
                   'mat2': _sa.saved(1), 'mat2_sym_sizes': _sa.input_sizes(1, 1), 'mat2_sym_strides': _sa.strides_of_saved(1, 1)}  # grad_fn._saved_*, read lazily
    saved_names = ('self', 'mat2')
    _promote = True

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad[:2]
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        if need_a != need_b:        # one operand's gradient only: the other's strides for grad_fn._saved_*
            _sa.keep_unsaved_strides(ctx, 0, a) if need_a else _sa.keep_unsaved_strides(ctx, 1, b)
        return _matrix_product(ctx.xp, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g.mm(b.t().conj()) if b is not None else None      # conj: a no-op for real tensors
        gb = a.t().conj().mm(g) if a is not None else None
        return ga, gb


def _with_out_dtype(name, compute, first, out_dtype, out):
    """PyTorch's ``out_dtype`` overloads (``ember.mm(a, b, ember.float32)``) exist only for CUDA tensors: there the
    result may be float32 for float16/bfloat16 inputs (they are multiplied in float32), or the inputs' own dtype."""
    if out_dtype is None:
        return compute(lambda t: t)
    if first.device.type == 'cpu':
        overload = 'dtype' if out is None else 'dtype_out'
        raise NotImplementedError(f"Could not run 'aten::{name}.{overload}' with arguments from the 'CPU' backend. "
                                  f"This could be because the operator doesn't exist for this backend.")
    if not (out_dtype is first.dtype or (out_dtype is dtypes.float32 and first.dtype in (dtypes.float16,
                                                                                            dtypes.bfloat16))):
        raise RuntimeError("out_dtype must be the same as input dtype or fp32 for fp16/bf16 inputs")
    return compute(lambda t: t.to(out_dtype))


@op('ember', name='mm')
def mm_function(input, mat2, out_dtype=None, *, out=None):
    """The matrix product of ``input`` ``(n, m)`` and ``mat2`` ``(m, p)``: ``(n, p)``. ``out_dtype`` is for
    CUDA tensors only (as in PyTorch).

    Example::

        >>> ember.mm(ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([[1.], [1.]]))
        tensor([[3.],
                [7.]])
    """
    _result = _with_out_dtype('mm', lambda cast: mm(cast(input), cast(mat2)), input, out_dtype, out)
    return _result if out is None else write_out('mm', _result, out)


mm_function.__name__ = mm_function.__qualname__ = 'mm'   # as errors and help() name it


@op('Tensor')
def mm(input, mat2, *, out=None):
    """``self @ mat2`` for two matrices: see :func:`ember.mm`.

    Example::

        >>> ember.tensor([[1., 2.], [3., 4.]]).mm(ember.tensor([[1.], [1.]]))
        tensor([[3.],
                [7.]])
    """
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise _mm_error(input.shape, mat2.shape)
    _check_dtypes(input, mat2)
    _result = Mm.apply(input, mat2)
    return _result if out is None else write_out('mm', _result, out)


def _check_dtypes(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_nm(a.dtype)} != {_nm(b.dtype)}")


def _nm(d):
    from ember.ops.arith import _c_name
    return _c_name(d)


class Mv(Primitive):
    node_name = 'MvBackward0'
    saved_attrs = {'self': _sa.saved(0), 'vec': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, v):
        if a.dtype.num in _FLOAT8_NUMS:      # PyTorch refuses float8 here
            _float8.check_kernel('addmv_impl_cpu', a.dtype)
        need_a, need_v = ctx.needs_input_grad[:2]
        ctx.save_for_backward(a if need_v else None, v if need_a else None)    # (each for the other's gradient)
        return _same_dtype(ctx.xp.matmul(a, v), a)

    @staticmethod
    def backward(ctx, g):
        a, v = ctx.saved_tensors
        return g.unsqueeze(1) * v.conj().unsqueeze(0) if ctx.needs_input_grad[0] else None, \
            a.t().conj().mv(g) if ctx.needs_input_grad[1] else None        # conj: complex only


@op('ember', 'Tensor')
def mv(input, vec, *, out=None):
    """Performs a matrix-vector product of the matrix ``input`` (``n x m``) and the vector ``vec`` (size ``m``),
    giving a vector of size ``n``. Does not broadcast.

    Args:
        input (Tensor): the matrix to be multiplied.
        vec (Tensor): the vector to be multiplied.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.mv(ember.tensor([[1., 2.], [3., 4.], [5., 6.]]), ember.tensor([1., -1.]))
        tensor([-1., -1., -1.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.dtype is not vec.dtype:
        from ember._dtype import promote_types
        from ember._tensor import _scalar_type_name as nm
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{nm(promote_types(input.dtype, vec.dtype))}, {nm(input.dtype)}, and {nm(vec.dtype)}")
    if input.shape[-1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    _check_dtypes(input, vec)
    _result = Mv.apply(input, vec)
    return _result if out is None else write_out('mv', _result, out)


class Dot(Primitive):
    node_name = 'DotBackward0'
    saved_attrs = {'self': _sa.saved(0), 'tensor': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _same_dtype(ctx.xp.asarray(ctx.xp.dot(a, b)), a)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g.is_complex():   # conjugate Wirtinger gradients, as PyTorch's
            return g * b.conj(), g * a.conj()
        return g * b, g * a


@op('ember', 'Tensor')
def dot(input, tensor, *, out=None):
    """Computes the dot product of two 1-D tensors with the same number of elements. Unlike NumPy's ``dot``, it
    does not accept matrices.

    Args:
        input (Tensor): first tensor in the dot product, 1-D.
        tensor (Tensor): second tensor in the dot product, 1-D.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.dot(ember.tensor([2, 3]), ember.tensor([2, 1]))
        tensor(7)
        >>> ember.dot(ember.tensor([0.5, 1.5]), ember.tensor([2., -1.]))
        tensor(-0.5000)
    """
    other = tensor
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError("inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of "
                           "elements, but got %d and %d elements respectively"
                           % (input.shape[0], other.shape[0], input.shape[0], other.shape[0]))
    if input.dtype is not other.dtype:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_scalar_type_name(input.dtype)} and {_scalar_type_name(other.dtype)}")
    result = Dot.apply(input, other)
    return result if out is None else write_out('dot', result, out)


class Bmm(Primitive):
    node_name = 'BmmBackward0'
    saved_names = ('self', 'mat2')

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.num in _FLOAT8_NUMS:      # PyTorch refuses float8 here
            _float8.check_kernel('bmm', a.dtype)
        need_a, need_b = ctx.needs_input_grad[:2]
        ctx.save_for_backward(a if need_b else None, b if need_a else None)    # (each for the other's gradient)
        return _matrix_product(ctx.xp, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = g.matmul(b.transpose(-1, -2).conj()) if ctx.needs_input_grad[0] else None    # conj: complex only
        gb = a.transpose(-1, -2).conj().matmul(g) if ctx.needs_input_grad[1] else None
        return ga, gb


@op('ember', name='bmm')
def bmm_function(input, mat2, out_dtype=None, *, out=None):
    """Batched matrix product of ``input`` ``(b, n, m)`` and ``mat2`` ``(b, m, p)``: ``(b, n, p)``. ``out_dtype``
    is for CUDA tensors only (as in PyTorch).

    Example::

        >>> a = ember.ones(2, 3, 4)
        >>> b = ember.ones(2, 4, 5)
        >>> ember.bmm(a, b).shape
        ember.Size([2, 3, 5])
        >>> ember.bmm(a, b)[0, 0, 0]
        tensor(4.)
    """
    _result = _with_out_dtype('bmm', lambda cast: bmm(cast(input), cast(mat2)), input, out_dtype, out)
    return _result if out is None else write_out('bmm', _result, out)


bmm_function.__name__ = bmm_function.__qualname__ = 'bmm'   # as errors and help() name it


@op('Tensor')
def bmm(input, mat2, *, out=None):
    """Batched matrix product of ``self`` ``(b, n, m)`` and ``mat2`` ``(b, m, p)``: see :func:`ember.bmm`.

    Example::

        >>> ember.ones(2, 2, 3).bmm(ember.ones(2, 3, 1))
        tensor([[[3.],
                 [3.]],
        <BLANKLINE>
                [[3.],
                 [3.]]])
    """
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{input.shape[0]}, "
                           f"{input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _result = Bmm.apply(input, mat2)
    return _result if out is None else write_out('bmm', _result, out)


class BatchedMatmul(Bmm):
    """matmul with broadcasting batch dims: the engine sums gradients back to each input's shape."""
    node_name = 'UnsafeViewBackward0'
    saved_attrs = {'self_sym_sizes': _sa.matmul_folded_sizes}  # grad_fn._saved_*: PyTorch's node is the view after bmm
    _profile_name = 'aten::bmm'     # (PyTorch's matmul of batches runs bmm)

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.num in _FLOAT8_NUMS:      # PyTorch's batched matmul is bmm: it refuses float8
            _float8.check_kernel('bmm', a.dtype)
        ctx.save_for_backward(a, b)
        if ctx.xp is np and _PYTORCH_BITS[0] and _bf16_products.is_bfloat16(a) and _bf16_products.is_bfloat16(b):
            return _bf16_products.product(a, b)      # (PyTorch's bmm kernel's order; the result row-major)
        out = ctx.xp.matmul(a, b)
        if not out.flags.c_contiguous:
            # NumPy lays the product of permuted batches out as the operand is; PyTorch's (a bmm or mm,
            # viewed back) is row-major
            out = ctx.xp.ascontiguousarray(out)
        return _same_dtype(out, a)


class BatchedMatmulT(BatchedMatmul):
    """A matrix (or a batch of one) that requires grad times a batch: PyTorch folds the batch transposed into
    one mm and makes the transposed product contiguous, so its node is a CloneBackward0 (which saves nothing)."""
    node_name = 'CloneBackward0'
    saved_attrs = {}
    _profile_name = 'aten::mm'


class BatchedMatvec(BatchedMatmul):
    """A batch times a vector (or a vector times a batch) in one node: PyTorch's is the _unsafe_view after
    its mv (or bmm), so this node is an UnsafeViewBackward0 too."""
    node_name = 'UnsafeViewBackward0'
    saved_attrs = {'self_sym_sizes': _sa.matvec_folded_sizes}  # grad_fn._saved_*, read lazily
    _profile_name = 'aten::mv'

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if a.ndim == 1:         # a vector times a batch: its gradient sums over the batch
            ga = b.conj().matmul(g.unsqueeze(-1)).squeeze(-1) if ctx.needs_input_grad[0] else None
            gb = a.unsqueeze(-1).conj() * g.unsqueeze(-2) if ctx.needs_input_grad[1] else None
        else:
            ga = g.unsqueeze(-1) * b.conj() if ctx.needs_input_grad[0] else None
            gb = a.conj().transpose(-1, -2).matmul(g.unsqueeze(-1)).squeeze(-1) if ctx.needs_input_grad[1] else None
        if ga is not None and ga.ndim > a.ndim:
            ga = ga.sum(tuple(range(ga.ndim - a.ndim)))
        if gb is not None and gb.ndim > b.ndim:
            gb = gb.sum(tuple(range(gb.ndim - b.ndim)))
        return ga, gb


@op('ember', 'Tensor')
def matmul(input, other, *, out=None) -> Tensor:
    """The matrix product of two tensors, by their dimensions: a dot product of two vectors, a
    matrix-vector or matrix-matrix product, or a batched product with the batch dimensions
    broadcast.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[1., 2.], [3., 4.]])
        >>> ember.matmul(a, a)
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ember.matmul(a, ember.tensor([1., 1.]))
        tensor([3., 7.])
        >>> ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape
        ember.Size([5, 2, 4])
    """
    try:
        da, db = input.ndim, other.ndim
    except AttributeError:     # x @ [1, 2]: Python's TypeError, as PyTorch's operator gives
        raise TypeError(f"unsupported operand type(s) for @: '{type(input).__name__}' and "
                        f"'{type(other).__name__}'") from None
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 2 and db == 2:
        _result = mm(input, other)
        return _result if out is None else write_out('matmul', _result, out)
    if da == 1 and db == 1:
        _result = dot(input, other)
        return _result if out is None else write_out('matmul', _result, out)
    if da == 2 and db == 1:
        _result = mv(input, other)
        return _result if out is None else write_out('matmul', _result, out)
    if da == 1 and db == 2:
        if input.shape[0] != other.shape[0]:
            raise _mm_error((1, input.shape[0]), other.shape)
        # PyTorch squeezes its fresh product in place: the node is named SqueezeBackward4
        _result = named_as_inplace(mm(input.unsqueeze(0), other).squeeze(0))
        return _result if out is None else write_out('matmul', _result, out)
    # batched: promote 1-D operands, broadcast batch dims
    a = input.unsqueeze(0) if da == 1 else input
    b = other.unsqueeze(-1) if db == 1 else other
    try:
        batch = np.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    except ValueError:
        from ember.ops._util import broadcast_error
        raise broadcast_error(a.shape[:-2], b.shape[:-2]) from None
    if a.shape[-1] != b.shape[-2]:
        # PyTorch folds a batch @ matrix (or vector) into one mm (mv) and batches everything else
        m = int(np.prod(a.shape[:-1]))
        if db == 1:
            raise RuntimeError(f"size mismatch, got input ({m}), mat ({m}x{a.shape[-1]}), vec ({b.shape[-2]})")
        if db == 2:
            raise _mm_error((m, a.shape[-1]), (b.shape[-2], b.shape[-1]))
        n = int(np.prod(batch))
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {a.shape[-1]}] "
                           f"but got: [{n}, {b.shape[-2]}].")
    _check_dtypes(a, b)
    if out is None and (input._requires_grad or other._requires_grad) and grad_mode._state.enabled and \
            input.__class__ is Tensor and other.__class__ is Tensor and input._data.dtype == other._data.dtype and \
            input._data.dtype.char in 'fdFD' and not _function._op_hooks and input._device.type != 'meta':
        # PyTorch's folds, views and product nodes, each recorded over its array (ops/_matmul_steps.py); half
        # precision keeps the one node (apply runs its products in float32)
        return matmul_steps(input, other, Mm, Mv, Bmm)
    if da == 1 or db == 1:
        result = BatchedMatvec.apply(input, other)
    elif input.requires_grad and (da == 2 or (da == db == 3 and a.shape[0] == 1 != b.shape[0])):
        result = BatchedMatmulT.apply(a, b)
    else:
        result = BatchedMatmul.apply(a, b)
    return result if out is None else write_out('matmul', result, out)


@op('ember', 'Tensor', aliases=('ger',), guard=True)
def outer(input, vec2, *, out=None):
    """The outer product of two vectors: ``out[i][j] = input[i] * vec2[j]``.

    Args:
        input (Tensor): a 1-D tensor.
        vec2 (Tensor): a 1-D tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.outer(ember.tensor([1, 2]), ember.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    for name, t in (('self', input), ('vec2', vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    # (as PyTorch: the input viewed as a column (ViewBackward0); its MulBackward0 keeps vec2 itself)
    _result = input.view(input.shape[0], 1) * vec2
    return _result if out is None else write_out('outer', _result, out)


@op('ember', 'Tensor')
def inner(input, other, *, out=None):
    """Computes the dot product of 1-D tensors; for higher dimensions, sums the products of elements over the last
    dimension of both (result shape ``input.shape[:-1] + other.shape[:-1]``).

    Args:
        input (Tensor): first input tensor.
        other (Tensor): second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.inner(ember.tensor([1, 2, 3]), ember.tensor([0, 2, 1]))
        tensor(7)
        >>> a = ember.arange(6.).view(2, 3)
        >>> ember.inner(a, ember.ones(4, 3))
        tensor([[ 3.,  3.,  3.,  3.],
                [12., 12., 12., 12.]])
    """
    require_tensor_args(input, other)
    if input.ndim == 0 or other.ndim == 0:
        _result = input * other
        return _result if out is None else write_out('inner', _result, out)
    if input._data.dtype.num in _FLOAT8_NUMS:     # (its product: dot for vectors, else mm's (float8_e8m0fnu))
        if input.ndim == 1 and other.ndim == 1:
            _float8.check_kernel('dot', input._data.dtype)
        _float8.check('mm', input._data.dtype)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    _result = tensordot(input, other, ([-1], [-1]))
    return _result if out is None else write_out('inner', _result, out)


def _check_bias(input, shape):
    """addmm-style ops expand ``input`` to the product's shape, with expand's error."""
    from ember.ops.shape import expand
    expand(input.detach(), shape)


@op('ember', name='addmm')
def addmm_function(input, mat1, mat2, out_dtype=None, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``. ``out_dtype`` is for CUDA tensors only (as in PyTorch).

    Example::

        >>> ember.addmm(ember.ones(2, 2), ember.eye(2), ember.tensor([[1., 2.], [3., 4.]]), beta=0.5, alpha=2)
        tensor([[2.5000, 4.5000],
                [6.5000, 8.5000]])
    """
    _result = _with_out_dtype('addmm', lambda cast: addmm(cast(input), cast(mat1), cast(mat2), beta=beta,
                                                           alpha=alpha), input, out_dtype, out)
    return _result if out is None else write_out('addmm', _result, out)


addmm_function.__name__ = addmm_function.__qualname__ = 'addmm'   # as errors and help() name it


@op('Tensor', inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * self + alpha * (mat1 @ mat2)``: see :func:`ember.addmm`.

    Example::

        >>> ember.zeros(2, 1).addmm(ember.tensor([[1., 2.], [3., 4.]]), ember.ones(2, 1), alpha=2)
        tensor([[ 6.],
                [14.]])
    """
    def compute(input, mat1, mat2):
        prod = mm(mat1, mat2)
        _check_bias(input, tuple(prod.shape))
        if alpha != 1:
            prod = prod * alpha
        return prod if beta == 0 else (input if beta == 1 else input * beta) + prod

    def value(input, mat1, mat2):
        if mat1.ndim == 2 and mat2.ndim == 2 and mat1.shape[1] == mat2.shape[0]:
            exact = _float8_sum_of_product(input, mat1, mat2, beta, alpha)
            if exact is None:
                exact = _bf16_sum_of_product(input, mat1, mat2, beta, alpha)
            if exact is not None:
                return exact
        return in_float32(compute, input, mat1, mat2)
    _result = _add_products.one_node(_add_products.AddmmNode, value, input, mat1, mat2, beta, alpha)
    return _result if out is None else write_out('addmm', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """Computes ``beta * input + alpha * (mat @ vec)``: a matrix-vector product added to ``input``.

    Args:
        input (Tensor): vector to be added, broadcastable to ``(n,)``.
        mat (Tensor): matrix to be multiplied, ``(n, m)``.
        vec (Tensor): vector to be multiplied, ``(m,)``.

    Keyword args:
        beta (Number, optional): multiplier for ``input``. Default: ``1``.
        alpha (Number, optional): multiplier for ``mat @ vec``. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> M = ember.tensor([1., 2.])
        >>> mat = ember.tensor([[1., 0., 2.], [0., 1., 1.]])
        >>> vec = ember.tensor([1., 2., 3.])
        >>> ember.addmv(M, mat, vec)
        tensor([8., 7.])
        >>> ember.addmv(M, mat, vec, beta=0, alpha=-1)
        tensor([-7., -5.])
    """
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat._data.dtype.num in _FLOAT8_NUMS:      # PyTorch refuses float8 here
        _float8.check_kernel('addmv_impl_cpu', mat._data.dtype)
    if mat.shape[1] != vec.shape[0] or input.numel() not in (1, mat.shape[0]):
        if input.ndim == 0:     # PyTorch's message reads the input's size 0 first
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({mat.shape[0]}x{mat.shape[1]}), "
                           f"vec ({vec.shape[0]})")

    def compute(input, mat, vec):
        prod = mv(mat, vec)
        _check_bias(input, tuple(prod.shape))
        return (input if beta == 1 else input * beta) + (prod if alpha == 1 else prod * alpha)
    _result = _add_products.one_node(_add_products.AddmvNode, lambda i, a, b: in_float32(compute, i, a, b), input,
                                     mat, vec, beta, alpha)
    return _result if out is None else write_out('addmv', _result, out)


@op('ember', name='baddbmm')
def baddbmm_function(input, batch1, batch2, out_dtype=None, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices. ``out_dtype`` is for CUDA tensors
    only (as in PyTorch).

    Example::

        >>> ember.baddbmm(ember.zeros(1, 2, 2), ember.ones(1, 2, 3), ember.ones(1, 3, 2))
        tensor([[[3., 3.],
                 [3., 3.]]])
    """
    _result = _with_out_dtype('baddbmm', lambda cast: baddbmm(cast(input), cast(batch1), cast(batch2), beta=beta,
                                                               alpha=alpha), input, out_dtype, out)
    return _result if out is None else write_out('baddbmm', _result, out)


baddbmm_function.__name__ = baddbmm_function.__qualname__ = 'baddbmm'   # as errors and help() name it


@op('Tensor', inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * self + alpha * (batch1 @ batch2)`` for batches of matrices: see :func:`ember.baddbmm`.

    Example::

        >>> ember.ones(2, 1, 1).baddbmm(ember.ones(2, 1, 3), ember.ones(2, 3, 1), beta=0.5)
        tensor([[[3.5000]],
        <BLANKLINE>
                [[3.5000]]])
    """
    if isinstance(batch1, Tensor) and batch1._data.dtype.num in _FLOAT8_NUMS:    # PyTorch refuses float8 here
        _float8.check_kernel('baddbmm', batch1._data.dtype)
    def compute(input, batch1, batch2):
        prod = bmm(batch1, batch2)
        _check_bias(input, tuple(prod.shape))
        return (input if beta == 1 else input * beta) + (prod if alpha == 1 else prod * alpha)

    def value(input, batch1, batch2):
        if batch1.ndim == 3 and batch2.ndim == 3 and batch1.shape[0] == batch2.shape[0] \
                and batch1.shape[2] == batch2.shape[1]:
            exact = _bf16_sum_of_product(input, batch1, batch2, beta, alpha)
            if exact is not None:
                return exact
        return in_float32(compute, input, batch1, batch2)
    _result = _add_products.one_node(_add_products.BaddbmmNode, value, input, batch1, batch2, beta, alpha)
    return _result if out is None else write_out('baddbmm', _result, out)


@op('ember', 'Tensor', inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """Adds to ``input`` the sum of the batched matrix products ``batch1[i] @ batch2[i]``: ``beta * input + alpha *
    sum_i(batch1[i] @ batch2[i])``.

    Args:
        input (Tensor): matrix to be added, broadcastable to ``(n, p)``.
        batch1 (Tensor): the first batch of matrices, ``(b, n, m)``.
        batch2 (Tensor): the second batch of matrices, ``(b, m, p)``.

    Keyword args:
        beta (Number, optional): multiplier for ``input``. Default: ``1``.
        alpha (Number, optional): multiplier for the sum of products. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> M = ember.ones(2, 2)
        >>> b1 = ember.arange(12.).view(3, 2, 2)
        >>> b2 = ember.ones(3, 2, 2)
        >>> ember.addbmm(M, b1, b2)
        tensor([[28., 28.],
                [40., 40.]])
        >>> ember.addbmm(M, b1, b2, beta=0.5, alpha=2)
        tensor([[54.5000, 54.5000],
                [78.5000, 78.5000]])
    """
    def compute(input, batch1, batch2):
        if batch1.ndim == 3 and batch2.ndim == 3 and batch1.shape[0] == batch2.shape[0] \
                and batch1.shape[2] == batch2.shape[1]:
            exact = _float8_sum_of_product(input, batch1, batch2, beta, alpha, batched_sum=True)
            if exact is not None:       # (PyTorch's addbmm adds the products with addmm: float8 computes)
                return exact
        prod = bmm(batch1, batch2).sum(0)
        _check_bias(input, tuple(prod.shape))
        return (input if beta == 1 else input * beta) + (prod if alpha == 1 else prod * alpha)
    _result = _add_products.one_node(_add_products.AddbmmNode, compute, input, batch1, batch2, beta, alpha)
    return _result if out is None else write_out('addbmm', _result, out)


@op('ember', 'Tensor')
def tensordot(a, b, dims=2, out=None):
    """Returns a contraction of ``a`` and ``b`` over several dimensions: the generalized matrix product.

    With ``dims = d`` (an int) the last ``d`` dimensions of ``a`` are contracted with the first ``d`` of ``b``;
    with two lists, the listed dimensions of ``a`` with those of ``b``.

    Args:
        a (Tensor): left tensor to contract.
        b (Tensor): right tensor to contract.
        dims (int or Tuple[List[int], List[int]]): number of dimensions to contract, or explicit lists of
            dimensions for ``a`` and ``b``. Default: ``2``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.arange(60.).reshape(3, 4, 5)
        >>> b = ember.arange(24.).reshape(4, 3, 2)
        >>> ember.tensordot(a, b, dims=([1, 0], [0, 1]))
        tensor([[4400., 4730.],
                [4532., 4874.],
                [4664., 5018.],
                [4796., 5162.],
                [4928., 5306.]])
        >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 4), dims=1).shape
        ember.Size([2, 4])
    """
    python_reads(a, 'dim')
    python_reads(b, 'dim')      # (what PyTorch's Python function reads first)
    if isinstance(a, Tensor) and a._data.dtype.num in _FLOAT8_NUMS:    # (its product refuses float8_e8m0fnu)
        _float8.check('mm', a._data.dtype)
    if isinstance(dims, int):
        da = list(range(a.ndim - dims, a.ndim))
        db = list(range(dims))
    else:
        da, db = dims
        da = [d % a.ndim for d in ([da] if isinstance(da, int) else da)]
        db = [d % b.ndim for d in ([db] if isinstance(db, int) else db)]
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            if b.shape[j] == 1:     # a contracted dim of size one broadcasts: the other side is summed over it
                a = a.sum(i, keepdim=True)
            elif a.shape[i] == 1:
                b = b.sum(j, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                                   f"and second has size {b.shape[j]} in dim {j}")
    for dims_ in (da, db):
        for k, d in enumerate(dims_):
            if d in dims_[:k]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    # PyTorch's steps, so its graph's nodes: each operand permuted (kept dims, contracted dims) and reshaped
    # to a matrix, one mm, the product reshaped to the kept dims
    kept_a = [i for i in range(a.ndim) if i not in da]
    kept_b = [j for j in range(b.ndim) if j not in db]
    rows = cols = inner = 1
    for i in kept_a:
        rows *= a.shape[i]
    for j in kept_b:
        cols *= b.shape[j]
    for i in da:
        inner *= a.shape[i]
    if not kept_a and not kept_b and len(da) == 1:     # two vectors: a dot product
        result = Dot.apply(a.permute(da), b.permute(db)).reshape(())
        return result if out is None else write_out('tensordot', result, out)
    t1 = a.permute(kept_a + da).reshape(rows, inner)
    t2 = b.permute(db + kept_b).reshape(inner, cols)
    result = Mm.apply(t1, t2).reshape([a.shape[i] for i in kept_a] + [b.shape[j] for j in kept_b])
    return result if out is None else write_out('tensordot', result, out)


# --------------------------------------------------------------------- einsum
def _parse_einsum(equation, operands):
    eq = equation.replace(' ', '')
    if '->' in eq:
        lhs, rhs = eq.split('->')
    else:
        lhs, rhs = eq, None
    terms = lhs.split(',')
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(terms) < len(operands) else
                           "einsum(): fewer operands were provided than specified in the equation")
    ell_dims = 0
    for t, op in zip(terms, operands):
        if '...' in t:
            ell_dims = max(ell_dims, op.ndim - (len(t) - 3))
    ell = ''
    if ell_dims:    # letters the equation leaves free stand for the ellipsis's dims
        ell = ''.join([c for c in _LETTERS if c not in eq][:ell_dims])
    new_terms = []
    for t, op in zip(terms, operands):
        if '...' in t:
            n = op.ndim - (len(t) - 3)
            t = t.replace('...', ell[ell_dims - n:] if n else '')
        if len(t) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not match the "
                               f"number of dimensions ({op.ndim}) for operand {len(new_terms)} and no ellipsis was "
                               "given")
        new_terms.append(t)
    if rhs is None:
        counts = {}
        for t in new_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + ''.join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        rhs = rhs.replace('...', ell)
    return new_terms, rhs, ell


class Einsum(Primitive):
    """An einsum, computed at once; its node is named by the subclass :func:`_einsum_class` picks."""
    node_name = 'EinsumBackward0'
    _profile_name = 'aten::einsum'
    _promote = 'tensors'    # (the subscripts are options, not operands)

    @staticmethod
    def forward(ctx, terms, rhs, *ops):
        ctx.spec = (terms, rhs)
        ctx.save_for_backward(*ops)
        dt = ops[0].dtype if ops else None
        if dt is not None and dt.kind == 'V':
            # NumPy's einsum has no bfloat16 (ml_dtypes) kernel: compute in float32 and round back
            ops = [o.astype(np.float32) for o in ops]
        try:
            if len(ops) > 2:
                out = _contract_in_order(ctx.xp, terms, rhs, ops)
            else:
                out = _pair_product(ctx.xp, terms, rhs, ops) if len(ops) == 2 else None
                if out is None:
                    out = ctx.xp.einsum(','.join(terms) + '->' + rhs, *ops)
        except ValueError as e:
            raise RuntimeError(f"einsum(): {e}") from None
        ctx.out_shape = out.shape   # (ViewBackward0's sizes, readable after backward freed the operands)
        return out if dt is None or out.dtype == dt else out.astype(dt)

    @staticmethod
    def backward(ctx, g):
        terms, rhs = ctx.spec
        ops = ctx.saved_tensors
        grads = [None, None]
        for k, (t, op) in enumerate(zip(terms, ops)):
            if not ctx.needs_input_grad[k + 2]:
                grads.append(None)
                continue
            others = [(terms[j], ops[j]) for j in range(len(ops)) if j != k]
            grads.append(_einsum_operand_grad(g, rhs, t, op, others))
        return tuple(grads)


# PyTorch's einsum is a composite (each operand's diagonals taken and its dims permuted into one order, the
# operands multiplied pairwise, bmm where a pair shares summed dims, the summed dims dropped at the end), so
# its result's node is that last step's.  ember computes the einsum at once and records one node under
# the last step's name, showing the last step's saved attributes (read lazily from the spec and shapes).

def _operand_shapes(node):
    """The operands' shapes: on record for those whose gradient is wanted, else read off the saved operand."""
    return [tuple(meta[0]) if meta is not None else tuple(node._read_saved(k).shape)
            for k, meta in enumerate(node._input_meta)]


def _letter_sizes(node):
    sizes = {}
    for t, shape in zip(node.spec[0], _operand_shapes(node)):
        sizes.update(zip(t, shape))
    return sizes


def _summed_letters(node):
    """The summed letters in PyTorch's order: those an ellipsis stood for first, then the others sorted
    (upper case first)."""
    terms, rhs = node.spec
    ell = node.__dict__.get('ellipsis', '')
    summed = set(''.join(terms)) - set(rhs)
    return [c for c in ell if c in summed] + sorted(summed - set(ell))


def _einsum_view_sizes(node):
    """ViewBackward0's ``self_sym_sizes``: the output's dims then a 1 per summed dim (kept by the products)."""
    terms, rhs = node.spec
    return tuple(node.out_shape) + (1,) * len(set(''.join(terms)) - set(rhs))


def _einsum_sum_sizes(node):
    """SumBackward1's ``self_sym_sizes``: the operand's (diagonals taken) permuted to the output's dims then
    the summed ones."""
    sizes = _letter_sizes(node)
    return tuple(sizes[c] for c in list(node.spec[1]) + _summed_letters(node))


def _einsum_sum_dims(node):
    n = len(node.spec[1])
    return tuple(range(n, n + len(_summed_letters(node))))


def _einsum_permute_dims(node):
    """PermuteBackward0's ``dims``: where each output letter stands in the operand once its diagonals are
    taken (a repeated letter's diagonal at the letter's first place)."""
    (t,), rhs = node.spec
    uniq = ''.join(dict.fromkeys(t))
    return tuple(uniq.index(c) for c in rhs)


def _aligned_operand(node, k):
    """Operand ``k`` as PyTorch's einsum multiplies it: diagonals taken, dims in the output's order, a
    size-1 dim for each output letter it lacks."""
    terms, rhs = node.spec
    t = terms[k]
    a = node._read_saved(k)._data
    given = node.__dict__.get('given_shapes')
    if given is not None and tuple(given[k]) != a.shape:
        # (an operand ember broadcast before computing: PyTorch multiplies it as given)
        a = a[tuple(slice(0, 1) if g == 1 else slice(None) for g in given[k])]
    xp = node.xp
    present = ''.join(c for c in rhs if c in t)
    a = xp.einsum(f'{t}->{present}', a) if t != present else a
    return a.reshape(tuple(a.shape[present.index(c)] if c in t else 1 for c in rhs))


def _last_product_factors(node):
    """The two factors of PyTorch's last product (no summed letters: plain multiplications), following the
    contraction order ``ember.backends.opt_einsum`` gives: each step multiplies the two operands it names
    (lower index on the left) and puts the product last."""
    from ember.backends.opt_einsum import contraction_path
    terms, rhs = node.spec
    ops = [(k,) for k in range(len(terms))]
    for step in contraction_path(','.join(terms) + '->' + rhs, _operand_shapes(node))[:-1]:
        i, j = sorted(step)
        right, left = ops.pop(j), ops.pop(i)
        ops.append((left, right))
    return ops


def _product_of(node, tree):
    if len(tree) == 1:
        return _aligned_operand(node, tree[0])
    return _product_of(node, tree[0]) * _product_of(node, tree[1])


def _requires_grad_in(node, tree):
    if len(tree) == 1:
        return node.needs_input_grad[tree[0] + 2]
    return _requires_grad_in(node, tree[0]) or _requires_grad_in(node, tree[1])


def _product_factor(side):
    """MulBackward0's ``self`` (side 0) or ``other`` (side 1): kept by PyTorch's node only where the other
    factor's gradient is wanted."""
    def compute(node):
        from ember._tensor import Tensor
        factors = _last_product_factors(node)
        if not _requires_grad_in(node, factors[1 - side]):
            return None
        return Tensor._make(_product_of(node, factors[side]), node._read_saved(0).device)
    compute.__name__ = ('einsum_self', 'einsum_other')[side]
    return _sa.kept_tensor(compute)


class EinsumView(Einsum):
    """An einsum of several operands that sums letters: PyTorch's ends in a view dropping the summed dims."""
    node_name = 'ViewBackward0'
    saved_attrs = {'self_sym_sizes': _einsum_view_sizes}  # grad_fn._saved_*, read lazily


class EinsumSum(Einsum):
    """An einsum of one operand that sums letters: PyTorch's ends in a sum over them."""
    node_name = 'SumBackward1'
    saved_attrs = {'dim': _einsum_sum_dims, 'keepdim': _sa.const(False),
                   'self_sym_sizes': _einsum_sum_sizes}  # grad_fn._saved_*, read lazily


class EinsumPermute(Einsum):
    """An einsum of one operand that sums nothing: PyTorch's ends in a permute to the output's order."""
    node_name = 'PermuteBackward0'
    saved_attrs = {'dims': _einsum_permute_dims}  # grad_fn._saved_*, read lazily


class EinsumMul(Einsum):
    """An einsum of several operands that sums nothing: PyTorch's ends in a product (mul)."""
    node_name = 'MulBackward0'
    saved_attrs = {'self': _product_factor(0), 'other': _product_factor(1)}  # grad_fn._saved_*, read lazily


def _einsum_class(terms, rhs):
    """The Einsum class named as PyTorch's einsum's last step: a view (several operands) or sum (one)
    where letters are summed, else a mul (several) or permute (one)."""
    many = len(terms) > 1
    for t in terms:
        for c in t:
            if c not in rhs:
                return EinsumView if many else EinsumSum
    return EinsumMul if many else EinsumPermute


def _contract_in_order(xp, terms, rhs, ops):
    """Three or more operands contracted two at a time, in the order ``ember.backends.opt_einsum`` picks
    (opt_einsum's path when it is installed and enabled, else left to right, as PyTorch). Each step keeps
    the letters some later operand or the output still needs."""
    from ember.backends.opt_einsum import contraction_path
    terms, ops = list(terms), list(ops)
    for step in contraction_path(','.join(terms) + '->' + rhs, [o.shape for o in ops]):
        picked = sorted(step, reverse=True)
        pair_terms = [terms.pop(k) for k in picked][::-1]
        pair_ops = [ops.pop(k) for k in picked][::-1]
        needed = set(''.join(terms)) | set(rhs)
        kept = ''.join(dict.fromkeys(c for c in ''.join(pair_terms) if c in needed))
        out = _pair_product(xp, pair_terms, kept, pair_ops)
        ops.append(out if out is not None else xp.einsum(','.join(pair_terms) + '->' + kept, *pair_ops))
        terms.append(kept)
    return xp.einsum(terms[0] + '->' + rhs, ops[0])


# multiply-adds per matrix from which PyTorch's bmm calls BLAS (below, its own loop sums in order, as NumPy's
# einsum does): from there ember's pairs go through matmul too, so the sums are BLAS's as PyTorch's are
_BMM_BLAS_WORK = 400


def _pair_product(xp, terms, rhs, ops):
    """Two operands (subscripts ``terms``) multiplied and summed to ``rhs`` as PyTorch pairs them: the output's
    letters in both, then those of the first only, then the summed ones, as one ``matmul`` of
    (batch, rows, summed) by (batch, summed, columns), its product's dims put in the output's order (so its
    strides are those of PyTorch's result). None where NumPy's einsum stays: other dtypes than
    float32/float64/complex, a repeated letter, a letter summed inside one operand, no summed letter, dots
    (one row and one column: BLAS's dot matches PyTorch's no better, and is slower), or small matrices."""
    a, b = ops
    if a.dtype.kind not in 'fc' or a.dtype.itemsize < 4 or a.dtype != b.dtype:
        return None
    key = (terms[0], terms[1], rhs, a.shape, b.shape)
    plan = _PAIR_PLANS.get(key, False)
    if plan is False:
        plan = _pair_plan(terms[0], terms[1], rhs, a.shape, b.shape)
        if len(_PAIR_PLANS) >= 512:
            _PAIR_PLANS.clear()
        _PAIR_PLANS[key] = plan
    if plan is None:
        return None
    swap, left_order, left_shape, right_order, right_shape, out_shape, out_order = plan
    if swap:
        a, b = b, a
    product = xp.matmul(a.transpose(left_order).reshape(left_shape), b.transpose(right_order).reshape(right_shape))
    product = product.reshape(out_shape)
    return product if out_order is None else product.transpose(out_order)


_PAIR_PLANS = {}    # (subscripts, output, shapes) -> :func:`_pair_plan`'s steps: models repeat their einsums


def _pair_plan(t1, t2, rhs, a_shape, b_shape):
    """The steps of :func:`_pair_product` for these subscripts and shapes: (swap the operands, the left one's
    dims order and matrix-stack shape, the right one's, the product's shape and the permutation putting it
    in the output's order or None), or None where it leaves the pair to NumPy's einsum."""
    import math
    shared = 1          # batch times summed: the work is a.size * b.size / shared
    for c, n in zip(t1, a_shape):
        if c in t2:
            shared *= n
    if not shared or math.prod(a_shape) * math.prod(b_shape) < _BMM_BLAS_WORK * shared:
        return None
    if len(set(t1)) != len(t1) or len(set(t2)) != len(t2):
        return None
    size = dict(zip(t1, a_shape))
    size.update(zip(t2, b_shape))
    summed = sorted(c for c in t1 if c not in rhs)
    if not summed or len(summed) + sum(1 for c in t2 if c not in rhs) != 2 * len(summed) or \
            any(c not in t2 for c in summed):
        return None
    batch, rows, cols = [], [], []
    n_batch = n_rows = n_cols = n_summed = 1
    for c in rhs:
        if c not in t2:
            rows.append(c)
            n_rows *= size[c]
        elif c not in t1:
            cols.append(c)
            n_cols *= size[c]
        else:
            batch.append(c)
            n_batch *= size[c]
    for c in summed:
        n_summed *= size[c]
    if n_rows * n_cols == 1 or n_rows * n_cols * n_summed < _BMM_BLAS_WORK:
        return None
    # PyTorch swaps the operands where every dim of its right one's (those only the right one, or neither,
    # has with a size other than 1) comes before all of the left one's in the output
    lo = [k for k, c in enumerate(rhs) if c in rows and size[c] != 1]
    ro = [k for k, c in enumerate(rhs) if (c in cols or size[c] == 1) and c not in rows or
          c in rows and size[c] == 1]
    swap = bool(lo and ro and ro[-1] < lo[0])
    if swap:
        t1, t2, rows, cols, n_rows, n_cols = t2, t1, cols, rows, n_cols, n_rows
    order = batch + rows + cols
    return (swap, [t1.index(c) for c in batch + rows + summed], (n_batch, n_rows, n_summed),
            [t2.index(c) for c in batch + summed + cols], (n_batch, n_summed, n_cols), tuple(size[c] for c in order),
            None if order == list(rhs) else [order.index(c) for c in rhs])


def _einsum_operand_grad(g, rhs, t, op, others):
    """The gradient of one einsum operand (subscripts ``t``), itself an einsum of ``g`` and the others.

    Letters of ``t`` found nowhere else were summed inside this operand: the gradient is constant
    along them (a broadcast).  A letter repeated in ``t`` read a diagonal: the gradient lives on
    that diagonal (an einsum with identity matrices puts it there).
    """
    from ember.ops.creation import eye
    uniq = ''.join(dict.fromkeys(t))
    size = {c: op.shape[t.index(c)] for c in uniq}
    avail = set(rhs) | set(c for s, _ in others for c in s)
    keep = ''.join(c for c in uniq if c in avail)
    specs = [rhs] + [s for s, _ in others]
    gk = _einsum_class(specs, keep).apply(specs, keep, g, *[o for _, o in others])
    if keep != uniq:
        # broadcast along the letters summed inside this operand only (``keep`` is ``uniq`` in
        # order with those letters left out, so a reshape puts size-1 dims in their places)
        gk = gk.reshape(tuple(size[c] if c in keep else 1 for c in uniq)).expand(tuple(size[c] for c in uniq))
    if uniq == t:
        return gk
    # repeated letters: rename every extra occurrence and tie it to the first with an identity matrix
    used = set(t) | avail
    spare = iter(c for c in _LETTERS if c not in used)
    target, eyes, specs = [], [], []
    seen = set()
    for c in t:
        if c in seen:
            n = next(spare)
            target.append(n)
            specs.append(c + n)
            eyes.append(eye(size[c], dtype=g.dtype, device=g.device))
        else:
            seen.add(c)
            target.append(c)
    specs, target = [uniq] + specs, ''.join(target)
    return _einsum_class(specs, target).apply(specs, target, gk, *eyes)



@op('ember')
def einsum(equation, *operands):
    """Sums the product of the elements of ``operands`` along the dimensions named by ``equation``, in Einstein
    summation notation.

    The equation names each operand's dimensions with letters, separated by commas, optionally followed by
    ``->`` and the output's letters. Letters repeated across operands are multiplied together; letters missing
    from the output are summed over. ``...`` stands for broadcast dimensions. Without ``->`` the output has the
    letters that appear once, in alphabetical order.

    The equation may also be given as lists of ints after each operand, with an optional output
    list last (``ember.einsum(a, [0, 1], b, [1, 2], [0, 2])`` is ``ember.einsum('AB,BC->AC', a, b)``):
    0-25 stand for ``A``-``Z``, 26-51 for ``a``-``z`` and ``Ellipsis`` for ``...``.

    Args:
        equation (str): the subscripts for the Einstein summation.
        operands (List[Tensor]): the tensors to compute the Einstein summation of.

    Example::

        >>> a = ember.arange(6.).view(2, 3)
        >>> b = ember.arange(12.).view(3, 4)
        >>> ember.einsum('ij,jk->ik', a, b)
        tensor([[20., 23., 26., 29.],
                [56., 68., 80., 92.]])
        >>> ember.einsum('ii', ember.eye(3))
        tensor(3.)
        >>> ember.einsum('i,j->ij', ember.tensor([1., 2.]), ember.tensor([3., 4., 5.]))
        tensor([[ 3.,  4.,  5.],
                [ 6.,  8., 10.]])
        >>> ember.einsum('bij,bjk->bik', ember.ones(2, 2, 3), ember.ones(2, 3, 1)).shape
        ember.Size([2, 2, 1])
    """
    if len(operands) > 1 and isinstance(operands[0], Tensor) and operands[0]._data.dtype.num in _FLOAT8_NUMS:
        _float8.check_kernel('bmm', operands[0]._data.dtype)     # (its products are bmm's: float8 refused)
    if isinstance(equation, Tensor):    # the sublist format: operand, its subscripts, ..., [output subscripts]
        if not operands:
            raise ValueError(_EINSUM_TOO_FEW)
        equation, operands = _sublist_equation((equation,) + operands)
    while len(operands) == 1 and isinstance(operands[0], (list, tuple)):     # the operands as one list
        operands = tuple(operands[0])
    plan = key = None
    if type(equation) is str and all(isinstance(operand, Tensor) for operand in operands):
        key = (equation,) + tuple([operand.shape for operand in operands])
        plan = _EINSUM_PLANS.get(key)
    if plan is None:
        plan = _einsum_plan(equation, operands)
        if key is not None:
            if len(_EINSUM_PLANS) >= 512:
                _EINSUM_PLANS.clear()
            _EINSUM_PLANS[key] = plan
    terms, rhs, ell, targets, node = plan
    given = operands
    if len(operands) > 1:
        first = operands[0].dtype
        for other in operands[1:]:
            if other.dtype is not first:
                operands = _promoted_operands(terms, rhs, ell, operands)
                break
    if targets is not None:     # (size-1 dims broadcast against their letter's size)
        operands = [op if target is None else op.expand(target) for op, target in zip(operands, targets)]
    if targets is None and len(operands) == 2 and _records_steps(*operands):
        if node is EinsumView:
            result = _einsum_pair_steps(terms, rhs, ell, *operands)
        else:
            result = product_steps(terms, rhs, *operands)
        if result is not None:
            return result
    elif len(operands) > 2 and targets is None and _records_many_steps(operands):
        from ember.backends import opt_einsum
        summed = [c for c in ell if c not in rhs]
        summed += sorted(set(''.join(terms)) - set(rhs) - set(summed))
        path = opt_einsum.contraction_path(','.join(terms) + '->' + rhs, [op.shape for op in operands])
        result = many_steps(terms, rhs, summed, operands, path, opt_einsum.path_given())
        if result is not None:
            return result
    elif len(operands) == 1 and _records_steps(operands[0], operands[0]):
        result = single_steps(terms[0], rhs, ell, operands[0])
        if result is not None:
            return result
    result = node.apply(terms, rhs, *operands)
    if result._grad_fn is not None:
        if ell and node is EinsumSum:
            result._grad_fn.ellipsis = ell  # (summed letters an ellipsis stood for come first in PyTorch's order)
        elif node is EinsumMul and targets is not None:
            result._grad_fn.given_shapes = [tuple(a.shape) for a in given]  # (MulBackward0's factors as given)
    return result



def _einsum_handed_args(args):
    """einsum's arguments as a __torch_function__ receives them: operands given as one list or tuple
    (``einsum(eq, [a, b])``, as opt_einsum calls it) are handed on one by one, as PyTorch's einsum does."""
    if len(args) == 2 and isinstance(args[1], (list, tuple)) and not isinstance(args[0], Tensor):
        return (args[0], *args[1])
    return args


einsum._torch_function_args = _einsum_handed_args

def _records_steps(a, b):
    """Whether einsum records PyTorch's steps for these two operands (as matmul does): the graph is recorded,
    both are plain tensors of one dtype computed at that precision (half precision keeps the one node, whose
    apply runs in float32), and no op observer (profiler, exporter) is watching."""
    return (a._requires_grad or b._requires_grad) and grad_mode._state.enabled and a.__class__ is Tensor and \
        b.__class__ is Tensor and a._data.dtype == b._data.dtype and a._data.dtype.char in 'fdFD' and \
        not _function._op_hooks and a._device.type != 'meta'


def _records_many_steps(operands):
    """:func:`_records_steps` for three or more operands."""
    dt = operands[0]._data.dtype
    return any(op._requires_grad for op in operands) and grad_mode._state.enabled and dt.char in 'fdFD' and \
        all(op.__class__ is Tensor and op._data.dtype == dt for op in operands) and not _function._op_hooks and \
        operands[0]._device.type != 'meta'


_PAIR_STEP_PLANS = {}   # (subscripts, output, ellipsis, shapes) -> _einsum_steps.pair_plan's plan or None


def _einsum_pair_steps(terms, rhs, ell, a, b):
    """The einsum of two operands sharing summed letters, recorded as PyTorch's permutes, views and bmm
    (ops/_einsum_steps.py); None where PyTorch's steps are others (they keep the one node)."""
    key = (terms[0], terms[1], rhs, ell, a._data.shape, b._data.shape)
    plan = _PAIR_STEP_PLANS.get(key, False)
    if plan is False:
        summed = [c for c in ell if c not in rhs]
        summed += sorted(set(terms[0] + terms[1]) - set(rhs) - set(summed))
        plan = pair_plan(terms, rhs, summed, a._data.shape, b._data.shape)
        if plan is not None:    # (whether the fused einsum multiplies these matrix stacks with BLAS)
            plan.blas = not plan.product and _pair_plan(terms[0], terms[1], rhs, a._data.shape, b._data.shape) is not None
        if len(_PAIR_STEP_PLANS) >= 512:
            _PAIR_STEP_PLANS.clear()
        _PAIR_STEP_PLANS[key] = plan
    if plan is None:
        return None
    if a._device.type == 'cpu':
        xp = np
    else:
        from ember import backend
        xp = backend.get_array_module(a._device)
    x, y = a._data, b._data

    def product_of(left, right):
        # the fused einsum's product: BLAS's where it multiplies these very matrix stacks, else NumPy's einsum
        # (in-order sums, as PyTorch's bmm loop on small matrices) laid out as the stacks' product
        if plan.blas:
            return _same_dtype(xp.matmul(left, right), left)
        fused = xp.asarray(xp.einsum(','.join(terms) + '->' + rhs, x, y))
        if left is None:
            return fused
        n_summed = len(plan.lperm) - len(rhs)
        fused = fused.reshape(fused.shape + (1,) * n_summed).transpose(plan.lperm)
        return xp.ascontiguousarray(fused).reshape(left.shape[0], left.shape[1], right.shape[2])
    return pair_steps(plan, a, b, product_of)


def _promoted_operands(terms, rhs, ell, operands):
    """Operands of several dtypes cast to the one PyTorch's products give: its einsum aligns every operand to
    all the equation's dims first, so a 0-dim one promotes as fully as the others; or PyTorch's error where
    it would hand bmm two of different dtypes."""
    from ember._dtype import promote_types
    _refuse_mixed_products(terms, rhs, ell, operands)
    dt = operands[0].dtype
    for op in operands[1:]:
        dt = promote_types(dt, op.dtype)
    return [op if op.dtype is dt else op.to(dt) for op in operands]


def _refuse_mixed_products(terms, rhs, ell, operands):
    """PyTorch's error where its einsum would hand bmm two operands of different dtypes (its products
    promote; its batched products do not): its pairwise steps followed on the operands' letters of a size
    other than 1, in the contraction order einsum uses."""
    from ember._dtype import promote_types
    from ember._tensor import _scalar_type_name
    from ember.backends.opt_einsum import contraction_path
    summed = [c for c in ell if c not in rhs]
    summed += sorted(set(''.join(terms)) - set(rhs) - set(summed))
    aligned = list(rhs) + summed          # PyTorch's order of the dims every operand is aligned to
    left_in = {c: 0 for c in summed}      # how many operands still hold each summed letter
    ops = []
    for t, op in zip(terms, operands):
        held = {c for c, n in zip(t, op.shape) if n != 1}
        ops.append((held, op.dtype))
        for c in held & left_in.keys():
            left_in[c] += 1
    steps = contraction_path(','.join(terms) + '->' + rhs, [tuple(op.shape) for op in operands])
    for step in steps:
        i, j = sorted(step)
        (b_held, b_dt), (a_held, a_dt) = ops.pop(j), ops.pop(i)
        shared = []
        for c in summed:
            if c in a_held and c in b_held:
                left_in[c] -= 1
                if left_in[c] == 1:
                    shared.append(c)
                    left_in[c] = 0
            elif left_in[c] == 1 and (c in a_held or c in b_held):     # summed inside one operand first
                a_held, b_held = a_held - {c}, b_held - {c}
                left_in[c] = 0
        if not shared:      # a product: the dtypes promote
            ops.append((a_held | b_held, promote_types(a_dt, b_dt)))
            continue
        lo = [k for k, c in enumerate(aligned) if c not in shared and c in a_held and c not in b_held]
        ro = [k for k, c in enumerate(aligned) if c not in shared and c not in a_held]
        if lo and ro and ro[-1] < lo[0]:    # (PyTorch swaps the operands of its bmm there)
            a_dt, b_dt = b_dt, a_dt
        if a_dt is not b_dt:
            raise RuntimeError(f"expected scalar type {_scalar_type_name(a_dt)} but found {_scalar_type_name(b_dt)}")
        ops.append(((a_held | b_held) - set(shared), a_dt))


# equation and operand shapes -> what :func:`_einsum_plan` made of them: a model calls einsum with the same
# few equations and shapes again and again
_EINSUM_PLANS = {}


def _einsum_plan(equation, operands):
    """The expanded subscripts, output letters, ellipsis letters, the shape each operand broadcasts to
    (None for one taken as it is; None for all when none broadcasts) and the Einsum class naming the node,
    for ``equation`` and operands of these shapes; PyTorch's error for those that do not fit."""
    try:
        terms, rhs, ell = _parse_einsum(equation, operands)
    except (AttributeError, TypeError, RuntimeError):
        if not operands:
            raise ValueError(_EINSUM_TOO_FEW) from None
        for i, operand in enumerate(operands):      # PyTorch's error for an operand not a tensor
            if not isinstance(operand, Tensor):
                from ember.ops._argparse import type_name
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type_name(operand)}") from None
        raise
    targets = _einsum_broadcast_shapes(terms, rhs, operands)
    return terms, rhs, ell, targets, _einsum_class(terms, rhs)


_EINSUM_TOO_FEW = ("einsum(): must specify the equation string and at least one operand, or at least one operand "
                   "and its subscripts list")


def _sublist_equation(args):
    """``(equation, operands)`` of an einsum call in the sublist format: ``einsum(a, [0, 1], b, [1, 2],
    [0, 2])`` is ``einsum('AB,BC->AC', a, b)`` (subscripts 0-25 are A-Z, 26-51 a-z, ``...`` itself)."""
    def letters(subscripts):
        out = []
        for n in subscripts:
            if n == Ellipsis:
                out.append('...')
            elif 0 <= n < 26:
                out.append(chr(ord('A') + n))
            elif 26 <= n < 52:
                out.append(chr(ord('a') + n - 26))
            else:
                raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
        return ''.join(out)
    equation = ','.join(letters(s) for s in args[1::2])
    if len(args) % 2:
        return f"{equation}->{letters(args[-1])}", args[:-1:2]
    return equation, args[::2]


def _einsum_broadcast_shapes(terms, rhs, operands):
    """Check subscript sizes with PyTorch's messages; a size-1 dim broadcasts against its letter's size: the
    shape each operand expands to (None where it stays as it is), or None where none expands."""
    seen = set()
    letters = ''.join(terms)
    for c in rhs:
        if c in seen:
            raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
        seen.add(c)
        if c not in letters:
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
    sizes = {}
    shapes = []
    for k, (t, op) in enumerate(zip(terms, operands)):
        own = {}
        shape = op.shape
        shapes.append(shape)
        for c, n in zip(t, shape):
            if c in own and own[c] != n:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{n} != {own[c]}")
            own[c] = n
            prev = sizes.get(c)
            if prev is not None and prev != n and 1 not in (prev, n):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {prev}")
            if prev is None or prev == 1:
                sizes[c] = n
    targets = [None] * len(terms)
    for k, (t, shape) in enumerate(zip(terms, shapes)):
        target = tuple([sizes[c] for c in t])
        if shape != target:
            targets[k] = target
    return targets if any(t is not None for t in targets) else None


# ------------------------------------------------------------- linear algebra
class Inverse(Primitive):
    node_name = 'LinalgInvExBackward0'
    saved_attrs = {'inverse': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a):
        try:
            out = ctx.xp.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular_error(a) from None
        # each matrix column-major, as LAPACK leaves PyTorch's (its strides; a reshape of it is an alias)
        out = ctx.xp.ascontiguousarray(out.swapaxes(-1, -2)).swapaxes(-1, -2)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        inv, = ctx.saved_tensors
        it = inv.mH if inv.is_complex() else inv.transpose(-1, -2)      # -A^-H g A^-H
        return -(it.matmul(g).matmul(it))


class LinAlgError(RuntimeError):
    """A linear-algebra failure on valid input (a singular matrix): PyTorch's torch.linalg.LinAlgError."""


LinAlgError.__name__ = LinAlgError.__qualname__ = '_LinAlgError'  # the name PyTorch's errors print


def _singular_error(a):
    """PyTorch's text: the first zero pivot of an LU factorisation with partial pivoting."""
    mats = np.asarray(a.get() if hasattr(a, 'get') else a, dtype=np.float64).reshape((-1,) + a.shape[-2:])
    for b, m in enumerate(mats):
        u = m.copy()
        n = u.shape[0]
        for k in range(n):  # elimination over the matrix order, only on this error path
            p = k + int(np.argmax(np.abs(u[k:, k])))
            if u[p, k] == 0:
                where = f"(Batch element {b}): " if a.ndim > 2 else ""
                return LinAlgError(f"linalg.inv: {where}The diagonal element {k + 1} is zero, the inversion could not "
                                   "be completed because the input matrix is singular.")
            u[[k, p]] = u[[p, k]]
            u[k + 1:] -= np.outer(u[k + 1:, k] / u[k, k], u[k])
    return LinAlgError("linalg.inv: The inversion could not be completed because the input matrix is singular.")


def _check_square(name, A):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")


@op('ember.inverse', 'Tensor.inverse', name='inverse')
def inv(input, *, out=None):
    """Computes the inverse of a square matrix, or of each matrix in a batch. Alias of :func:`ember.linalg.inv`
    (also ``ember.inverse``).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.inverse(ember.tensor([[4., 7.], [2., 6.]]))
        tensor([[ 0.6000, -0.7000],
                [-0.2000,  0.4000]])
    """
    _check_float_square('linalg.inv', input)
    result = Inverse.apply(input)
    return result if out is None else write_out('inverse', result, out, same_dtype=True)


class Det(Primitive):
    node_name = 'LinalgDetBackward0'
    saved_attrs = {'A': _sa.saved(0), 'LU': _sa.lu_of_saved(0, 'LU', True), 'pivots': _sa.lu_of_saved(0, 'pivots', True),
                   'result': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a):
        out = ctx.xp.asarray(ctx.xp.linalg.det(a))  # NumPy gives a scalar for one matrix
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        if a.is_complex():      # det is holomorphic: (g conj(det)) A^-H
            return (g * d.conj()).unsqueeze(-1).unsqueeze(-1) * inv(a).mH
        return (g * d).unsqueeze(-1).unsqueeze(-1) * inv(a).transpose(-1, -2)


@op('ember', 'Tensor', guard=True)
def det(input):
    """Computes the determinant of a square matrix, or of each matrix in a batch. Alias of
    :func:`ember.linalg.det`.

    Args:
        input (Tensor): tensor of shape ``(*, n, n)``.

    Example::

        >>> ember.det(ember.tensor([[1., 2.], [3., 4.]]))
        tensor(-2.)
        >>> ember.det(ember.eye(3).expand(2, 3, 3))
        tensor([1., 1.])
    """
    _check_float_square('linalg.det', input)
    return Det.apply(input)


class Slogdet(Primitive):
    """(sign, log|det|) straight from the LU factors: no overflow for large determinants."""
    node_name = 'LinalgSlogdetBackward0'
    saved_attrs = {'A': _sa.saved(0), 'LU': _sa.lu_of_saved(0, 'LU', True), 'pivots': _sa.lu_of_saved(0, 'pivots', True),
                   'sign': _sa.saved(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a):
        sign, logabs = ctx.xp.linalg.slogdet(a)
        sign = ctx.xp.asarray(sign, dtype=a.dtype)
        ctx.save_for_backward(a, sign)      # (the sign for grad_fn._saved_sign, as PyTorch keeps it)
        return sign, ctx.xp.asarray(logabs, dtype=a.real.dtype)     # log|det| is real for complex A too

    @staticmethod
    def backward(ctx, g_sign, g_logabs):
        a, sign = ctx.saved_tensors
        if not a.is_complex():
            # d log|det A| / dA = A^-T; the sign is piecewise constant
            return g_logabs.unsqueeze(-1).unsqueeze(-1) * inv(a).transpose(-1, -2)
        # det is holomorphic and log det = log|det| + i arg(sign): the sign's gradient enters as i times the
        # imaginary part of its product with the conjugate sign (arg's gradient); then g A^-H
        g = g_logabs + 1j * (g_sign * sign.conj()).imag
        return g.unsqueeze(-1).unsqueeze(-1) * inv(a).mH


@op('ember', 'Tensor')
def slogdet(input, *, out=None):
    """Computes the sign and the natural logarithm of the absolute value of the determinant of a square matrix
    (more stable than :func:`ember.det` for large or small determinants). Alias of :func:`ember.linalg.slogdet`.

    Args:
        input (Tensor): tensor of shape ``(*, n, n)``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Returns:
        A named tuple ``(sign, logabsdet)``.

    Example::

        >>> ember.slogdet(ember.tensor([[1., 2.], [3., 4.]]))
        ember.return_types.slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(0.6931))
    """
    from ember.ops.reduce import _named
    sign, logabs = slogdet_checked('linalg.slogdet', input)
    result = _named('slogdet', ('sign', 'logabsdet'))(sign, logabs)
    return result if out is None else write_out('slogdet', result, out, same_dtype=True)


def slogdet_checked(name, A):
    """``slogdet(A)``'s two tensors, its input checked under ``name`` (logdet checks as 'logdet')."""
    _check_float_square(name, A)
    return Slogdet.apply(A)


def _check_float_square(name, A):
    """PyTorch's checks for its determinants and inverse: a square matrix first, then a float or complex type
    of at least single precision."""
    _check_square(name, A)
    if A.dtype.itemsize < 4 or not (A.dtype.is_floating_point or A.dtype.is_complex):
        from ember.ops._linalg_util import check_float
        check_float(name, A)


def solve(A, B):
    return inv(A).matmul(B)


@op('ember', 'Tensor')
def trace(input):
    """Returns the sum of the elements of the diagonal of a 2-D matrix.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.trace(ember.arange(1., 10.).view(3, 3))
        tensor(15.)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return Trace.apply(input)


class Trace(Primitive):
    node_name = 'TraceBackward0'
    saved_attrs = {'self_sym_sizes': _sa.item('args', 0, tuple)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x):
        ctx.args = (x.shape, x.dtype)
        d = ctx.xp.diagonal(x)
        if d.dtype.kind in 'biu':   # integers and bools sum as int64, as ``sum`` does
            return ctx.xp.sum(d, dtype=np.int64)
        if d.dtype.kind == 'V':     # bfloat16 accumulates in float32
            return ctx.xp.sum(d, dtype=np.float32).astype(d.dtype)
        return ctx.xp.sum(d)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.creation import eye
        (n, m), _ = ctx.args
        return g * eye(n, m, dtype=g.dtype, device=g.device)


@op('ember', 'Tensor')
def cross(input, other, dim=None, *, out=None):
    """Returns the cross product of vectors in dimension ``dim`` of ``input`` and ``other`` (that dimension has
    size 3). Without ``dim``, the first dimension of size 3 is used (deprecated in PyTorch; pass ``dim`` or use
    :func:`ember.linalg.cross`).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.
        dim (int, optional): the dimension to take the cross product in.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([[1., 0., 0.], [0., 1., 0.]])
        >>> b = ember.tensor([[0., 1., 0.], [0., 0., 1.]])
        >>> ember.cross(a, b, dim=1)
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    from ember.ops._util import wrap_dim
    _float8.refuse_float8('cross', input)
    if dim is None:  # the first dim of size 3 (deprecated in PyTorch, still supported)
        dim = next((i for i, s in enumerate(input.shape) if s == 3), -1)
    given = dim
    dim = wrap_dim(dim, max(input.ndim, other.ndim))
    la = input.shape[dim - (max(input.ndim, other.ndim) - input.ndim)] if input.ndim else 0
    lb = other.shape[dim - (max(input.ndim, other.ndim) - other.ndim)] if other.ndim else 0
    if la != 3 or lb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {la} and {lb}")
    from ember.ops import _one_node
    _result = _one_node.one_node(LinalgCrossNode, lambda a, b: _cross_value(a, b, dim), (input, other), given)
    return _result if out is None else write_out('cross', _result, out)


def _cross_value(input, other, dim):
    if input.ndim != other.ndim or input.shape != other.shape:
        from ember.ops.shape import broadcast_tensors
        input, other = broadcast_tensors(input, other)
    a = [input.select(dim, i) for i in range(3)]
    b = [other.select(dim, i) for i in range(3)]
    from ember.ops.shape import stack
    return stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]], dim)


class LinalgCrossNode(Primitive):
    """``cross``'s one node, as PyTorch's: ``grad x other`` for the input and ``input x grad`` for other
    (each summed back to its operand's shape when they broadcast)."""
    node_name = 'LinalgCrossBackward0'
    saved_names = ('self', 'other')
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'self': _sa.saved(0), 'other': _sa.saved(1)}

    @staticmethod
    def forward(ctx, input, other, dim, value):
        ctx.dim = dim
        ctx.save_for_backward(input, other)
        return value

    @staticmethod
    def backward(ctx, g):
        input, other = ctx.saved_tensors
        need = ctx.needs_input_grad
        dim = ctx.dim
        gi = cross(other.conj(), g, dim).sum_to_size(input.shape) if need[0] else None
        go = cross(g, input.conj(), dim).sum_to_size(other.shape) if need[1] else None
        return gi, go, None, None


@op('ember')
def cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary'):
    """Computes the p-norm distance between each pair of rows of ``x1`` and ``x2`` (batched).

    Args:
        x1 (Tensor): input tensor of shape ``B x P x M``.
        x2 (Tensor): input tensor of shape ``B x R x M``.
        p (float): p value for the p-norm distance, in ``[0, inf]``. Default: ``2``.
        compute_mode (str): for ``p = 2``, whether to use matrix products (faster, slightly less exact):
            ``'use_mm_for_euclid_dist_if_necessary'`` (when P > 25 or R > 25), ``'use_mm_for_euclid_dist'`` or
            ``'donot_use_mm_for_euclid_dist'``.

    Returns:
        A tensor of shape ``B x P x R``.

    Example::

        >>> a = ember.tensor([[0.0, 0.0], [3.0, 4.0]])
        >>> b = ember.tensor([[0.0, 0.0], [1.0, 1.0], [6.0, 8.0]])
        >>> ember.cdist(a, b)
        tensor([[ 0.0000,  1.4142, 10.0000],
                [ 5.0000,  3.6056,  5.0000]])
        >>> ember.cdist(a, b, p=1)
        tensor([[ 0.,  2., 14.],
                [ 7.,  5.,  7.]])
    """
    require_tensor(x1, 'cdist', 'x1')
    require_tensor(x2, 'cdist', 'x2', 2)      # (PyTorch's Python cdist hands both to its C function)
    _float8.refuse_float8('cdist', x1)
    if compute_mode not in ('use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist',
                            'donot_use_mm_for_euclid_dist'):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    # NOTE: every mode computes the same distances; ember always takes the direct (most precise) route
    for name, t in (('X1', x1), ('X2', x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    refuse_half('cdist', x1, x2)
    from ember.ops import _one_node
    # PyTorch's matrix-product route for euclidean distances is differentiable twice; its direct kernel's
    # backward (_cdist_backward) is not
    by_mm = p == 2 and (compute_mode == 'use_mm_for_euclid_dist' or (
        compute_mode == 'use_mm_for_euclid_dist_if_necessary' and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    return _one_node.one_node(CdistNode, lambda a, b: _cdist_value(a, b, p), (x1, x2), float(p), by_mm)


def _cdist_value(x1, x2, p):
    from ember.ops.reduce import vector_norm
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


def distance_grad(diff, dist, p):
    """The derivative of the p-norm distances ``dist`` (over the last dim) by the differences ``diff``,
    as PyTorch's cdist and pdist differentiate: ``sign(d)`` for p = 1, ``d / dist`` for p = 2,
    ``sign(d)`` at every coordinate reaching the distance for p = inf, ``sign(d) |d|^(p-1) / dist^(p-1)``
    otherwise; zero where the distance is zero."""
    from ember.ops.index import where
    dist = dist.unsqueeze(-1)
    if p == 0:
        return diff * 0
    if p == 1:
        return diff.sign()
    if math.isinf(p):
        return diff.sign() * (diff.abs() == dist).to(diff.dtype)
    nonzero = dist != 0
    safe = where(nonzero, dist, 1.0)
    if p == 2:
        weighted = diff / safe
    else:
        a = diff.abs()
        weighted = where(a == 0, 0.0, diff.sign() * a ** (p - 1)) / safe ** (p - 1)
    return where(nonzero, weighted, 0.0)


class CdistNode(Primitive):
    """``cdist``'s one node, as PyTorch's: each pair's :func:`distance_grad` times ``grad``, summed over the
    other tensor's rows."""
    node_name = 'CdistBackward0'
    saved_names = ('x1', 'x2', 'result')
    saved_attrs = {'p': _sa.field('p'), 'x1': _sa.saved(0), 'x2': _sa.saved(1), 'result': _sa.saved(2)}

    @staticmethod
    def forward(ctx, x1, x2, p, by_mm, value):
        ctx.p = p
        ctx.by_mm = by_mm
        ctx.save_for_backward(x1, x2, value)
        return value

    @staticmethod
    def backward(ctx, g):
        x1, x2, dist = ctx.saved_tensors
        need = ctx.needs_input_grad
        weighted = distance_grad(x1.unsqueeze(-2) - x2.unsqueeze(-3), dist, ctx.p) * g.unsqueeze(-1)
        g1 = weighted.sum(-2).sum_to_size(x1.shape) if need[0] else None
        g2 = (-weighted.sum(-3)).sum_to_size(x2.shape) if need[1] else None
        if grad_mode._state.enabled and not ctx.by_mm:
            g1 = _no_second_derivative.mark(g1, x1, '_cdist_backward', 'CdistBackwardBackward0')
            g2 = _no_second_derivative.mark(g2, x2, '_cdist_backward', 'CdistBackwardBackward0')
        return g1, g2, None, None, None


# (imported last: it takes this module's product ops)
from ember.ops._matmul_steps import matmul_steps  # noqa: E402
from ember.ops._einsum_steps import many_steps, pair_plan, pair_steps, product_steps, single_steps  # noqa: E402
