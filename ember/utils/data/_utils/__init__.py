"""``torch.utils.data._utils``: the data loader's pieces by the module paths libraries import them from
(``_utils.collate.default_collate``, ``_utils.worker.get_worker_info``, ``_utils.pin_memory.pin_memory``,
``_utils.fetch``'s fetchers). Each is ember's own implementation, defined once elsewhere in
``ember.utils.data``."""
import sys

from ember.utils.data._worker import ExceptionWrapper  # noqa: F401  (PyTorch exports it here)

IS_WINDOWS = sys.platform == 'win32'

# how long (seconds) a process waiting on a data queue sleeps between checks that its peers are alive:
# PyTorch's value, read by libraries that run loader-like loops of their own
MP_STATUS_CHECK_INTERVAL = 5.0

from ember.utils.data._utils import collate, fetch, pin_memory, worker  # noqa: E402,F401
