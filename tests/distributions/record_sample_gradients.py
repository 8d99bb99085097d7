"""Records PyTorch's reparameterised sample gradients for tests/distributions/test_sample_gradients.py
(run under real PyTorch):

    python -m tests.distributions.record_sample_gradients

writes tests/fixtures/sample_gradients.npz: ``_standard_gamma_grad`` and ``_dirichlet_grad`` over a
spread of parameters that reaches every branch of their approximations, and the gradients of Gamma,
Beta and Dirichlet ``rsample`` from a seeded draw.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / 'fixtures' / 'sample_gradients.npz'


def grid(n=3000):
    """Parameters over six decades, draws around them, Beta draws over (0, 1)."""
    rng = np.random.default_rng(0)
    alpha = np.exp(rng.uniform(np.log(1e-3), np.log(1e3), n))
    x = alpha * np.exp(rng.normal(0, 1.0, n)) * rng.choice([1, 0.01, 3], n)
    total = alpha + np.exp(rng.uniform(np.log(1e-3), np.log(1e3), n))
    beta_x = 1 / (1 + np.exp(-rng.normal(0, 3, n)))
    return {'alpha': alpha, 'x': x, 'total': total, 'beta_x': beta_x}


def rsample_grads(t):
    """Gradients of seeded Gamma, Beta and Dirichlet draws (float32) with respect to their parameters."""
    t.manual_seed(0)
    out = {}
    a = t.tensor([0.3, 1.0, 2.5, 15.0, 40.0], requires_grad=True)
    rate = t.tensor([1.0, 2.0, 0.5, 1.0, 3.0], requires_grad=True)
    g = t.distributions.Gamma(a, rate).rsample((4,))
    (g * t.arange(1.0, 6.0)).sum().backward()
    out.update(gamma_sample=g.detach().numpy(), gamma_da=a.grad.numpy(), gamma_drate=rate.grad.numpy())
    c1 = t.tensor([15.0, 0.5, 3.0, 7.0], requires_grad=True)
    c0 = t.tensor([15.0, 2.0, 0.7, 9.0], requires_grad=True)
    b = t.distributions.Beta(c1, c0).rsample((3,))
    (b * t.arange(1.0, 5.0)).sum().backward()
    out.update(beta_sample=b.detach().numpy(), beta_dc1=c1.grad.numpy(), beta_dc0=c0.grad.numpy())
    conc = t.tensor([[0.5, 2.0, 7.0], [20.0, 30.0, 0.1]], requires_grad=True)
    d = t.distributions.Dirichlet(conc).rsample((2,))
    (d * t.tensor([1.0, -2.0, 3.0])).sum().backward()
    out.update(dirichlet_sample=d.detach().numpy(), dirichlet_dconc=conc.grad.numpy())
    return out


def main():
    import torch
    record = dict(grid())
    for name, dtype in (('float32', torch.float32), ('float64', torch.float64)):
        a, x, total, bx = (torch.tensor(record[k]).to(dtype) for k in ('alpha', 'x', 'total', 'beta_x'))
        record[f'gamma_grad_{name}'] = torch._standard_gamma_grad(a, x).numpy()
        record[f'dirichlet_grad_{name}'] = torch._dirichlet_grad(bx, a, total).numpy()
    record.update(rsample_grads(torch))
    np.savez_compressed(OUT, **record)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
