"""Autocast's state and per-op dtype policies, applied where ops are entered.

PyTorch runs each op under autocast in a dtype chosen by a per-device policy (its autocast_mode.cpp):

- ``lower``: floating inputs (not float64) are cast to the autocast dtype (matmuls, convolutions);
- ``fp32``: floating inputs (not float64) are cast to float32 (losses, reductions, linear algebra);
- ``fp32_opt_dtype``: as ``fp32`` unless the call passes ``dtype=`` (softmax, sum, ... on CUDA);
- ``promote``: floating inputs are cast to the widest floating dtype among them (cat, stack, ...).

:func:`install` wraps the registered op functions named in the tables below, once, before any
namespace binds them, and rebinds their module attribute too, so that ``ember.mm``, ``Tensor.mm``,
``a @ b`` and calls from inside other ops (``einsum`` reaching ``bmm``, as in PyTorch) all pass
through the policy. With autocast off a wrapped op costs one global read more. While a policy runs
its op, autocast is off for that device (PyTorch's dispatch-key exclusion), so the op's own
building blocks are not cast again.
"""
import functools
import sys
import threading

from ember._dtype import float16, float32, float64, promote_types
from ember.ops import _argparse

LOWER, FP32, FP32_OPT_DTYPE, PROMOTE = 'lower', 'fp32', 'fp32_opt_dtype', 'promote'


def _pad_policy(args, kwargs):
    # only the reflection and replication pads are float32 ops; constant padding keeps its dtype
    mode = kwargs.get('mode', args[2] if len(args) > 2 else 'constant')
    return FP32 if mode in ('reflect', 'replicate') else None


def _einsum_policy(args, kwargs):
    # PyTorch contracts two or more operands with bmm, which autocast lowers; one operand stays as is
    operands = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
    return LOWER if len(operands) > 1 else None


def _interpolate_policy(args, kwargs):
    mode = kwargs.get('mode', args[3] if len(args) > 3 else 'nearest')
    return None if mode == 'area' else FP32


def _table(**groups):
    table = {}
    for policy, names in groups.items():
        for name in names.split():
            table[name] = policy
    return table


# Names are ember's function names; linalg/fft functions carry their namespace as a prefix
# (``linalg_inv``, ``fft_rfft``). Where ember's name differs from PyTorch's kernel: cross_entropy is
# cross_entropy_loss, grid_sample is grid_sampler, pad stands for the reflection/replication pads.
_CPU = _table(
    lower="""conv1d conv2d conv3d bmm mm linalg_vecdot baddbmm addmm addbmm linear matmul conv_tbc
             conv_transpose1d conv_transpose2d conv_transpose3d prelu scaled_dot_product_attention""",
    fp32="""avg_pool3d binary_cross_entropy grid_sample polar prod quantile nanquantile stft cdist trace
            view_as_complex cholesky cholesky_inverse cholesky_solve inverse lu_solve orgqr ormqr pinverse
            max_pool3d max_unpool2d max_unpool3d adaptive_avg_pool3d mse_loss cosine_embedding_loss nll_loss
            hinge_embedding_loss poisson_nll_loss smooth_l1_loss cross_entropy l1_loss huber_loss
            margin_ranking_loss soft_margin_loss triplet_margin_loss multi_margin_loss ctc_loss kl_div
            multilabel_margin_loss binary_cross_entropy_with_logits fft_fft fft_ifft fft_fft2 fft_ifft2
            fft_fftn fft_ifftn fft_rfft fft_irfft fft_rfft2 fft_irfft2 fft_rfftn fft_irfftn fft_hfft fft_ihfft
            linalg_cond linalg_matrix_rank linalg_solve linalg_cholesky linalg_svdvals linalg_eigvals
            linalg_eigvalsh linalg_inv linalg_householder_product linalg_tensorinv linalg_tensorsolve geqrf qr
            svd triangular_solve fractional_max_pool2d fractional_max_pool3d adaptive_max_pool3d linalg_qr
            linalg_cholesky_ex linalg_svd linalg_eig linalg_eigh linalg_lstsq linalg_inv_ex""",
    promote="stack cat index_copy",
)
_CPU['pad'] = _pad_policy
# NOTE: not in PyTorch's CPU list, but its einsum and tensordot compute with bmm/mm, which are: the
# outputs come out in the lower precision, so ember (whose kernels call NumPy directly) lowers them here
_CPU['einsum'] = _einsum_policy
_CPU['tensordot'] = LOWER

_CUDA = _table(
    lower="""conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d prelu addmm addmv
             addr matmul einsum mm mv linalg_vecdot linear addbmm baddbmm bmm chain_matmul linalg_multi_dot
             lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell scaled_dot_product_attention""",
    fp32="""acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow softplus layer_norm
            group_norm norm cosine_similarity poisson_nll_loss cosine_embedding_loss nll_loss hinge_embedding_loss
            kl_div l1_loss smooth_l1_loss huber_loss mse_loss margin_ranking_loss multilabel_margin_loss
            soft_margin_loss triplet_margin_loss multi_margin_loss binary_cross_entropy_with_logits dist pdist
            cdist renorm logsumexp cross_entropy""",
    fp32_opt_dtype="prod softmax log_softmax cumprod cumsum linalg_vector_norm linalg_matrix_norm sum",
    promote="addcdiv addcmul atan2 bilinear cross dot vdot grid_sample index_put tensordot scatter_add",
)
_CUDA['interpolate'] = _interpolate_policy

POLICIES = {'cpu': _CPU, 'cuda': _CUDA}


def _default_cpu_dtype():
    import ember
    return ember.bfloat16 if ember._dtype.HAS_BFLOAT16 else None   # bfloat16 needs ml_dtypes


