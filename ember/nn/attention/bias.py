"""Causal attention biases that ``scaled_dot_product_attention`` understands without a materialized mask
(PyTorch's ``torch.nn.attention.bias``)."""
import warnings
from enum import IntEnum, auto

import ember
from ember._tensor import Tensor
from ember._torch_function import _disabled_torch_function_impl

__all__ = ['causal_upper_left', 'causal_lower_right', 'CausalVariant', 'CausalBias']


class CausalVariant(IntEnum):
    """Where a causal bias's triangle is anchored.

    ``UPPER_LEFT``: ``tril(ones(L, S))``, query ``i`` sees keys ``0..i`` (``is_causal=True``).
    ``LOWER_RIGHT``: ``tril(ones(L, S), diagonal=S - L)``, the last query sees every key (as when the queries
    are the last ``L`` positions of a sequence of ``S``, e.g. decoding with a cache). The two agree when
    ``L == S``.
    """
    UPPER_LEFT = auto()
    LOWER_RIGHT = auto()


class CausalBias(Tensor):
    """A causal attention bias: pass it as ``attn_mask`` of ``scaled_dot_product_attention``. Make one with
    :func:`causal_upper_left` or :func:`causal_lower_right`.

    Args:
        variant (CausalVariant): the triangle's anchor.
        seq_len_q (int): the query sequence length ``L``.
        seq_len_kv (int): the key/value sequence length ``S``.
    """

    # results of ops that take a bias (attention's output) are plain tensors, as PyTorch's CausalBias
    # hands scaled_dot_product_attention its own dispatch; a CausalBias made by an op would lack its lengths
    __torch_function__ = _disabled_torch_function_impl

    def __new__(cls, variant, seq_len_q, seq_len_kv):
        return cls._from(ember.empty(0))

    def __init__(self, variant, seq_len_q, seq_len_kv):
        if not isinstance(variant, CausalVariant):
            raise AssertionError(f"variant must be a CausalVariant, got {type(variant).__name__}")
        self.variant = variant
        self.seq_len_q = seq_len_q
        self.seq_len_kv = seq_len_kv
        if seq_len_q > seq_len_kv and variant == CausalVariant.LOWER_RIGHT:
            warnings.warn("Lower right causal bias will produce NaNs in the output when seq_len_q > seq_len_kv!",
                          stacklevel=2)

    def _materialize(self, device=None):
        """The bias as a boolean mask (True where a query may attend), on ``device`` (default CPU)."""
        ones = ember.ones(self.seq_len_q, self.seq_len_kv, dtype=ember.bool, device=device or 'cpu')
        if self.variant == CausalVariant.UPPER_LEFT:
            return ember.tril(ones)
        return ember.tril(ones, diagonal=self.seq_len_kv - self.seq_len_q)

    def _sdpa(self, query, key, value, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
        """``scaled_dot_product_attention`` with this bias as its mask."""
        if is_causal:
            raise ValueError("CausalBias should not be used with causal=True")
        from ember.nn.functional import scaled_dot_product_attention as sdpa
        if self.seq_len_q == self.seq_len_kv or self.variant == CausalVariant.UPPER_LEFT:
            return sdpa(query, key, value, attn_mask=None, dropout_p=dropout_p, is_causal=True, scale=scale,
                        enable_gqa=enable_gqa)
        return sdpa(query, key, value, attn_mask=self._materialize(query.device), dropout_p=dropout_p,
                    is_causal=False, scale=scale, enable_gqa=enable_gqa)

    def __repr__(self):
        return repr(self._materialize())


def causal_upper_left(*size):
    """A causal bias anchored at the upper left: the same as ``is_causal=True``.

    Args:
        size: ``(seq_len_q, seq_len_kv)``.

    Returns:
        CausalBias: the ``UPPER_LEFT`` variant.

    Example::

        >>> from ember.nn.attention.bias import causal_upper_left
        >>> causal_upper_left(3, 4)
        tensor([[ True, False, False, False],
                [ True,  True, False, False],
                [ True,  True,  True, False]])
    """
    if len(size) != 2:
        raise AssertionError("causal_upper_left only supports 2D tensors")
    return CausalBias(CausalVariant.UPPER_LEFT, *size)


def causal_lower_right(*size):
    """A causal bias anchored at the lower right: query ``i`` of ``L`` sees keys ``0..i + S - L``.

    Args:
        size: ``(seq_len_q, seq_len_kv)``.

    Returns:
        CausalBias: the ``LOWER_RIGHT`` variant.

    Example::

        >>> from ember.nn.attention.bias import causal_lower_right
        >>> causal_lower_right(3, 4)
        tensor([[ True,  True, False, False],
                [ True,  True,  True, False],
                [ True,  True,  True,  True]])
    """
    if len(size) != 2:
        raise AssertionError("causal_lower_right only supports 2D tensors")
    return CausalBias(CausalVariant.LOWER_RIGHT, *size)
