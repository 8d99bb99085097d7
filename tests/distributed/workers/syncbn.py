"""SyncBatchNorm on 2 ranks x batch 4 equals BatchNorm on one batch of 8: outputs, gradients, running stats."""
import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from _checks import ok

dist.init_process_group('gloo')
rank = dist.get_rank()
ember.set_default_dtype(ember.float64)
gen = np.random.default_rng(1)
x_all = ember.from_numpy(gen.standard_normal((8, 3, 5, 4)) * 3 + 2)
up = ember.from_numpy(gen.standard_normal((8, 3, 5, 4)))

ember.manual_seed(0)
ref = nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3, momentum=0.3))
net = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3, momentum=0.3)))
net.load_state_dict(ref.state_dict())
assert type(net[1]) is nn.SyncBatchNorm and net[1].momentum == 0.3
for step in range(2):
    xr = x_all[4 * rank:4 * rank + 4].clone().requires_grad_()
    xf = x_all.clone().requires_grad_()
    out = net(xr)
    want = ref(xf)
    np.testing.assert_allclose(out.detach().numpy(), want[4 * rank:4 * rank + 4].detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    (out * up[4 * rank:4 * rank + 4]).sum().backward()
    (want * up).sum().backward()
    np.testing.assert_allclose(xr.grad.numpy(), xf.grad[4 * rank:4 * rank + 4].numpy(), rtol=1e-9, atol=1e-12)
for p, q in zip(net.parameters(), ref.parameters()):
    g = p.grad.clone()
    dist.all_reduce(g)           # each rank holds the gradient of its own share of the loss
    np.testing.assert_allclose(g.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12)
for name in ('running_mean', 'running_var', 'num_batches_tracked'):
    np.testing.assert_allclose(getattr(net[1], name).numpy(), getattr(ref[1], name).numpy(), rtol=1e-12)
ok('syncbn-train')

net.eval()
ref.eval()
np.testing.assert_allclose(net(x_all[:2]).detach().numpy(), ref(x_all[:2]).detach().numpy(), rtol=1e-12)
ok('syncbn-eval')
dist.destroy_process_group()
