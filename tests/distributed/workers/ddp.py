"""DistributedDataParallel on 2 ranks against one process: equivalence over 20 SGD steps (float64),
buckets launched during backward, no_sync accumulation, find_unused_parameters, buffer broadcast,
state_dict keys, unfinished reduction."""
import copy

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.nn.parallel import DistributedDataParallel as DDP
from _checks import ok

dist.init_process_group('gloo')
rank, n = dist.get_rank(), dist.get_world_size()
ember.set_default_dtype(ember.float64)


def mlp(seed):
    ember.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))


# construction broadcasts rank 0's parameters: each rank starts from a different seed
model = mlp(seed=100 + rank)
reference = mlp(seed=100)                       # what rank 0 built: the single-process twin
ddp = DDP(model, bucket_cap_mb=0.0005)          # tiny buckets: several all-reduces per backward
assert ddp.module is model
assert list(ddp.state_dict()) == ['module.' + k for k in reference.state_dict()]
for p, q in zip(model.parameters(), reference.parameters()):
    assert ember.equal(p, q)
assert len(ddp._reducer.buckets) > 1
ok('broadcast-at-construction')

# 20 steps: 2 ranks x batch 8 give the parameters of 1 process x batch 16
gen = np.random.default_rng(0)
opt = ember.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
ref_opt = ember.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.MSELoss()
for step in range(20):
    x = ember.from_numpy(gen.standard_normal((16, 6)))
    y = ember.from_numpy(gen.standard_normal((16, 3)))
    opt.zero_grad()
    loss_fn(ddp(x[8 * rank:8 * rank + 8]), y[8 * rank:8 * rank + 8]).backward()
    opt.step()
    ref_opt.zero_grad()
    loss_fn(reference(x), y).backward()
    ref_opt.step()
for p, q in zip(model.parameters(), reference.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
ok('ddp-equivalence')

# the buckets' all-reduces start from the gradient hooks while backward is still running: when the gradient
# reaches the first layer's output, the last layer's bucket is already in flight and the first layer's is not
launched_then, first_out = [], []
handle = ddp.module[0].register_forward_hook(lambda m, args, y: first_out.append(y))
out = ddp(ember.ones(2, 6))
handle.remove()
first_out[0].register_hook(lambda g: launched_then.append([b.request is not None for b in ddp._reducer.buckets]))
out.sum().backward()
assert launched_then[-1][0] and not launched_then[-1][-1], launched_then
assert all(b.request is not None for b in ddp._reducer.buckets)   # and every bucket by the end of backward
ok('bucket-launch-during-backward')

# no_sync: two local backwards, then one synchronised; equals the full-batch gradient sum
model = mlp(seed=7)
reference = copy.deepcopy(model)
ddp = DDP(model)
xs = [ember.from_numpy(gen.standard_normal((8, 6))) for _ in range(3)]
with ddp.no_sync():
    ddp(xs[0][4 * rank:4 * rank + 4]).sum().backward()
    ddp(xs[1][4 * rank:4 * rank + 4]).sum().backward()
local = model[0].weight.grad.clone()
ddp(xs[2][4 * rank:4 * rank + 4]).sum().backward()
for x in xs:
    reference(x).sum().backward()
for p, q in zip(model.parameters(), reference.parameters()):
    np.testing.assert_allclose(p.grad.numpy() * n, q.grad.numpy(), rtol=1e-10, atol=1e-12)
others = [None] * n
dist.all_gather_object(others, local)
assert not ember.equal(others[0], others[1])   # inside no_sync the ranks' gradients stayed different
ok('no_sync')


# find_unused_parameters: a branch only rank 1 uses, and one no rank uses
class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(4, 4)
        self.sometimes = nn.Linear(4, 4)
        self.never = nn.Linear(4, 4)

    def forward(self, x, use):
        h = self.trunk(x)
        return self.sometimes(h) if use else h


ember.manual_seed(3)
net = Branchy()
ddp = DDP(net, find_unused_parameters=True)
x = ember.ones(2, 4) * (rank + 1)
for _ in range(2):   # twice: the second iteration must not trip over the first
    net.zero_grad()
    ddp(x, use=(rank == 1)).sum().backward()
assert net.never.weight.grad is None                       # unused everywhere: untouched
assert net.sometimes.weight.grad is not None               # used on rank 1: averaged onto both
g = [None] * n
dist.all_gather_object(g, (net.sometimes.weight.grad, net.trunk.weight.grad))
assert ember.equal(g[0][0], g[1][0]) and ember.equal(g[0][1], g[1][1])
ok('find_unused_parameters')

# without find_unused_parameters the next forward reports the parameters that got no gradient
ddp = DDP(Branchy())
ddp(x, use=False).sum().backward()
try:
    ddp(x, use=False)
    raise AssertionError('no error')
except RuntimeError as e:
    assert 'Expected to have finished reduction in the prior iteration' in str(e)
    assert f'Parameter indices which did not receive grad for rank {rank}: [2, 3, 4, 5]' in str(e), e
ok('unfinished-reduction')

# broadcast_buffers: rank 0's running statistics reach every rank before each forward
bn = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
ddp = DDP(bn)
ddp(ember.randn(4, 3) + rank * 10).sum().backward()   # each rank's own running_mean update
ddp.eval()
ddp(ember.randn(4, 3))                                 # broadcast before this forward; eval changes nothing
means = [None] * n
dist.all_gather_object(means, bn[1].running_mean)
assert ember.equal(means[0], means[1]) and means[0].abs().sum() > 0
ddp.train()
ember.manual_seed(0)
bn2 = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
ddp2 = DDP(bn2, broadcast_buffers=False)
ddp2(ember.randn(4, 3) + rank * 10).sum().backward()
dist.all_gather_object(means, bn2[1].running_mean)
assert not ember.equal(means[0], means[1])             # not broadcast: the ranks' statistics differ
ok('broadcast_buffers')

# eval under no_grad does not expect a backward
with ember.no_grad():
    ddp(ember.randn(2, 3))
ddp(ember.randn(2, 3)).sum().backward()
ok('no_grad-forward')
dist.destroy_process_group()
