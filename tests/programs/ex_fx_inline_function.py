# pytorch/examples fx/inline_function.py, its explanatory comments and docstrings left out
import torch
from torch.fx import Proxy, symbolic_trace
from torch.fx.node import map_arg


class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.relu(x) + 1.0

m = symbolic_trace(M())

tracer = torch.fx.proxy.GraphAppendingTracer(m.graph)
for node in m.graph.nodes:
    if (node.op, node.target) == ("call_module", "relu"):
        with m.graph.inserting_before(node):
            proxy_args = map_arg(node.args, lambda n: Proxy(n, tracer))
            proxy_kwargs = map_arg(node.kwargs, lambda n: Proxy(n, tracer))
            proxy_output = m.relu(*proxy_args, **proxy_kwargs)
            node.replace_all_uses_with(proxy_output.node)
            m.graph.erase_node(node)

# (added: show the result)
m.recompile()
print(m.code)
print(m(torch.tensor([-1.0, 2.0])))
