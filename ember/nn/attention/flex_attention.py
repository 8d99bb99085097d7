"""Flex attention (PyTorch's ``torch.nn.attention.flex_attention``): scaled dot product attention whose
scores a user function modifies (``score_mod``) and whose positions a user function masks
(``mask_mod``, described block by block by a :class:`BlockMask`).

Both functions are written for one position, with 0-dim index tensors ``b, h, q_idx, kv_idx``; as in
PyTorch they are run over every position at once with four nested ``ember.func.vmap`` calls, so
anything they compute (including indexing a captured tensor with ``q_idx``) is batched. The result is
computed as PyTorch's unfused reference (every score materialised), is differentiable through the
query, key, value and any tensor ``score_mod`` captures, and gives PyTorch's values.
"""
import math
import typing
import warnings
from typing import NamedTuple, Optional

import ember
from ember.nn.attention._block_mask import (BlockMask, _DEFAULT_SPARSE_BLOCK_SIZE, _LARGE_SPARSE_BLOCK_SIZE,
                                            _dense_to_ordered, _sliced_mask_mod_error, noop_mask)

__all__ = ['BlockMask', 'flex_attention', 'create_block_mask', 'create_mask', 'or_masks', 'and_masks', 'noop_mask',
           'AuxRequest', 'AuxOutput', 'FlexKernelOptions']

_Backend = typing.Literal['AUTO', 'TRITON', 'FLASH', 'TRITON_DECODE']


class FlexKernelOptions(typing.TypedDict, total=False):
    """Tuning options of PyTorch's compiled flex-attention kernels (block sizes, warps, stages, backend
    choice). ember computes flex attention one way, so they cannot change its results; ``BACKEND`` is
    checked as PyTorch checks it."""
    BACKEND: _Backend
    BLOCK_M: int
    BLOCK_N: int
    num_warps: int
    num_stages: int
    PRESCALE_QK: bool
    ROWS_GUARANTEED_SAFE: bool
    BLOCKS_ARE_CONTIGUOUS: bool
    WRITE_DQ: bool
    FORCE_USE_FLEX_ATTENTION: bool


class AuxRequest(NamedTuple):
    """Which auxiliary outputs :func:`flex_attention` returns (``return_aux=``)."""
    lse: bool = False
    max_scores: bool = False


class AuxOutput(NamedTuple):
    """Auxiliary outputs of :func:`flex_attention`; a field is None when not requested."""
    lse: Optional[ember.Tensor] = None
    max_scores: Optional[ember.Tensor] = None


def _identity(score, batch, head, token_q, token_kv):
    return score


def _positional_count(fn):
    if hasattr(fn, '__code__'):
        code = fn.__code__
        return code.co_argcount - len(getattr(fn, '__defaults__', None) or ())
    import inspect
    return sum(1 for p in inspect.signature(fn).parameters.values() if p.default is inspect.Parameter.empty)


def _is_score_mod(fn):
    n = _positional_count(fn)
    if n not in (4, 5):
        raise AssertionError(f"Expected 4 or 5 positional args, got {n}")
    return n == 5


def _vmap_for_bhqkv(fn, prefix, suffix=()):
    """``fn`` of one position mapped over (b, h, q_idx, kv_idx): four vmaps, the last index innermost."""
    from ember.func import vmap
    for dims in ((None, None, None, 0), (None, None, 0, None), (None, 0, None, None), (0, None, None, None)):
        fn = vmap(fn, in_dims=prefix + dims + suffix, out_dims=0)
    return fn


