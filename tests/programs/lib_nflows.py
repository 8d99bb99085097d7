import torch
from nflows.flows.base import Flow
from nflows.distributions.normal import StandardNormal, ConditionalDiagonalNormal
from nflows.transforms.base import CompositeTransform
from nflows.transforms.autoregressive import MaskedAffineAutoregressiveTransform, \
    MaskedPiecewiseRationalQuadraticAutoregressiveTransform
from nflows.transforms.permutations import ReversePermutation, RandomPermutation
from nflows.transforms.coupling import AffineCouplingTransform
from nflows.nn.nets import ResidualNet

torch.manual_seed(0)
data = torch.randn(128, 2) @ torch.tensor([[1.0, 0.5], [0.0, 0.7]]) + torch.tensor([1.0, -1.0])
transforms = []
for _ in range(3):
    transforms.append(ReversePermutation(features=2))
    transforms.append(MaskedAffineAutoregressiveTransform(features=2, hidden_features=8))
flow = Flow(CompositeTransform(transforms), StandardNormal(shape=[2]))
opt = torch.optim.Adam(flow.parameters(), lr=1e-2)
for step in range(10):
    opt.zero_grad()
    loss = -flow.log_prob(inputs=data).mean()
    loss.backward()
    opt.step()
    if step % 3 == 0:
        print(step, f'{loss.item():.5f}')
torch.manual_seed(1)
s = flow.sample(4)
print(s.shape, f'{s.abs().sum().item():.4f}')
z, ld = flow._transform.forward(data[:3])
print([f'{v:.5f}' for v in ld.tolist()])

# coupling flow with a residual net, rational-quadratic splines, a conditional base
torch.manual_seed(2)
mask = torch.tensor([1, 0, 1, 0])
coupling = AffineCouplingTransform(mask, lambda i, o: ResidualNet(i, o, hidden_features=16, num_blocks=1))
spline = MaskedPiecewiseRationalQuadraticAutoregressiveTransform(features=4, hidden_features=16, num_bins=4,
                                                                 tails='linear', tail_bound=3.0)
flow2 = Flow(CompositeTransform([coupling, RandomPermutation(4), spline]), StandardNormal(shape=[4]))
x = torch.randn(6, 4)
ctx = torch.randn(6, 2)
lp = flow2.log_prob(x)
print([f'{v:.4f}' for v in lp.tolist()])
lp.sum().backward()
print(f'{sum(p.grad.abs().sum() for p in flow2.parameters() if p.grad is not None).item():.3f}')
torch.manual_seed(3)
samples, logp = flow2.sample_and_log_prob(2)
print(samples.shape, [f'{v:.4f}' for v in logp.flatten().tolist()])
cflow = Flow(MaskedAffineAutoregressiveTransform(features=4, hidden_features=8, context_features=2),
             ConditionalDiagonalNormal(shape=[4], context_encoder=torch.nn.Linear(2, 8)))
print([f'{v:.4f}' for v in cflow.log_prob(x, context=ctx).tolist()])
samples, logp = cflow.sample_and_log_prob(2, context=ctx[:2])
print(samples.shape, [f'{v:.4f}' for v in logp.flatten().tolist()])
