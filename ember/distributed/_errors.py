"""The errors ember.distributed raises (PyTorch's ``torch.distributed.DistError`` family)."""


class DistError(RuntimeError):
    """Base of the errors raised by distributed communication."""


class DistBackendError(DistError):
    """A collective failed or timed out in the communication back end."""


class DistNetworkError(DistError):
    """The network between ranks failed."""


class DistStoreError(DistError):
    """A key-value store operation failed."""
