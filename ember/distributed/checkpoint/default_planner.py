"""The planners' options ember honours. ember plans every save and load itself (the flat keys, which rank
writes each replicated tensor, which saved chunks fill each loaded tensor); a planner passes options."""

__all__ = ['DefaultSavePlanner', 'DefaultLoadPlanner']


class DefaultSavePlanner:
    """Save options: ``dedup_save_to_lowest_rank`` writes each replicated entry from the lowest rank
    holding it (by default the rank with the fewest bytes to write so far takes it). Replicated entries
    are always written once (``dedup_replicated_tensors`` is PyTorch's deprecated switch for that);
    ``flatten_sharded_tensors`` concerns ShardedTensor, which ember does not have, and plans are made
    afresh at every save (``enable_plan_caching`` has nothing to cache)."""

    def __init__(self, flatten_state_dict=True, flatten_sharded_tensors=True, dedup_replicated_tensors=None,
                 dedup_save_to_lowest_rank=False, enable_plan_caching=False):
        if not flatten_state_dict:
            raise ValueError("DefaultSavePlanner(flatten_state_dict=False): ember always saves nested state "
                             "dicts under flat keys, as PyTorch does by default")
        self.flatten_state_dict = True
        self.flatten_sharded_tensors = flatten_sharded_tensors
        self.dedup_save_to_lowest_rank = bool(dedup_save_to_lowest_rank)
        self.enable_plan_caching = enable_plan_caching


class DefaultLoadPlanner:
    """Load options: ``allow_partial_load=True`` leaves keys the checkpoint lacks as they are instead of
    raising."""

    def __init__(self, flatten_state_dict=True, flatten_sharded_tensors=True, allow_partial_load=False):
        if not flatten_state_dict:
            raise ValueError("DefaultLoadPlanner(flatten_state_dict=False): ember always loads nested state "
                             "dicts under flat keys, as PyTorch does by default")
        self.flatten_state_dict = True
        self.flatten_sharded_tensors = flatten_sharded_tensors
        self.allow_partial_load = bool(allow_partial_load)
