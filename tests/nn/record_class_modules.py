"""Record, under PyTorch, the module each public nn class says it lives in (``cls.__module__``), and a
whole model pickled by ``torch.save`` whose classes come from those files.

Run with PyTorch installed: ``python tests/nn/record_class_modules.py``. Writes
tests/fixtures/nn/class_modules.json and tests/fixtures/nn/whole_model_by_pytorch.pt.
"""
import importlib
import inspect
import json
import os
import pkgutil

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'fixtures', 'nn')


def class_homes():
    """{'<module>:<name>': cls.__module__} for every public nn class reachable from torch.nn,
    torch.nn.modules and each public torch.nn.modules.<file>."""
    files = [f'torch.nn.modules.{m.name}' for m in pkgutil.iter_modules(torch.nn.modules.__path__)
             if not m.name.startswith('_')]
    homes = {}
    for name in ['torch.nn', 'torch.nn.modules'] + files:
        module = importlib.import_module(name)
        for attr in dir(module):
            value = getattr(module, attr)
            if not attr.startswith('_') and inspect.isclass(value) and value.__module__.startswith('torch.nn'):
                homes[f'{name}:{attr}'] = value.__module__
    return homes


def whole_model():
    """Modules from each file whose classes ember once kept elsewhere."""
    torch.manual_seed(0)
    nn = torch.nn
    return nn.ModuleList([nn.Conv2d(2, 2, 1), nn.BatchNorm2d(2), nn.InstanceNorm2d(2, affine=True), nn.LayerNorm(2),
                          nn.RMSNorm(2), nn.MultiheadAttention(2, 1), nn.Fold((2, 2), 1), nn.Unfold(1),
                          nn.ChannelShuffle(2), nn.CTCLoss(), nn.AdaptiveMaxPool3d(1), nn.LPPool3d(2, 1),
                          nn.MaxUnpool3d(1), nn.SyncBatchNorm(2), nn.LinearCrossEntropyLoss(2, 3)])


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'class_modules.json'), 'w') as f:
        json.dump({'torch': torch.__version__.split('+')[0], 'homes': class_homes()}, f, indent=1, sort_keys=True)
        f.write('\n')
    torch.save(whole_model(), os.path.join(OUT, 'whole_model_by_pytorch.pt'))
