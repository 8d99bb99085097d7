# PyTorch's "Introduction to torch.compile" (intermediate_source/torch_compile_tutorial.py) on the CPU, seeded:
# basic usage, the speed-up section's structure (a small MLP, not densenet121 on CUDA; timings not printed, only
# that compiled and eager results agree, and the training losses), and the comparison with TorchScript and FX
# tracing (the errors printed as their type and first line). Left out: scripting f2 and f3 and tracing f3
# (TorchScript's compiler: ember's jit.script runs the function as Python, and jit.trace refuses f3's .numpy()
# call where PyTorch warns and freezes the value), the custom backend's
# FX graphs, torch._dynamo.explain and fullgraph=True's graph-break error, which show TorchDynamo's bytecode
# capture (ember runs compiled code eagerly and captures no graph).
import warnings

import numpy as np
import scipy
import torch

torch.manual_seed(0)

gpu_ok = False
if torch.cuda.is_available():
    device_cap = torch.cuda.get_device_capability()
    if device_cap in ((7, 0), (8, 0), (9, 0)):
        gpu_ok = True

if not gpu_ok:
    warnings.warn(
        "GPU is not NVIDIA V100, A100, or H100. Speedup numbers may be lower "
        "than expected."
    )


def foo(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b
opt_foo1 = torch.compile(foo)
x, y = torch.randn(10, 10), torch.randn(10, 10)
# (printed rounded: the compiled kernel's vectorised sin/cos differ from eager's in the last bit)
print(opt_foo1(x, y).round(decimals=5), torch.allclose(opt_foo1(x, y), foo(x, y), atol=1e-6))


@torch.compile
def opt_foo2(x, y):
    a = torch.sin(x)
    b = torch.cos(y)
    return a + b
x, y = torch.randn(10, 10), torch.randn(10, 10)
print(opt_foo2(x, y).round(decimals=5), torch.allclose(opt_foo2(x, y), foo(x, y), atol=1e-6))


class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(100, 10)

    def forward(self, x):
        return torch.nn.functional.relu(self.lin(x))

mod = MyModule()
opt_mod = torch.compile(mod)
x = torch.randn(10, 100)
print(opt_mod(x).round(decimals=5), torch.allclose(opt_mod(x), mod(x), atol=1e-6))
print(type(opt_mod).__name__, opt_mod._orig_mod is mod, list(dict(opt_mod.named_parameters())))


# Demonstrating speedups (structure only, on the CPU)
def generate_data(b):
    return (
        torch.randn(b, 64).to(torch.float32),
        torch.randint(10, (b,)),
    )

N_ITERS = 3


def init_model():
    return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)).to(torch.float32)

model = init_model()

import torch._dynamo
torch._dynamo.reset()

model_opt = torch.compile(model, mode="reduce-overhead")

for i in range(N_ITERS):
    inp = generate_data(16)[0]
    with torch.no_grad():
        print(f"eval {i}: compiled matches eager: {torch.allclose(model_opt(inp), model(inp), atol=1e-6)}")

torch.manual_seed(1)
model = init_model()
opt = torch.optim.Adam(model.parameters())


def train(mod, data):
    opt.zero_grad(True)
    pred = mod(data[0])
    loss = torch.nn.CrossEntropyLoss()(pred, data[1])
    loss.backward()
    opt.step()
    return loss

torch.manual_seed(2)
eager_losses = [train(model, generate_data(16)).item() for i in range(N_ITERS)]

torch.manual_seed(1)
model = init_model()
opt = torch.optim.Adam(model.parameters())
train_opt = torch.compile(train, mode="reduce-overhead")
torch.manual_seed(2)
compile_losses = [train_opt(model, generate_data(16)).item() for i in range(N_ITERS)]
print([round(v, 4) for v in eager_losses], np.allclose(eager_losses, compile_losses, atol=1e-5))


# Comparison to TorchScript and FX Tracing
def f1(x, y):
    if x.sum() < 0:
        return -y
    return y


def test_fns(fn1, fn2, args):
    out1 = fn1(*args)
    out2 = fn2(*args)
    return torch.allclose(out1, out2)

inp1 = torch.randn(5, 5)
inp2 = torch.randn(5, 5)

traced_f1 = torch.jit.trace(f1, (inp1, inp2))
print("traced 1, 1:", test_fns(f1, traced_f1, (inp1, inp2)))
print("traced 1, 2:", test_fns(f1, traced_f1, (-inp1, inp2)))

import traceback as tb
try:
    torch.fx.symbolic_trace(f1)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])

fx_f1 = torch.fx.symbolic_trace(f1, concrete_args={"x": inp1})
print("fx 1, 1:", test_fns(f1, fx_f1, (inp1, inp2)))
print("fx 1, 2:", test_fns(f1, fx_f1, (-inp1, inp2)))

torch._dynamo.reset()

compile_f1 = torch.compile(f1)
print("compile 1, 1:", test_fns(f1, compile_f1, (inp1, inp2)))
print("compile 1, 2:", test_fns(f1, compile_f1, (-inp1, inp2)))
print("~" * 10)


def f2(x, y):
    return x + y

inp1 = torch.randn(5, 5)
inp2 = 3

compile_f2 = torch.compile(f2)
print("compile 2:", test_fns(f2, compile_f2, (inp1, inp2)))
print("~" * 10)


def f3(x):
    x = x * 2
    x = scipy.fft.dct(x.numpy())
    x = torch.from_numpy(x)
    x = x * 2
    return x

inp1 = torch.randn(5, 5)
inp2 = torch.randn(5, 5)
compile_f3 = torch.compile(f3)
print("compile 3:", test_fns(f3, compile_f3, (inp2,)))
