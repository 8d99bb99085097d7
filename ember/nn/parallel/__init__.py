"""ember.nn.parallel: DistributedDataParallel (across processes) and DataParallel (across devices)."""
from ember.nn.parallel.distributed import DistributedDataParallel  # noqa: F401
from ember.nn.parallel.data_parallel import DataParallel, data_parallel  # noqa: F401
# bound from the submodules of the same names, so the functions (not the modules) stay these attributes
from ember.nn.parallel.parallel_apply import parallel_apply  # noqa: F401
from ember.nn.parallel.replicate import replicate  # noqa: F401
from ember.nn.parallel.scatter_gather import gather, scatter  # noqa: F401
