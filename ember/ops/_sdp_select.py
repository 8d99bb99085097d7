"""Which implementation ``scaled_dot_product_attention`` may use on the CPU, under the switches that
``ember.backends.cuda.enable_*_sdp`` and ``ember.nn.attention.sdpa_kernel`` set (PyTorch's CPU rules: the
fused "flash" kernel when its constraints hold and it is enabled, else the math composition when enabled;
the memory-efficient and cuDNN kernels exist only for CUDA)."""
import warnings

# the switches ``ember.backends.cuda.enable_*_sdp`` set (kept here, so that attention needs no import of
# ember.backends and its fifteen modules until a script touches them)
ENABLED = {'flash': True, 'mem_efficient': True, 'math': True, 'cudnn': True, 'overrideable': True}
_sdp = ENABLED

_FLOATS = ('float32', 'float64', 'bfloat16', 'float16')
_CPP_DTYPES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
               'int64': 'long int', 'int32': 'int', 'int16': 'short int', 'int8': 'signed char',
               'uint8': 'unsigned char', 'bool': 'bool'}


def flash_unusable(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Why the fused CPU kernel cannot run these inputs (PyTorch's first failing check), or None."""
    if not _sdp['flash']:
        return "Flash attention has been runtime disabled."
    if dropout_p > 0.0:
        return "Both fused kernels do not support non-zero dropout."
    if not query.ndim == key.ndim == value.ndim == 4:
        return ("All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: "
                f"{query.ndim}, Key dim: {key.ndim}, Value dim: {value.ndim} instead.")
    if not query.shape[0] == key.shape[0] == value.shape[0]:
        return ("For dense inputs, both fused kernels require query, key and value to have the same batch_size. "
                f"Query.sizes(): {list(query.shape)}, Key.sizes(): {list(key.shape)}, Value.sizes(): "
                f"{list(value.shape)} instead. To broadcast dense inputs, try using unsqueeze and expand_to before "
                "passing them into the kernel.")
    heads_differ = query.shape[1] % key.shape[1] if enable_gqa else query.shape[1] != key.shape[1]
    if key.shape[1] != value.shape[1] or heads_differ:
        return ("For dense input, both fused kernels require query, key and value to have the same num_heads. "
                f"Query.sizes(): {list(query.shape)}, Key sizes(): {list(key.shape)}, Value sizes(): "
                f"{list(value.shape)} instead. To broadcast dense inputs, try using unsqueeze and expand_to before "
                "passing them into the kernel.")
    if attn_mask is not None and attn_mask.ndim not in (2, 4):
        return ("Please use the following attn mask shapes: 2d - ({Q_seq_len, 1}  x {KV_seq_len, 1}); 4d - "
                "({Batch, 1} x {Num_heads, 1} x {Q_seq_len, 1}  x {KV_seq_len, 1})")
    if attn_mask is not None and attn_mask.requires_grad:
        return ""  # PyTorch refuses a mask that needs a gradient without saying why
    if not query.shape[-1] == key.shape[-1] == value.shape[-1]:
        return ("Flash attention requires q,k,v to have the same last dimension. Got Query.size(-1): "
                f"{query.shape[-1]}, Key.size(-1): {key.shape[-1]}, Value.size(-1): {value.shape[-1]} instead.")
    strides = [t.stride(-1) for t in (query, key, value)]
    if any(s != 1 and t.shape[-1] != 1 for s, t in zip(strides, (query, key, value))):
        return ("All fused kernels require the last dimension of the input to have stride 1. Got Query.stride(-1): "
                f"{strides[0]}, Key.stride(-1): {strides[1]}, Value.stride(-1): {strides[2]}")
    names = [t.dtype.name for t in (query, key, value)]
    if not (names[0] == names[1] == names[2] and names[0] in _FLOATS):
        q, k, v = (_CPP_DTYPES.get(n, n) for n in names)
        return ("Expected query, key and value to all be of dtype: {Float, Double, BFloat16, Half}. Got Query "
                f"dtype: {q}, Key dtype: {k}, and Value dtype: {v} instead.")
    return None


def choose(query, key, value, attn_mask, dropout_p, enable_gqa):
    """'flash' or 'math', or PyTorch's error when the enabled implementations cannot run these inputs."""
    if not _sdp['math'] and not _sdp['flash']:
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This is likely due to "
                           "turning off both the math kernel and the fused kernels.")
    reason = flash_unusable(query, key, value, attn_mask, dropout_p, enable_gqa)
    if reason is None:
        return 'flash'
    if _sdp['math']:
        return 'math'
    warnings.warn("Flash attention kernel not used because:", stacklevel=4)
    if reason:
        warnings.warn(reason, stacklevel=4)
    raise RuntimeError("No available kernel.  Aborting execution.")
