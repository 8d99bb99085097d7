"""ember.nn.functional: the stateless functions behind the nn layers (PyTorch's ``torch.nn.functional``).

The math lives in ``ember.ops``; this module gathers it under PyTorch's names and adds the
argument handling that belongs to the functional API (implicit softmax dims, ``inplace=``).

>>> import ember.nn.functional as F
>>> F.relu(ember.tensor([-1., 2.]))
tensor([0., 2.])
"""
import warnings

from ember.ops import activation as _act
from ember.ops.activation import (  # noqa: F401
    relu, relu_, leaky_relu, leaky_relu_, elu, elu_, selu, selu_, celu, celu_, gelu, silu, mish, hardtanh,
    hardtanh_, relu6, hardsigmoid, hardswish, softplus, logsigmoid, softsign, tanhshrink, softshrink, hardshrink,
    threshold, threshold_, glu, prelu, rrelu, rrelu_, gumbel_softmax)
from ember.ops.distance import normalize, cosine_similarity, pairwise_distance, pdist  # noqa: F401
from ember.ops.dropout import (dropout, dropout1d, dropout2d, dropout3d, alpha_dropout,  # noqa: F401
                               feature_alpha_dropout)
from ember.ops.embedding import embedding, embedding_bag, one_hot  # noqa: F401
from ember.ops.linear import linear, bilinear  # noqa: F401
from ember.ops.padding import pad  # noqa: F401
from ember.ops.pixelshuffle import pixel_shuffle, pixel_unshuffle, channel_shuffle  # noqa: F401
from ember.ops.unary import sigmoid, tanh  # noqa: F401
from ember.ops.upsample import interpolate, upsample, upsample_nearest, upsample_bilinear  # noqa: F401


def _implicit_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (numerically stable)."""
    if dim is None:
        dim = _implicit_dim('softmax', input.ndim, _stacklevel)
    return _act.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, finite for any finite logits."""
    if dim is None:
        dim = _implicit_dim('log_softmax', input.ndim, _stacklevel)
    return _act.log_softmax(input, dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``."""
    if dim is None:
        dim = _implicit_dim('softmin', input.ndim, _stacklevel)
    return _act.softmin(input, dim, dtype=dtype)


def tanh_(input):
    return input.tanh_()


def sigmoid_(input):
    return input.sigmoid_()


# NOTE: the other nn families define their functions in their own ops files; their ``__all__``
# makes them appear here as F.<name> without this file having to know them.
from ember.ops.conv import *  # noqa: F401,F403,E402
from ember.ops.pooling import *  # noqa: F401,F403,E402
from ember.ops.norm import *  # noqa: F401,F403,E402
from ember.ops.loss import *  # noqa: F401,F403,E402
from ember.ops.rnn import *  # noqa: F401,F403,E402
from ember.ops.attention import *  # noqa: F401,F403,E402
