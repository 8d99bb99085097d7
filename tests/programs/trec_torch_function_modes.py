"""PyTorch's recipe "Utilizing Torch Function modes with torch.compile"
(recipes_source/torch_compile_torch_function_modes.py) on the CPU (the recipe's CUDA capability check left out): a
BaseTorchFunctionMode that turns Tensor.add into torch.mul, around a compiled function and inside one; seeded,
the results and the recipe's asserts printed."""
import torch
from torch.overrides import BaseTorchFunctionMode

torch.manual_seed(0)


# Define our mode, Note: ``BaseTorchFunctionMode``
# implements the actual invocation of func(..)
class AddToMultiplyMode(BaseTorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func == torch.Tensor.add:
            func = torch.mul

        return super().__torch_function__(func, types, args, kwargs)


@torch.compile()
def test_fn(x, y):
    return x + y * x  # Note: infix operators map to torch.Tensor.* methods


x = torch.rand(2, 2)
y = torch.rand_like(x)

with AddToMultiplyMode():
    z = test_fn(x, y)

assert torch.allclose(z, x * y * x)
print(z)
print(torch.allclose(z, x * y * x), torch.allclose(z, x + y * x))

# The mode can also be used within the compiled region as well like this:


@torch.compile()
def test_fn(x, y):
    with AddToMultiplyMode():
        return x + y * x  # Note: infix operators map to torch.Tensor.* methods


x = torch.rand(2, 2)
y = torch.rand_like(x)
z = test_fn(x, y)

assert torch.allclose(z, x * y * x)
print(z)
print(torch.allclose(z, x * y * x), torch.allclose(z, x + y * x))

# outside the mode, the first function adds again
print(torch.allclose(torch.compile(lambda a, b: a + b * a)(x, y), x + y * x))
