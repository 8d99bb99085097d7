# Seed 001's whole torch.optim.SGD session (gradient descent on a 2-variable quadratic), as written there.
import torch

loss_fn = lambda t: (t[0] - 3)**2 + (t[1] + 2)**2 + 8
a = torch.tensor([10.,10], requires_grad=True)
try:
    optimizer = torch.optim.SGD(a, lr = 0.1)
except TypeError as e:
    print(type(e).__name__ + ": " + str(e))
optimizer = torch.optim.SGD([a], lr = 0.1)
loss = loss_fn(a)
optimizer.zero_grad()
print(type(loss))
loss.backward()
print(a)
print(a.grad)
optimizer.step()
print(a)
for lr in (0.1, 10, 0.25):
    epochs = 20
    a = torch.tensor([10.,10], requires_grad=True)
    optimizer = torch.optim.SGD([a], lr = lr)
    for i in range(epochs):
        loss = loss_fn(a)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print("Epoch " + str(i))
        print(a)
        print(loss)
        print("")
