# PyTorch recipe "Tips for Loading an nn.Module from a Checkpoint" (recipes_source/recipes/
# module_load_state_dict_tips.py), as written (seeded), with what a notebook shows of its expressions printed.
import torch
from torch import nn

torch.manual_seed(0)


class SomeModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(1, 1) for i in range(10)])

    def forward(self, x):
        return self.linears(x)


m = SomeModule()
torch.save(m.state_dict(), 'checkpoint.pth')
state_dict = torch.load('checkpoint.pth', mmap=True)
with torch.device('meta'):
  meta_m = SomeModule()
print(meta_m.load_state_dict(state_dict, assign=True))
print(meta_m.linears[3].weight, meta_m.linears[3].weight.is_meta)

state_dict = torch.load('checkpoint.pth')
m = SomeModule()
print(m.load_state_dict(state_dict))

state_dict = torch.load('checkpoint.pth')

state_dict = torch.load('checkpoint.pth', mmap=True)
print(state_dict['linears.0.weight'], state_dict['linears.9.bias'])

m = SomeModule()

with torch.device('meta'):
  meta_m = SomeModule()
print(meta_m.linears[0].weight)

print(m.load_state_dict(state_dict))

print(meta_m.load_state_dict(state_dict, assign=True))
print(meta_m.linears[0].weight, meta_m.linears[0].weight.device)
print([p.device.type for p in meta_m.parameters()] == ['cpu'] * 20)
