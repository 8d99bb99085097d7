"""The operations PyTorch runs on sparse compressed tensors (CSR, CSC, BSR, BSC), written with dense ember ops
on their values so autograd records through them (a leaf multiplied by ``torch.mm``/``addmm``/``@`` gets PyTorch's
dense gradient through ``_LeafProduct``): products with dense matrices (``mm``, ``@``, ``matmul``,
``addmm``, ``sparse.mm``, ``sparse.addmm``), multiplication by numbers, dense tensors or CSR tensors, addition
of CSR (and BSR) tensors, the unary functions that keep zero at zero (and their in-place forms, ``mul_``, ``add_``,
``zero_``, ``copy_``), ``sum``, ``t``/``transpose``, a row as ``s[i]``. Each result
carries PyTorch's node name (``SparseAddmmBackward0``, ``ToDenseBackward0``...). What PyTorch refuses is
refused with its error.
"""
import ember
from ember._tensor import Tensor
from ember.autograd.function import Function, Primitive
from ember.sparse._compressed import (_BLOCKED, _ROW_COMPRESSED, SparseCompressedTensor, _make, compressed_to_coo,
                                      coo_to_compressed, layout_name)
from ember._formats import sparse_bsc, sparse_bsr, sparse_csc, sparse_csr

_SWAPPED = {sparse_csr: sparse_csc, sparse_csc: sparse_csr, sparse_bsr: sparse_bsc, sparse_bsc: sparse_bsr}
# PyTorch's CSR kernels for these (checked on 2.13): f(0) == 0, so the unspecified elements stay so
ZERO_PRESERVING = ('abs', 'neg', 'negative', 'positive', 'sin', 'sinh', 'tan', 'tanh', 'asin', 'arcsin', 'asinh',
                   'arcsinh', 'atan', 'arctan', 'atanh', 'arctanh', 'sqrt', 'ceil', 'floor', 'round', 'trunc', 'fix',
                   'frac', 'sign', 'sgn', 'signbit', 'expm1', 'log1p', 'erf', 'erfinv', 'deg2rad', 'rad2deg', 'relu',
                   'isnan', 'isinf', 'isposinf', 'isneginf', 'conj_physical', 'angle', 'conj')
# element-wise ops PyTorch has no compressed kernel for: its structured kernels refuse the layout
_UNSUPPORTED_LAYOUT = ('allclose', 'isclose', 'exp', 'cos', 'cosh', 'sigmoid', 'square', 'pow', 'sub', 'subtract', 'div', 'divide',
                       'true_divide', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'log', 'reciprocal', 'rsqrt', 'exp2',
                       'log2', 'log10', 'clamp', 'maximum', 'minimum', 'where', '__rsub__', '_rsub', 'rsub')


class _Named(Primitive):
    """The identity, so that a result shows PyTorch's node for the whole operation."""

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, g):
        return g


_NODES = {}


def named(x, node):
    """``x`` recorded under PyTorch's node name ``node`` when it has a history (itself otherwise)."""
    if x.grad_fn is None and not x.requires_grad:
        return x
    cls = _NODES.get(node)
    if cls is None:
        cls = _NODES[node] = type(node, (_Named,), {'node_name': node})
    return cls.apply(x)


def _backend(t):
    return 'SparseCsrCUDA' if t.device.type == 'cuda' else 'SparseCsrCPU'


# ops whose PyTorch kernels first ask the operand for contiguity, which compressed tensors do not have
_ASKS_CONTIGUITY = ('reshape', 'cat', 'concat', 'concatenate')


# the overload PyTorch's error names where it is not the op's own name (its structured kernels' out= variants)
_OVERLOADS = {'mean': 'mean.out', 'nan_to_num': 'nan_to_num.out', 'bmm': 'bmm.out',
              **{name: name for name in ('_sparse_softmax', '_sparse_log_softmax', '_sparse_mm_reduce_impl')}}


def refuse(name, args, kwargs):
    candidates = [a for a in (*args, *(kwargs or {}).values())]
    candidates += [b for a in candidates if isinstance(a, (list, tuple)) for b in a]
    sparse = next(a for a in candidates if isinstance(a, SparseCompressedTensor))
    if name in _ASKS_CONTIGUITY:
        raise RuntimeError("Sparse CSR tensors do not have is_contiguous")
    if name in _UNSUPPORTED_LAYOUT:
        raise RuntimeError(f"unsupported tensor layout: {layout_name(sparse.layout)}")
    name = _OVERLOADS.get(name, name.strip('_'))
    raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the '{_backend(sparse)}' "
                              f"backend: ember has no sparse compressed kernel for it; use to_dense() first, or the "
                              f"operations listed in ember.sparse.")


