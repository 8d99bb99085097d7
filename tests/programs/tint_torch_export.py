"""PyTorch's "torch.export Tutorial" (intermediate_source/torch_export_tutorial.py, its 2.2 snapshot): basic usage
(the ExportedProgram, its graph module and signature printed), the graph-break examples, and the error of a call
with other shapes, seeded. PyTorch 2.13 exports modules only: each
function the snapshot exports is the forward of a module here, as the tutorial's later versions write them. The
printed programs leave out their "# File: <path>:<line>" comments (they name where this file lies). Left out: the .data example
(PyTorch 2.13 fails it with an internal "fake tensor in the constants" error; ember exports it), the cond example
(ember's export cannot yet record cond with a data-dependent predicate as a cond node with true/false subgraphs),
and the dynamic-shapes section (ember's export refuses x[:, 2:] on a dynamic dimension, does not check a shared
Dim's equality when the exported module is called, nor report the constraint violations PyTorch suggests fixes
for, and prints range_constraints' symbols as strings)."""
import traceback as tb

import torch
from torch.export import export

torch.manual_seed(0)


def without_paths(text):
    return "\n".join(line for line in str(text).splitlines() if "# File:" not in line)


def report(e):
    tb.print_exc()
    print("error:", type(e).__name__)


class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(100, 10)

    def forward(self, x, y):
        return torch.nn.functional.relu(self.lin(x + y), inplace=True)


mod = MyModule()
exported_mod = export(mod, (torch.randn(8, 100), torch.randn(8, 100)))
print(type(exported_mod))
print(exported_mod.module()(torch.randn(8, 100), torch.randn(8, 100)))

print(without_paths(exported_mod))
print(without_paths(exported_mod.graph_module))
print(exported_mod.graph_signature)


class Bad1(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return torch.sin(x)
        return torch.cos(x)


try:
    export(Bad1(), (torch.randn(3, 3),))
except Exception as e:
    report(e)


class Bad3(torch.nn.Module):
    def forward(self, x):
        x = x + 1
        return x + id(x)


try:
    export(Bad3(), (torch.randn(3, 3),))
except Exception as e:
    report(e)


class Bad4(torch.nn.Module):
    def forward(self, x):
        try:
            x = x + 1
            raise RuntimeError("bad")
        except:
            x = x + 2
        return x


try:
    export(Bad4(), (torch.randn(3, 3),))
except Exception as e:
    report(e)

class MyModule2(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(100, 10)

    def forward(self, x, y):
        return torch.nn.functional.relu(self.lin(x + y), inplace=True)


mod2 = MyModule2()
exported_mod2 = export(mod2, (torch.randn(8, 100), torch.randn(8, 100)))

try:
    exported_mod2.module()(torch.randn(10, 100), torch.randn(10, 100))
except Exception as e:
    report(e)
