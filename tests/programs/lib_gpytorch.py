import math

import torch
import gpytorch

torch.manual_seed(0)
train_x = torch.linspace(0, 1, 20, dtype=torch.float64)
train_y = torch.sin(train_x * (2 * math.pi)) + 0.1 * torch.randn(20, dtype=torch.float64)


class ExactGPModel(gpytorch.models.ExactGP):
    def __init__(self, train_x, train_y, likelihood):
        super().__init__(train_x, train_y, likelihood)
        self.mean_module = gpytorch.means.ConstantMean()
        self.covar_module = gpytorch.kernels.ScaleKernel(gpytorch.kernels.RBFKernel())

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(self.mean_module(x), self.covar_module(x))


likelihood = gpytorch.likelihoods.GaussianLikelihood().double()
model = ExactGPModel(train_x, train_y, likelihood).double()
print(model)
model.train()
likelihood.train()
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
mll = gpytorch.mlls.ExactMarginalLogLikelihood(likelihood, model)
for i in range(8):
    optimizer.zero_grad()
    loss = -mll(model(train_x), train_y)
    loss.backward()
    print(i, f'{loss.item():.5f}', f'{model.covar_module.base_kernel.lengthscale.item():.5f}',
          f'{model.likelihood.noise.item():.5f}')
    optimizer.step()
for name, param in model.named_parameters():
    print(name, tuple(param.shape), f'{param.grad.sum().item():.6f}')

model.eval()
likelihood.eval()
test_x = torch.linspace(0, 1, 5, dtype=torch.float64)
with torch.no_grad(), gpytorch.settings.fast_pred_var():
    observed = likelihood(model(test_x))
    lower, upper = observed.confidence_region()
print('mean', [round(v, 5) for v in observed.mean.tolist()])
print('var', [round(v, 5) for v in observed.variance.tolist()])
print('band', [round(v, 4) for v in (upper - lower).tolist()])
sample = observed.sample(torch.Size([3]))
print('sample', sample.shape, sample.dtype)

torch.save(model.state_dict(), 'gp.pth')
state = torch.load('gp.pth')
print(sorted(state)[:4])
fresh = ExactGPModel(train_x, train_y, gpytorch.likelihoods.GaussianLikelihood().double()).double()
fresh.load_state_dict(state)
fresh.eval()
with torch.no_grad():
    print('reloaded', torch.allclose(fresh(test_x).mean, model(test_x).mean))

# kernels on their own: lazily evaluated covariance matrices
kernel = gpytorch.kernels.MaternKernel(nu=2.5) + gpytorch.kernels.PeriodicKernel()
points = torch.rand(6, 2)
lazy = kernel(points)
print(type(lazy).__name__, lazy.shape)
dense = lazy.to_dense()
print('matern+periodic', f'{dense.sum().item():.5f}', f'{torch.linalg.eigvalsh(dense).min().item():.5f}')
mvn = gpytorch.distributions.MultivariateNormal(torch.zeros(6), lazy.add_jitter(1e-3))
print('log_prob', f'{mvn.log_prob(torch.ones(6)).item():.4f}')

# a variational GP classifier (float32), trained on the ELBO
class GPClassifier(gpytorch.models.ApproximateGP):
    def __init__(self, inducing):
        distribution = gpytorch.variational.CholeskyVariationalDistribution(inducing.size(0))
        strategy = gpytorch.variational.VariationalStrategy(self, inducing, distribution,
                                                             learn_inducing_locations=True)
        super().__init__(strategy)
        self.mean_module = gpytorch.means.ZeroMean()
        self.covar_module = gpytorch.kernels.ScaleKernel(gpytorch.kernels.RBFKernel(ard_num_dims=2))

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(self.mean_module(x), self.covar_module(x))


points = torch.randn(40, 2)
labels = (points[:, 0] * points[:, 1] > 0).float()
classifier = GPClassifier(points[:8].clone())
bernoulli = gpytorch.likelihoods.BernoulliLikelihood()
elbo = gpytorch.mlls.VariationalELBO(bernoulli, classifier, num_data=40)
opt = torch.optim.Adam(list(classifier.parameters()) + list(bernoulli.parameters()), lr=0.05)
classifier.train()
for i in range(5):
    opt.zero_grad()
    loss = -elbo(classifier(points), labels)
    loss.backward()
    opt.step()
    print('elbo', i, f'{loss.item():.5f}')
classifier.eval()
with torch.no_grad():
    probs = bernoulli(classifier(points[:6])).mean
print('probs', [round(p, 4) for p in probs.tolist()])

# conjugate gradients instead of Cholesky, and a spectral mixture kernel
with gpytorch.settings.max_cholesky_size(0), gpytorch.settings.cg_tolerance(1e-4):
    sm_likelihood = gpytorch.likelihoods.GaussianLikelihood()
    sm = ExactGPModel(train_x.float(), train_y.float(), sm_likelihood)
    sm.covar_module = gpytorch.kernels.SpectralMixtureKernel(num_mixtures=2)
    sm.covar_module.initialize_from_data(train_x.float(), train_y.float())
    sm_mll = gpytorch.mlls.ExactMarginalLogLikelihood(sm_likelihood, sm)
    sm.train()
    loss = -sm_mll(sm(train_x.float()), train_y.float())
    loss.backward()
    print('cg loss', f'{loss.item():.3f}', sm.covar_module.raw_mixture_weights.grad.shape)
