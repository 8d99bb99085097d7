"""torch.utils.module_tracker.ModuleTracker as its documentation shows it (F.linear replaced by a function that
reports the modules running), on a nested model: which modules are active at each linear call in the forward
and, through tensor hooks, in the backward (is_bw); the sets printed sorted."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.module_tracker import ModuleTracker

torch.manual_seed(0)

mod = torch.nn.Linear(2, 2)
original_linear = torch.nn.functional.linear
with ModuleTracker() as tracker:
    # Access anything during the forward pass
    def my_linear(m1, m2, bias):
        print(f"Current modules: {sorted(tracker.parents)}")
        return torch.mm(m1, m2.t()) + bias
    torch.nn.functional.linear = my_linear
    print(mod(torch.rand(2, 2)))
torch.nn.functional.linear = original_linear


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(3, 3)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.inner(x))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(Block(), Block())
        self.head = nn.Linear(3, 1)

    def forward(self, x):
        h = self.encoder(x)
        h.register_hook(lambda g: print("backward at the encoder's output:", sorted(tracker.parents), tracker.is_bw))
        return self.head(h)


model = Model()
events = []
with ModuleTracker() as tracker:
    def report(m, inputs, output):
        events.append((type(m).__name__, sorted(tracker.parents), tracker.is_bw))
    handles = [m.register_forward_hook(report) for m in model.modules()]
    x = torch.randn(4, 3, requires_grad=True)
    out = model(x)
    print("after forward:", sorted(tracker.parents), tracker.is_bw)
    x.register_hook(lambda g: print("backward at the input:", sorted(tracker.parents), tracker.is_bw))
    out.sum().backward()
    print("after backward:", sorted(tracker.parents), tracker.is_bw)
    for h in handles:
        h.remove()
for e in events:
    print(e)
print(x.grad)
