"""The op families, one per file. Importing this package registers every op (see ``_registry``)."""
from ember.ops import (activation, arith, arrange, attention, compare, conv, convert, creation, distance, dropout,  # noqa: F401
                       embedding, index, inplace, linalg, linear, loss, norm, inplace_views, padding, pixelshuffle, pointwise, pooling, stats,
                       random, reduce, rnn, shape, unary, upsample)

# autocast's per-op policies wrap the ops they name, before any namespace binds them
from ember import _autocast  # noqa: E402
from ember.ops._registry import REGISTRY as _REGISTRY  # noqa: E402
_autocast.install(_REGISTRY)
