# PyTorch NLP tutorial "Introduction to PyTorch" (beginner_source/nlp/pytorch_tutorial.py): tensors,
# concatenation, reshaping and autograd, in the tutorial's current form (torch.tensor, requires_grad_,
# detach, no_grad) and its older one (torch.Tensor, autograd.Variable); grad_fn printed without its
# memory address. Every torch call as the tutorial writes it.
import re

import torch
import torch.autograd as autograd


def no_address(obj):
    return re.sub(r" at 0x[0-9a-fA-F]+", "", str(obj))


torch.manual_seed(1)

V_data = [1., 2., 3.]
V = torch.tensor(V_data)
print(V)
M_data = [[1., 2., 3.], [4., 5., 6]]
M = torch.tensor(M_data)
print(M)
T_data = [[[1., 2.], [3., 4.]],
          [[5., 6.], [7., 8.]]]
T = torch.tensor(T_data)
print(T)

print(V[0])
print(V[0].item())
print(M[0])
print(T[0])

x = torch.randn((3, 4, 5))
print(x)

x = torch.tensor([1., 2., 3.])
y = torch.tensor([4., 5., 6.])
z = x + y
print(z)

x_1 = torch.randn(2, 5)
y_1 = torch.randn(3, 5)
z_1 = torch.cat([x_1, y_1])
print(z_1)
x_2 = torch.randn(2, 3)
y_2 = torch.randn(2, 5)
z_2 = torch.cat([x_2, y_2], 1)
print(z_2)
try:
    torch.cat([x_1, x_2])
except RuntimeError as e:
    print("RuntimeError:", e)

x = torch.randn(2, 3, 4)
print(x)
print(x.view(2, 12))
print(x.view(2, -1))

x = torch.tensor([1., 2., 3], requires_grad=True)
y = torch.tensor([4., 5., 6], requires_grad=True)
z = x + y
print(z)
print(no_address(z.grad_fn))
s = z.sum()
print(s)
print(no_address(s.grad_fn))
s.backward()
print(x.grad)

x = torch.randn(2, 2)
y = torch.randn(2, 2)
print(x.requires_grad, y.requires_grad)
z = x + y
print(z.grad_fn)
x = x.requires_grad_()
y = y.requires_grad_()
z = x + y
print(no_address(z.grad_fn))
print(z.requires_grad)
new_z = z.detach()
print(new_z.grad_fn)

print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)

# the tutorial's first version: torch.Tensor and autograd.Variable
V = torch.Tensor(V_data)
print(V)
M = torch.Tensor(M_data)
print(M)
print(torch.Tensor(T_data))
x = autograd.Variable(torch.Tensor([1., 2., 3]), requires_grad=True)
print(x.data)
y = autograd.Variable(torch.Tensor([4., 5., 6]), requires_grad=True)
z = x + y
print(z.data)
print(no_address(z.grad_fn))
s = z.sum()
print(s)
print(no_address(s.grad_fn))
s.backward()
print(x.grad)
x = torch.randn((2, 2))
y = torch.randn((2, 2))
var_x = autograd.Variable(x, requires_grad=True)
var_y = autograd.Variable(y, requires_grad=True)
var_z = var_x + var_y
print(no_address(var_z.grad_fn))
var_z_data = var_z.data
new_var_z = autograd.Variable(var_z_data)
print(new_var_z.grad_fn)
print(type(new_var_z).__name__, new_var_z.requires_grad, var_z.is_leaf, new_var_z.is_leaf)
