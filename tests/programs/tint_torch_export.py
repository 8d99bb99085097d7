"""PyTorch's "torch.export Tutorial" (intermediate_source/torch_export_tutorial.py, its 2.2 snapshot), seeded: basic
usage (the ExportedProgram, its graph module and signature printed), the graph-break examples, the error of a call
with other shapes, and dynamic shapes with Dim (a shared Dim, its guard, range_constraints). PyTorch 2.13 exports
modules only: each function the snapshot exports is the forward of a module here, as the tutorial's later
versions write them, and exported programs are called through .module() (2.13 refuses calling one directly).
Each error the tutorial prints with traceback.print_exc() goes to stderr, as there, and its type to stdout. The
printed programs leave out their "# File: <path>:<line>" comments (they name where this file lies).

Left out: the .data example (PyTorch 2.13 fails it with an internal "fake tensor in the constants" error; ember
exports it), the cond example (ember's export cannot yet record cond with a data-dependent predicate as a cond
node with true/false subgraphs), x[:, 2:] on a dynamic dimension (ember's export refuses a size that follows a
dynamic one minus a constant) and the export with every dimension dynamic (ember does not find the constraint
violations PyTorch reports with suggested fixes); the fixed export that follows it is here. The second half
(custom ops, decompositions, ExportDB, AOTInductor) is left out too."""
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

from torch.export import Dim

inp2 = torch.randn(4, 8)
inp3 = torch.randn(8, 2)


class DynamicShapesExample2(torch.nn.Module):
    def forward(self, x, y):
        return x @ y


inp2_dim0 = Dim("inp2_dim0")
inner_dim = Dim("inner_dim")
inp3_dim1 = Dim("inp3_dim1")

dynamic_shapes2 = {
    "x": {0: inp2_dim0, 1: inner_dim},
    "y": {0: inner_dim, 1: inp3_dim1},
}

exported_dynamic_shapes_example2 = export(DynamicShapesExample2(), (inp2, inp3), dynamic_shapes=dynamic_shapes2)

print(exported_dynamic_shapes_example2.module()(torch.randn(2, 16), torch.randn(16, 4)))

try:
    exported_dynamic_shapes_example2.module()(torch.randn(4, 8), torch.randn(4, 2))
except Exception as e:
    report(e)

inp4 = torch.randn(8, 16)
inp5 = torch.randn(16, 32)


class DynamicShapesExample3(torch.nn.Module):
    def forward(self, x, y):
        if x.shape[0] <= 16:
            return x @ y[:, :16]
        return y


def suggested_fixes():
    inp4_dim1 = Dim('shared_dim')
    # suggested fixes below
    inp4_dim0 = Dim('inp4_dim0', max=16)
    inp5_dim1 = Dim('inp5_dim1', min=17)
    inp5_dim0 = inp4_dim1
    # end of suggested fixes
    return {
        "x": {0: inp4_dim0, 1: inp4_dim1},
        "y": {0: inp5_dim0, 1: inp5_dim1},
    }


dynamic_shapes3_fixed = suggested_fixes()
exported_dynamic_shapes_example3 = export(DynamicShapesExample3(), (inp4, inp5), dynamic_shapes=dynamic_shapes3_fixed)
print(exported_dynamic_shapes_example3.module()(torch.randn(4, 32), torch.randn(32, 64)))

print(exported_dynamic_shapes_example3.range_constraints)
