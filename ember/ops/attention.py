"""Attention: ``scaled_dot_product_attention`` and the multi-head attention forward behind
nn.MultiheadAttention (PyTorch's ``F.multi_head_attention_forward``).

Composed from ember ops (batched matmul, softmax, masked_fill), so every order of gradient works.
Layouts follow PyTorch: sequence-first ``(L, N, E)`` inside multi-head attention, heads folded
into the batch axis as ``(N * num_heads, L, head_dim)``, masks where True (bool) or -inf (float)
means "do not attend".
"""
import math
import sys

import numpy as np

from ember._tensor import Tensor
from ember.autograd import grad_mode, _saved_hooks
from ember.autograd.function import Primitive
from ember.ops.activation import Softmax, _max_along, _approximate_softmax, softmax
from ember.ops._scalar_overloads import mul_number
from ember.ops._util import wrap_dim
from ember.ops.dropout import dropout as _dropout
from ember.ops.linalg import baddbmm, bmm, matmul
from ember.ops.linear import linear as _linear
from ember.ops.shape import cat
from ember.ops._registry import op
from ember.ops import _rows, _sdp_select
from ember.ops._half import _HALF

__all__ = ['scaled_dot_product_attention', 'multi_head_attention_forward']

_CPP_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'int64': 'long int', 'int32': 'int',
              'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool'}


def _safe_softmax(scores):
    """Softmax over the last axis where a fully masked row (all -inf) gives zeros, not NaN,
    as PyTorch's math attention does."""
    dead = (scores == float('-inf')).all(-1, keepdim=True)
    with _approximate_softmax():
        if not bool(dead.any()):
            return softmax(scores, -1)
        return softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0)