def _is_compressed(x):
    return isinstance(x, SparseCompressedTensor)


def _plain_2d(s, op):
    if s._batch_dim() or s.dense_dim():
        if op in ('mm', 'matmul', 'addmm'):     # PyTorch's kernels ask batched or hybrid operands for strides
            raise RuntimeError("Sparse CSR tensors do not have strides")
        raise RuntimeError(f"{op}: ember computes this for 2-D sparse compressed matrices without batch or dense "
                           f"dimensions only; got size {list(s.shape)}")


# ---------------------------------------------------------------------------- products
def _sparse_dense(s, dense):
    """``s @ dense`` for a 2-D compressed ``s`` and a 2-D dense matrix: each stored block times the dense rows
    under it, added into the result rows of its block row."""
    if s.shape[1] != dense.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s.shape[0]}x{s.shape[1]} and "
                           f"{dense.shape[0]}x{dense.shape[1]})")
    if s.dtype is not dense.dtype:
        raise RuntimeError(f"expected scalar type {_scalar(s.dtype)} but found {_scalar(dense.dtype)}")
    from ember.sparse._compressed_matmul import SparseDenseProduct
    _, rows, cols = s._coordinates()
    return SparseDenseProduct.apply(s._sp_values, dense, rows, cols, s.shape[0], s._blocksize())


def _scalar(dtype):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(dtype)


def transpose_2d(s):
    """A 2-D compressed matrix transposed: the same indices read the other way (CSR <-> CSC, BSR <-> BSC)."""
    values = s._sp_values
    if s.layout in _BLOCKED:
        values = values.transpose(-1 - s.dense_dim(), -2 - s.dense_dim())
    size = list(s.shape)
    b = s._batch_dim()
    size[b], size[b + 1] = size[b + 1], size[b]
    return _make(s._sp_compressed, s._sp_plain, values, size, _SWAPPED[s.layout])


def _product(mat1, mat2, op):
    if _is_compressed(mat1) and _is_compressed(mat2):
        _plain_2d(mat1, op)
        _plain_2d(mat2, op)
        product = _sparse_dense(mat1, mat2.to_dense())
        return product.to_sparse(layout=sparse_csr) if mat1.layout is not sparse_bsr else product.to_sparse(
            layout=mat1.layout, blocksize=mat1._blocksize())
    if isinstance(mat2, SparseCompressedTensor):      # dense @ sparse = (sparse^T @ dense^T)^T
        _plain_2d(mat2, op)
        if mat2.layout is sparse_bsr:
            raise RuntimeError("addmm: computation on CPU is not implemented for Strided + Strided @ SparseBsr")
        return _sparse_dense(transpose_2d(mat2), _check_dense(mat1, mat2, True).t()).t()
    _plain_2d(mat1, op)
    if mat1.layout is sparse_bsc or not isinstance(mat2, Tensor) or mat2.layout is not ember.strided:
        raise RuntimeError(f"addmm: computation on CPU is not implemented for Strided + {layout_name(mat1.layout)} @ "
                           f"{layout_name(getattr(mat2, 'layout', None))}")
    return _sparse_dense(mat1, _check_dense(mat2, mat1, False))


def _check_dense(dense, sparse, left):
    if dense.dim() != 2:
        raise RuntimeError(f"{'mat1' if left else 'mat2'} must be a matrix, got {dense.dim()}-D tensor")
    if left and dense.shape[1] != sparse.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({dense.shape[0]}x{dense.shape[1]} and "
                           f"{sparse.shape[0]}x{sparse.shape[1]})")
    return dense


class _Holder:
    """Carries the sparse leaf past Function.apply, which would unwrap a tensor argument."""
    __slots__ = ('tensor',)

    def __init__(self, tensor):
        self.tensor = tensor


