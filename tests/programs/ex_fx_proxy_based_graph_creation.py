# pytorch/examples fx/proxy_based_graph_creation.py, its explanatory comments and docstrings left out
import torch
from torch.fx import Proxy, Graph, GraphModule


graph = Graph()
tracer = torch.fx.proxy.GraphAppendingTracer(graph)

raw1 = graph.placeholder('x')
raw2 = graph.placeholder('y')

y = Proxy(raw1, tracer)
z = Proxy(raw2, tracer)

a = torch.cat([y, z])
b = torch.tanh(a)
c = torch.neg(b)
z = torch.add(b, c)

graph.output(c.node)

mod = GraphModule(torch.nn.Module(), graph)

# (added: show the result)
print(mod.code)
print(mod(torch.tensor([0.5]), torch.tensor([-2.0])))
