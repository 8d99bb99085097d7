"""PyTorch's tutorial "Visualizing Gradients" (intermediate_source/visualizing_gradients_tutorial.py): forward
hooks that register backward hooks on every leaf module's output, ten SGD steps of two MLPs (with and without
BatchNorm1d) on dummy MNIST-shaped data, and each layer's mean absolute gradient; the figure replaced by the
plotted values, printed to 4 significant digits, seeded. Then the earlier version's part
(advanced_source/visualizing_gradients_tutorial.py): leaf and non-leaf tensors, requires_grad, retain_grad."""
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F

torch.manual_seed(0)


def fc_layer(in_size, out_size, norm_layer):
    """Return a stack of linear->norm->sigmoid layers"""
    return nn.Sequential(nn.Linear(in_size, out_size), norm_layer(out_size), nn.Sigmoid())


class Net(nn.Module):
    """Define a network that has num_layers of linear->norm->sigmoid transformations"""
    def __init__(self, in_size=28*28, hidden_size=128,
                 out_size=10, num_layers=3, batchnorm=False):
        super().__init__()
        if batchnorm is False:
            norm_layer = nn.Identity
        else:
            norm_layer = nn.BatchNorm1d

        layers = []
        layers.append(fc_layer(in_size, hidden_size, norm_layer))

        for i in range(num_layers-1):
            layers.append(fc_layer(hidden_size, hidden_size, norm_layer))

        layers.append(nn.Linear(hidden_size, out_size))

        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.layers(x)


# set up dummy data
x = torch.randn(10, 28, 28)
y = torch.randint(10, (10, ))

# init model
model_bn = Net(batchnorm=True, num_layers=3)
model_nobn = Net(batchnorm=False, num_layers=3)

model_bn.train()
model_nobn.train()

optimizer_bn = optim.SGD(model_bn.parameters(), lr=0.01, momentum=0.9)
optimizer_nobn = optim.SGD(model_nobn.parameters(), lr=0.01, momentum=0.9)

print(model_bn.layers[0])
print(model_nobn.layers[0])


def hook_forward(module_name, grads, hook_backward):
    def hook(module, args, output):
        """Forward pass hook which attaches backward pass hooks to intermediate tensors"""
        output.register_hook(hook_backward(module_name, grads))
    return hook


def hook_backward(module_name, grads):
    def hook(grad):
        """Backward pass hook which appends gradients"""
        grads.append((module_name, grad))
    return hook


def get_all_layers(model, hook_forward, hook_backward):
    layers = dict()
    grads = []
    for name, layer in model.named_modules():
        # skip Sequential and/or wrapper modules
        if any(layer.children()) is False:
            layers[layer] = name
            layer.register_forward_hook(hook_forward(name, grads, hook_backward))
    return layers, grads


# register hooks
layers_bn, grads_bn = get_all_layers(model_bn, hook_forward, hook_backward)
layers_nobn, grads_nobn = get_all_layers(model_nobn, hook_forward, hook_backward)
print(list(layers_bn.values()))
print(list(layers_nobn.values()))

epochs = 10

for epoch in range(epochs):

    # important to clear, because we append to
    # outputs everytime we do a forward pass
    grads_bn.clear()
    grads_nobn.clear()

    optimizer_bn.zero_grad()
    optimizer_nobn.zero_grad()

    y_pred_bn = model_bn(x)
    y_pred_nobn = model_nobn(x)

    loss_bn = F.cross_entropy(y_pred_bn, y)
    loss_nobn = F.cross_entropy(y_pred_nobn, y)

    loss_bn.backward()
    loss_nobn.backward()

    optimizer_bn.step()
    optimizer_nobn.step()
    print(f"epoch {epoch}: loss with BatchNorm {loss_bn.item():.4f}, without {loss_nobn.item():.4f}")


def get_grads(grads):
    layer_idx = []
    avg_grads = []
    for idx, (name, grad) in enumerate(grads):
        if grad is not None:
            avg_grad = grad.abs().mean()
            avg_grads.append(avg_grad)
            # idx is backwards since we appended in backward pass
            layer_idx.append(len(grads) - 1 - idx)
    return layer_idx, avg_grads


layer_idx_bn, avg_grads_bn = get_grads(grads_bn)
layer_idx_nobn, avg_grads_nobn = get_grads(grads_nobn)

# the plot's points
print("order of the hooks' calls:", [name for name, _ in grads_bn])
print("With BatchNorm:", layer_idx_bn, [f"{g.item():.4g}" for g in avg_grads_bn])
print("Without BatchNorm:", layer_idx_nobn, [f"{g.item():.4g}" for g in avg_grads_nobn])

# the earlier version: leaf and non-leaf tensors
x = torch.ones(1, 3)                      # input with shape: (1, 3)
W = torch.ones(3, 2, requires_grad=True)  # weights with shape: (3, 2)
b = torch.ones(1, 2, requires_grad=True)  # bias with shape: (1, 2)
y = torch.ones(1, 2)                      # output with shape: (1, 2)

# forward pass
z = (x @ W) + b                           # pre-activation with shape: (1, 2)
y_pred = F.relu(z)                        # activation with shape: (1, 2)
loss = F.mse_loss(y_pred, y)              # scalar loss

print(f"{x.is_leaf=}")
print(f"{W.is_leaf=}")
print(f"{b.is_leaf=}")
print(f"{y.is_leaf=}")
print(f"{z.is_leaf=}")
print(f"{y_pred.is_leaf=}")
print(f"{loss.is_leaf=}")

a = torch.tensor([1.0, 5.0, 2.0])
print(a.is_leaf)

print(f"{x.requires_grad=}")
print(f"{y.requires_grad=}")
print(f"{W.requires_grad=}")
print(f"{b.requires_grad=}")
print(f"{z.requires_grad=}")
print(f"{y_pred.requires_grad=}")
print(f"{loss.requires_grad=}")


class Model(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 20, 5)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        return F.relu(self.conv2(x))


m = Model()

for name, param in m.named_parameters():
    print(name, param.requires_grad)

z = (x @ W) + b # same as before

with torch.no_grad(): # could also use torch.inference_mode()
    z2 = (x @ W) + b

print(f"{z.requires_grad=}")
print(f"{z2.requires_grad=}")

loss.backward()

print(f"{W.grad=}")
print(f"{b.grad=}")
print(f"{x.grad=}")
print(f"{y.grad=}")
print(f"{z.grad=}")

print(f"{z.retains_grad=}")
print(f"{y_pred.retains_grad=}")
print(f"{loss.retains_grad=}")

print(f"{x.retains_grad=}")
print(f"{y.retains_grad=}")
print(f"{b.retains_grad=}")
print(f"{W.retains_grad=}")

W.retain_grad()
print(f"{W.retains_grad=}") # still False

try:
    x.retain_grad()
except RuntimeError as e:
    print(type(e).__name__, e)

# forward pass
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

# back-propagation
loss.backward()

# print gradients for all tensors that have requires_grad=True
print(f"{W.grad=}")
print(f"{b.grad=}")
print(f"{z.grad=}")
print(f"{y_pred.grad=}")
print(f"{loss.grad=}")
