"""The old name of ``ember.distributed.tensor.placement_types``."""
from ember.distributed.tensor.placement_types import Partial, Placement, Replicate, Shard  # noqa: F401

__all__ = ['Placement', 'Shard', 'Replicate', 'Partial']