def or_masks(*mask_mods):
    """A ``mask_mod`` keeping the positions that any of ``mask_mods`` keeps.

    Example::

        >>> m = or_masks(lambda b, h, q, kv: q == kv, lambda b, h, q, kv: kv == 0)
        >>> create_mask(m, 1, 1, 3, 3, device='cpu')[0, 0]
        tensor([[ True, False, False],
                [ True,  True, False],
                [ True, False,  True]])
    """
    if not all(callable(arg) for arg in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def or_mask(b, h, q_idx, kv_idx):
        result = b.new_zeros((), dtype=ember.bool)
        for mask in mask_mods:
            result = result | mask(b, h, q_idx, kv_idx)
        return result
    return or_mask


def and_masks(*mask_mods):
    """A ``mask_mod`` keeping the positions that every one of ``mask_mods`` keeps.

    Example::

        >>> m = and_masks(lambda b, h, q, kv: q >= kv, lambda b, h, q, kv: q - kv < 2)
        >>> create_mask(m, 1, 1, 3, 3, device='cpu')[0, 0]
        tensor([[ True, False, False],
                [ True,  True, False],
                [False,  True,  True]])
    """
    if not all(callable(arg) for arg in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def and_mask(b, h, q_idx, kv_idx):
        result = b.new_ones((), dtype=ember.bool)
        for mask in mask_mods:
            result = result & mask(b, h, q_idx, kv_idx)
        return result
    return and_mask


def _indices(B, H, Q_LEN, KV_LEN, device):
    return tuple(ember.arange(0, n, device=device) for n in (B, H, Q_LEN, KV_LEN))


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device=None):
    """The dense boolean mask ``(B, H, Q_LEN, KV_LEN)`` of a ``mask_mod`` (or of a ``score_mod``: the
    positions it does not set to ``-inf``).

    Args:
        mod_fn (Callable): ``mask_mod(b, h, q_idx, kv_idx)`` or ``score_mod(score, b, h, q_idx, kv_idx)``.
        B (int): batch size (None: 1). H (int): number of query heads (None: 1).
        Q_LEN (int): query length. KV_LEN (int): key/value length.
        device: where to make it (default: the current accelerator, else the CPU).

    Returns:
        Tensor: the mask.

    Example::

        >>> create_mask(lambda b, h, q, kv: q >= kv, None, None, 2, 3, device='cpu')
        tensor([[[[ True, False, False],
                  [ True,  True, False]]]])
    """
    device = device if device is not None else (ember.accelerator.current_accelerator() or 'cpu')
    B, H = B or 1, H or 1
    b, h, m, n = _indices(B, H, Q_LEN, KV_LEN, device)
    if _is_score_mod(mod_fn):
        out = _vmap_for_bhqkv(mod_fn, prefix=(0,))(ember.zeros(B, H, Q_LEN, KV_LEN, device=device), b, h, m, n)
        return ember.where(ember.isneginf(out), False, True)
    return _vmap_for_bhqkv(mod_fn, prefix=())(b, h, m, n)


def _round_up(x, multiple):
    return (x + multiple - 1) // multiple * multiple


def _convert_mask_to_block_mask(mask, Q_BLOCK_SIZE, KV_BLOCK_SIZE, separate_full_blocks):
    """Per (b, h, query block, key block): partly kept blocks (and fully kept ones, when separated), as int8."""
    while mask.dim() < 4:
        mask = mask.unsqueeze(0)
    mask = ember.nn.functional.pad(mask, (0, _round_up(mask.shape[-1], KV_BLOCK_SIZE) - mask.shape[-1],
                                          0, _round_up(mask.shape[-2], Q_BLOCK_SIZE) - mask.shape[-2]))
    B, H, Q, KV = mask.shape
    mask = mask.view(B, H, Q // Q_BLOCK_SIZE, Q_BLOCK_SIZE, KV // KV_BLOCK_SIZE, KV_BLOCK_SIZE)
    kept = mask.permute(0, 1, 2, 4, 3, 5).sum(dim=[-2, -1])
    if not separate_full_blocks:
        return (kept > 0).to(ember.int8), None
    full = Q_BLOCK_SIZE * KV_BLOCK_SIZE
    return ((kept > 0) & (kept < full)).to(ember.int8), (kept == full).to(ember.int8)


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device=None, BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE,
                      _compile=False, separate_full_blocks=True, compute_dq_write_order=False, dq_kv_order=True):
    """A :class:`BlockMask` from a ``mask_mod``: the mask is evaluated at every position and summarised
    per ``BLOCK_SIZE`` tile (skipped, partly kept, or, with ``separate_full_blocks``, fully kept).

    Args:
        mask_mod (Callable): ``mask_mod(b, h, q_idx, kv_idx) -> bool`` tensor.
        B (int): batch size (None: one mask for every batch). H (int): heads (None: one for every head).
        Q_LEN (int): query length. KV_LEN (int): key/value length.
        device: where to make it (default: the current accelerator, else the CPU).
        BLOCK_SIZE (int or tuple): tile size ``(Q_BLOCK_SIZE, KV_BLOCK_SIZE)``, or one size for both.
        separate_full_blocks (bool): list fully kept tiles apart (default True).
        compute_dq_write_order (bool): PyTorch's GPU-kernel metadata for a deterministic backward; ember's
            backward is deterministic without it, so only False is accepted.
        dq_kv_order (bool): the order for that metadata (checked to be a bool).

    Returns:
        BlockMask.

    Example::

        >>> bm = create_block_mask(lambda b, h, q, kv: q >= kv, 1, 1, 256, 256, device='cpu')
        >>> bm.sparsity()
        25.0
        >>> print(bm)  # doctest: +NORMALIZE_WHITESPACE
        BlockMask(shape=(1, 1, 256, 256), sparsity=25.00%,
        (0, 0)
        ██
        ████
        )
    """
    device = device if device is not None else (ember.accelerator.current_accelerator() or 'cpu')
    if not _positional_count(mask_mod) == 4:
        raise AssertionError(f"create-block_mask requires a mask_mod function! Got {mask_mod}")
    B, H = B or 1, H or 1
    Q_BLOCK_SIZE, KV_BLOCK_SIZE = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else BLOCK_SIZE
    if _compile:
        warnings.warn("_compile flag on create_block_mask was originally added to work around a torch.compile "
                      "limitation. That limitation has since been addressed. So, to compile create_block_mask, we "
                      "suggest doing torch.compile(create_block_mask). This still works for now, but will be removed "
                      "in the future.", DeprecationWarning, stacklevel=2)
    if not isinstance(dq_kv_order, bool):
        raise ValueError("dq_kv_order must be a bool when using create_block_mask")
    if compute_dq_write_order:
        raise NotImplementedError("compute_dq_write_order=True describes PyTorch's CUDA kernels' deterministic "
                                  "backward; ember's flex attention is deterministic without it")
    mask = create_mask(mask_mod, B, H, Q_LEN, KV_LEN, device)
    partial, full = _convert_mask_to_block_mask(mask, Q_BLOCK_SIZE, KV_BLOCK_SIZE, separate_full_blocks)
    partial_bm = _dense_to_ordered(partial)
    full_bm = _dense_to_ordered(full) if full is not None else (None, None)
    return BlockMask.from_kv_blocks(partial_bm[0], partial_bm[1], full_bm[0], full_bm[1],
                                    BLOCK_SIZE=(Q_BLOCK_SIZE, KV_BLOCK_SIZE), mask_mod=mask_mod,
                                    seq_lengths=(Q_LEN, KV_LEN))


def _create_empty_block_mask(query, key):
    """The BlockMask of no mask: one block covering everything."""
    device = query.device
    return BlockMask.from_kv_blocks(kv_num_blocks=ember.ones([1, 1, 1], dtype=ember.int32, device=device),
                                    kv_indices=ember.zeros([1, 1, 1, 1], dtype=ember.int32, device=device),
                                    BLOCK_SIZE=_LARGE_SPARSE_BLOCK_SIZE, seq_lengths=(1, 1))


_warned = set()


def _warn_once(key, message, category):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, category, stacklevel=3)


