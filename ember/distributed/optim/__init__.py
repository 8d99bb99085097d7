"""ember.distributed.optim: ZeroRedundancyOptimizer and PostLocalSGDOptimizer."""
from ember.distributed.optim.zero_redundancy_optimizer import ZeroRedundancyOptimizer  # noqa: F401
from ember.distributed.optim.post_localSGD_optimizer import PostLocalSGDOptimizer  # noqa: F401
