"""PyTorch's tutorial "Mutable Python Custom Operators" (advanced_source/python_custom_ops_mutable.py): an
operator writing NumPy's sin into an output buffer (mutates_args, no return), compiled with fullgraph=True,
and opcheck over the tutorial's examples; seeded, results, the schema and opcheck's verdicts printed.

Left out: the tagged in-place and out= custom operators (torch.Tag.inplace / torch.Tag.out, new in PyTorch
2.13): ember has no torch.Tag yet."""
import numpy as np
import torch
from torch import Tensor

torch.manual_seed(0)


@torch.library.custom_op(
    "mylib_mutable::numpy_sin_out",
    mutates_args={"out"},
    device_types="cpu",
)
def numpy_sin_out(x: Tensor, out: Tensor) -> None:
    if x.shape != out.shape:
        raise RuntimeError("x and out must have the same shape")
    if x.dtype != out.dtype:
        raise RuntimeError("x and out must have the same dtype")
    if x.device != out.device:
        raise RuntimeError("x and out must be on the same device")
    np.sin(x.detach().numpy(), out=out.numpy())


x = torch.randn(5)
out = torch.empty_like(x)
print(numpy_sin_out(x, out))
torch.testing.assert_close(out, x.sin())
print(out)
print(torch.ops.mylib_mutable.numpy_sin_out.default._schema)
try:
    numpy_sin_out(x, torch.empty(3))
except RuntimeError as e:
    print(type(e).__name__, e)


@torch.compile(fullgraph=True)
def compiled_numpy_sin_out(x):
    out = torch.empty_like(x)
    numpy_sin_out(x, out)
    return out


torch.testing.assert_close(compiled_numpy_sin_out(x), x.sin())
print(compiled_numpy_sin_out(x))

examples = [
    (torch.randn(5), torch.empty(5)),
    (torch.randn(0, 3), torch.empty(0, 3)),
    (
        torch.randn(2, 3, dtype=torch.double),
        torch.empty(2, 3, dtype=torch.double),
    ),
    (
        torch.randn(2, 3).t(),
        torch.empty_strided((3, 2), (1, 3)),
    ),
]

for example in examples:
    print(torch.library.opcheck(numpy_sin_out, example))
