# pytorch/examples fx/replace_op.py, its explanatory comments and docstrings left out
import torch
from torch.fx import symbolic_trace
import operator


class M(torch.nn.Module):
    def forward(self, x, y):
        return x + y, torch.add(x, y), x.add(y)

traced = symbolic_trace(M())


patterns = set([operator.add, torch.add, "add"])

for n in traced.graph.nodes:
    if any(n.target == pattern for pattern in patterns):
        with traced.graph.inserting_after(n):
            new_node = traced.graph.call_function(torch.bitwise_and, n.args, n.kwargs)
            n.replace_all_uses_with(new_node)
        traced.graph.erase_node(n)

traced.recompile()

# (added: show the result)
print(traced.code)
print(traced(torch.tensor([6, 3]), torch.tensor([3, 5])))
