# The custom-backend part of PyTorch's torch.compile tutorials (intermediate_source/torch_compile_tutorial.py and
# the "Custom Backends" page): a backend that prints the FX graph it is given and returns gm.forward, how often
# it is called (guards on shapes and dtypes, dynamic=False, torch._dynamo.reset), a backend registered by name,
# explain() for a function without graph breaks and fullgraph=True on one with a data-dependent branch.
# Functions only, written without local variables: TorchDynamo inlines submodules (ember keeps call_module
# nodes) and names a node after the local variable it is stored in (ember after its operation).
import torch
import torch._dynamo


def custom_backend(gm: torch.fx.GraphModule, example_inputs):
    print("custom backend called with FX graph:")
    print(gm.graph)
    print([tuple(t.shape) for t in example_inputs])
    return gm.forward


def foo(x, y):
    return torch.sin(x) + torch.cos(y)


opt_foo = torch.compile(foo, backend=custom_backend)
x, y = torch.randn(10, 10), torch.randn(10, 10)
print(torch.allclose(opt_foo(x, y), foo(x, y)))
print(torch.allclose(opt_foo(x, y), foo(x, y)))       # same shapes: the backend is not called again

calls = []


def counting_backend(gm, example_inputs):
    calls.append(len(example_inputs))
    print(gm.code)
    return gm.forward


static_foo = torch.compile(foo, backend=counting_backend, dynamic=False)
for n in (2, 3, 3, 4):
    static_foo(torch.ones(n), torch.ones(n))
static_foo(torch.ones(4, dtype=torch.float64), torch.ones(4))
print("backend calls:", len(calls))
torch._dynamo.reset()
static_foo(torch.ones(2), torch.ones(2))
print("after reset:", len(calls))


@torch._dynamo.register_backend
def my_compiler(gm, example_inputs):
    print("my_compiler:", len(gm.graph.nodes), "nodes")
    return gm.forward


print("my_compiler" in torch._dynamo.list_backends())
print(torch.compile(lambda t: t * 2 + 1, backend="my_compiler")(torch.arange(3.)))

explanation = torch._dynamo.explain(foo)(x, y)
print(explanation.graph_count, explanation.graph_break_count, explanation.op_count)


def bar(a, b):
    x = a / (torch.abs(a) + 1)
    if b.sum() < 0:
        b = b * -1
    return x * b


try:
    torch.compile(bar, fullgraph=True)(torch.randn(10), torch.randn(10))
except torch._dynamo.exc.Unsupported as e:
    print(type(e).__name__, str(e).splitlines()[0])