class _State(threading.local):
    """Autocast settings of the current thread (PyTorch's are thread-local too)."""

    def __init__(self):
        self.enabled = {'cpu': False, 'cuda': False}
        self.dtype = {'cpu': None, 'cuda': float16}     # cpu: bfloat16 when ember has it (filled lazily)
        self.cache_enabled = True
        self.nesting = 0
        self.cache = {}


state = _State()
# NOTE: how many (thread, device) pairs have autocast on. A wrapped op reads only this global while it
# is 0; the thread-local state is consulted only when some thread has autocast on.
_enabled_count = 0
_count_lock = threading.Lock()


def set_enabled(device_type, enabled):
    global _enabled_count
    enabled = bool(enabled)
    was = state.enabled.get(device_type, False)
    state.enabled[device_type] = enabled
    if was != enabled:
        with _count_lock:
            _enabled_count += 1 if enabled else -1


def get_dtype(device_type):
    dtype = state.dtype.get(device_type)
    if dtype is None and device_type == 'cpu':
        dtype = _default_cpu_dtype()
    return dtype


def clear_cache():
    state.cache.clear()


def _device_type_of(args, kwargs):
    from ember._tensor import Tensor
    for a in args:
        if isinstance(a, Tensor):
            return a._device.type
        if isinstance(a, (list, tuple)):
            for b in a:
                if isinstance(b, Tensor):
                    return b._device.type
    for a in kwargs.values():
        if isinstance(a, Tensor):
            return a._device.type
    return None


def _eligible(x, device_type):
    from ember._tensor import Tensor
    return (isinstance(x, Tensor) and x.is_floating_point() and x.dtype is not float64
            and x._device.type == device_type)


def _cast(x, dtype, device_type):
    """``x`` cast to ``dtype`` when eligible; the lower-precision copies of float32 leaf tensors that
    require grad (the weights) are cached until the outermost autocast region exits."""
    if isinstance(x, (list, tuple)):
        return type(x)(_cast(v, dtype, device_type) for v in x)
    if not _eligible(x, device_type) or x.dtype is dtype:
        return x
    if (state.cache_enabled and dtype is not float32 and x.dtype is float32 and x.requires_grad and x.is_leaf
            and x._base is None):
        hit = state.cache.get(id(x))
        if hit is not None and hit[0] is x:
            return hit[1]
        cast = x.to(dtype)
        state.cache[id(x)] = (x, cast)
        return cast
    return x.to(dtype)


def _widest(values, device_type, widest=None):
    for v in values:
        if isinstance(v, (list, tuple)):
            widest = _widest(v, device_type, widest)
        elif _eligible(v, device_type):
            widest = v.dtype if widest is None else promote_types(widest, v.dtype)
    return widest


def _run(fn, policies, args, kwargs):
    device_type = _device_type_of(args, kwargs)
    if device_type is None or not state.enabled.get(device_type):
        return fn(*args, **kwargs)
    policy = policies.get(device_type)
    if callable(policy):
        policy = policy(args, kwargs)
    if policy is None:
        return fn(*args, **kwargs)
    if policy is LOWER:
        dtype = get_dtype(device_type)
    elif policy is PROMOTE:
        dtype = _widest(list(args) + list(kwargs.values()), device_type)
    elif policy is FP32_OPT_DTYPE and kwargs.get('dtype') is not None:
        dtype = None
    else:
        dtype = float32
    if dtype is not None:
        args = tuple(_cast(a, dtype, device_type) for a in args)
        kwargs = {k: _cast(v, dtype, device_type) for k, v in kwargs.items()}
    state.enabled[device_type] = False
    try:
        return fn(*args, **kwargs)
    finally:
        state.enabled[device_type] = True


def _wrap(fn, policies):
    @functools.wraps(fn)
    def autocast_policy(*args, **kwargs):
        try:
            if not _enabled_count:
                return fn(*args, **kwargs)
            return _run(fn, policies, args, kwargs)
        except _argparse.FAILURES:     # arguments PyTorch refuses get its error (costs nothing otherwise)
            kwargs = _argparse.refuse(fn, args, kwargs)
            if kwargs is None:
                raise
        return autocast_policy(*args, **kwargs)     # once more, with NumPy's keyword names renamed
    autocast_policy.autocast_policies = policies
    return autocast_policy


def _key(entry):
    for namespace in ('linalg', 'fft'):
        if namespace in entry.exports and 'ember' not in entry.exports:
            return f'{namespace}_{entry.name}'
    return entry.name


def install(registry):
    """Wrap every registered op that has a policy on some device (called once, before binding)."""
    wrapped = {}
    named = set().union(*POLICIES.values())     # (most of the ~700 ops have no policy: one set test each)
    for entry in registry:
        key = _key(entry)
        if key not in named or hasattr(entry.fn, 'autocast_policies'):
            continue
        policies = {device: table[key] for device, table in POLICIES.items() if key in table}
        fn = entry.fn
        if entry.inplace:
            # in-place variants are not autocast (as in PyTorch): make them from the plain function now
            from ember.ops._registry import inplace_variant
            inplace_variant(entry)
        entry.fn = wrapped[id(fn)] = _wrap(fn, policies)
    # NOTE: ops that call others (attention's linear and bmm, rnn's cat) reach the wrapped versions,
    # whatever name they imported them under, as PyTorch's composite ops reach autocast's kernels
    for name, module in list(sys.modules.items()):
        if module is None or not (name == 'ember' or name.startswith('ember.')):
            continue
        namespace = vars(module)
        for attr, value in list(namespace.items()):
            wrapper = wrapped.get(id(value))
            if wrapper is not None and wrapper.__wrapped__ is value:
                namespace[attr] = wrapper
