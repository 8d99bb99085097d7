"""ember.distributed.optim: ZeroRedundancyOptimizer, PostLocalSGDOptimizer and DistributedOptimizer."""
from ember.distributed.optim.zero_redundancy_optimizer import ZeroRedundancyOptimizer  # noqa: F401
from ember.distributed.optim.post_localSGD_optimizer import PostLocalSGDOptimizer  # noqa: F401


def __getattr__(name):
    # DistributedOptimizer brings in RPC: loaded on first use
    if name == 'DistributedOptimizer':
        from ember.distributed.optim.optimizer import DistributedOptimizer
        return DistributedOptimizer
    raise AttributeError(f"module 'ember.distributed.optim' has no attribute '{name}'")
