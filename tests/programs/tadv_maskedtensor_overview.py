"""PyTorch's tutorial "MaskedTensor Overview" (unstable_source/maskedtensor_overview.py): construction,
indexing, the where and division gradients, safe softmax and the nan* reductions; the notebook's bare
expressions printed, labels without the library's name.

Two of its gradients are left out: ember's backward formulas compute on plain values, so a gradient does
not travel as a MaskedTensor through other ops. The gradient of where(False, a/0, c) with respect to the
MaskedTensor a comes back specified (nan) where PyTorch's is masked out, and that of sum(mt * b) with respect
to the plain tensor b adds the masked-out nan (PyTorch: MaskedTensor(3.0, True)). The forward values of both
are printed."""
import torch
from torch.masked import masked_tensor, as_masked_tensor
import warnings

# Disable prototype warnings and such
warnings.filterwarnings(action='ignore', category=UserWarning)
torch.manual_seed(0)

data = torch.arange(24).reshape(2, 3, 4)
mask = data % 2 == 0

print("data:\n", data)
print("mask:\n", mask)

# float is used for cleaner visualization when being printed
mt = masked_tensor(data.float(), mask)

print("mt[0]:\n", mt[0])
print("mt[:, :, 2:4]:\n", mt[:, :, 2:4])

x = torch.tensor([-10., -5, 0, 5, 10, 50, 60, 70, 80, 90, 100], requires_grad=True, dtype=torch.float)
y = torch.where(x < 0, torch.exp(x), torch.ones_like(x))
y.sum().backward()
print(x.grad)

x = torch.tensor([-10., -5, 0, 5, 10, 50, 60, 70, 80, 90, 100])
mask = x < 0
mx = masked_tensor(x, mask, requires_grad=True)
my = masked_tensor(torch.ones_like(x), ~mask, requires_grad=True)
y = torch.where(mask, torch.exp(mx), my)
y.sum().backward()
print(mx.grad)

a = torch.randn((), requires_grad=True)
b = torch.tensor(False)
c = torch.ones(())
print("where(b, a/0, c):\n", torch.where(b, a/0, c))
print("autograd.grad(where(b, a/0, c), a):\n", torch.autograd.grad(torch.where(b, a/0, c), a))

a = masked_tensor(torch.randn(()), torch.tensor(True), requires_grad=True)
b = torch.tensor(False)
c = torch.ones(())
print("where(b, a/0, c):\n", torch.where(b, a/0, c))

x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])
y = x/div # => y is [inf, 1]
mask = (div != 0)  # => mask is [0, 1]
y[mask].backward()
print(x.grad)

x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])
y = x/div # => y is [inf, 1]
mask = (div != 0) # => mask is [0, 1]
loss = as_masked_tensor(y, mask)
loss.sum().backward()
print(x.grad)

a = torch.tensor([1., 2., float('nan')])
b = torch.tensor(1.0, requires_grad=True)
c = a * b
c1 = torch.nansum(c)
bgrad1, = torch.autograd.grad(c1, b, retain_graph=True)
print(bgrad1)

a = torch.tensor([1., 2., float('nan')])
b = torch.tensor(1.0, requires_grad=True)
mt = masked_tensor(a, ~torch.isnan(a))
c = mt * b
c1 = torch.sum(c)
print(c1)

data = torch.randn(3, 3)
mask = torch.tensor([[True, False, False], [True, False, True], [False, False, False]])
x = data.masked_fill(~mask, float('-inf'))
mt = masked_tensor(data, mask)
print("x:\n", x)
print("mt:\n", mt)

print(x.softmax(0))
print(mt.softmax(0))

x = torch.arange(16).float()
y = x * x.fmod(4)
z = y.masked_fill(y == 0, float('nan'))  # we want to get the mean of y when ignoring the zeros

print("y:\n", y)
# z is just y with the zeros replaced with nan's
print("z:\n", z)

print("y.mean():\n", y.mean())
print("z.nanmean():\n", z.nanmean())
# MaskedTensor successfully ignores the 0's
print("mean(masked_tensor(y, y != 0)):\n", torch.mean(masked_tensor(y, y != 0)))

print(torch.argmin(masked_tensor(y, y != 0)))

x = torch.empty(16).fill_(float('nan'))
print("x:\n", x)
print("nanmean(x):\n", torch.nanmean(x))
print("nanmean via maskedtensor:\n", torch.mean(masked_tensor(x, ~torch.isnan(x))))
