import torch
import pyro
import pyro.distributions as dist
from pyro.infer import MCMC, NUTS, SVI, Predictive, Trace_ELBO, TraceEnum_ELBO, config_enumerate
from pyro.infer.autoguide import AutoDiagonalNormal, AutoNormal
from pyro.optim import Adam, ClippedAdam

pyro.set_rng_seed(0)
x = torch.linspace(-1, 1, 30)
y = 2.0 * x - 0.5 + 0.2 * torch.randn(30)


def model(x, y=None):
    w = pyro.sample('w', dist.Normal(0.0, 2.0))
    b = pyro.sample('b', dist.Normal(0.0, 2.0))
    sigma = pyro.sample('sigma', dist.HalfNormal(1.0))
    with pyro.plate('data', x.shape[0]):
        return pyro.sample('obs', dist.Normal(w * x + b, sigma), obs=y)


guide = AutoDiagonalNormal(model)
svi = SVI(model, guide, Adam({'lr': 0.05}), loss=Trace_ELBO())
for step in range(30):
    loss = svi.step(x, y)
    if step % 10 == 0:
        print(step, f'{loss:.4f}')
print({k: [round(v, 4) for v in t.reshape(-1).tolist()] for k, t in guide.median().items()})
print(sorted(pyro.get_param_store().keys()))
quantiles = guide.quantiles([0.25, 0.75])
print({k: tuple(v.shape) for k, v in quantiles.items()})
predictive = Predictive(model, guide=guide, num_samples=4)
samples = predictive(x)
print({k: tuple(v.shape) for k, v in sorted(samples.items())})

pyro.get_param_store().save('params.pt')
pyro.clear_param_store()
pyro.get_param_store().load('params.pt')
print('reloaded', sorted(pyro.get_param_store().keys()))

# a trace of the model, its log density and poutine handlers
trace = pyro.poutine.trace(pyro.poutine.condition(model, data={'w': torch.tensor(2.0)})).get_trace(x, y)
trace.compute_log_prob()
print([(name, site['type'], tuple(site['log_prob'].shape)) for name, site in trace.nodes.items()
       if site['type'] == 'sample'])
print('log joint', f'{trace.log_prob_sum().item():.4f}')
with pyro.poutine.block(hide=['obs']):
    blocked = pyro.poutine.trace(model).get_trace(x)
print('blocked', [n for n in blocked.stochastic_nodes])

# a Gaussian mixture with the assignment enumerated out
pyro.clear_param_store()
data = torch.cat([torch.randn(10) - 2.0, torch.randn(10) + 2.0])


@config_enumerate
def mixture(data):
    weights = pyro.sample('weights', dist.Dirichlet(torch.ones(2)))
    with pyro.plate('components', 2):
        locs = pyro.sample('locs', dist.Normal(0.0, 5.0))
    with pyro.plate('data', len(data)):
        z = pyro.sample('z', dist.Categorical(weights))
        pyro.sample('obs', dist.Normal(locs[z], 1.0), obs=data)


mix_guide = AutoNormal(pyro.poutine.block(mixture, hide=['z']))
mix_svi = SVI(mixture, mix_guide, ClippedAdam({'lr': 0.1, 'clip_norm': 5.0}), loss=TraceEnum_ELBO(max_plate_nesting=1))
for step in range(20):
    loss = mix_svi.step(data)
print('mixture loss', f'{loss:.4f}', sorted(round(v, 3) for v in mix_guide.median()['locs'].tolist()))

# a few NUTS draws
pyro.set_rng_seed(1)
mcmc = MCMC(NUTS(model), num_samples=10, warmup_steps=10, disable_progbar=True)
mcmc.run(x, y)
posterior = mcmc.get_samples()
print({k: tuple(v.shape) for k, v in sorted(posterior.items())}, f'{posterior["w"].mean().item():.3f}')

# distributions and transforms pyro adds to PyTorch's
d = dist.Normal(torch.zeros(3), 1.0).to_event(1)
print(d.batch_shape, d.event_shape, f'{d.log_prob(torch.ones(3)).item():.5f}')
flow = dist.TransformedDistribution(dist.Normal(0.0, 1.0), [dist.transforms.AffineTransform(1.0, 2.0),
                                                            dist.transforms.ExpTransform()])
print('lognormal', f'{flow.log_prob(torch.tensor(2.0)).item():.5f}')
print('zinb', f'{dist.ZeroInflatedPoisson(torch.tensor(3.0), gate=torch.tensor(0.2)).log_prob(torch.tensor(0.0)).item():.5f}')
print(dist.Normal(0.0, 1.0).expand([2]).mask(torch.tensor([True, False])))