class _LeafProduct(Function):
    """``sparse @ dense`` (or ``dense @ sparse``) for a sparse leaf that requires grad, as ``torch.mm``/``addmm``
    record it: the leaf's gradient is the dense matrix ``grad @ dense^T`` (PyTorch's ``mm`` backward), kept on the
    leaf itself (its values get none), while ``sparse.mm`` gives it only over the specified elements."""

    @staticmethod
    def forward(ctx, values, dense, holder, sparse_left, op):
        sparse = holder.tensor.detach()
        ctx.holder, ctx.sparse_left = holder, sparse_left
        ctx.save_for_backward(dense)
        return _product(sparse, dense, op) if sparse_left else _product(dense, sparse, op)

    @staticmethod
    def backward(ctx, grad):
        dense, = ctx.saved_tensors
        leaf = ctx.holder.tensor
        sparse = leaf.detach()
        if ctx.sparse_left:      # out = S @ D: dS = g @ D^T, dD = S^T @ g
            grad_sparse = grad @ dense.t()
            grad_dense = _sparse_dense(transpose_2d(sparse), grad) if ctx.needs_input_grad[1] else None
        else:                    # out = D @ S: dS = D^T @ g, dD = g @ S^T
            grad_sparse = dense.t() @ grad
            grad_dense = _sparse_dense(sparse, grad.t()).t() if ctx.needs_input_grad[1] else None
        leaf.add_dense_grad(grad_sparse)
        return None, grad_dense, None, None, None


_LEAF_PRODUCTS = {}


def _leaf_product(mat1, mat2, op, node):
    """The product through _LeafProduct when a compressed operand is a leaf that requires grad (PyTorch then
    gives it a dense gradient), else the plain product."""
    from ember.autograd import grad_mode
    sparse_left = _is_compressed(mat1)
    sparse = mat1 if sparse_left else mat2
    if not (_is_compressed(sparse) and sparse.requires_grad and sparse.is_leaf and grad_mode.is_grad_enabled()) \
            or (_is_compressed(mat1) and _is_compressed(mat2)):
        return named(_product(mat1, mat2, op), node)
    cls = _LEAF_PRODUCTS.get(node)
    if cls is None:
        cls = _LEAF_PRODUCTS[node] = type(node, (_LeafProduct,), {'node_name': node})
    dense = mat2 if sparse_left else mat1
    return cls.apply(sparse._sp_values, dense, _Holder(sparse), sparse_left, op)


def mm(mat1, mat2, *, out=None):
    if out is not None:
        raise RuntimeError("mm(): ember writes no out= for sparse compressed operands")
    return _leaf_product(mat1, mat2, 'mm', 'MmBackward0')


def sparse_mm(mat1, mat2, reduce='sum'):
    """``ember.sparse.mm`` with a compressed operand: the dense product, recorded as PyTorch records it; with a
    CSR ``mat1``, ``reduce`` ('sum', 'mean', 'amax'/'max', 'amin'/'min') combines each row's products."""
    if reduce == 'sum':
        return named(_product(mat1, mat2, 'mm'), 'SparseAddmmBackward0')
    return _reduced_mm(mat1, mat2, reduce)


_REDUCTIONS = {'mean': 'mean', 'amax': 'amax', 'max': 'amax', 'amin': 'amin', 'min': 'amin'}


