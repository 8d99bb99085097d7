# PyTorch recipe "Changing default device" (recipes_source/recipes/changing_default_device.py) on a machine
# without CUDA: 'cpu' where the recipe names 'cuda' (the device context manager and set_default_device), and
# 'meta' as a second run of both, the device that shows the switch without a GPU; as written otherwise (seeded).
import torch

torch.manual_seed(0)

USE_CUDA = False

mod = torch.nn.Linear(20, 30)
if USE_CUDA:
    mod.cuda()

device = 'cpu'
if USE_CUDA:
    device = 'cuda'
inp = torch.randn(128, 20, device=device)
print(mod(inp).device)

for name in ('cpu', 'meta'):
    with torch.device(name):
        mod = torch.nn.Linear(20, 30)
        print(mod.weight.device)
        print(mod(torch.randn(128, 20)).device)

for name in ('meta', 'cpu'):
    torch.set_default_device(name)

    mod = torch.nn.Linear(20, 30)
    print(mod.weight.device)
    print(mod(torch.randn(128, 20)).device)
    print(torch.get_default_device(), torch.tensor([1.0]).device, torch.zeros(2, device='cpu').device)

torch.set_default_device(None)
print(torch.get_default_device())
