"""``torch.jit.annotations``: TorchScript-style code imports its typing names from it (timm's DenseNet:
``from torch.jit.annotations import List``; torchvision's ops: ``BroadcastingList2``)."""
import typing

import ember


def test_typing_names_and_broadcasting_lists():
    from ember.jit.annotations import BroadcastingList2, Dict, List, Optional, Tuple
    assert (List, Dict, Optional, Tuple) == (typing.List, typing.Dict, typing.Optional, typing.Tuple)
    assert BroadcastingList2[int] is None            # an annotation only, as in PyTorch

    def pool(x: ember.Tensor, size: BroadcastingList2[int]) -> List[ember.Tensor]:
        return [x] * size[0]
    assert len(pool(ember.zeros(1), [2, 2])) == 2


def test_importable_as_torch_jit_annotations():
    # with torch aliased to ember as `ember run` does (real torch, if another test imported it, set aside)
    from tests.test_programs import torch_is_ember
    with torch_is_ember():
        import importlib
        module = importlib.import_module('torch.jit.annotations')
        assert module is ember.jit.annotations and module.List is typing.List