def _check_inputs(query, key, value, block_mask, enable_gqa):
    for name, t in (('query', query), ('key', key), ('value', value)):
        if t.is_nested:
            raise NotImplementedError("flex_attention does not support NestedTensor inputs, including "
                                      "torch.compile(flex_attention) with jagged NestedTensor inputs. Convert inputs "
                                      "to dense tensors before calling flex_attention.")
    if query.device != key.device or query.device != value.device:
        raise ValueError(f"Expected query, key, and value to have the same device type, but got query.device: "
                         f"{query.device}, key.device: {key.device}, and value.device: {value.device} instead.")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise ValueError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                         f"{query.dim()}, key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if query.size(-1) != key.size(-1):
        raise ValueError(f"Expect query and key/value to have the same embedding dimension but got "
                         f"E={query.size(-1)} and E={key.size(-1)}.")
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        raise NotImplementedError("NYI: query, key, and value must be 4D tensors")
    if not enable_gqa and query.size(-3) != key.size(-3):
        raise ValueError(f"Expect query and key/value to have the same number of heads but got "
                         f"Hq={query.size(-3)} and Hkv={key.size(-3)}. Try setting enable_gqa=True for GQA.")
    if enable_gqa and query.size(1) % key.size(1) != 0:
        raise ValueError(f"Expect number of query heads to be a multiple of kv heads for GQA but got "
                         f"Hq={query.size(1)} and Hkv={key.size(1)}.")
    if query.size(0) != key.size(0):
        if block_mask is None:
            raise ValueError(f"Expect query and key/value to have the same batch size, or non-none block_mask, but "
                             f"got block_mask=None, Bq={query.size(0)}, and Bkv={key.size(0)}.")
        if block_mask.kv_num_blocks.size(0) != query.size(0):
            raise ValueError(f"Expect query and key/value to have the same batch size, or block_mask and query to "
                             f"have the same batch size, but got Bq={query.size(0)}, Bkv={key.size(0)}, "
                             f"B_block_mask={block_mask.kv_num_blocks.size(0)}.")


