"""The old home of FSDP2: ``fully_shard`` and ``FSDPModule`` here are ``ember.distributed.fsdp``'s.

Example::

    >>> from ember.distributed._composable.fsdp import FSDPModule, fully_shard
    >>> import ember.distributed.fsdp as fsdp
    >>> FSDPModule is fsdp.FSDPModule and fully_shard is fsdp.fully_shard
    True
"""
from ember.distributed.fsdp._fully_shard import (  # noqa: F401
    CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy, OffloadPolicy, fully_shard)

__all__ = ['fully_shard', 'FSDPModule', 'MixedPrecisionPolicy', 'OffloadPolicy', 'CPUOffloadPolicy']
