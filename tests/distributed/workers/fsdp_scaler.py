"""ShardedGradScaler with fully_shard on 2 ranks, against PyTorch's recorded run
(tests/fixtures/distributed/record_sharded_grad_scaler.py): the scale after each step and the parameters,
with an inf in rank 1's piece of a gradient at step 2 making every rank skip it."""
import json
import os
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.fsdp import fully_shard
from ember.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler
from _checks import ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', '..', 'fixtures', 'distributed', 'sharded_grad_scaler_pytorch.json')) as f:
    want = json.load(f)

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
ember.set_default_dtype(ember.float64)
model = ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 3))
gen = np.random.RandomState(0)
with ember.no_grad():
    for p in model.parameters():
        p.copy_(ember.tensor(gen.standard_normal(tuple(p.shape))))
fully_shard(model)
opt = ember.optim.Adam(model.parameters(), lr=0.05)
scaler = ShardedGradScaler(device='cpu', init_scale=2.0 ** 10, growth_interval=2)
gen = np.random.RandomState(1)
scales = []
for step in range(5):
    x, y = ember.tensor(gen.standard_normal((8, 5))), ember.tensor(gen.standard_normal((8, 3)))
    opt.zero_grad()
    scaler.scale(ember.nn.functional.mse_loss(model(x[4 * rank:4 * rank + 4]), y[4 * rank:4 * rank + 4])).backward()
    if step == 2 and rank == 1:
        model[0].weight.grad.to_local()[0, 0] = float('inf')
    scaler.step(opt)
    scaler.update()
    scales.append(scaler.get_scale())
assert scales == want['scales'], scales
for p, w in zip(model.parameters(), want['params']):
    np.testing.assert_allclose(p.full_tensor().detach().numpy(), w, rtol=1e-10, atol=1e-12)
ok('sharded-grad-scaler')
dist.destroy_process_group()
