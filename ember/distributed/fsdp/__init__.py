"""Fully sharded data parallelism (PyTorch's ``torch.distributed.fsdp``): every rank keeps a shard of each
parameter (and of its gradient and optimizer state); forward and backward gather parameters whole
for the time they need them. ``fully_shard`` is the FSDP2 API; ``FullyShardedDataParallel`` the
wrapper-module one.
"""
from ember.distributed.fsdp._fully_shard import (  # noqa: F401
    CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy, OffloadPolicy, fully_shard)

__all__ = ['fully_shard', 'FSDPModule', 'MixedPrecisionPolicy', 'OffloadPolicy', 'CPUOffloadPolicy']
