"""PyTorch's intermediate tutorial "How to save memory by fusing the optimizer step into the backward
pass" (intermediate_source/optimizer_step_in_backward_tutorial.py) on the CPU: a two-layer
VisionTransformer on 32x32 fake images instead of vit_l_16, the CUDA memory snapshots only where
CUDA is; the parameters the two training loops reach are compared."""
import copy
import torch
from torchvision import models
from pickle import dump

torch.manual_seed(0)
model = models.VisionTransformer(image_size=32, patch_size=16, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                                 num_classes=10)
start = copy.deepcopy(model.state_dict())
optimizer = torch.optim.Adam(model.parameters())

IMAGE_SIZE = 32
images = torch.rand(3, 1, 3, IMAGE_SIZE, IMAGE_SIZE)
step = [0]


def fake():
    image = images[step[0] % 3]
    step[0] += 1
    return image


def train(model, optimizer):
    # create our fake image input: tensor shape is batch_size, channels, height, width
    fake_image = fake()

    # call our forward and backward
    loss = model.forward(fake_image)
    loss.sum().backward()

    # optimizer update
    optimizer.step()
    optimizer.zero_grad()


if torch.cuda.is_available():
    torch.cuda.memory._record_memory_history(enabled='all')

# train 3 steps
for _ in range(3):
    train(model, optimizer)
after_steps = copy.deepcopy(model.state_dict())

if torch.cuda.is_available():
    s = torch.cuda.memory._snapshot()
    with open(f"snapshot.pickle", "wb") as f:
        dump(s, f)
    torch.cuda.memory._record_memory_history(enabled=None)

model.load_state_dict(start)
optimizer_dict = {p: torch.optim.Adam([p], foreach=False) for p in model.parameters()}


# Define our hook, which will call the optimizer ``step()`` and ``zero_grad()``
def optimizer_hook(parameter) -> None:
    optimizer_dict[parameter].step()
    optimizer_dict[parameter].zero_grad()


# Register the hook onto every parameter
for p in model.parameters():
    p.register_post_accumulate_grad_hook(optimizer_hook)


def train(model):
    # create our fake image input: tensor shape is batch_size, channels, height, width
    fake_image = fake()

    # call our forward and backward
    loss = model.forward(fake_image)
    loss.sum().backward()


del optimizer
step[0] = 0
for _ in range(3):
    train(model)

print(all(p.grad is None for p in model.parameters()))
print(len(optimizer_dict), sum(len(o.state) for o in optimizer_dict.values()))
fused = model.state_dict()
print(max((fused[k] - after_steps[k]).abs().max().item() for k in fused) < 1e-6)
print(fused['heads.head.bias'])
