"""PyTorch's recipe "torch.vmap" (unstable_source/vmap_recipe.py): batched dot products, a model written for
one example run on a batch, and a Jacobian from autograd.grad vmapped over basis vectors; the notebook's bare
expressions printed, seeded, with the per-sample-gradient sketch it leaves commented out run through
torch.func instead."""
import torch
from torch import vmap

torch.manual_seed(0)

torch.dot                            # [D], [D] -> []
batched_dot = torch.vmap(torch.dot)  # [N, D], [N, D] -> [N]
x, y = torch.randn(2, 5), torch.randn(2, 5)
print(batched_dot(x, y))

batch_size, feature_size = 3, 5
weights = torch.randn(feature_size, requires_grad=True)


def model(feature_vec):
    # Very simple linear model with activation
    return feature_vec.dot(weights).relu()


examples = torch.randn(batch_size, feature_size)
result = torch.vmap(model)(examples)
expected = torch.stack([model(example) for example in examples.unbind()])
assert torch.allclose(result, expected)
print(result)
print(expected)

# Setup
N = 5


def f(x):
    return x ** 2


x = torch.randn(N, requires_grad=True)
y = f(x)
basis_vectors = torch.eye(N)

# Sequential approach
jacobian_rows = [torch.autograd.grad(y, x, v, retain_graph=True)[0]
                 for v in basis_vectors.unbind()]
jacobian = torch.stack(jacobian_rows)


def get_vjp(v):
    return torch.autograd.grad(y, x, v)[0]


jacobian_vmap = vmap(get_vjp)(basis_vectors)
assert torch.allclose(jacobian_vmap, jacobian)
print(jacobian_vmap)
print(torch.equal(jacobian_vmap, jacobian))


def model(sample, weight):
    # do something...
    return torch.dot(sample, weight)


weight = torch.randn(5)


def grad_sample(sample):
    return torch.autograd.functional.vjp(lambda weight: model(sample, weight), weight)[1]


batch_of_samples = torch.randn(4, 5)
print(torch.stack([grad_sample(s) for s in batch_of_samples]))
print(vmap(torch.func.grad(model, argnums=1), in_dims=(0, None))(batch_of_samples, weight))
