# PyTorch "60 Minute Blitz" tutorial "A Gentle Introduction to torch.autograd" (beginner_source/blitz/
# autograd_tutorial.py) and its older revision "Autograd: automatic differentiation", run offline: resnet18
# with fresh weights (weights=None) stands in for the downloaded ResNet18_Weights.DEFAULT; seeded; nodes
# print without their memory addresses.
import re

import torch
from torchvision.models import resnet18, ResNet18_Weights

torch.manual_seed(0)


def no_address(node):
    """A node prints with its memory address, different on every run: the recorded output leaves it out."""
    return re.sub(r" at 0x[0-9a-f]+", "", str(node))


model = resnet18(weights=None)   # the tutorial: weights=ResNet18_Weights.DEFAULT
data = torch.rand(1, 3, 64, 64)
labels = torch.rand(1, 1000)

prediction = model(data) # forward pass
loss = (prediction - labels).sum()
loss.backward() # backward pass
print(f"{loss.item():.3f}", no_address(loss.grad_fn), model.conv1.weight.grad.shape)

optim = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim.step() #gradient descent
print(ResNet18_Weights.DEFAULT, ResNet18_Weights.DEFAULT.meta["num_params"])

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)

Q = 3*a**3 - b**2

external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

from torch import nn, optim

model = resnet18(weights=None)

# Freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False

model.fc = nn.Linear(512, 10)

# Optimize only the classifier
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print(sum(p.requires_grad for p in model.parameters()), len(optimizer.param_groups[0]["params"]))
print(model.conv1.weight.requires_grad, model.fc.weight.requires_grad)

# the older revision
x = torch.ones(2, 2, requires_grad=True)
print(x)

y = x + 2
print(y)

print(no_address(y.grad_fn))

z = y * y * 3
out = z.mean()

print(z, out)

a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(no_address(b.grad_fn))

out.backward()

print(x.grad)

x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(gradients)

print(x.grad)

print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
	print((x ** 2).requires_grad)

print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
