"""The op families, one per file. Importing this package registers every op (see ``_registry``)."""
from ember.ops import (activation, arith, arrange, attention, compare, conv, convert, creation,  # noqa: F401
                       distance, dropout, embedding, index, inplace, inplace_views, linalg, linear, loss, norm,
                       padding, pixelshuffle, pointwise, pooling, random, reduce, rnn, scatter_reduce, shape, stats, tensor_extras, torch_nn_spellings, unary, upsample,
                       windows)
from ember.ops import ctc, fractional_pool, grid_sample, pooling3d, rms_norm, weight_norm  # noqa: F401  (the nn families added later)
from ember.ops import grouped_mm, linear_cross_entropy, torch_nn_natives  # noqa: F401,E402
from ember.ops import complex  # noqa: F401,E402
from ember.ops import linalg_decomp, linalg_ldl, linalg_lu, linalg_misc, linalg_norms, linalg_solve, special  # noqa: F401,E402
from ember.ops import binomial, fft, hash_tensor, lobpcg, lowrank, sample_grads, spectral, vander  # noqa: F401,E402
from ember.ops import segment  # noqa: F401,E402
from ember.ops import fake_quant  # noqa: F401,E402

# autocast's per-op policies wrap the ops they name, before any namespace binds them
from ember import _autocast  # noqa: E402
from ember.ops._registry import REGISTRY as _REGISTRY  # noqa: E402
_autocast.install(_REGISTRY)
# the kernels PyTorch refuses for uint16/32/64 refuse here too, before any namespace binds them
from ember.ops import _barebones  # noqa: E402
_barebones.install(_REGISTRY)


def __getattr__(name):
    # ember.ops.<namespace>.<op> (torch.ops...): operators of ember.library, and aten for ember's own
    if name.startswith('_'):
        raise AttributeError(f"module 'ember.ops' has no attribute '{name}'")
    from ember.library import _ops_namespace
    return _ops_namespace(name)