def _reduced_mm(s, dense, reduce):
    """Row ``i`` of the result: ``reduce`` over the specified ``s[i, k] * dense[k]`` (0 for an empty row)."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"sparse_mm_reduce: reduce type of {reduce} has not been enabled.")
    if not _is_compressed(s) or s.layout is not sparse_csr:
        refuse('_sparse_mm_reduce_impl', (s if _is_compressed(s) else dense,), None)
    _plain_2d(s, 'mm')
    _check_dense(dense, s, False)
    if s.shape[1] != dense.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s.shape[0]}x{s.shape[1]} and "
                           f"{dense.shape[0]}x{dense.shape[1]})")
    _, rows, cols = s._coordinates()
    device = dense.device
    rows_t = ember.tensor(rows, device=device)
    contributions = s._sp_values.unsqueeze(1) * dense.index_select(0, ember.tensor(cols, device=device))
    out = ember.zeros(s.shape[0], dense.shape[1], dtype=dense.dtype, device=device)
    index = rows_t.unsqueeze(1).expand_as(contributions)
    return out.scatter_reduce(0, index, contributions, _REDUCTIONS[reduce], include_self=False)


def matmul(input, other, *, out=None):
    if out is not None:
        raise RuntimeError("matmul(): ember writes no out= for sparse compressed operands")
    if isinstance(other, Tensor) and not _is_compressed(other) and other.dim() == 1:
        return named(_leaf_product(input, other.unsqueeze(1), 'matmul', 'MvBackward0').squeeze(1), 'MvBackward0')
    return _leaf_product(input, other, 'matmul', 'MmBackward0')


def _addmm(input, mat1, mat2, beta, alpha, node):
    product = _leaf_product(mat1, mat2, 'addmm', node) if node == 'AddmmBackward0' else _product(mat1, mat2, 'addmm')
    if _is_compressed(product):
        raise RuntimeError("addmm: ember adds a dense input to a dense product only")
    input = input.to_dense() if _is_compressed(input) else input
    expanded = input.expand_as(product)
    result = product * alpha if alpha != 1 else product
    if beta != 0:
        result = result + (expanded * beta if beta != 1 else expanded)
    return named(result, node)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    if out is not None:
        raise RuntimeError("addmm(): ember writes no out= for sparse compressed operands")
    return _addmm(input, mat1, mat2, beta, alpha, 'AddmmBackward0')


def sparse_addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return _addmm(input, mat1, mat2, beta, alpha, 'SparseAddmmBackward0')


def mv(input, vec, *, out=None):
    return matmul(input, vec, out=out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    if out is not None:
        raise RuntimeError("addmv(): ember writes no out= for sparse compressed operands")
    product = matmul(mat, vec)
    result = product * alpha if alpha != 1 else product
    return result + (input * beta if beta != 1 else input) if beta != 0 else result


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` with a compressed ``weight``: its leaf gets a dense gradient, as from ``mm``."""
    if not _is_compressed(weight):
        refuse('linear', (input,), None)
    flat = input.reshape(-1, input.shape[-1])
    out = _leaf_product(weight, flat.t(), 'mm', 'MmBackward0').t()
    out = named(out, 'MmBackward0') if bias is None else named(out + bias, 'AddmmBackward0')
    if input.dim() == 2:
        return out
    # PyTorch's nodes: a batched input's product is viewed back (without a bias, as an unsafe view)
    return named(out.reshape(tuple(input.shape[:-1]) + (weight.shape[0],)),
                 'ViewBackward0' if bias is not None else 'UnsafeViewBackward0')


