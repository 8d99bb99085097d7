# Seed 001's gradient-descent sessions, written without torch.optim (SGD's update by hand).
import torch

loss_fn = lambda t: (t[0] - 3)**2 + (t[1] + 2)**2 + 8
a = torch.tensor([10.,10], requires_grad=True)
print(a)
print(loss_fn([10,10]))
print(loss_fn(a))
print(a.grad)
print(type(loss_fn(a)))
for lr in (0.1, 10, 0.25):
    epochs = 20
    a = torch.tensor([10.,10], requires_grad=True)
    for i in range(epochs):
        loss = loss_fn(a)
        a.grad = None
        loss.backward()
        with torch.no_grad():
            a -= lr * a.grad
        print("Epoch " + str(i))
        print(a)
        print(loss)
        print("")
