"""ember.distributed.algorithms: DistributedDataParallel's communication hooks and the join
context for uneven inputs (PyTorch's ``torch.distributed.algorithms``)."""
from ember.distributed.algorithms.join import Join, Joinable, JoinHook  # noqa: F401
