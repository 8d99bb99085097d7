# PyTorch beginner tutorial "Automatic Differentiation with torch.autograd"
# (beginner_source/basics/autogradqs_tutorial.py), as written (seeded).
import re

import torch

torch.manual_seed(0)


def no_address(text):
    """A node prints with its memory address, different on every run: the recorded output leaves it out."""
    return re.sub(r" at 0x[0-9a-f]+", "", text)


x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(no_address(f"Gradient function for z = {z.grad_fn}"))
print(no_address(f"Gradient function for loss = {loss.grad_fn}"))

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# what the tutorial says in words: a second backward without retain_graph fails, and
# backward() on a scalar is backward(torch.tensor(1.0))
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss.backward()
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
w.grad = None
loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w)+b, y)
loss.backward(torch.tensor(1.0))
print(w.grad)
x.requires_grad_(True)
print(x.requires_grad, x.is_leaf, z.is_leaf, loss.grad_fn.next_functions[0][0].name())
