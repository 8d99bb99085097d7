"""``torch.jit.annotations``: the typing names TorchScript code imports its annotations from
(``from torch.jit.annotations import List, Optional, BroadcastingList2``). ember runs such code
eagerly, so they are Python's own ``typing`` names, and ``BroadcastingListN[T]`` (TorchScript's
"a T or a list of N of them") is accepted as an annotation and means nothing at run time."""
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: F401

from ember.futures import Future  # noqa: F401
from ember.nn import Module  # noqa: F401

__all__ = ['Any', 'Dict', 'List', 'Optional', 'Tuple', 'Union', 'Future', 'Module', 'BroadcastingList1',
           'BroadcastingList2', 'BroadcastingList3']


class BroadcastingListCls:
    """The type of ``BroadcastingListN``: subscripting it, as annotations do, gives ``None``."""

    def __getitem__(self, types):
        return None


BroadcastingList1 = BroadcastingListCls()
BroadcastingList2 = BroadcastingListCls()
BroadcastingList3 = BroadcastingListCls()
