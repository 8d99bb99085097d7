"""Affine maps: F.linear (one fused Primitive, the MLP hot path) and F.bilinear."""
import numpy as np

from ember._dtype import FLOAT8_NUMS

from ember.autograd import _saved_attrs as _sa
from ember.backend._numpy_blas import transpose_into
from ember._tensor import Tensor
from ember.autograd import function as _function, grad_mode
from ember.autograd.function import Primitive, unrecorded_binary
from ember.autograd._opmath import ALWAYS
from ember.numerics import ENABLED as _PYTORCH_BITS
from ember.ops import _bf16_products, _one_node
from ember.ops.linalg import Mm
from ember.ops.shape import T, UnsafeView
from ember.autograd._recorded_steps import record_step
from ember._device import CPU as _CPU
from ember.ops.reduce import _sum_array
from ember.ops._registry import op


_BLAS_FLOATS = (np.dtype(np.float32).num, np.dtype(np.float64).num)


def _wide_product(x, wt, xp):
    """Whether ``x @ wt`` (``wt`` a weight's transpose) is better asked of BLAS as ``(wt.T @ x.T).T``: a
    few rows times a wide, deep weight (an MLP's batch of 64 through 784 -> 512). OpenBLAS computes
    every element as the same dot product either way (the same bits, checked in
    tests/test_linear_layout.py), but with the operands' roles swapped it blocks the product
    better: measured 0.53-0.78x the time for n >= 4m, k >= 256 (16 x 784 -> 512, 64 x 784 -> 512,
    32 x 1024 -> 1024), while shallow or tall products lose (64 x 64 -> 512: 1.46x; m >= n: 1.3-2.7x)."""
    if xp is not np or x.ndim != 2 or wt.ndim != 2 or x.dtype.num not in _BLAS_FLOATS or wt.dtype != x.dtype:
        return False
    m, k = x.shape
    n = wt.shape[1]
    return n >= 4 * m and k >= 256 and x.flags.c_contiguous and wt.flags.f_contiguous


def _bf16_bits(x, wt, xp):
    return xp is np and _PYTORCH_BITS[0] and _bf16_products.is_bfloat16(x) and _bf16_products.is_bfloat16(wt)


def _product(a, b, xp):
    """``a @ b`` of two arrays, bfloat16 ones on the CPU in PyTorch's kernel's order (a float32 operand with a
    bfloat16 one holds bfloat16 values: the float32 copy an opmath forward saved)."""
    if xp is np and _PYTORCH_BITS[0]:
        if _bf16_products.is_bfloat16(a) and (b.dtype == np.float32 or _bf16_products.is_bfloat16(b)):
            return _bf16_products.product(a, b.astype(a.dtype, copy=False))
        if _bf16_products.is_bfloat16(b) and a.dtype == np.float32:
            return _bf16_products.product(a.astype(b.dtype), b)
    return a @ b


def _addmm_array(b, x, wt, xp=np):
    if _bf16_bits(x, wt, xp):   # bfloat16 on the CPU: PyTorch's kernel's order of additions
        return _bf16_products.product(x, wt, b, 1, 1)
    if _wide_product(x, wt, xp):
        # the product as (n, m), copied into a row-major result by BLAS's transposing copy (a third of
        # NumPy's strided loop at (512, 64)) and the bias added in place; without it the bias is added
        # while NumPy copies (the same sums either way)
        r = np.matmul(wt.T, x.T)
        out = np.empty((x.shape[0], wt.shape[1]), x.dtype)
        if transpose_into(r, out):
            out += b
            return out
        return np.add(r.T, b, out=out)
    y = xp.matmul(x, wt)
    y += b
    if y.dtype != x.dtype:      # bfloat16 (ml_dtypes): accumulated in float32, rounded back like PyTorch
        y = y.astype(x.dtype)
    return y


def _mm_array(x, wt, xp=np):
    if _bf16_bits(x, wt, xp):
        return _bf16_products.product(x, wt)
    if _wide_product(x, wt, xp):     # (see above; the result copied row-major, as PyTorch's is)
        r = np.matmul(wt.T, x.T)
        out = np.empty((x.shape[0], wt.shape[1]), x.dtype)
        return out if transpose_into(r, out) else np.ascontiguousarray(r.T)
    y = xp.matmul(x, wt)
    return y if y.dtype == x.dtype else y.astype(x.dtype)     # bfloat16: see above


