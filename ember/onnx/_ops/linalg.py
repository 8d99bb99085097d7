"""ONNX translations: matrix products and attention."""
import math

import numpy as np

from ._core import converts, _onnx_type, _unsupported


@converts('MmT')
def _mm_t(b, c):
    _addmm_like(b, c, c.args[1], [c.x(0)], 1)


@converts('Mm', 'Bmm', 'Matmul', 'BatchedMatmul', 'BatchedMatmulT', 'BatchedMatvec')
def _matmul(b, c):
    b.op('MatMul', [c.x(0), c.x(1)], [c.out])


@converts('Addmm')
def _addmm(b, c):
    bias, x, wt = c.args[:3]
    if len(c.args) > 3 and tuple(c.args[3:]) != (1, 1):
        _unsupported(c, "beta/alpha other than 1")
    _addmm_like(b, c, wt, [c.x(1)], 2, [c.x(0)])


def _addmm_like(b, c, wt, x, wt_index, bias=()):
    from ember._trace import Value
    producer = wt.producer if isinstance(wt, Value) else None
    if producer is not None and producer.name == 'T' and len(wt.shape) == 2:
        # Linear: x @ W.T (+ b) as one Gemm reading W itself
        b.op('Gemm', x + [c.names[id(producer.args[0])]] + list(bias), [c.out], transB=1)
    else:
        b.op('Gemm', x + [c.x(wt_index)] + list(bias), [c.out])


@converts('ScaledDotProductAttention')
def _attention(b, c):
    q, k, v, mask, is_causal, scale, groups = c.args
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    perm = list(range(len(k.shape)))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    keys, values = c.x(1), c.x(2)
    if groups != 1:
        keys, values = (_repeat_heads(b, name, value, groups) for name, value in ((keys, k), (values, v)))
    scores = b.op('MatMul', [c.x(0), b.op('Transpose', [keys], perm=perm)])
    scores = b.op('Mul', [scores, b.const(np.asarray(scale, c.dtype))])
    if is_causal:  # query i sees keys 0..i: the lower triangle of a (queries, keys) matrix, sized at run time
        size = b.op('Concat', [b.op('Shape', [c.x(0)], start=-2, end=-1), b.op('Shape', [c.x(1)], start=-2, end=-1)],
                    axis=0)
        ones = b.op('ConstantOfShape', [size], value=b.onnx.numpy_helper.from_array(np.ones(1, c.dtype)))
        keep = b.op('Cast', [b.op('Trilu', [ones], upper=0)], to=_onnx_type(np.bool_))
        scores = b.op('Add', [scores, b.op('Where', [keep, b.const(np.asarray(0, c.dtype)),
                                                     b.const(np.asarray(-np.inf, c.dtype))])])
    if mask is not None:
        if mask.example._data.dtype == np.bool_:  # True means: attend
            mask = b.op('Where', [c.x(3), b.const(np.asarray(0, c.dtype)), b.const(np.asarray(-np.inf, c.dtype))])
        else:
            mask = c.x(3)
        scores = b.op('Add', [scores, mask])
    b.op('MatMul', [b.op('Softmax', [scores], axis=-1), values], [c.out])


def _repeat_heads(b, name, value, groups):
    """(..., H, S, D) -> (..., H * groups, S, D), each head repeated ``groups`` times in place
    (grouped-query attention shares one key/value head among ``groups`` query heads)."""
    lead, heads, dim = len(value.shape) - 3, value.shape[-3], value.shape[-1]
    spread = b.op('Expand', [b.op('Unsqueeze', [name, b.ints([lead + 1])]),
                             b.ints([1] * (lead + 1) + [groups, 1, 1])])
    return b.op('Reshape', [spread, b.ints([0] * lead + [heads * groups, -1, dim])])


# ---------------------------------------------------------------- shapes


@converts('Einsum', 'EinsumView', 'EinsumSum', 'EinsumPermute', 'EinsumMul')   # (the classes naming its node)
def _einsum(b, c):
    terms, rhs = c.args[:2]
    operands = [c.x(i, b, c.dtype) for i in range(2, len(c.args))]
    b.op('Einsum', operands, [c.out], equation=','.join(terms) + '->' + rhs)


@converts('Dot', 'Vdot')
def _dot(b, c):
    # real tensors only (ONNX has no complex dtype), where vdot's conjugation changes nothing
    b.op('ReduceSum', [b.op('Mul', [c.x(0), c.x(1)]), b.ints([0])], [c.out], keepdims=0)


@converts('Mv')
def _mv(b, c):
    b.op('MatMul', [c.x(0), c.x(1)], [c.out])


@converts('Det')
def _det(b, c):
    # ONNX's Det over the last two axes, batched over the rest, as PyTorch's exporter writes det
    b.op('Det', [c.x(0)], [c.out])


@converts('Slogdet')
def _slogdet(b, c):
    # only logdet's: PyTorch writes logdet as Log(Det(x)) and refuses slogdet itself; sign and
    # log|det| from ONNX's Det give logdet's NaN (negative determinant) and -inf (singular) as PyTorch's
    if c.node.caller != ('ember', 'logdet'):
        from ember.onnx._aten_names import aten_name
        from ember.onnx.errors import UnsupportedOperatorError
        raise UnsupportedOperatorError(aten_name(c.node), b.opset, None)
    det = b.op('Det', [c.x(0)])
    b.op('Sign', [det], [c.outs[0]])
    b.op('Log', [b.op('Abs', [det])], [c.outs[1]])