def sampled_addmm(input, mat1, mat2, *, beta=1., alpha=1., out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` at ``input``'s specified elements only (a CSR ``input``), as
    ``torch.sparse.sampled_addmm``: a CSR tensor of ``input``'s pattern.

    Example::

        >>> s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse_csr()
        >>> ember.sparse.sampled_addmm(s, ember.ones(2, 3), ember.ones(3, 2)).values()
        tensor([5., 6.])
    """
    if out is not None:
        raise RuntimeError("sampled_addmm(): ember writes no out=")
    if not _is_compressed(input):
        backend = 'CUDA' if getattr(input, 'device', None) is not None and input.device.type == 'cuda' else 'CPU'
        raise NotImplementedError(f"Could not run 'aten::sparse_sampled_addmm' with arguments from the '{backend}' "
                                  f"backend: it takes a sparse CSR input.")
    if input.layout is not sparse_csr:
        refuse('sparse_sampled_addmm', (input,), None)
    _plain_2d(input, 'sampled_addmm')
    _, rows, cols = input._coordinates()
    device = mat1.device
    product = mat1.index_select(0, ember.tensor(rows, device=device)) * \
        mat2.t().index_select(0, ember.tensor(cols, device=device))
    values = input._sp_values * beta + product.sum(-1) * alpha
    return _with(input, values)


# ---------------------------------------------------------------------------- element-wise
def _with(s, values):
    return _make(s._sp_compressed, s._sp_plain, values, s.shape, s.layout)


def mul(input, other, *, out=None):
    if out is not None:
        raise RuntimeError("mul(): ember writes no out= for sparse compressed operands")
    if not _is_compressed(input):
        input, other = other, input
    if not isinstance(other, Tensor) or other.dim() == 0:
        return _with(input, input._sp_values * other)
    if input.layout is not sparse_csr and input.layout not in _BLOCKED:
        raise RuntimeError("Expected result Tensor to be of format CSR")
    if tuple(other.shape) != tuple(input.shape):
        raise RuntimeError(f"sparse_mask(): operands have incompatible sizes; self has size {list(other.shape)} but "
                           f"mask has size {list(input.shape)}")
    dense = other.to_dense() if _is_compressed(other) else other
    _plain_2d(input, 'mul')
    _, rows, cols = input._coordinates()
    bh, bw = input._blocksize()
    device = dense.device
    blocks = dense.reshape(input.shape[0] // bh, bh, input.shape[1] // bw, bw).transpose(1, 2)
    picked = blocks[ember.tensor(rows, device=device), ember.tensor(cols, device=device)]
    if input.layout not in _BLOCKED:
        picked = picked.reshape(-1)
    return _with(input, input._sp_values * picked)


def add(input, other, *, alpha=1, out=None):
    if out is not None:
        raise RuntimeError("add(): ember writes no out= for sparse compressed operands")
    if not (_is_compressed(input) and _is_compressed(other)):
        if not isinstance(input, Tensor) or not isinstance(other, Tensor) or (
                _is_compressed(input) and other.dim() == 0) or (_is_compressed(other) and input.dim() == 0):
            # (PyTorch's sparse addition reports the number as 'self')
            sparse = input if _is_compressed(input) else other
            raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size [] while other "
                               f"has size {list(sparse.shape)} (FYI: op2-sparse addition does not currently support "
                               f"broadcasting)")
        dense_in = input.to_dense() if _is_compressed(input) else input
        dense_other = other.to_dense() if _is_compressed(other) else other
        return ember.add(dense_in, dense_other, alpha=alpha)
    if input.layout not in _ROW_COMPRESSED:
        raise RuntimeError(f"crow_indices expected sparse row compressed tensor layout but got "
                           f"{layout_name(input.layout)}")
    if other.layout is not input.layout or input.shape != other.shape:
        raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                           f"{list(input.shape)} while other has size {list(other.shape)} (FYI: op2-sparse addition "
                           f"does not currently support broadcasting)")
    _plain_2d(input, 'add')
    if input.layout is sparse_bsr:
        total = input.to_dense() + other.to_dense() * alpha
        return total.to_sparse_bsr(input._blocksize())
    from ember.sparse._coo import _add as add_coo
    total = add_coo(compressed_to_coo(input), compressed_to_coo(other), alpha=alpha)
    result = coo_to_compressed(total, sparse_csr, None, None)
    return _with(result, named(result._sp_values, 'AddBackward0'))


def _unary(name):
    def apply(input, *args, **kwargs):
        return _with(input, getattr(ember, name)(input._sp_values, *args, **kwargs))
    apply.__name__ = name
    return apply


# ---------------------------------------------------------------------------- reductions and shape
def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return input._sp_values.sum(dtype=dtype)
    if not keepdim:
        raise RuntimeError("reduction operations on CSR tensors with keepdim=False is unsupported")
    if input.layout is not sparse_csr:
        raise RuntimeError(f"Currently the only compressed sparse format supported for sum.dim_IntList is CSR, but got "
                           f"layout {layout_name(input.layout)}")
    _plain_2d(input, 'sum')
    summed = input.to_dense().sum(dim, keepdim=True, dtype=dtype)
    return summed.to_sparse_csr()


def transpose(input, dim0, dim1):
    from ember.ops._util import wrap_dim
    n = input.dim()
    dim0, dim1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if dim0 == dim1:
        return input
    b = input._batch_dim()
    kinds = ['Batch'] * b + ['Sparse'] * 2 + ['Dense'] * input.dense_dim()
    if kinds[dim0] != kinds[dim1]:
        raise RuntimeError(f"transpose(): can only transpose dimensions of the same type (Batch, Sparse, Dense), got "
                           f"{dim0}({kinds[dim0]}) and {dim1}({kinds[dim1]})")
    if input.dense_dim():
        raise RuntimeError("transpose(): hybrid sparse compressed tensors with dense dimensions are not supported")
    if kinds[dim0] == 'Batch':      # the batches reordered: every part transposes alike
        return _make(input._sp_compressed.transpose(dim0, dim1).contiguous(),
                     input._sp_plain.transpose(dim0, dim1).contiguous(),
                     named(input._sp_values.transpose(dim0, dim1), 'TransposeBackward0'),
                     _swapped(input.shape, dim0, dim1), input.layout)
    out = transpose_2d(input)
    return _with(out, named(out._sp_values, 'TransposeBackward0'))


def _swapped(shape, a, b):
    shape = list(shape)
    shape[a], shape[b] = shape[b], shape[a]
    return shape


def select_row(s, index):
    """``s[i]`` of a 2-D CSR or CSC matrix: row ``i`` as a sparse COO vector over its specified elements."""
    from ember.sparse._coo import _make as make_coo
    if not isinstance(index, int) or s.dim() != 2 or s.layout in _BLOCKED:
        refuse('index', (s,), None)
    n = s.shape[0]
    if not -n <= index < n:
        raise IndexError(f"index {index} is out of bounds for dimension 0 with size {n}")
    index %= n
    _, rows, cols = s._coordinates()
    where = (rows == index).nonzero()[0]
    device = s.device
    picked = ember.tensor(where, dtype=ember.int64, device=device)
    order = cols[where].argsort(kind='stable')
    return make_coo(ember.tensor(cols[where][order].reshape(1, -1), dtype=ember.int64, device=device),
                    s._sp_values[picked[ember.tensor(order, device=device)]], (s.shape[1],), True)


# ---------------------------------------------------------------------------- in place (on the values)
def _inplace_unary(name):
    def apply(input, *args, **kwargs):
        getattr(input._sp_values, name)(*args, **kwargs)
        return input
    apply.__name__ = name
    return apply


def mul_(input, other):
    _check_inplace(input)
    result = mul(input, other)
    return _take_parts(input, result)


def add_(input, other, *, alpha=1):
    _check_inplace(input)
    return _take_parts(input, add(input, other, alpha=alpha))


def _check_inplace(target):
    from ember.autograd import grad_mode
    if target.is_leaf and target.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def _take_parts(target, result):
    if not _is_compressed(result) or result.layout is not target.layout:
        raise RuntimeError(f"ember writes in place into a {layout_name(target.layout)} tensor only a result of its "
                           f"layout")
    target._sp_compressed, target._sp_plain, target._sp_values = \
        result._sp_compressed, result._sp_plain, result._sp_values
    return target


def zero_(input):
    """No element specified any more, as PyTorch's zero_ leaves a compressed tensor (the size stays)."""
    _check_inplace(input)
    b = input._batch_dim()
    values = input._sp_values.detach()
    input._sp_compressed = input._sp_compressed.new_zeros(tuple(input._sp_compressed.shape))
    input._sp_plain = input._sp_plain.new_zeros(tuple(input._sp_plain.shape[:-1]) + (0,))
    input._sp_values = values.new_zeros(tuple(values.shape[:b]) + (0,) + tuple(values.shape[b + 1:]))
    return input


def copy_(input, src, non_blocking=False):
    if not (_is_compressed(src) and src.layout is input.layout and src.shape == input.shape):
        raise RuntimeError(f"copy of a {layout_name(getattr(src, 'layout', None))} tensor into a "
                           f"{layout_name(input.layout)} tensor is not supported by ember")
    if input._same_pattern(src):
        input._sp_values.copy_(src._sp_values)
    else:
        input._sp_compressed, input._sp_plain = src._sp_compressed.clone(), src._sp_plain.clone()
        input._sp_values = src._sp_values.clone()
    return input


def t(input):
    if input.dim() != 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    out = transpose_2d(input)
    return _with(out, named(out._sp_values, 'TBackward0'))


FUNCTIONS = {
    'linear': linear, 'addmv': addmv,
    'mm': mm, 'matmul': matmul, '_rmatmul': lambda a, b: matmul(b, a), 'addmm': addmm, 'mv': mv,
    'mul': mul, 'multiply': mul, '__rmul__': lambda a, b: mul(a, b),
    'add': add, '__radd__': lambda a, b: add(b, a),
    'sum': sum, 't': t, 'transpose': transpose, 'swapaxes': transpose, 'swapdims': transpose,
    'to_dense': lambda input, *args, **kwargs: input.to_dense(*args, **kwargs),
    'is_same_size': lambda a, b: tuple(a.shape) == tuple(b.shape),
    'clone': lambda input, **kwargs: input.clone(**kwargs),
}
FUNCTIONS.update({name: _unary(name) for name in ZERO_PRESERVING})
FUNCTIONS.update({name + '_': _inplace_unary(name + '_') for name in ZERO_PRESERVING
                  if name not in ('isnan', 'isinf', 'isposinf', 'isneginf', 'signbit', 'angle', 'conj', 'positive',
                                  'sgn', 'arcsin', 'arcsinh', 'arctan', 'arctanh', 'fix')})
FUNCTIONS.update({'mul_': mul_, 'add_': add_, 'zero_': zero_, 'copy_': copy_, '__imul__': mul_, '__iadd__': add_})

from ember.sparse._like import HANDLERS as _LIKE  # noqa: E402  (the *_like factories)
FUNCTIONS.update(_LIKE)
