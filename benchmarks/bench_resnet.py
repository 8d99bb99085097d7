"""ResNet-18 speed, side by side with PyTorch + torchvision when importable (TORCH_PYTHON selects
the interpreter that has them):

    python benchmarks/bench_resnet.py
    TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_resnet.py

* ``cifar_train_step_ms``: ResNet-18 in its CIFAR layout (the 7x7/2 stem convolution replaced by a
  3x3/1 one and the stem max pool removed, as CIFAR training recipes do), 10 classes, batch 32 of
  3x32x32: zero_grad, forward, cross-entropy, backward, SGD step with momentum.
* ``imagenet_eval_forward_ms``: the standard ResNet-18 in eval mode under no_grad, batch 8 of 3x224x224.

Each library builds the model with its own vision package (ember.vision.models / torchvision.models)
and the same weights (copied from a seeded NumPy state), so both compute the same thing.
"""
import numpy as np

from _common import best, import_lib, side_by_side


def _models(lib_name):
    if lib_name == 'ember':
        from ember.vision import models
    else:
        from torchvision import models
    return models


def _seeded(lib, model):
    rng = np.random.default_rng(0)
    state = model.state_dict()
    for k, v in state.items():
        if v.is_floating_point():
            fan_in = int(np.prod(v.shape[1:])) if v.dim() > 1 else 1
            value = rng.standard_normal(tuple(v.shape)) / np.sqrt(fan_in)
            if k.endswith('running_var') or (k.endswith('weight') and v.dim() == 1):
                value = np.abs(value) + 0.5
            state[k] = lib.tensor(value.astype(np.float32))
    model.load_state_dict(state)
    return model


def bench(lib_name):
    lib = import_lib(lib_name)
    models, nn = _models(lib_name), lib.nn
    rng = np.random.default_rng(1)
    res = {}

    cifar = models.resnet18(num_classes=10)
    cifar.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    cifar.maxpool = nn.Identity()
    cifar = _seeded(lib, cifar).train()
    x = lib.tensor(rng.standard_normal((32, 3, 32, 32)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 32))
    criterion = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(cifar.parameters(), lr=0.01, momentum=0.9)

    def train_step():
        optimizer.zero_grad()
        criterion(cifar(x), y).backward()
        optimizer.step()
    res['cifar_train_step_ms'] = best(train_step, 1, repeat=3) * 1e3

    imagenet = _seeded(lib, models.resnet18()).eval()
    images = lib.tensor(rng.standard_normal((8, 3, 224, 224)).astype(np.float32))

    def forward():
        with lib.no_grad():
            imagenet(images)
    res['imagenet_eval_forward_ms'] = best(forward, 1, repeat=3) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, width=28, digits=1)
