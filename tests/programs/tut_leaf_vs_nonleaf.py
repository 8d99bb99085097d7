"""PyTorch's tutorial "Understanding requires_grad, retain_grad, Leaf, and Non-leaf Tensors"
(beginner_source/understanding_leaf_vs_nonleaf_tutorial.py): the tutorial's prints as it writes them, plus what
its text shows without running: the warning on reading a non-leaf's grad (caught, its explanation printed), the error of a
backward through tensors that do not require grad, and the error of retain_grad on such a tensor."""
import warnings

import torch
import torch.nn.functional as F

# tensor setup
x = torch.ones(1, 3)                      # input with shape: (1, 3)
W = torch.ones(3, 2, requires_grad=True)  # weights with shape: (3, 2)
b = torch.ones(1, 2, requires_grad=True)  # bias with shape: (1, 2)
y = torch.ones(1, 2)                      # output with shape: (1, 2)

# forward pass
z = (x @ W) + b                           # pre-activation with shape: (1, 2)
y_pred = F.relu(z)                        # activation with shape: (1, 2)
loss = F.mse_loss(y_pred, y)              # scalar loss

print(f"{x.is_leaf=}")
print(f"{z.is_leaf=}")

print(f"{x.requires_grad=}")
print(f"{W.requires_grad=}")
print(f"{z.requires_grad=}")

# the text's "try not setting requires_grad": the same forward pass without it
W0 = torch.ones(3, 2)
b0 = torch.ones(1, 2)
loss0 = F.mse_loss(F.relu((x @ W0) + b0), y)
try:
    loss0.backward()
except RuntimeError as e:
    print("RuntimeError:", e)

loss.backward()

print(f"{W.grad=}")
print(f"{b.grad=}")

print(f"{x.grad=}")
print(f"{y.grad=}")

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(f"{z.grad=}")
for w in caught:
    # up to its pointer to PyTorch's pull request (and PyTorch's note of the C++ header that raised it)
    print(w.category.__name__ + ":", str(w.message).split(" See ")[0])

# we have to re-run the forward pass
z = (x @ W) + b
y_pred = F.relu(z)
loss = F.mse_loss(y_pred, y)

# tell PyTorch to store the gradients after backward()
z.retain_grad()
y_pred.retain_grad()
loss.retain_grad()

# have to zero out gradients otherwise they would accumulate
W.grad = None
b.grad = None

# backpropagation
loss.backward()

print(f"{W.grad=}")
print(f"{b.grad=}")
print(f"{z.grad=}")
print(f"{y_pred.grad=}")
print(f"{loss.grad=}")

# the state the second graph shows
for name, t in [("x", x), ("W", W), ("b", b), ("z", z), ("y_pred", y_pred), ("y", y), ("loss", loss)]:
    print(name, t.is_leaf, t.requires_grad, t.retains_grad, None if t.grad is None else type(t.grad).__name__)

# retain_grad on a leaf that requires grad does nothing; on one that does not, an error
W.retain_grad()
print(f"{W.retains_grad=}")
try:
    x.retain_grad()
except RuntimeError as e:
    print("RuntimeError:", e)

# the summary table's requires_grad_() column
x.requires_grad_()
print(f"{x.requires_grad=}")
x.requires_grad_(False)
print(f"{x.requires_grad=}")
z.requires_grad_()
print(f"{z.requires_grad=}")
try:
    z.requires_grad_(False)
except RuntimeError as e:
    print("RuntimeError:", e)
