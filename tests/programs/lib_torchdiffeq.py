import torch
from torch import nn
from torchdiffeq import odeint, odeint_adjoint, odeint_event

torch.manual_seed(0)
# (float64: float32 sums in another order, as NumPy's BLAS and PyTorch's take them, would show in the digits
# printed after a few adaptive steps)
torch.set_default_dtype(torch.float64)


class ODEFunc(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))

    def forward(self, t, y):
        return self.net(y)


true_A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])
t = torch.linspace(0.0, 1.0, 10)
y0 = torch.tensor([[2.0, 0.0]])
with torch.no_grad():
    true_y = odeint(lambda t, y: y @ true_A, y0, t, method='dopri5')
print('true', true_y.shape, [round(v, 5) for v in true_y[-1, 0].tolist()])

func = ODEFunc()
opt = torch.optim.SGD(func.parameters(), lr=0.05, momentum=0.9)
for step in range(4):
    opt.zero_grad()
    pred = odeint(func, y0, t, rtol=1e-5, atol=1e-6)
    loss = (pred - true_y).abs().mean()
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.6f}')

for method, options in (('rk4', {'step_size': 0.1}), ('euler', {'step_size': 0.05}), ('midpoint', None),
                        ('bosh3', None), ('adaptive_heun', None), ('dopri8', None),
                        ('implicit_adams', {'step_size': 0.1}), ('explicit_adams', {'step_size': 0.1})):
    with torch.no_grad():
        out = odeint(func, y0, t, method=method, options=options, rtol=1e-4, atol=1e-5)
    print(method, [round(v, 4) for v in out[-1, 0].tolist()])

# gradients through the adjoint method agree with backpropagating through the solver
adjoint_func = ODEFunc()
adjoint_func.load_state_dict(func.state_dict())
func.zero_grad()
y0_direct = y0.clone().requires_grad_(True)
odeint(func, y0_direct, t, rtol=1e-7, atol=1e-8).pow(2).sum().backward()
y0_adjoint = y0.clone().requires_grad_(True)
odeint_adjoint(adjoint_func, y0_adjoint, t, rtol=1e-7, atol=1e-8).pow(2).sum().backward()
print('adjoint', torch.allclose(y0_direct.grad, y0_adjoint.grad, atol=1e-5),
      all(torch.allclose(a.grad, b.grad, atol=1e-5) for a, b in zip(func.parameters(), adjoint_func.parameters())))


# a bouncing ball: integrate until the height crosses zero
class Ball(nn.Module):
    def forward(self, t, state):
        pos, vel = state
        return vel, torch.full_like(vel, -9.8)


def hits_ground(t, state):
    return state[0]


start = (torch.tensor([1.0], dtype=torch.float32), torch.tensor([0.0], dtype=torch.float32))
event_t, final = odeint_event(Ball(), start, torch.tensor(0.0), event_fn=hits_ground, method='dopri5',
                              odeint_interface=odeint)
print('event', f'{event_t.item():.5f}', f'{final[1][-1].item():.5f}')
torch.set_default_dtype(torch.float32)
ts = torch.tensor([0.0, 0.2, 0.4])
print('tuple state', [tuple(s.shape) for s in odeint(Ball(), start, ts)])
print('jump points', odeint(func, y0, ts.double(), method='dopri5', options={'jump_t': torch.tensor([0.1, 0.3])}).shape)
print('float32', odeint(lambda t, y: -y, torch.ones(3), ts).dtype)
