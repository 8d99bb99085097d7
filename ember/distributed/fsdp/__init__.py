"""Fully sharded data parallelism (PyTorch's ``torch.distributed.fsdp``): every rank keeps a shard of each
parameter (and of its gradient and optimizer state); forward and backward gather parameters whole
for the time they need them. ``fully_shard`` is the FSDP2 API; ``FullyShardedDataParallel`` the
wrapper-module one.
"""
from ember.distributed.fsdp._fully_shard import (  # noqa: F401
    CPUOffloadPolicy, FSDPModule, MixedPrecisionPolicy, OffloadPolicy, fully_shard)
from ember.distributed.fsdp.api import (  # noqa: F401
    BackwardPrefetch, CPUOffload, FullOptimStateDictConfig, FullStateDictConfig, LocalOptimStateDictConfig,
    LocalStateDictConfig, MixedPrecision, OptimStateDictConfig, ShardedOptimStateDictConfig, ShardedStateDictConfig,
    ShardingStrategy, StateDictConfig, StateDictSettings, StateDictType)
from ember.distributed.fsdp.fully_sharded_data_parallel import FullyShardedDataParallel  # noqa: F401
from ember.distributed.fsdp import wrap  # noqa: F401

__all__ = ['fully_shard', 'FSDPModule', 'MixedPrecisionPolicy', 'OffloadPolicy', 'CPUOffloadPolicy',
           'FullyShardedDataParallel', 'ShardingStrategy', 'BackwardPrefetch', 'StateDictType', 'MixedPrecision',
           'CPUOffload', 'StateDictConfig', 'FullStateDictConfig', 'ShardedStateDictConfig', 'LocalStateDictConfig',
           'OptimStateDictConfig', 'FullOptimStateDictConfig', 'ShardedOptimStateDictConfig',
           'LocalOptimStateDictConfig', 'StateDictSettings', 'wrap']