def _check_block_mask(block_mask, query, key):
    if block_mask.mask_mod is _sliced_mask_mod_error:
        raise RuntimeError("Cannot use mask_mod from a sliced BlockMask")
    if tuple(block_mask.BLOCK_SIZE) == (_LARGE_SPARSE_BLOCK_SIZE, _LARGE_SPARSE_BLOCK_SIZE):
        return
    q_len, kv_len = block_mask.shape[-2], block_mask.shape[-1]
    if query.size(-2) > q_len or key.size(-2) > kv_len:
        raise ValueError(f"block_mask was created for block_mask.shape={block_mask.shape} but got "
                         f"q_len={query.size(-2)} and kv_len={key.size(-2)}. As the block mask was created for a "
                         "smaller length than you're using it for, you likely need to create a new block mask.")
    if query.size(-2) < q_len or key.size(-2) < kv_len:
        raise ValueError(f"block_mask was created for block_mask.shape={block_mask.shape} but got "
                         f"q_len={query.size(-2)} and kv_len={key.size(-2)}. As the block mask was created for a "
                         "larger length than you're using it for, you can either 1. create a new block mask with the "
                         "correct length, or 2. 'adjust' the existing block mask to the correct length by calling "
                         "block_mask._adjust(q_len, kv_len). This essentially 'crops' the block mask to the upper "
                         "left corner, which does not work for all mask_mods!")


def _check_options(kernel_options, return_lse, return_aux):
    options = {} if kernel_options is None else dict(kernel_options)
    if 'BACKEND' in options and options.get('FORCE_USE_FLEX_ATTENTION', False):
        raise RuntimeError("BACKEND cannot be combined with legacy FORCE_USE_FLEX_ATTENTION. BACKEND supersedes the "
                           "legacy knob; please drop FORCE_USE_FLEX_ATTENTION and only specify the desired BACKEND.")
    if 'BACKEND' in options and options['BACKEND'] not in typing.get_args(_Backend):
        raise ValueError(f"Invalid BACKEND value '{options['BACKEND']}'. Must be one of {typing.get_args(_Backend)}")
    for internal in ('OUTPUT_LOGSUMEXP', 'OUTPUT_MAX'):
        if internal in options:
            raise AssertionError(f"{internal} must not be in kernel_options")
    if return_aux is not None and return_aux.max_scores:
        if options.get('BACKEND') == 'FLASH':
            raise NotImplementedError("Returning max scores is not supported with BACKEND='FLASH'. Use "
                                      "return_aux=AuxRequest(lse=True) or omit max_scores.")
        raise NotImplementedError("Returning max scores is not supported on CPU/MPS.")
    if return_lse and return_aux is not None:
        raise ValueError("Cannot specify both return_lse and return_aux. return_lse is deprecated, please use "
                         "return_aux=AuxRequest(lse=True) instead.")
    if return_lse:
        _warn_once('deprecated_return_lse', "return_lse is deprecated and will be removed in v2.10. Please use "
                   "return_aux=AuxRequest(lse=True) instead.", FutureWarning)


def _block_layout(block_mask, B, H, L, S):
    """Which positions the BlockMask's listed blocks cover, ``(B or 1, H or 1, L, S)``; None for the
    single block of "no mask"."""
    if tuple(block_mask.BLOCK_SIZE) == (_LARGE_SPARSE_BLOCK_SIZE, _LARGE_SPARSE_BLOCK_SIZE):
        return None
    dense = block_mask.to_dense().bool()
    while dense.dim() < 4:
        dense = dense.unsqueeze(0)
    q_block, kv_block = block_mask.BLOCK_SIZE
    dense = dense.repeat_interleave(q_block, dim=-2).repeat_interleave(kv_block, dim=-1)
    return dense[..., :L, :S]


