import torch

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
b = torch.add(w, 1)
y = torch.mul(a, b)
y.backward()
print(w.grad) # tensor([5.])
print("is_leaf:\n", w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf)
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print("gradient:\n", w.grad, x.grad, a.grad, b.grad, y.grad)

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
a.retain_grad()
b = torch.add(w, 1)
y = torch.mul(a, b)
y.backward()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print("gradient:\n", w.grad, x.grad, a.grad, b.grad, y.grad)
print("grad_fn:\n", w.grad_fn, x.grad_fn, a.grad_fn.name(), b.grad_fn.name(), y.grad_fn.name())
print(y)

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
a.retain_grad()
b = torch.add(w, 1)
y = torch.mul(a, b)
y.backward()
print(w.grad)
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
a.retain_grad()
b = torch.add(w, 1)
y0 = torch.mul(a, b)
y1 = torch.add(a, 10)
loss = torch.cat([y0,y1], dim=0)
try:
    loss.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
grad_tensors = torch.tensor([1., 1.])
loss.backward(gradient=grad_tensors, retain_graph=True)
print(w.grad)
grad_tensors = torch.tensor([1., 2.])
w.grad = None
loss.backward(gradient=grad_tensors)
print(w.grad)

x = torch.tensor([3.], requires_grad=True)
y = torch.pow(x, 2)
grad_1 = torch.autograd.grad(y, x, create_graph=True)
print(grad_1)
grad_2 = torch.autograd.grad(grad_1[0], x)
print(grad_2)

x1 = torch.tensor(1.0,requires_grad = True)
x2 = torch.tensor(2.0,requires_grad = True)
y1 = x1*x2
y2 = x1+x2
(dy1_dx1,dy1_dx2) = torch.autograd.grad(outputs=y1,inputs = [x1,x2],retain_graph = True)
print(dy1_dx1,dy1_dx2)
(dy12_dx1,dy12_dx2) = torch.autograd.grad(outputs=[y1,y2],inputs = [x1,x2])
print(dy12_dx1,dy12_dx2)

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
for i in range(4):
    a = torch.add(w, x)
    b = torch.add(w, 1)
    y = torch.mul(a, b)
    y.backward()
    print(w.grad)

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
for i in range(4):
    a = torch.add(w, x)
    b = torch.add(w, 1)
    y = torch.mul(a, b)
    y.backward()
    print(w.grad)
    w.grad.zero_()

w = torch.tensor([1.], requires_grad=True)
x = torch.tensor([2.], requires_grad=True)
a = torch.add(w, x)
b = torch.add(w, 1)
y = torch.mul(a, b)
print(w.requires_grad, a.requires_grad, b.requires_grad)

a = torch.ones((1,))
before = id(a)
a = a + torch.ones((1,))
print(id(a) == before, a)
a = torch.ones((1,))
before = id(a)
a += torch.ones((1,))
print(id(a) == before, a)
try:
    w.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)

torch.manual_seed(1)
sample_nums = 100
mean_value = 1.7
bias = 1
n_data = torch.ones(sample_nums, 2)
x0 = torch.normal(mean_value*n_data, 1) + bias
y0 = torch.zeros(sample_nums)
x1 = torch.normal(-mean_value*n_data, 1) + bias
y1 = torch.ones(sample_nums)
train_x = torch.cat([x0, x1], 0)
train_y = torch.cat([y0, y1], 0)
print(train_x.shape, train_y.shape, train_x.dtype)
