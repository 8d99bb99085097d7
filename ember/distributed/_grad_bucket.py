"""GradBucket: what DistributedDataParallel hands a communication hook for each bucket of gradients."""
from ember._tensor import Tensor


class GradBucket:
    """One bucket of gradients as a flat tensor (PyTorch's ``torch.distributed.GradBucket``).

    ``buffer()`` holds the bucket's gradients one after another, not yet averaged; ``gradients()``
    are views of it shaped like ``parameters()``. A hook returns a ``Future`` whose value is the
    tensor to use as the bucket's synchronised gradients.
    """

    def __init__(self, index, buffer, params, is_last):
        self._index = index
        self._buffer = buffer
        self._params = params
        self._is_last = is_last

    def index(self):
        """The bucket's position: 0 is the first bucket reduced in a backward pass."""
        return self._index

    def buffer(self):
        """The flat gradients of this bucket (a 1-D tensor)."""
        return self._buffer

    def gradients(self):
        """Views of ``buffer()``, one per parameter, shaped like the parameters."""
        views, offset = [], 0
        for p in self._params:
            n = p.numel()
            views.append(self._buffer[offset:offset + n].view(p.shape))
            offset += n
        return views

    def parameters(self):
        """The parameters whose gradients this bucket holds, in buffer order."""
        return list(self._params)

    def is_last(self):
        """Whether this is the last bucket of the backward pass."""
        return self._is_last

    def set_buffer(self, buffer):
        """Replace the flat gradient tensor (e.g. by a compressed copy)."""
        if not isinstance(buffer, Tensor):
            raise TypeError(f"set_buffer expects a Tensor, got {type(buffer).__name__}")
        self._buffer = buffer