def _linear_bias_array(x, w, b):
    """F.linear's 2-D product with a bias, unrecorded: Addmm's forward on the weight's transpose."""
    return _addmm_array(b, x, w.T)


def _linear_array(x, w):
    """F.linear's 2-D product without a bias, unrecorded: MmT's forward on the weight's transpose."""
    return _mm_array(x, w.T)


class Addmm(Primitive):
    """``b + x @ Wt`` for 2-D ``x``, with ``Wt = W.t()`` (a view): PyTorch's graph for ``F.linear``
    (``AddmmBackward0`` over the bias, the input and ``TBackward0`` of the weight). One matmul
    forward, two backward, nothing copied or saved beyond what the requested gradients need."""
    keeps_saved_strides = True
    node_name = 'AddmmBackward0'
    saved_attrs = {'alpha': _sa.const(1), 'beta': _sa.const(1), 'mat1': _sa.saved(0), 'mat1_sym_sizes': _sa.input_sizes(1, 0),
                   'mat1_sym_strides': _sa.strides_of_saved(0, 1), 'mat2': _sa.saved(1), 'mat2_sym_sizes': _sa.input_sizes(2, 1),
                   'mat2_sym_strides': _sa.strides_of_saved(1, 2)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once
    saved_names = ('mat1', 'mat2')     # PyTorch's names for the saved tensors (grad_fn._saved_mat1)

    @staticmethod
    def forward(ctx, b, x, wt):
        need = ctx.needs_input_grad
        ctx.save_for_backward(x if need[2] else None, wt if need[1] else None)
        if need[1] != need[2]:      # one operand's gradient only: the other's strides for grad_fn._saved_*
            _sa.keep_unsaved_strides(ctx, 1, x) if need[1] else _sa.keep_unsaved_strides(ctx, 2, wt)
        low = getattr(ctx, '_opmath_dtype', None)
        if low is not None and _bf16_bits(x.astype(low), wt.astype(low), ctx.xp):
            # bfloat16 widened for the opmath forward (exactly): the product in PyTorch's kernel's order
            return _bf16_products.product(x.astype(low), wt.astype(low), b, 1, 1)
        return _addmm_array(b, x, wt, ctx.xp)

    @staticmethod
    def backward(ctx, g):
        x, wt = ctx.saved_tensors
        need = ctx.needs_input_grad
        if not grad_mode._state.enabled:
            # NOTE: no graph to record (create_graph=False): three array products, no op dispatch
            gd, dev = g._data, g._device
            # NOTE: the weight's gradient is made as (out, in) and handed to TBackward transposed,
            # so the weight's .grad arrives contiguous (no copy when it is accumulated)
            # (a half-precision bias gradient sums in float32, rounded once, as the sum op and PyTorch do)
            return (Tensor._make(_sum_array(ctx.xp, gd, 0, False, None), dev) if need[0] else None,
                    Tensor._make(_product(gd, wt._data.T, ctx.xp), dev) if need[1] else None,
                    Tensor._make(_product(gd.T, x._data, ctx.xp).T, dev) if need[2] else None)
        return (g.sum(0) if need[0] else None,
                Mm.apply(g, wt.t()) if need[1] else None,
                Mm.apply(g.t(), x).t() if need[2] else None)


class MmT(Primitive):
    """``x @ Wt`` (linear without bias): PyTorch reports it as MmBackward0 over the input and
    ``TBackward0`` of the weight."""
    keeps_saved_strides = True
    node_name = 'MmBackward0'
    saved_attrs = {'self': _sa.saved(0), 'self_sym_sizes': _sa.input_sizes(0, 0), 'self_sym_strides': _sa.strides_of_saved(0, 0),
                   'mat2': _sa.saved(1), 'mat2_sym_sizes': _sa.input_sizes(1, 1), 'mat2_sym_strides': _sa.strides_of_saved(1, 1)}  # grad_fn._saved_*, read lazily
    _profile_name = 'aten::mm'

    @staticmethod
    def forward(ctx, x, wt):
        need = ctx.needs_input_grad
        ctx.save_for_backward(x if need[1] else None, wt if need[0] else None)
        if need[0] != need[1]:      # one operand's gradient only: the other's strides for grad_fn._saved_*
            _sa.keep_unsaved_strides(ctx, 0, x) if need[0] else _sa.keep_unsaved_strides(ctx, 1, wt)
        return _mm_array(x, wt, ctx.xp)

    @staticmethod
    def backward(ctx, g):
        x, wt = ctx.saved_tensors
        need = ctx.needs_input_grad
        if not grad_mode._state.enabled:
            gd, dev = g._data, g._device
            return (Tensor._make(_product(gd, wt._data.T, ctx.xp), dev) if need[0] else None,
                    Tensor._make(_product(gd.T, x._data, ctx.xp).T, dev) if need[1] else None)
        return Mm.apply(g, wt.t()) if need[0] else None, (Mm.apply(g.t(), x).t() if need[1] else None)


class BiasAdd(Primitive):
    """``out += bias`` for matmul's fresh product and a 1-D bias: PyTorch's in-place add (AddBackward0, alpha 1),
    with the bias's gradient summed over all leading dims at once by the sum kernel, as addmm's is, so that it
    keeps PyTorch's bits (the engine's broadcast reduction adds them in another order)."""
    node_name = 'AddBackward0'
    saved_attrs = {'alpha': _sa.const(1)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, out, bias):
        # (the product is linear's own, referenced nowhere else: written in place, as PyTorch's add_)
        out += bias
        return out

    @staticmethod
    def backward(ctx, g):
        need = ctx.needs_input_grad
        if not need[1]:
            return g, None
        lead = tuple(range(g.ndim - 1))
        if not grad_mode._state.enabled:
            gb = Tensor._make(_sum_array(ctx.xp, g._data, lead, False, None), g._device)
        else:
            gb = g.sum(lead)
        return (g if need[0] else None), gb


def _name(dtype):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(dtype)


@op('F')
def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` over the last dimension of ``input``.

    >>> F.linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
    ember.Size([2, 4])
    """
    xd = input._data
    wd = weight._data
    if xd.dtype != wd.dtype or (bias is not None and bias._data.dtype != xd.dtype):
        if bias is None:   # PyTorch reports the mm kernel's text here, the addmm kernel's below
            from ember.ops.linalg import _check_dtypes
            _check_dtypes(input, weight)
        other = weight if wd.dtype != xd.dtype else bias
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_name(input.dtype)} and "
                           f"{_name(other.dtype)}")
    if xd.dtype.num in FLOAT8_NUMS:      # (PyTorch's product refuses float8_e8m0fnu)
        from ember.ops import _float8
        _float8.check('mm', xd.dtype)
    if wd.ndim != 2 and wd.ndim != 1:
        if wd.ndim == 0:
            _zero_dim_error(xd, wd)
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {wd.ndim}D")
    if xd.ndim == 2:
        if xd.shape[1] != wd.shape[-1] or wd.ndim == 1:
            if wd.ndim == 1:    # a matrix times a vector (PyTorch's addmm refuses it when there is a bias)
                return _matrix_vector(input, weight, bias)
            _shape_error(xd.shape, wd)
        if bias is not None:
            _check_addmm_bias(bias, xd.shape[0], wd.shape[0])
            if input.__class__ is Tensor and weight.__class__ is Tensor and bias.__class__ is Tensor:
                y = unrecorded_binary(_linear_bias_array, input, weight, bias)   # (Addmm's forward, unrecorded)
                if y is not None:
                    return y
            y = _recorded_linear(input, weight, bias)
            if y is not None:
                return y
            return Addmm.apply(bias, input, _transposed(weight, input, bias))
        if input.__class__ is Tensor and weight.__class__ is Tensor:
            y = unrecorded_binary(_linear_array, input, weight)   # (MmT's forward, unrecorded)
            if y is not None:
                return y
        return MmT.apply(input, _transposed(weight, input, bias))
    if xd.ndim == 0:
        _zero_dim_error(xd, wd)
    # a vector or a batch of rows: PyTorch's decomposition, whose graph differs by case
    lead = xd.shape[:-1]
    if xd.ndim >= 3 and wd.ndim == 2 and weight._requires_grad and not grad_mode._state.enabled:
        # nothing recorded, so no graph to match: every batch the same way, whatever its layout (an exported
        # model runs the same ops for every batch size): the rows as one matrix (copied where they do not fold,
        # as matmul's fold does when the weight requires grad) times the weight in one product, the bias added
        # to it before it is viewed back (float32/64: addmm's sums are mm's and then the bias, as PyTorch's
        # matmul and add; a half-precision product adds the bias before its one rounding, as addmm)
        rows = _prod(lead)
        if xd.shape[-1] != wd.shape[1]:
            _shape_error((rows, xd.shape[-1]), wd)
        flat, wt = input.reshape(-1, xd.shape[-1]), _transposed(weight, input, bias)
        if bias is not None and bias._data.ndim == 1:
            _check_addmm_bias(bias, rows, wd.shape[0])
            out = Addmm.apply(bias, flat, wt)
        else:
            out = MmT.apply(flat, wt)
            if bias is not None:
                out = _bias_added(out, bias)
        return out.reshape(*lead, wd.shape[0])
    contiguous = input.is_contiguous()
    if bias is not None and contiguous and bias._data.ndim == 1:
        # rows folded into one matrix (a view), addmm, the product viewed back: ViewBackward0 over AddmmBackward0
        if wd.ndim == 1:
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
        rows = _prod(lead)
        if xd.shape[-1] != wd.shape[1]:
            _shape_error((rows, xd.shape[-1]), wd)
        _check_addmm_bias(bias, rows, wd.shape[0])
        out = Addmm.apply(bias, input.reshape(-1, xd.shape[-1]), _transposed(weight, input, bias))
        return out.reshape(*lead, wd.shape[0])
    if bias is None and contiguous and xd.ndim >= 3 and wd.ndim == 2:
        # matmul's fold of a contiguous batch: mm on the rows viewed as a matrix, the product reshaped back by
        # an _unsafe_view (UnsafeViewBackward0 over MmBackward0), here without matmul's dispatch
        if xd.shape[-1] != wd.shape[1]:
            _shape_error((_prod(lead), xd.shape[-1]), wd)
        out = MmT.apply(input.reshape(-1, xd.shape[-1]), _transposed(weight, input, bias))
        return UnsafeView.apply(out, (*lead, wd.shape[0])) if out._grad_fn is not None \
            else out.reshape(*lead, wd.shape[0])
    # anything else is matmul's (a vector squeezed back; a batch that does not fold into rows without a copy is
    # copied, or multiplied by bmm when the weight needs no gradient), the bias added to the fresh product in
    # place as PyTorch does (out of place for a tensor subclass, as PyTorch's isTensorSubclassLike)
    from ember.ops.linalg import matmul
    out = matmul(input, weight.t())
    return out if bias is None else _bias_added(out, bias)


def _bias_added(out, bias):
    """``bias`` added to ``out``, linear's fresh product, in place as PyTorch does (out of place for a tensor
    subclass, as PyTorch's isTensorSubclassLike)."""
    if out.__class__ is Tensor and bias.__class__ is Tensor:
        if bias._data.shape == out._data.shape[-1:] and not _function._op_hooks:
            return BiasAdd.apply(out, bias)
        return out.add_(bias)
    return out + bias


def _matrix_vector(input, weight, bias):
    if bias is not None:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    n, k = input.shape
    if k != weight.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({weight.shape[0]})")
    from ember.ops.linalg import matmul
    return matmul(input, weight.t())


def _check_addmm_bias(bias, rows, out_features):
    """addmm's check that a bias of at most one dim broadcasts to the (rows, out_features) product."""
    shape = bias._data.shape
    if shape not in ((out_features,), (), (1,)) and len(shape) <= 1:
        raise RuntimeError(f"The expanded size of the tensor ({out_features}) must match the existing size "
                           f"({shape[-1]}) at non-singleton dimension 1.  Target sizes: "
                           f"[{rows}, {out_features}].  Tensor sizes: [{shape[-1]}]")


def _zero_dim_error(xd, wd):
    raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {xd.ndim}D and {wd.ndim}D")


def _recorded_linear(input, weight, bias):
    """``Addmm.apply(bias, input, weight.t())`` while the graph is recorded (a training step's layer): the same two
    nodes (TBackward0 of the weight under AddmmBackward0), made by ``record_step`` without apply's argument scan,
    promotion and device checks, which these arguments need not (plain CPU tensors of one float dtype, checked by
    the caller, a weight that requires grad); None where they differ, or an op observer watches (apply then)."""
    xd = input._data
    if _function._op_hooks or not weight._requires_grad or not grad_mode._state.enabled or \
            input._device is not _CPU or weight._device is not _CPU or bias._device is not _CPU or \
            xd.dtype.num not in _BLAS_FLOATS or type(xd) is not np.ndarray or input._inference or \
            type(input)._data is not _PLAIN_DATA or type(weight)._data is not _PLAIN_DATA or \
            type(bias)._data is not _PLAIN_DATA:
        return None
    wt = record_step(T, (weight,), weight._data.T)
    return record_step(Addmm, (bias, input, wt))


def _transposed(weight, input, bias):
    """``weight.t()``; when nothing is recorded a bare transposed tensor serves, without the view
    bookkeeping (shared version counter, live-view registry) that costs as much as the tiny product."""
    if (weight._requires_grad or input._requires_grad or bias is not None and bias._requires_grad) \
            and grad_mode._state.enabled or type(weight)._data is not _PLAIN_DATA \
            or _function._op_hooks:
        # (also a subclass computing its _data, as vmap's batched tensors do, and an op observer,
        # such as a graph capture, which records the weight's t())
        return weight.t()
    return Tensor._make(weight._data.T, weight._device)


_PLAIN_DATA = Tensor._data   # the slot of a tensor that holds its array as it is


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _shape_error(x_shape, w):
    ws = w.shape
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({x_shape[0]}x{x_shape[1]} and "
                       f"{ws[-1]}x{ws[0] if len(ws) == 2 else 1})")


@op('ember', 'F')
def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``.

    Example::

        >>> F.bilinear(ember.ones(2, 3), ember.ones(2, 4), ember.ones(5, 3, 4)).shape
        ember.Size([2, 5])
    """
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        d = next(i for i in range(input1.ndim - 1) if input1.shape[i] != input2.shape[i])
        raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {input1.shape[d]} and "
                           f"{input2.shape[d]}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {weight.ndim}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {in2}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # PyTorch's steps: the flattened inputs, one _trilinear product (TrilinearBackward0) and a view back
    y = _one_node.one_node_keeping_graph(Trilinear, _bilinear_product, (x1, weight, x2)).reshape(*lead, out_f)
    return y if bias is None else y + bias      # (the bias added last, as PyTorch: AddBackward0 on top)


def _bilinear_product(x1, weight, x2):
    """``y[n, o] = sum_ij x1[n, i] * weight[o, i, j] * x2[n, j]`` for (N, i) and (N, j) inputs."""
    out_f, in1, in2 = weight.shape
    # (N, j) @ (j, o*i) -> (N, o, i), then contract i with x1: two products, no Python loops
    t = x2.mm(weight.permute(2, 0, 1).reshape(in2, out_f * in1)).reshape(-1, out_f, in1)
    return (t * x1.unsqueeze(1)).sum(-1)


class Trilinear(Primitive):
    """bilinear's product as PyTorch records it, ``_trilinear(x1, weight, x2, [1, 3], [0], [1, 2], [2, 3])``: one
    node over the flattened inputs and the weight. Its value and gradients are :func:`_bilinear_product`'s, recorded
    in the forward on detached inputs (``one_node_keeping_graph``): the weight's gradient stays PyTorch's bits, and
    a step costs what the composite did."""
    node_name = 'TrilinearBackward0'
    saved_attrs = {'expand1': _sa.const((1, 3)), 'expand2': _sa.const((0,)), 'expand3': _sa.const((1, 2)),
                   'sumdim': _sa.const((2, 3)), 'i1': _sa.saved(0), 'i2': _sa.saved(1),
                   'i3': _sa.saved(2)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x1, weight, x2, value):
        ctx.recorded = value
        ctx.save_for_backward(x1, weight, x2)
        return _one_node.value_of(value)

    @staticmethod
    def backward(ctx, g):
        tensors = ctx.saved_tensors
        return _one_node.recorded_grads(ctx, _bilinear_product, tensors, ctx.needs_input_grad[:3], g) + (None,)
