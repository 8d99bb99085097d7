import torch
from sbi.inference import NPE
from sbi.utils import BoxUniform


def simulator(theta):
    return theta + 0.1 * torch.randn_like(theta)


torch.manual_seed(0)
prior = BoxUniform(low=-2 * torch.ones(2), high=2 * torch.ones(2))
x_o = torch.tensor([0.5, -0.5])
inference = NPE(prior=prior, density_estimator='maf', show_progress_bars=False)
proposal = prior
for rnd in range(2):          # sequential NPE: the second round simulates from the first posterior
    theta = proposal.sample((150,))
    x = simulator(theta)
    estimator = inference.append_simulations(theta, x, proposal=proposal).train(
        max_num_epochs=3, training_batch_size=50, show_train_summary=False)
    posterior = inference.build_posterior(estimator)
    proposal = posterior.set_default_x(x_o)
    print(rnd, [round(v, 4) for v in inference._summary['validation_loss']])
samples = posterior.sample((20,), show_progress_bars=False)
print(tuple(samples.shape), [f'{v:.3f}' for v in samples.mean(0).tolist()])
print([f'{v:.3f}' for v in posterior.log_prob(samples[:4]).tolist()])

torch.manual_seed(1)
nsf = NPE(prior=prior, density_estimator='nsf', show_progress_bars=False)
theta = prior.sample((150,))
est = nsf.append_simulations(theta, simulator(theta)).train(max_num_epochs=2, training_batch_size=50,
                                                            show_train_summary=False)
post = nsf.build_posterior(est)
print([f'{v:.3f}' for v in post.log_prob(torch.zeros(3, 2), x=x_o).tolist()])
print([f'{v:.3f}' for v in post.sample((5,), x=x_o, show_progress_bars=False).sum(1).tolist()])
