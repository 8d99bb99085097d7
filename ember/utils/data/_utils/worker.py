"""``torch.utils.data._utils.worker``: what a data-loading worker process knows about itself."""
from ember.utils.data._worker import (WorkerInfo, _IterableDatasetStopIteration, _ResumeIteration,  # noqa: F401
                                      _worker_loop, get_worker_info)


def _generate_state(base_seed, worker_id):
    """The four 32-bit words a worker seeds NumPy with (libraries call it to seed as workers do: tensordict).

    Example::

        >>> from ember.utils.data._utils.worker import _generate_state
        >>> _generate_state(123, 2)
        [2378979704, 4204655898, 2858883809, 995748389]
    """
    from ember.utils.data._worker import _numpy_seed
    return [int(word) for word in _numpy_seed(base_seed, worker_id)]
