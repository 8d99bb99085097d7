"""Run by spawned.py on 2 ranks: a model built on the meta device and sharded with fully_shard gets real
storage from ``to_empty`` (each rank keeps its shard) and random values from ``reset_parameters`` (each
rank fills its own shard from its own generator, as PyTorch does on a CPU mesh); a CPU ``device_id`` is
refused as in PyTorch."""
import ember
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.fsdp import fully_shard

try:
    dist.init_process_group('gloo', device_id=ember.device('cpu'))
except ValueError as e:
    assert str(e) == "init_process_group device_id parameter must be an accelerator with an index", e
    print('ok cpu-device_id-refused', flush=True)
dist.init_process_group('gloo')
rank = dist.get_rank()
with ember.device('meta'):
    model = nn.Sequential(nn.Embedding(8, 4), nn.Linear(4, 6))
fully_shard(model)
model.to_empty(device='cpu')
for p in model.parameters():
    assert p.device.type == 'cpu' and p.to_local().device.type == 'cpu', p.device
assert tuple(model[0].weight.to_local().shape) == (4, 4) and tuple(model[1].weight.to_local().shape) == (3, 4)
print(f'ok to_empty-keeps-shards rank={rank}', flush=True)

ember.manual_seed(0)
model[0].reset_parameters()
ember.manual_seed(0)
assert ember.equal(model[0].weight.to_local(), ember.empty(4, 4).normal_())
ember.manual_seed(1)
model[1].weight.data.uniform_(-0.5, 0.5)
ember.manual_seed(1)
assert ember.equal(model[1].weight.to_local(), ember.empty(3, 4).uniform_(-0.5, 0.5))
out = model(ember.tensor([[1, 5]]))         # forward gathers the initialised shards
assert out.shape == (1, 2, 6)
print(f'ok reset_parameters-fills-shards rank={rank}', flush=True)
dist.destroy_process_group()
