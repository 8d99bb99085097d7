"""ember.nn.parallel: DistributedDataParallel (across processes) and DataParallel (across devices)."""
from ember.nn.parallel.distributed import DistributedDataParallel  # noqa: F401
from ember.nn.parallel.data_parallel import DataParallel, data_parallel  # noqa: F401
from ember.nn.parallel._functions import scatter, gather, replicate, parallel_apply  # noqa: F401
