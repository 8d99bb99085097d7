"""Process-group defaults (PyTorch's ``torch.distributed.constants``)."""
from ember.distributed._group import default_pg_timeout

__all__ = ['default_pg_timeout', 'default_pg_nccl_timeout']

_DEFAULT_PG_TIMEOUT = default_pg_timeout
# NCCL groups get the same default (None: no NCCL-specific timeout), as in PyTorch's CPU builds
default_pg_nccl_timeout = None
