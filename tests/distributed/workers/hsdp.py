"""Hybrid sharding (fully_shard over a 2 x 2 ("replicate", "shard") mesh, 4 ranks) against PyTorch's recorded
run (tests/fixtures/distributed/record_hsdp.py): layouts, meshes, local shapes, gradient layouts and the
parameters after 3 AdamW steps, each rank training on its quarter of every batch."""
import json
import os
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.device_mesh import init_device_mesh
from ember.distributed.fsdp import fully_shard
from _checks import ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', '..', 'fixtures', 'distributed', 'hsdp_pytorch.json')) as f:
    want = json.load(f)['params']

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
ember.set_default_dtype(ember.float64)
mesh = init_device_mesh('cpu', (2, 2), mesh_dim_names=('replicate', 'shard'))
model = ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 3))
gen = np.random.RandomState(0)
with ember.no_grad():
    for p in model.parameters():
        p.copy_(ember.tensor(gen.standard_normal(tuple(p.shape))))
fully_shard(model[0], mesh=mesh)
fully_shard(model, mesh=mesh)
for n, p in model.named_parameters():
    assert repr(p.placements) == want[n]['placements'] and repr(p.device_mesh) == want[n]['mesh'], n
    if rank == 0:
        assert list(p.to_local().shape) == want[n]['local_shape'], n
opt = ember.optim.AdamW(model.parameters(), lr=0.05)
gen = np.random.RandomState(1)
for _ in range(3):
    x, y = ember.tensor(gen.standard_normal((8, 5))), ember.tensor(gen.standard_normal((8, 3)))
    opt.zero_grad()
    ember.nn.functional.mse_loss(model(x[2 * rank:2 * rank + 2]), y[2 * rank:2 * rank + 2]).backward()
    opt.step()
for n, p in model.named_parameters():
    assert repr(p.grad.placements) == want[n]['grad_placements'], n
    np.testing.assert_allclose(p.full_tensor().detach().numpy(), want[n]['trained'], rtol=1e-10, atol=1e-12,
                               err_msg=n)
ok('hsdp-training')
dist.destroy_process_group()
