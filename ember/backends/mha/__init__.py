"""The fast path of ``nn.MultiheadAttention`` and the Transformer layers in inference: PyTorch then runs
fused kernels (same results up to rounding). ember has one implementation of these layers, so the switch
is remembered for scripts that set it and selects nothing."""

_fastpath = [True]


def get_fastpath_enabled():
    """Whether the layers may take their inference fast path (default ``True``)."""
    return _fastpath[0]


def set_fastpath_enabled(value):
    """Allow or forbid the inference fast path (see the module's docstring)."""
    _fastpath[0] = bool(value)
