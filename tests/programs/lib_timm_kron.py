"""timm's Kron optimizer (PSGD with Kronecker-factored preconditioners): its helpers are compiled with
torch.compile(fullgraph=True, dynamic=False) and take the preconditioner factors as a list of tensors, which they
scale in place; a small MLP with a LayerNorm (a one-dimensional parameter: a diagonal factor) trains a few steps."""
import torch
from timm.optim.kron import Kron

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.LayerNorm(5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
optimizer = Kron(model.parameters(), lr=0.01, preconditioner_update_probability=1.0)
x, y = torch.randn(16, 6), torch.randn(16, 3)
for step in range(6):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    print(step, f'{loss.item():.5f}')
state = optimizer.state[model[0].weight]
print(sorted(state), [tuple(q.shape) for q in state['Q']])
print([f'{p.detach().abs().sum().item():.4f}' for p in model.parameters()])
