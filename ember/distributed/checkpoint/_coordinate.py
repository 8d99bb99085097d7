"""Running one step of a checkpoint on every rank: each rank's result (or failure) is shared with all, and a
failure anywhere raises ``CheckpointException`` everywhere (no rank is left waiting)."""
import pickle
import traceback
import warnings

from ember.distributed.checkpoint.api import CheckpointException


class Coordinator:
    """The ranks of ``group`` (or this process alone when ``group`` is None)."""

    def __init__(self, use_dist, group):
        import ember.distributed as dist
        self.dist = dist if use_dist else None
        self.group = group
        self.rank = dist.get_rank(group) if use_dist else 0
        self.size = dist.get_world_size(group) if use_dist else 1

    def all_run(self, fn, what):
        """``fn()`` on this rank; every rank's result, in rank order."""
        try:
            outcome = (True, fn())
        except Exception as e:   # reported on every rank (below) instead of leaving the others waiting
            e._formatted_traceback = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
            outcome = (False, e)
        if self.dist is None:
            results = [outcome]
        else:
            results = [None] * self.size
            self.dist.all_gather_object(results, _shippable(outcome), group=self.group)
            results[self.rank] = outcome
        failures = {r: res for r, (ok, res) in enumerate(results) if not ok}
        if failures:
            raise CheckpointException(what, failures)
        return [res for _, res in results]


def _shippable(outcome):
    ok, value = outcome
    if ok:
        return outcome
    try:
        pickle.dumps(value)
        return outcome
    except Exception:
        stand_in = RuntimeError(f"{type(value).__name__}: {value}")
        stand_in._formatted_traceback = getattr(value, '_formatted_traceback', None)
        return False, stand_in


def use_distributed(no_dist, fname):
    """Whether to coordinate with the other ranks (a default group exists and no_dist is False)."""
    import ember.distributed as dist
    if no_dist:
        return False
    if dist.is_available() and dist.is_initialized():
        return True
    warnings.warn(f"ember.distributed is disabled, unavailable or uninitialized, assuming the intent is to {fname} "
                  "in a single process.", stacklevel=3)
    return False
