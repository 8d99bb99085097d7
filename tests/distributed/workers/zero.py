"""ZeroRedundancyOptimizer on 2 ranks: sharded Adam state, same parameters as plain Adam in one process,
state_dict consolidated on rank 0 equal to plain Adam's, load_state_dict on all ranks."""
import copy

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.optim import ZeroRedundancyOptimizer
from ember.nn.parallel import DistributedDataParallel as DDP
from _checks import ok

dist.init_process_group('gloo')
rank = dist.get_rank()
ember.set_default_dtype(ember.float64)
ember.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 32), nn.ReLU(), nn.Linear(32, 8), nn.ReLU(), nn.Linear(8, 2))
reference = copy.deepcopy(model)
ddp = DDP(model)
zero = ZeroRedundancyOptimizer(ddp.parameters(), optimizer_class=ember.optim.Adam, lr=0.01)
plain = ember.optim.Adam(reference.parameters(), lr=0.01)

# the partition: largest first onto the emptiest rank (sizes 160, 32, 256, 8, 16, 2): 256 | 160+32+16+8+2
mine = [p.numel() for g in zero.optim.param_groups for p in g['params']]
shares = [None, None]
dist.all_gather_object(shares, sorted(mine))
assert shares == [[256], [2, 8, 16, 32, 160]], shares
ok('zero-partition')

gen = np.random.default_rng(3)
for step in range(10):
    x = ember.from_numpy(gen.standard_normal((16, 5)))
    zero.zero_grad()
    ddp(x[8 * rank:8 * rank + 8]).pow(2).mean().backward()
    zero.step()
    plain.zero_grad()
    reference(x).pow(2).mean().backward()
    plain.step()
for p, q in zip(model.parameters(), reference.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12)
assert len(zero.optim.state) < len(plain.state)
ok('zero-step')

try:
    zero.state_dict()
    raise AssertionError('no error')
except RuntimeError as e:
    assert 'Optimizer state has not been consolidated on this rank' in str(e)
zero.consolidate_state_dict(to=0)
if rank == 0:
    full, want = zero.state_dict(), plain.state_dict()
    assert full['param_groups'][0]['params'] == want['param_groups'][0]['params']
    assert full['param_groups'][0]['lr'] == want['param_groups'][0]['lr']
    assert sorted(full['state']) == sorted(want['state'])
    for k, s in want['state'].items():
        for name, v in s.items():
            np.testing.assert_allclose(np.asarray(full['state'][k][name]), np.asarray(v), rtol=1e-9, atol=1e-12)
ok('zero-state_dict')

# load the plain optimizer's state on every rank: each keeps its share, and the next steps agree
state = [copy.deepcopy(plain.state_dict()) if rank == 0 else None]   # not sharing plain's live tensors
dist.broadcast_object_list(state, src=0)
zero2 = ZeroRedundancyOptimizer(ddp.parameters(), optimizer_class=ember.optim.Adam, lr=0.5)
zero2.load_state_dict(state[0])
assert zero2.optim.param_groups[0]['lr'] == 0.01
x = ember.from_numpy(gen.standard_normal((16, 5)))
zero2.zero_grad()
ddp(x[8 * rank:8 * rank + 8]).pow(2).mean().backward()
zero2.step()
plain.zero_grad()
reference(x).pow(2).mean().backward()
plain.step()
for p, q in zip(model.parameters(), reference.parameters()):
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12)
ok('zero-load_state_dict')
dist.destroy_process_group()
