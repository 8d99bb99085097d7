import torch
import torchsde
from torch import nn


def fmt(values, digits=4):
    return [round(v, digits) for v in values]


class NeuralSDE(nn.Module):
    """dY = f(t, Y) dt + g(t, Y) dW with small networks for the drift and the diagonal diffusion."""
    noise_type = 'diagonal'

    def __init__(self, sde_type='ito', dim=3):
        super().__init__()
        self.sde_type = sde_type
        self.drift = nn.Sequential(nn.Linear(dim + 1, 16), nn.Tanh(), nn.Linear(16, dim))
        self.diffusion = nn.Sequential(nn.Linear(dim + 1, 16), nn.Tanh(), nn.Linear(16, dim), nn.Sigmoid())

    def _with_time(self, t, y):
        return torch.cat([y, t.expand(y.shape[0], 1)], dim=1)

    def f(self, t, y):
        return self.drift(self._with_time(t, y))

    def g(self, t, y):
        return 0.3 * self.diffusion(self._with_time(t, y))


torch.manual_seed(0)
sde = NeuralSDE()
y0 = torch.full((4, 3), 0.1)
ts = torch.linspace(0, 1, 5)
bm = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(4, 3), entropy=1234, levy_area_approximation='space-time')
for method in ('euler', 'milstein', 'srk'):
    ys = torchsde.sdeint(sde, y0, ts, method=method, dt=0.05, bm=bm)
    print(method, tuple(ys.shape), fmt(ys[-1, 0].tolist()))

# the same Brownian path queried again gives the same increments
w1 = bm(0.2, 0.7)
w2 = bm(0.2, 0.7)
print('brownian', torch.equal(w1, w2), fmt(w1[0].tolist()))
w, area = bm(0.2, 0.7, return_U=True)
print('space-time area', fmt(area[0].tolist()))
tree = torchsde.BrownianTree(t0=0.0, t1=1.0, w0=torch.zeros(2, 3), entropy=7)
print('tree', fmt(tree(0.0, 0.5)[0].tolist()))

# Stratonovich SDEs and the reversible Heun method
torch.manual_seed(1)
strat = NeuralSDE('stratonovich')
bm_s = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(4, 3), entropy=99)
for method in ('midpoint', 'heun', 'reversible_heun'):
    ys = torchsde.sdeint(strat, y0, ts, method=method, dt=0.1, bm=bm_s)
    print(method, fmt(ys[-1, 1].tolist()))

# training through the solver, by backpropagation and by the adjoint method
torch.manual_seed(2)
model = NeuralSDE()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
target = torch.tensor([0.5, -0.2, 0.3])
for step in range(3):
    bm_train = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(4, 3), entropy=step)
    ys = torchsde.sdeint(model, y0, ts, method='euler', dt=0.1, bm=bm_train)
    loss = (ys[-1] - target).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.5f}')

torch.manual_seed(3)
strat_model = NeuralSDE('stratonovich')
bm_adj = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(4, 3), entropy=5)
ys = torchsde.sdeint_adjoint(strat_model, y0, ts, method='reversible_heun', adjoint_method='adjoint_reversible_heun',
                             dt=0.05, bm=bm_adj)
loss = ys[-1].sum()
loss.backward()
adjoint_grad = strat_model.drift[0].weight.grad.clone()
strat_model.zero_grad()
ys = torchsde.sdeint(strat_model, y0, ts, method='reversible_heun', dt=0.05, bm=bm_adj)
ys[-1].sum().backward()
print('adjoint', f'{loss.item():.4f}', torch.allclose(adjoint_grad, strat_model.drift[0].weight.grad, atol=1e-4))


class LatentSDE(nn.Module):
    """A posterior drift h next to the prior drift f, for the KL term of a latent SDE (logqp)."""
    noise_type = 'diagonal'
    sde_type = 'ito'

    def __init__(self):
        super().__init__()
        self.theta = nn.Parameter(torch.tensor([[0.5]]))

    def f(self, t, y):
        return self.theta * (1.0 - y)

    def h(self, t, y):
        return -y

    def g(self, t, y):
        return 0.2 * torch.ones_like(y)


torch.manual_seed(4)
latent = LatentSDE()
ys, logqp = torchsde.sdeint(latent, torch.zeros(3, 1), ts, method='euler', dt=0.05, logqp=True,
                            bm=torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(3, 2), entropy=11))
print('logqp', tuple(ys.shape), tuple(logqp.shape), f'{logqp.sum().item():.5f}')

try:
    torchsde.sdeint(sde, y0, ts, method='milstein_not_a_method', dt=0.1)
except ValueError as err:
    print('ValueError', err)
