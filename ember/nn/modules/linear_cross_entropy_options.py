"""``nn.LinearCrossEntropyOptions``: how ``F.linear_cross_entropy`` splits its batch into chunks so
the whole ``(batch, classes)`` logits matrix never exists at once, and in which dtype it accumulates."""
import dataclasses
from typing import Optional

import ember

# per-(device type, dtype) picks of (acc_policy, chunking_method) for "auto", as PyTorch's
_AUTO_DEFAULTS = {
    ('cuda', 'bfloat16'): ('compact', 'aspect_ratio:2'),
    ('cuda', 'float16'): ('compact', 'aspect_ratio:2'),
    ('cpu', 'bfloat16'): ('accurate', 'aspect_ratio'),
    ('cpu', 'float16'): ('accurate', 'aspect_ratio'),
}
_AUTO_FALLBACK = ('compact', 'aspect_ratio:2')


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """Chunking options for :func:`~ember.nn.functional.linear_cross_entropy`; pass one as its
    ``options`` to compute the loss over the batch in chunks (``options=None`` computes all logits
    at once). The results are the same up to rounding.

    Args:
        allow_retain_graph: whether ``retain_graph=True`` may be used on backward. ember's chunked
            path keeps no precomputed gradient buffers, so backward can be repeated either way.
            Default: ``False``
        batch_chunk_size: batch rows per chunk; ``None`` means one chunk (or the size
            ``chunking_method`` picks). Default: ``None``
        chunking_method: ``"aspect_ratio"`` sizes chunks so a chunk's logits take the memory of the
            input: the next power of two of ``ceil(batches / ceil(classes / in_features))``;
            ``"aspect_ratio:N"`` divides that by ``N``; ``"auto"`` picks per device and dtype;
            ``None`` uses ``batch_chunk_size``. Default: ``"auto"``
        acc_policy: ``"accurate"``, ``"balanced"``, ``"compact"`` or ``"auto"``: which intermediates
            PyTorch's kernels keep in ``acc_dtype``. ember computes every chunk wholly in
            ``acc_dtype`` (the ``"accurate"`` policy) whichever is chosen. Default: ``"auto"``
        acc_dtype: the dtype chunks are computed in; ``None`` picks float32 for float16/bfloat16
            input under ``acc_policy="auto"``, else the input's dtype. Default: ``None``

    Example:
        >>> opts = nn.LinearCrossEntropyOptions(batch_chunk_size=2)
        >>> x, w, t = ember.ones(5, 3), ember.eye(4, 3), ember.tensor([0, 1, 2, 3, 0])
        >>> F.linear_cross_entropy(x, w, t, options=opts)
        tensor(1.4143)
    """
    allow_retain_graph: bool = False
    batch_chunk_size: Optional[int] = None
    chunking_method: Optional[str] = 'auto'
    acc_policy: str = 'auto'
    acc_dtype: Optional[object] = None

    def __post_init__(self):
        if self.acc_policy not in {'auto', 'accurate', 'balanced', 'compact'}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != 'auto':
            name, sep, factor = self.chunking_method.partition(':')
            if not sep:
                factor = '1'
            if not (name == 'aspect_ratio' and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        if not (self.batch_chunk_size is None or (isinstance(self.batch_chunk_size, int)
                                                  and self.batch_chunk_size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size!r}")
        supported = (ember.float16, ember.bfloat16, ember.float32, ember.float64)
        if self.acc_dtype is not None and self.acc_dtype not in supported:
            raise ValueError(f"acc_dtype must be one of {{None, ember.float16, ember.bfloat16, ember.float32, "
                             f"ember.float64}}, got {self.acc_dtype!r}. Pass acc_dtype=None to let the op pick "
                             "automatically.")

    @staticmethod
    def _chunk_size(method, num_batches, in_features, num_classes):
        factor = int(method.split(':', 1)[1]) if ':' in method else 1
        target = -(-num_batches // -(-num_classes // in_features))
        return min((1 << (target - 1).bit_length()) // factor, num_batches)

    def _adjust(self, num_batches, in_features, num_classes, dtype, device=None):
        """These options with every ``"auto"`` and ``None`` resolved for one call."""
        acc_policy, method = self.acc_policy, self.chunking_method
        if method == 'auto' and self.batch_chunk_size is not None:
            method = None          # an explicit size wins over the automatic pick
        if 'auto' in (acc_policy, method):
            key = (device.type if device is not None else None, dtype.name)
            picked_policy, picked_method = _AUTO_DEFAULTS.get(key, _AUTO_FALLBACK)
            acc_policy = picked_policy if acc_policy == 'auto' else acc_policy
            method = picked_method if method == 'auto' else method
        size = num_batches if self.batch_chunk_size is None else min(self.batch_chunk_size, num_batches)
        if method is not None:
            size = self._chunk_size(method, num_batches, in_features, num_classes)
            if self.batch_chunk_size is not None and self.batch_chunk_size != size:
                raise ValueError(f"batch_chunk_size (={self.batch_chunk_size}) and chunking_method ('{method}') give "
                                 f"different chunk sizes ({self.batch_chunk_size} vs {size}); pass only one.")
        acc_dtype = self.acc_dtype
        if acc_dtype is None:
            low = dtype in (ember.float16, ember.bfloat16)
            acc_dtype = ember.float32 if self.acc_policy == 'auto' and low and device is not None else dtype
        return dataclasses.replace(self, acc_policy=acc_policy, chunking_method=method,
                                   batch_chunk_size=max(1, size), acc_dtype=acc_dtype)


__all__ = ['LinearCrossEntropyOptions']
