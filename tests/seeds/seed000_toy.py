import torch

a = torch.tensor([2., 3.], requires_grad=True)
Q = a**2

Jacobian_vector = torch.tensor([1,1])
Q.backward(gradient=Jacobian_vector)
print(a.grad)

a = torch.tensor([2., 3.], requires_grad=True)
Q = a[0]**2 + a[1]**2

Q.backward()
print(a.grad)

dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(0,1, 200, device=device, dtype=dtype)
print(x.shape, x.dtype, x.device, x[:3], x[-1])