@op('F')
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q K^T * scale + mask) V over the last two axes (..., L, E) x (..., S, E) x (..., S, Ev).

    ``attn_mask`` is bool (True = take part) or float (added to the scores); ``is_causal`` masks
    the upper triangle; ``enable_gqa`` shares each key/value head among a group of query heads.

    >>> q = ember.ones(1, 2, 4)
    >>> F.scaled_dot_product_attention(q, q, ember.arange(8.).reshape(1, 2, 4), is_causal=True)
    tensor([[[0., 1., 2., 3.],
             [2., 3., 4., 5.]]])
    """
    if attn_mask is not None and type(attn_mask) is not Tensor and hasattr(attn_mask, '_sdpa'):
        # a CausalBias (ember.nn.attention.bias) computes attention its own way
        return attn_mask._sdpa(query, key, value, dropout_p=dropout_p, is_causal=is_causal, scale=scale,
                               enable_gqa=enable_gqa)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError('Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: '
                           f'{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.')
    if is_causal and attn_mask is not None:
        raise RuntimeError('_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True')
    if attn_mask is not None and attn_mask.dtype.name != 'bool' and attn_mask.dtype.category < 2:
        raise RuntimeError('Expected attn_mask dtype to be bool or float or to match query dtype, but got '
                           f'attn_mask.dtype: {_CPP_NAMES.get(attn_mask.dtype.name, attn_mask.dtype.name)} and  '
                           f'query.dtype: {_CPP_NAMES.get(query.dtype.name, query.dtype.name)} instead.')
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    if query.dtype in _HALF and key.dtype == query.dtype and value.dtype == query.dtype:
        # PyTorch's CPU kernels (fused and math) compute half-precision attention in float32
        mask = attn_mask.float() if attn_mask is not None and attn_mask.dtype == query.dtype else attn_mask
        # (scale and enable_gqa by keyword, as PyTorch's signature takes them: an error inside is explained
        # by replaying this call through PyTorch's parser)
        return scaled_dot_product_attention(query.float(), key.float(), value.float(), mask, dropout_p, is_causal,
                                            scale=scale, enable_gqa=enable_gqa).to(query.dtype)
    groups = 1
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        groups = query.shape[-3] // key.shape[-3]
    if _sdp_select.choose(query, key, value, attn_mask, dropout_p, enable_gqa) == 'flash':
        # PyTorch's fused CPU kernel covers this case (and names its node after it)
        return ScaledDotProductAttention.apply(query, key, value, attn_mask, bool(is_causal), float(scale), groups)
    return _sdpa_composite(query, key, value, attn_mask, dropout_p, is_causal, scale, groups)


def _laid_out_like_query(xp, q, out):
    """PyTorch's fused CPU kernel writes a 4-D result in the query's memory layout when the query is dense
    with unit last stride and the value's feature size equals the query's (a query that is a transposed
    (B, L, H, E) projection gives an output whose ``transpose(1, 2).view(...)`` works, as models rely on)."""
    if q.ndim != 4 or out.shape != q.shape or q.flags.c_contiguous or q.strides[-1] != q.itemsize:
        return out
    order = sorted(range(4), key=lambda d: -q.strides[d])
    dense = all(q.strides[order[i]] == q.strides[order[i + 1]] * q.shape[order[i + 1]] for i in range(3))
    if not dense:
        return out
    laid = xp.empty_like(q)   # (order='K': the query's axis order)
    laid[...] = out
    return laid


def _sdpa_composite(query, key, value, attn_mask, dropout_p, is_causal, scale, groups):
    """Attention written with ember ops as PyTorch's math kernel writes it (any rank, dropout, a mask that needs a
    gradient; and the fused primitive's second-order gradients): the query and the transposed key each scaled
    by the square root of ``scale`` (MulBackward1), their product, a boolean or causal mask made additive
    (-inf where masked) and added, the safe softmax (fully masked rows give zeros), the product with values."""
    L, S = query.shape[-2], key.shape[-2]
    if groups > 1:
        key = key.repeat_interleave(groups, -3)
        value = value.repeat_interleave(groups, -3)
    root = math.sqrt(abs(scale))
    scores = matmul(mul_number(query, -root if scale < 0 else root), mul_number(key.transpose(-2, -1), root))
    if is_causal:
        from ember.ops.creation import ones
        attn_mask = ones(L, S, dtype=_bool(), device=query.device).tril()
    if attn_mask is not None:
        if attn_mask.dtype.name == 'bool':
            from ember.ops.creation import zeros_like
            attn_mask = zeros_like(attn_mask, dtype=scores.dtype).masked_fill_(attn_mask.logical_not(),
                                                                               float('-inf'))
        scores = scores + attn_mask
    with _approximate_softmax():     # PyTorch's CPU attention kernel computes its own exponentials
        weights = SafeSoftmax.apply(scores, wrap_dim(-1, scores.ndim))
    if dropout_p > 0.0:
        weights = _dropout(weights, dropout_p, True)
    return matmul(weights, value)


class SafeSoftmax(Softmax):
    """PyTorch's ``_safe_softmax``: softmax where a row of only -inf (fully masked) gives zeros, not NaN; its
    backward is softmax's (a zero row passes no gradient)."""
    node_name = 'SafeSoftmaxBackward0'
    saved_attrs = Softmax.saved_attrs   # grad_fn._saved_*: dim and result, as softmax's
    _profile_chain = ('aten::_safe_softmax',)

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        dead = (x == -xp.inf).all(axis=dim, keepdims=True)
        if not dead.any():
            return Softmax.forward(ctx, x, dim)
        y = xp.where(dead, 0, Softmax.forward(ctx, xp.where(dead, 0, x), dim)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y


class ScaledDotProductAttention(Primitive):
    """softmax(Q K^T * scale + mask) V in one op, with the analytic backward.

    Forward keeps the attention weights (the probabilities) for backward, as the math path would,
    and builds no mask array beyond one additive (L, S) or mask-shaped term. Backward is three
    batched matmuls and the softmax's Jacobian applied in place.
    """
    node_name = 'ScaledDotProductFlashAttentionForCpuBackward0'

    @staticmethod
    def forward(ctx, q, k, v, mask, is_causal, scale, groups):
        out = ScaledDotProductAttention._attend(ctx, q, k, v, mask, is_causal, scale, groups)
        return _laid_out_like_query(ctx.xp, q, out)

    @staticmethod
    def _attend(ctx, q, k, v, mask, is_causal, scale, groups):
        xp = ctx.xp
        ctx.is_causal, ctx.scale, ctx.groups = is_causal, scale, groups
        kk, vv = (xp.repeat(k, groups, -3), xp.repeat(v, groups, -3)) if groups > 1 else (k, v)
        rows = _causal_block_rows(xp, q, kk, is_causal)
        if rows:
            return _causal_forward(ctx, q, k, v, kk, vv, scale, rows)
        ctx.rows = None
        s = xp.matmul(q * xp.asarray(scale, q.dtype), xp.swapaxes(kk, -1, -2))
        masked = is_causal or mask is not None
        if masked:
            L, S = s.shape[-2:]
            if is_causal:
                add = xp.where(xp.tri(L, S, dtype=bool), 0, -xp.inf).astype(s.dtype)
            elif mask.dtype == bool:
                add = xp.where(mask, 0, -xp.inf).astype(s.dtype)
            else:
                add = mask.astype(s.dtype, copy=False)
            if xp.broadcast_shapes(add.shape, s.shape) == s.shape:
                s += add
            else:
                s = s + add
        if s.shape[-1] == 0:   # no keys: every query attends to nothing and gets zeros, as in PyTorch
            out = xp.zeros(q.shape[:-1] + (v.shape[-1],), q.dtype)
            ctx.save_for_backward(q, k, v, s, mask, out)
            return out
        # a numerically stable softmax over the keys, in place
        m = _max_along(xp, s, s.ndim - 1)
        if masked:
            m[~xp.isfinite(m)] = 0  # a row with every key masked gives zeros, as PyTorch's does
        s -= m
        xp.exp(s, out=s)
        denom = s.sum(-1, keepdims=True)
        if masked:
            denom[denom == 0] = 1
        s /= denom
        out = xp.matmul(s, vv)
        ctx.save_for_backward(q, k, v, s, mask, out)
        return out

    @staticmethod
    def backward(ctx, g):
        if ctx.rows:
            q, k, v, mask, out, *blocks = ctx.saved_tensors
        else:
            q, k, v, p, mask, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        if grad_mode._state.enabled:
            return _sdpa_double_backward(ctx, g, q, k, v, mask)
        xp, scale, groups = ctx.xp, ctx.scale, ctx.groups
        qd, kd, vd, gd = q._data, k._data, v._data, g._data
        kk, vv = (xp.repeat(kd, groups, -3), xp.repeat(vd, groups, -3)) if groups > 1 else (kd, vd)
        sc = xp.asarray(scale, gd.dtype)
        if ctx.rows:
            dq, dk, dv = _causal_backward(xp, need, qd, kk, vv, gd, out._data, [b._data for b in blocks],
                                          ctx.rows)
        else:
            pd = p._data
            dv = xp.matmul(xp.swapaxes(pd, -1, -2), gd) if need[2] else None
            ds = xp.matmul(gd, xp.swapaxes(vv, -1, -2))
            # softmax backward: ds = p * (dp - sum(dp * p)), where sum_j dp_ij p_ij = g_i . out_i (as
            # FlashAttention does: a product over head_dim instead of over every key)
            ds -= (gd * out._data).sum(-1, keepdims=True)
            ds *= pd
            dq = xp.matmul(ds, kk) if need[0] else None
            dk = xp.matmul(xp.swapaxes(ds, -1, -2), qd) if need[1] else None
        if dq is not None:
            dq *= sc
        if dk is not None:
            dk *= sc
        if groups > 1:
            dk = None if dk is None else _fold_groups(dk, groups)
            dv = None if dv is None else _fold_groups(dv, groups)
        dev = g._device
        return tuple(None if a is None else Tensor._make(a, dev) for a in (dq, dk, dv)) + (None,) * 4


def _causal_block_rows(xp, q, k, is_causal):
    """The query rows' blocks ``[(r0, r1), ...]`` a causal attention runs in, or None to run it whole.

    Row i attends keys 0..i only, so a block of rows needs the keys up to its last row: computed block
    by block, the masked upper triangle is (mostly) never computed, as in PyTorch's fused CPU kernel.
    Blocks of 32 rows or more (at most 16 blocks) keep the batched products efficient. Under
    saved-tensor hooks attention runs whole, so the hooks see the probabilities as one tensor.
    """
    L, S = q.shape[-2], k.shape[-2]
    if not is_causal or xp is not np or L < 64 or S == 0 or _saved_hooks._pack_stack:
        return None
    size = max(32, -(-L // 16))
    return [(r0, min(L, r0 + size)) for r0 in range(0, L, size)]


def _causal_forward(ctx, q, k, v, kk, vv, scale, rows):
    """The forward of causal attention, block of rows by block (see ``_causal_block_rows``); the
    same steps as the whole forward on each block."""
    S = kk.shape[-2]
    qs = q * np.asarray(scale, q.dtype)
    # (a contiguous copy of the keys' transpose: NumPy's batched matmul runs its own loop, not BLAS, on
    # a right operand with strided rows, about 1.5x slower on attention's 32-row blocks)
    kt = np.ascontiguousarray(np.swapaxes(kk, -1, -2))
    out = np.empty(q.shape[:-1] + (vv.shape[-1],), np.result_type(qs, kk, vv))
    blocks = []
    for r0, r1 in rows:
        end = min(r1, S)
        s = np.matmul(qs[..., r0:r1, :], kt[..., :end])
        if end > r0:   # the keys beside the block's own rows: key j > row i is masked
            s[..., r0:end] += _causal_mask(r1 - r0, end - r0, s.dtype)
        rows2d = s.reshape(-1, end)
        m = _rows.row_max(rows2d)
        m[~np.isfinite(m)] = 0
        rows2d -= m[:, None]
        np.exp(s, out=s)
        scale_rows = _rows.row_sums(rows2d)     # (BLAS row sums: NumPy's along a short axis are slow)
        scale_rows[scale_rows == 0] = 1
        np.divide(1, scale_rows, out=scale_rows)
        rows2d *= scale_rows[:, None]
        np.matmul(s, vv[..., :end, :], out=out[..., r0:r1, :])
        blocks.append(s)
    ctx.rows = rows
    ctx.save_for_backward(q, k, v, None, out, *blocks)
    return out


_CAUSAL_MASKS = {}


def _causal_mask(rows, cols, dtype):
    """The additive causal mask of a block (0 where key j <= row i, -inf above), made once per shape and
    dtype (read-only)."""
    key = (rows, cols, dtype)
    mask = _CAUSAL_MASKS.get(key)
    if mask is None:
        mask = np.where(np.tri(rows, cols, dtype=bool), 0, -np.inf).astype(dtype)
        mask.flags.writeable = False
        if len(_CAUSAL_MASKS) < 64:
            _CAUSAL_MASKS[key] = mask
    return mask


def _causal_backward(xp, need, q, kk, vv, g, out, blocks, rows):
    """dq, dk, dv of causal attention from the forward's probability blocks (unscaled dq, dk)."""
    # sum_j dp_ij p_ij, as in the whole backward (BLAS row sums: NumPy's along a short axis are slow)
    gout = np.multiply(g, out)
    rowsum = _rows.row_sums(gout.reshape(-1, gout.shape[-1])).reshape(gout.shape[:-1] + (1,))
    dq = np.empty(q.shape, g.dtype) if need[0] else None
    dk = np.zeros(kk.shape, g.dtype) if need[1] else None
    dv = np.zeros(vv.shape, g.dtype) if need[2] else None
    vt = np.ascontiguousarray(np.swapaxes(vv, -1, -2))   # (BLAS's products, as the forward's keys)
    for (r0, r1), p in zip(rows, blocks):
        end = p.shape[-1]
        gb = g[..., r0:r1, :]
        if dv is not None:
            dv[..., :end, :] += np.matmul(np.swapaxes(p, -1, -2), gb)
        ds = np.matmul(gb, vt[..., :end])
        ds -= rowsum[..., r0:r1, :]
        ds *= p
        if dq is not None:
            np.matmul(ds, kk[..., :end, :], out=dq[..., r0:r1, :])
        if dk is not None:
            dk[..., :end, :] += np.matmul(np.swapaxes(ds, -1, -2), q[..., r0:r1, :])
    return dq, dk, dv


def _fold_groups(d, groups):
    """Sum the gradient of key/value heads that ``groups`` query heads shared."""
    shape = d.shape
    return d.reshape(shape[:-3] + (shape[-3] // groups, groups) + shape[-2:]).sum(-3)


def _sdpa_double_backward(ctx, g, q, k, v, mask):
    """Gradients that are themselves differentiable: the composite attention's, through autograd."""
    from ember.autograd import grad as _grad
    from ember.autograd.grad_mode import enable_grad
    need = ctx.needs_input_grad
    inputs = [t for t, n in zip((q, k, v), need[:3]) if n]
    with enable_grad():
        out = _sdpa_composite(q, k, v, mask, 0.0, ctx.is_causal, ctx.scale, ctx.groups)
        grads = list(_grad(out, inputs, g, create_graph=True, allow_unused=True))
    return tuple(grads.pop(0) if n else None for n in need[:3]) + (None,) * 4


def _bool():
    from ember import _dtype
    return _dtype.bool_


# ----------------------------------------------------------------------------------------------
# multi-head attention

def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads):
    """PyTorch's MHA shape checks; returns whether the input is batched."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError('For batched (3-D) `query`, expected `key` and `value` to be 3-D but found '
                                 f'{key.ndim}-D and {value.ndim}-D tensors respectively')
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError('For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found '
                                 f'{key_padding_mask.ndim}-D tensor instead')
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError('For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found '
                                 f'{attn_mask.ndim}-D tensor instead')
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError('For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found '
                                 f'{key.ndim}-D and {value.ndim}-D tensors respectively')
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError('For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but '
                                 f'found {key_padding_mask.ndim}-D tensor instead')
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError('For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but '
                                     f'found {attn_mask.ndim}-D tensor instead')
            if attn_mask.ndim == 3 and tuple(attn_mask.shape) != (num_heads, query.shape[0], key.shape[0]):
                raise AssertionError(f'Expected `attn_mask` shape to be {(num_heads, query.shape[0], key.shape[0])} '
                                     f'but got {attn_mask.size()}')
        return False
    raise AssertionError(f'query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D query tensor')


def _check_mask(mask, name, other=None, other_name='', stacklevel=4):
    """A mask must be bool or floating; one of another dtype than ``other`` warns (deprecated)."""
    if mask.dtype.name != 'bool' and mask.dtype.category < 2:
        raise AssertionError(f'only bool and floating types of {name} are supported')
    if other is not None and mask.dtype is not other.dtype:
        import warnings
        warnings.warn(f'Support for mismatched {name} and {other_name} is deprecated. Use same type for both instead.',
                      stacklevel=stacklevel)


def _float_mask(mask, name, dtype, other=None, other_name=''):
    """A bool mask (True = masked) becomes an additive float mask of -inf/0."""
    if mask is None:
        return None
    _check_mask(mask, name, other, other_name, stacklevel=5)
    if mask.dtype.name == 'bool':
        from ember.ops.creation import zeros
        return zeros(tuple(mask.shape), dtype=dtype, device=mask.device).masked_fill(mask, float('-inf'))
    return mask


def _project(query, key, value, E, in_proj_weight, in_proj_bias, separate, q_w, k_w, v_w):
    """The q, k, v input projections: one matmul for self-attention, two for a shared key/value."""
    _linear = sys.modules['ember.nn.functional'].linear     # (F.linear as patched now, as PyTorch calls it)
    if separate:
        for w, name in ((q_w, 'q'), (k_w, 'k'), (v_w, 'v')):
            if w is None:
                raise AssertionError(f'use_separate_proj_weight is True but {name}_proj_weight is None')
        for w, x, name in ((q_w, query, 'query'), (k_w, key, 'key'), (v_w, value, 'value')):
            if tuple(w.shape) != (E, x.shape[-1]):
                raise AssertionError(f"expecting {name} weights shape of {(E, x.shape[-1])}, but got {w.shape}")
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        return _linear(query, q_w, b_q), _linear(key, k_w, b_k), _linear(value, v_w, b_v)
    if in_proj_weight is None:
        raise AssertionError('use_separate_proj_weight is False but in_proj_weight is None')
    if key is value and query is key:
        q, k, v = _linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
        return q, k, v
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    b_q = b_k = b_v = None
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias.chunk(3)
    if key is value:
        from ember.ops.shape import cat as _cat
        k, v = _linear(key, _cat([w_k, w_v]), None if b_k is None else _cat([b_k, b_v])).chunk(2, -1)
        return _linear(query, w_q, b_q), k, v
    return _linear(query, w_q, b_q), _linear(key, w_k, b_k), _linear(value, w_v, b_v)


def _pad_last(mask):
    """One more key position that nothing masks (for bias_k/bias_v and add_zero_attn)."""
    return cat([mask, mask.new_zeros(tuple(mask.shape[:-1]) + (1,))], -1)


def _head_dim(embed_dim, embed_dim_to_check, num_heads, key, value, use_separate_proj_weight):
    """The heads' size, after PyTorch's checks of the embedding size and of key/value shapes."""
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f'was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}')
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f'embed_dim {embed_dim} not divisible by num_heads {num_heads}')
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f'{value.shape[:2]}')
    elif key.shape != value.shape:
        raise AssertionError(f'key shape {key.shape} does not match value shape {value.shape}')
    return head_dim


def _batched_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads):
    """``attn_mask`` checked against the attention's sizes, a 2-D one given its leading batch dim."""
    if attn_mask is None:
        return None
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f'The shape of the 2D attn_mask is {attn_mask.size()}, but should be '
                               f'{(tgt_len, src_len)}.')
        return attn_mask.unsqueeze(0)
    if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
        raise RuntimeError(f'The shape of the 3D attn_mask is {attn_mask.size()}, but should be '
                           f'{(bsz * num_heads, tgt_len, src_len)}.')
    return attn_mask


def _adds_bias_kv(bias_k, bias_v, static_k, static_v):
    """Whether key/value biases are appended (both given); PyTorch's errors for one alone or with static k/v."""
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError('bias cannot be added to static key.')
        if static_v is not None:
            raise AssertionError('bias cannot be added to static value.')
        return True
    if bias_k is not None:
        raise AssertionError('bias_k is set but bias_v is None')
    if bias_v is not None:
        raise AssertionError('bias_v is set but bias_k is None')
    return False


@op('F')
def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Multi-head attention on sequence-first inputs (L, N, E) (or unbatched (L, E)).

    Returns ``(attn_output, attn_weights)``; the weights are None unless ``need_weights``, and
    are averaged over heads when ``average_attn_weights``.

    This is the computation of :class:`ember.nn.MultiheadAttention`, with every weight passed in: the inputs
    are projected by ``in_proj_weight`` (query, key and value blocks stacked; or by the three separate
    ``*_proj_weight`` with ``use_separate_proj_weight=True``), attended per head, and projected back by
    ``out_proj_weight``.

    Args:
        query, key, value (Tensor): ``(L, N, E)``, ``(S, N, E)`` and ``(S, N, E)`` (``N`` left out when
            unbatched).
        embed_dim_to_check (int): the embedding size ``E`` the inputs must have.
        num_heads (int): the number of heads; ``E`` must divide by it.
        in_proj_weight (Tensor): ``(3 * E, E)``. in_proj_bias (Tensor or None): ``(3 * E,)``.
        bias_k, bias_v (Tensor or None): a bias appended to the keys and values as one more position.
        add_zero_attn (bool): append a position of zeros to the keys and values.
        dropout_p (float): dropout on the attention weights (when ``training``).
        out_proj_weight (Tensor): ``(E, E)``. out_proj_bias (Tensor or None): ``(E,)``.

    Example::

        >>> q = ember.tensor([[[1., 0.]], [[0., 1.]], [[1., 1.]]])      # (L=3, N=1, E=2)
        >>> in_proj = ember.eye(2).repeat(3, 1)                          # identity projections
        >>> out, weights = F.multi_head_attention_forward(q, q, q, 2, 1, in_proj, None, None, None, False, 0.0,
        ...                                               ember.eye(2), None)
        >>> out.shape, weights.shape
        (ember.Size([3, 1, 2]), ember.Size([1, 3, 3]))
        >>> weights[0, 0]
        tensor([0.4011, 0.1978, 0.4011])
    """
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _float_mask(key_padding_mask, 'key_padding_mask', query.dtype, attn_mask, 'attn_mask')
    if is_causal and attn_mask is None:
        raise RuntimeError('Need attn_mask if specifying the is_causal hint. You may use the Transformer module '
                           'method `generate_square_subsequent_mask` to create this mask.')
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None            # the causal hint alone drives attention below
    else:
        attn_mask = _float_mask(attn_mask, 'attn_mask', query.dtype)
        if key_padding_mask is not None:
            is_causal = False       # the merged mask is no longer purely causal
    head_dim = _head_dim(embed_dim, embed_dim_to_check, num_heads, key, value, use_separate_proj_weight)

    q, k, v = _project(query, key, value, embed_dim, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                       q_proj_weight, k_proj_weight, v_proj_weight)

    attn_mask = _batched_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads)

    if _adds_bias_kv(bias_k, bias_v, static_k, static_v):
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)

    # heads folded into the batch: (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _static(static_k, 'k', bsz * num_heads, head_dim) if static_k is not None else \
        k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = _static(static_v, 'v', bsz * num_heads, head_dim) if static_v is not None else \
        v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)

    if add_zero_attn:
        k = cat([k, k.new_zeros((bsz * num_heads, 1, head_dim))], 1)
        v = cat([v, v.new_zeros((bsz * num_heads, 1, head_dim))], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[1]

    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f'Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}')
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f'Expected key_padded_mask.shape[1] to be {src_len}, but got '
                                 f'{key_padding_mask.shape[1]}')
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm

    if not training:
        dropout_p = 0.0

    # the products, softmax and output projection are looked up where a user reaches them (ember.bmm, F.softmax,
    # ...) at each call, as PyTorch's function does: a library that patches them (ptflops counting FLOPs) sees
    # attention's calls
    import ember
    functional = sys.modules['ember.nn.functional']
    if need_weights:
        if is_causal and attn_mask is None:
            raise AssertionError('FIXME: is_causal not implemented for need_weights')
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        if attn_mask is not None:
            scores = ember.baddbmm(attn_mask.expand(bsz * num_heads, tgt_len, src_len), q_scaled,
                                   k.transpose(-2, -1))
        else:
            scores = ember.bmm(q_scaled, k.transpose(-2, -1))
        weights = functional.softmax(scores, -1)
        if dropout_p > 0.0:
            weights = functional.dropout(weights, dropout_p, True)
        out = ember.bmm(weights, v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = functional.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, out_proj_weight.shape[0])
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(bsz, num_heads, attn_mask.shape[-2], src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = functional.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = functional.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, out_proj_weight.shape[0])
    if not batched:
        out = out.squeeze(1)
    return out, None


def _batch_first_self_attention(x, embed_dim, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                                out_proj_bias):
    """``nn.MultiheadAttention``'s self-attention on a batch-first ``(N, L, E)`` input with no mask,
    no dropout and nothing recorded, computed batch-first as PyTorch's fused eval path is: the
    projections run on the input's own rows and the heads are views of the packed projection, so
    no transposed copy of the input, the queries, keys or values is made, and the result is a
    contiguous ``(N, L, E)`` tensor (as PyTorch's fast path returns it). The values are those of
    ``multi_head_attention_forward`` on the transposed input, bit for bit: every product row and
    every attention row is the same computation, only where it lies in memory differs."""
    N, L, E = x.shape
    if E != embed_dim:     # (PyTorch's fused path words this check its own way)
        raise RuntimeError(f"passed-in embed_dim {embed_dim} didn't match last dim of query {E}")
    head_dim = E // num_heads
    qkv = _linear(x, in_proj_weight, in_proj_bias)                               # (N, L, 3E)
    q, k, v = qkv.reshape(N, L, 3, num_heads, head_dim).permute(2, 0, 3, 1, 4)   # each (N, H, L, hd)
    out = scaled_dot_product_attention(q, k, v)
    out = out.transpose(1, 2).reshape(N * L, E)
    return _linear(out, out_proj_weight, out_proj_bias).reshape(N, L, out_proj_weight.shape[0])


def _static(t, name, n, head_dim):
    if t.shape[0] != n:
        raise AssertionError(f'expecting static_{name}.size(0) of {n}, but got {t.shape[0]}')
    if t.shape[2] != head_dim:
        raise AssertionError(f'expecting static_{name}.size(2) of {head_dim}, but got {t.shape[2]}')
    return t