def _attention(query, key, value, score_mod, block_mask, scale):
    """PyTorch's unfused flex attention: every score, modified and masked, then a safe softmax. Positions
    outside the BlockMask's listed blocks are masked too, as PyTorch's compiled kernels skip them
    (its unfused path applies ``mask_mod`` alone; the two agree for masks made by create_block_mask)."""
    from ember.ops.attention import _safe_softmax
    groups = query.size(1) // key.size(1)
    key = ember.repeat_interleave(key, groups, dim=1)
    value = ember.repeat_interleave(value, groups, dim=1)
    Bq, Bkv = query.size(0), key.size(0)
    if not (Bq == Bkv or (Bq > 1 and Bkv == 1)):
        raise RuntimeError(f"Bq and Bkv must broadcast. Got Bq={Bq} and Bkv={Bkv}")
    key = key.expand((Bq, *key.size()[1:]))
    value = value.expand((Bq, *value.size()[1:]))
    working = ember.float64 if query.dtype == ember.float64 else ember.float32
    scores = query.to(working) @ key.to(working).transpose(-2, -1)
    b, h, m, n = _indices(*scores.shape, scores.device)
    scores = (scores * scale).to(working)
    keep = _vmap_for_bhqkv(block_mask.mask_mod, prefix=())(b, h, m, n)
    layout = _block_layout(block_mask, *scores.shape)
    if layout is not None:
        keep = keep & layout
    modified = _vmap_for_bhqkv(score_mod, prefix=(0,))(scores, b, h, m, n)
    post = ember.where(keep, modified, ember.tensor(-float('inf'), dtype=working, device=scores.device))
    dead = ember.all(post == -float('inf'), dim=-1)
    # PyTorch's reference reports the log-sum-exp in base 2 and converts back: the same rounding here
    lse = ember.where(dead, -float('inf'), post.logsumexp(dim=-1)) / math.log(2) * math.log(2)
    return _safe_softmax(post).to(query.dtype) @ value.to(query.dtype), lse


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None, *, return_aux=None):
    """Scaled dot product attention with user-modified scores and a block-sparse mask.

    ``score_mod(score, b, h, q_idx, kv_idx)`` returns the new score of one position (e.g. a relative
    position bias ``score + (q_idx - kv_idx)``); the positions where ``block_mask.mask_mod(b, h, q_idx,
    kv_idx)`` is False, and those in blocks the mask does not list, are left out of the softmax (a query
    that keeps none gets zeros). Both functions are written for one position and run over all of them
    with ``vmap``. Unlike PyTorch on the CPU, ember computes gradients (with respect to the query, key,
    value and tensors ``score_mod`` uses), and honours the block layout as PyTorch's compiled kernels
    do (its unfused CPU path applies ``mask_mod`` alone; they agree for masks from create_block_mask).

    Args:
        query (Tensor): ``(B, Hq, L, E)``.
        key (Tensor): ``(B, Hkv, S, E)``.
        value (Tensor): ``(B, Hkv, S, Ev)``.
        score_mod (Callable, optional): the score modification (default: none).
        block_mask (BlockMask, optional): from :func:`create_block_mask` (default: no mask).
        scale (float, optional): the scores' factor (default ``1 / sqrt(E)``).
        enable_gqa (bool): share each key/value head among ``Hq // Hkv`` query heads.
        return_lse (bool): also return the log-sum-exp of the scores (deprecated: ``return_aux``).
        kernel_options (dict, optional): PyTorch's compiled-kernel tuning options
            (:class:`FlexKernelOptions`): checked as PyTorch checks them; they do not change results.
        return_aux (AuxRequest, optional): which auxiliary outputs to return (``lse``; ``max_scores`` is
            refused on the CPU, as in PyTorch).

    Returns:
        Tensor ``(B, Hq, L, Ev)``; with ``return_lse`` also the log-sum-exp ``(B, Hq, L)``; with
        ``return_aux`` an :class:`AuxOutput` instead.

    Example::

        >>> q = ember.arange(16.).reshape(1, 1, 4, 4).sin()
        >>> causal = create_block_mask(lambda b, h, qi, ki: qi >= ki, None, None, 4, 4, device='cpu')
        >>> out = flex_attention(q, q, q, score_mod=lambda s, b, h, qi, ki: s - (qi - ki), block_mask=causal)
        >>> out[0, 0, 1]
        tensor([-0.6986, -0.8205, -0.1880,  0.6173])
    """
    _check_inputs(query, key, value, block_mask, enable_gqa)
    score_mod = _identity if score_mod is None else score_mod
    block_mask = _create_empty_block_mask(query, key) if block_mask is None else block_mask
    _check_block_mask(block_mask, query, key)
    if scale is None:
        scale = 1.0 / math.sqrt(query.size(-1))
    if query.device != block_mask.kv_num_blocks.device:
        raise RuntimeError(f"Expect q/k/v and block_mask to be on the same device but got {query.device} and "
                           f"{block_mask.kv_num_blocks.device}.")
    _check_options(kernel_options, return_lse, return_aux)
    out, lse = _attention(query, key, value, score_mod, block_mask, scale)
    if return_aux is not None:
        return out, AuxOutput(lse=lse if return_aux.lse else None, max_scores=None)
    return (out, lse) if return_lse else out
