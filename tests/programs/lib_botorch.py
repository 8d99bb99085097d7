import warnings

import torch
from botorch.acquisition import LogExpectedImprovement, UpperConfidenceBound, qLogNoisyExpectedImprovement
from botorch.fit import fit_gpytorch_mll
from botorch.models import ModelListGP, SingleTaskGP
from botorch.models.transforms import Normalize, Standardize
from botorch.optim import optimize_acqf
from botorch.sampling import SobolQMCNormalSampler
from botorch.test_functions import Branin
from botorch.utils.sampling import draw_sobol_samples
from gpytorch.mlls import ExactMarginalLogLikelihood

warnings.filterwarnings('ignore')      # (numerical warnings of the optimizers' line searches)
torch.manual_seed(0)
branin = Branin(negate=True).to(torch.float64)
bounds = branin.bounds
train_x = draw_sobol_samples(bounds=bounds, n=8, q=1, seed=0).squeeze(1)
train_y = branin(train_x).unsqueeze(-1)
print('sobol', [round(v, 5) for v in train_x[0].tolist()], f'{train_y.max().item():.5f}')

model = SingleTaskGP(train_x, train_y, input_transform=Normalize(d=2), outcome_transform=Standardize(m=1))
mll = ExactMarginalLogLikelihood(model.likelihood, model)
fit_gpytorch_mll(mll)
print('lengthscale', [round(v, 3) for v in model.covar_module.lengthscale.squeeze().tolist()])
posterior = model.posterior(train_x[:3])
print('posterior', [round(v, 3) for v in posterior.mean.squeeze(-1).tolist()],
      [round(v, 4) for v in posterior.variance.squeeze(-1).tolist()])

for acqf in (LogExpectedImprovement(model, best_f=train_y.max()), UpperConfidenceBound(model, beta=0.2)):
    value = acqf(train_x[:4].unsqueeze(1))
    print(type(acqf).__name__, [round(v, 3) for v in value.tolist()])

sampler = SobolQMCNormalSampler(sample_shape=torch.Size([32]), seed=1)
qnei = qLogNoisyExpectedImprovement(model, X_baseline=train_x, sampler=sampler, prune_baseline=False)
candidate, value = optimize_acqf(qnei, bounds=bounds, q=2, num_restarts=2, raw_samples=16,
                                 options={'maxiter': 20, 'seed': 0})
print('candidates', tuple(candidate.shape), bool((candidate >= bounds[0]).all() and (candidate <= bounds[1]).all()))

# Bayesian optimisation loop: fit, maximise expected improvement, evaluate, repeat
for it in range(2):
    model = SingleTaskGP(train_x, train_y, input_transform=Normalize(d=2), outcome_transform=Standardize(m=1))
    fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
    new_x, _ = optimize_acqf(LogExpectedImprovement(model, best_f=train_y.max()), bounds=bounds, q=1,
                             num_restarts=2, raw_samples=16, options={'maxiter': 20, 'seed': it})
    train_x = torch.cat([train_x, new_x])
    train_y = torch.cat([train_y, branin(new_x).unsqueeze(-1)])
    print('iteration', it, train_x.shape[0], new_x.dtype)

two = ModelListGP(SingleTaskGP(train_x, train_y), SingleTaskGP(train_x, -train_y))
print('model list', two.num_outputs, tuple(two.posterior(train_x[:2]).mean.shape))
state = model.state_dict()
print(sorted(state)[:3])
