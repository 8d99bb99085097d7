"""FullyShardedDataParallel on 2 ranks (float64): every sharding strategy gives the parameters one process
gets on the whole batch; auto wrapping, state dicts, summon_full_params, clip_grad_norm_, no_sync."""
import functools
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.fsdp import FullyShardedDataParallel as FSDP
from ember.distributed.fsdp import ShardingStrategy, StateDictType
from ember.distributed.fsdp.wrap import ModuleWrapPolicy, size_based_auto_wrap_policy
from ember.distributed.tensor import DTensor
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank, n = dist.get_rank(), dist.get_world_size()
ember.set_default_dtype(ember.float64)
F = ember.nn.functional


def make():
    ember.manual_seed(0)
    return ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 3))


ember.manual_seed(1)
batches = [(ember.randn(8, 5), ember.randn(8, 3)) for _ in range(3)]


def mine(x):
    return x[rank * 4:(rank + 1) * 4]


def close(a, b):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)


def reference(clip=None):
    model = make()
    opt = ember.optim.Adam(model.parameters(), lr=0.05)
    for x, y in batches:
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        if clip:
            ember.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    return model


want = reference()
for strategy in (ShardingStrategy.FULL_SHARD, ShardingStrategy.SHARD_GRAD_OP, ShardingStrategy.NO_SHARD):
    model = FSDP(make(), sharding_strategy=strategy, auto_wrap_policy=ModuleWrapPolicy({ember.nn.Linear}))
    assert isinstance(model.module[0], FSDP) and isinstance(model.module[2], FSDP)
    opt = ember.optim.Adam(model.parameters(), lr=0.05)
    for x, y in batches:
        opt.zero_grad()
        F.mse_loss(model(mine(x)), mine(y)).backward()
        opt.step()
    sd = model.state_dict()   # FULL_STATE_DICT: whole tensors under the module's own names
    assert list(sd) == list(want.state_dict()), list(sd)
    for k, v in want.state_dict().items():
        close(sd[k], v)
ok('fsdp1-strategies')

# state dict types, loading, summon_full_params
model = FSDP(make(), auto_wrap_policy=functools.partial(size_based_auto_wrap_policy, min_num_params=30))
assert isinstance(model.module[0], FSDP) and not isinstance(model.module[2], FSDP)   # 42 params vs 24
with FSDP.state_dict_type(model, StateDictType.SHARDED_STATE_DICT):
    sharded = model.state_dict()
assert isinstance(sharded['0.weight'], DTensor) and sharded['0.weight'].to_local().shape == ((4, 5) if rank == 0 else (3, 5))
other = FSDP(make(), auto_wrap_policy=functools.partial(size_based_auto_wrap_policy, min_num_params=30))
with ember.no_grad():
    for p in other.parameters():
        p.to_local().zero_()
other.load_state_dict(want.state_dict())
with FSDP.summon_full_params(other):
    close(other.module[0].weight, want[0].weight)
    with ember.no_grad():
        other.module[0].weight.mul_(2)
with FSDP.summon_full_params(other, writeback=False):
    close(other.module[0].weight, 2 * want[0].weight)
assert isinstance(other.module[0].weight, DTensor)
ok('fsdp1-state-dicts')

# clip_grad_norm_ over the shards equals clipping the whole gradients
want = reference(clip=0.05)
model = FSDP(make(), auto_wrap_policy=ModuleWrapPolicy({ember.nn.Linear}))
opt = ember.optim.Adam(model.parameters(), lr=0.05)
for x, y in batches:
    opt.zero_grad()
    F.mse_loss(model(mine(x)), mine(y)).backward()
    total = model.clip_grad_norm_(0.05)
    opt.step()
assert total.item() > 0.05
for k, v in want.state_dict().items():
    close(model.state_dict()[k], v)
ok('fsdp1-clip')

# no_sync: accumulate locally, reduce once
model = FSDP(make())
opt = ember.optim.SGD(model.parameters(), lr=0.1)
x, y = batches[0]
with model.no_sync():
    F.mse_loss(model(mine(x)[:2]), mine(y)[:2]).backward()
F.mse_loss(model(mine(x)[2:]), mine(y)[2:]).backward()
opt.step()
ref = make()
ref_opt = ember.optim.SGD(ref.parameters(), lr=0.1)
for i in range(2):
    sl = [slice(r * 4 + 2 * i, r * 4 + 2 * i + 2) for r in range(n)]
    (sum(F.mse_loss(ref(x[s]), y[s]) for s in sl) / n).backward()
ref_opt.step()
for k, v in ref.state_dict().items():
    close(model.state_dict()[k], v)
ok('fsdp1-no_sync')

# a distributed checkpoint of a wrapped model: sharded entries under the module's own names
import os, sys  # noqa: E401,E402
import ember.distributed.checkpoint as dcp  # noqa: E402
from ember.distributed.checkpoint.state_dict import get_state_dict, set_state_dict  # noqa: E402
path = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), 'fsdp1_ckpt')
policy = ModuleWrapPolicy({ember.nn.Linear})
model = FSDP(make(), auto_wrap_policy=policy)
opt = ember.optim.Adam(model.parameters(), lr=0.05)
x, y = batches[0]
F.mse_loss(model(mine(x)), mine(y)).backward()
opt.step()
msd, osd = get_state_dict(model, opt)
assert list(msd) == ['0.weight', '0.bias', '2.weight', '2.bias'] and isinstance(msd['0.weight'], DTensor)
assert list(osd['state']) == list(msd) and isinstance(osd['state']['2.weight']['exp_avg'], DTensor)
dcp.save({'model': msd, 'optim': osd}, checkpoint_id=path)
fresh = FSDP(make(), auto_wrap_policy=policy)
fresh_opt = ember.optim.Adam(fresh.parameters(), lr=0.05)
fmsd, fosd = get_state_dict(fresh, fresh_opt)
state = {'model': fmsd, 'optim': fosd}
dcp.load(state, checkpoint_id=path)
set_state_dict(fresh, fresh_opt, model_state_dict=state['model'], optim_state_dict=state['optim'])
for m, o in ((model, opt), (fresh, fresh_opt)):
    o.zero_grad()
    F.mse_loss(m(mine(batches[1][0])), mine(batches[1][1])).backward()
    o.step()
for k, v in model.state_dict().items():
    np.testing.assert_array_equal(v.numpy(), fresh.state_dict()[k].numpy())
ok('fsdp1-checkpoint')

# the policies' answers, as PyTorch's
from ember.distributed.fsdp import wrap  # noqa: E402
lin, seq = ember.nn.Linear(4, 4), ember.nn.Sequential()
assert wrap.ModuleWrapPolicy({ember.nn.Linear})(lin, False, 20)
assert not wrap.ModuleWrapPolicy({ember.nn.Linear})(seq, False, 20)
policy = functools.partial(wrap.size_based_auto_wrap_policy, min_num_params=10)
assert policy(module=lin, recurse=False, nonwrapped_numel=20)
assert not policy(module=lin, recurse=False, nonwrapped_numel=5)
assert not policy(module=ember.nn.ModuleList([lin]), recurse=False, nonwrapped_numel=20)
assert wrap.transformer_auto_wrap_policy(lin, False, 0, {ember.nn.Linear}) and wrap.always_wrap_policy()
assert wrap.lambda_auto_wrap_policy(lin, False, 0, lambda m: isinstance(m, ember.nn.Linear))
ok('fsdp1-wrap-policies')
ember.set_default_dtype(ember.float32)
dist.destroy_process_group()
