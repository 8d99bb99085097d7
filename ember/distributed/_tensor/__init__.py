"""``ember.distributed._tensor``: the old name of ``ember.distributed.tensor`` (PyTorch keeps it for programs
written before the move; ``device_mesh``, ``placement_types`` and ``api`` are its submodules, and
``experimental`` is ``ember.distributed.tensor.experimental`` itself, as in PyTorch)."""
import sys

import ember.distributed.tensor.experimental as _experimental
from ember.distributed.tensor import (DTensor, DeviceMesh, Partial, Placement, Replicate, Shard,  # noqa: F401
                                      distribute_module, distribute_tensor, empty, full, init_device_mesh, ones,
                                      rand, randn, zeros)

__all__ = ['DTensor', 'DeviceMesh', 'distribute_tensor', 'distribute_module', 'init_device_mesh', 'Shard',
           'Replicate', 'Partial', 'Placement', 'ones', 'empty', 'full', 'rand', 'randn', 'zeros']

# the same module object under both names, so state set through one is seen through the other
sys.modules[__name__ + '.experimental'] = _experimental
experimental = _experimental
