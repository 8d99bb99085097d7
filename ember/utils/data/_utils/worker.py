"""``torch.utils.data._utils.worker``: what a data-loading worker process knows about itself."""
from ember.utils.data._worker import (WorkerInfo, _IterableDatasetStopIteration, _ResumeIteration,  # noqa: F401
                                      _worker_loop, get_worker_info)
