import torch
import torchcde

torch.manual_seed(0)
t = torch.linspace(0, 1, 8)
x = torch.stack([t.expand(3, 8), torch.randn(3, 8).cumsum(-1)], -1)
x[1, 3, 1] = float('nan')
coeffs = torchcde.hermite_cubic_coefficients_with_backward_differences(x)
spline = torchcde.CubicSpline(torchcde.natural_cubic_coeffs(x))
lin = torchcde.LinearInterpolation(torchcde.linear_interpolation_coeffs(x))
print(f'{spline.evaluate(torch.tensor(0.37)).sum().item():.5f}', f'{spline.derivative(torch.tensor(0.37)).sum().item():.5f}')
print(f'{lin.evaluate(torch.tensor(0.5)).sum().item():.5f}', [f'{v:.5f}' for v in lin.grid_points.tolist()][:3])


class F(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 4 * 2)

    def forward(self, t, z):
        return self.lin(z).tanh().view(z.shape[0], 4, 2)


torch.manual_seed(1)
f = F()
z0 = torch.randn(3, 4)
X = torchcde.CubicSpline(torchcde.hermite_cubic_coefficients_with_backward_differences(x))
# the adaptive solver in float64 with tight tolerances: its step-size control then cannot follow rounding
X64 = torchcde.CubicSpline(torchcde.hermite_cubic_coefficients_with_backward_differences(x.double()))
z = torchcde.cdeint(X=X64, z0=z0.double(), func=f.double(), t=X64.interval, method='dopri5', rtol=1e-10, atol=1e-12)
print('dopri5', f'{z[:, -1].sum().item():.5f}')
f.float()
for method, kw in [('rk4', dict(options=dict(step_size=0.1))), ('euler', dict(options=dict(step_size=0.05)))]:
    z = torchcde.cdeint(X=X, z0=z0, func=f, t=X.interval, method=method, **kw)
    print(method, tuple(z.shape), f'{z[:, -1].sum().item():.5f}')
z = torchcde.cdeint(X=X, z0=z0, func=f, t=X.grid_points, adjoint=True, method='rk4', options=dict(step_size=0.1))
z[:, -1].sum().backward()
print(tuple(z.shape), f'{f.lin.weight.grad.abs().sum().item():.3f}')
