import numpy as np
import torch

M1 = np.array([[1., 2., 3.], [4., 5., 6.]])
M2 = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
print(M2)
print(M2.shape)
v2 = torch.tensor([1., 2., 3.]).reshape(3, 1)
print(M2@v2)
print(torch.from_numpy(M1))
print(repr(M2.numpy()))

x = torch.tensor([1., 2., 3.])
w = torch.tensor([4., 5., 6.], requires_grad=True)
y = torch.zeros(3)
diff = y - w*x
print(diff)
square = diff**2
print(square)
L = torch.sum(square)
print(L)
dw = torch.autograd.grad(L, w, retain_graph=True)
print(dw)
try:
    dx = torch.autograd.grad(L, x)
except RuntimeError as e:
    print("RuntimeError:", e)
L.backward()
print(w.grad)
print(x.grad)

def get_loss(w):
    x = torch.tensor([1., 2., 3.])
    y = torch.zeros(3)
    L = torch.sum((y - w*x)**2)
    return L

from torch.autograd.functional import hessian
w = torch.tensor([4., 5., 6.], requires_grad=True)
print(hessian(get_loss, w))

torch.manual_seed(0)
def generate_data(N, num_in=3):
    X = torch.randn(N, num_in)
    y = torch.square(X).sum(dim=1).reshape(N, 1)
    return X, y
X, y = generate_data(N=100, num_in=3)
print(X.shape)
print(y.shape)
