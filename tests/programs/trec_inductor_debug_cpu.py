# PyTorch's "Inductor CPU backend debugging and profiling" (intermediate_source/inductor_debug_cpu.py), the parts
# that are about results rather than Inductor's generated C++ (its kernels, debug files, minifier and timings
# are TorchInductor's own, which ember, running compiled code eagerly, does not have): the tutorial's two
# examples compiled with each backend of its table and compared with eager mode, seeded. The accuracy check
# uses torch.allclose with the tolerance of torch._dynamo.utils.same (1e-4), not that helper itself.
import torch

torch.manual_seed(0)


def foo1(x1, x2):
    a = torch.neg(x1)
    b = torch.maximum(x2, a)
    y = torch.cat([b], dim=0)
    return y

x1 = torch.randint(256, (1, 8), dtype=torch.uint8)
x2 = torch.randint(256, (8390, 8), dtype=torch.uint8)

compiled_foo1 = torch.compile(foo1)
result = compiled_foo1(x1, x2)
print(x1)
print(result.dtype, result.shape, result[:3], int(result.sum()))
print(torch.equal(result, foo1(x1, x2)))

for backend in ("eager", "aot_eager", "inductor"):
    torch._dynamo.reset()
    print(backend, torch.equal(torch.compile(foo1, backend=backend)(x1, x2), result))


def foo2(x1, x2):
    a = torch.neg(x1)
    b = torch.maximum(x2, a)
    y = torch.cat([b], dim=0)
    return y

x1 = torch.randn((1, 8), dtype=torch.float32)
x2 = torch.randn((8390, 8), dtype=torch.float32)

expected_result = foo2(x1, x2)

compiled_foo2 = torch.compile(foo2)
actual_result = compiled_foo2(x1, x2)

assert torch.allclose(expected_result, actual_result, rtol=1e-4, atol=1e-4)
print(actual_result[:2], f"{actual_result.sum().item():.1f}")   # (float32 sums: last digits differ)
