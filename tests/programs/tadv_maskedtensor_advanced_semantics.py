"""PyTorch's tutorial "MaskedTensor Advanced Semantics" (unstable_source/maskedtensor_advanced_semantics.py):
MaskedTensor beside NumPy's MaskedArray (masks inverted, no mixing of masks in binary ops), to_tensor, and the
reductions along a dimension; seeded, labels without the library's name."""
import warnings

import numpy as np

import torch
from torch.masked import masked_tensor

# Disable prototype warnings and such
warnings.filterwarnings(action="ignore", category=UserWarning)
torch.manual_seed(0)

data = torch.arange(5.0)
mask = torch.tensor([True, True, False, True, False])
npm0 = np.ma.masked_array(data.numpy(), (~mask).numpy())
npm1 = np.ma.masked_array(data.numpy(), (mask).numpy())

print("npm0:\n", npm0)
print("npm1:\n", npm1)
print("npm0 + npm1:\n", npm0 + npm1)

mt0 = masked_tensor(data, mask)
mt1 = masked_tensor(data, ~mask)
print("mt0:\n", mt0)
print("mt1:\n", mt1)

try:
    mt0 + mt1
except ValueError as e:
    print("mt0 + mt1 failed. Error: ", e)

t0 = mt0.to_tensor(0)
t1 = mt1.to_tensor(0)
mt2 = masked_tensor(t0 + t1, mt0.get_mask() & mt1.get_mask())

print("t0:\n", t0)
print("t1:\n", t1)
print("mt2 (t0 + t1):\n", mt2)

data = torch.arange(12, dtype=torch.float).reshape(3, 4)
mask = torch.randint(2, (3, 4), dtype=torch.bool)
mt = masked_tensor(data, mask)

print("data:\n", data)
print("mask:\n", mask)
print("mt:\n", mt)

print("sum:\n", torch.sum(mt, 1))
print("mean:\n", torch.mean(mt, 1))
print("prod:\n", torch.prod(mt, 1))
print("amin:\n", torch.amin(mt, 1))
print("amax:\n", torch.amax(mt, 1))

data0 = torch.arange(10.0).reshape(2, 5)
data1 = torch.arange(10.0).reshape(2, 5) + 10
mask0 = torch.tensor(
    [[True, True, False, False, False], [False, False, False, True, True]]
)
mask1 = torch.tensor(
    [[False, False, False, True, True], [True, True, False, False, False]]
)
npm0 = np.ma.masked_array(data0.numpy(), (mask0).numpy())
npm1 = np.ma.masked_array(data1.numpy(), (mask1).numpy())

print("npm0:", npm0)
print("npm1:", npm1)

print("(npm0 + npm1).sum(0):\n", (npm0 + npm1).sum(0))
print("npm0.sum(0) + npm1.sum(0):\n", npm0.sum(0) + npm1.sum(0))

mt0 = masked_tensor(data0, ~mask0)
mt1 = masked_tensor(data1, ~mask1)

print((mt0.to_tensor(0) + mt1.to_tensor(0)).sum(0))
