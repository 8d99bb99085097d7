"""FSDP on 2 ranks (float64): fully_shard and FullyShardedDataParallel give the parameters one process
gets on the whole batch."""
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.fsdp import FSDPModule, MixedPrecisionPolicy, fully_shard
from ember.distributed.tensor import DTensor, Replicate, Shard
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank, n = dist.get_rank(), dist.get_world_size()
ember.set_default_dtype(ember.float64)


def make():
    ember.manual_seed(0)
    return ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 3))


ember.manual_seed(1)
batches = [(ember.randn(8, 5), ember.randn(8, 3)) for _ in range(4)]


def reference(opt_cls, **kw):
    model = make()
    opt = opt_cls(model.parameters(), **kw)
    for x, y in batches:
        opt.zero_grad()
        ember.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [p.detach().clone() for p in model.parameters()]


def mine(x):
    return x[rank * 4:(rank + 1) * 4]


# FSDP2: each layer, then the root
model = make()
for layer in (model[0], model[2]):
    fully_shard(layer)
fully_shard(model)
assert isinstance(model, FSDPModule) and type(model).__name__ == 'FSDPSequential'
w = model[0].weight
assert isinstance(w, DTensor) and isinstance(w, ember.nn.Parameter) and w.placements == (Shard(0),)
assert w.shape == (7, 5) and w.to_local().shape == ((4, 5) if rank == 0 else (3, 5))
opt = ember.optim.Adam(model.parameters(), lr=0.05)
for x, y in batches:
    opt.zero_grad()
    ember.nn.functional.mse_loss(model(mine(x)), mine(y)).backward()
    assert isinstance(model[0].weight, DTensor) and model[0].weight.grad is not None
    opt.step()
want = reference(ember.optim.Adam, lr=0.05)
got = [p.full_tensor().detach() for p in model.parameters()]
for a, b in zip(got, want):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
ok('fully_shard-equivalence')
# the same training under PyTorch's fully_shard and gloo (tests/fixtures/distributed/record_fsdp.py)
import json, os  # noqa: E401,E402
here = os.path.dirname(os.path.abspath(__file__))
recorded = json.load(open(os.path.join(here, '..', '..', 'fixtures', 'distributed', 'fsdp_pytorch.json')))
for (name, p), a in zip(model.named_parameters(), got):
    np.testing.assert_allclose(a.numpy(), np.array(recorded[name]), rtol=1e-10, atol=1e-12, err_msg=name)
ok('fully_shard-matches-pytorch')

# a weight tied between two modules (a language model's embedding and output layer) stays one parameter
class Tied(ember.nn.Module):
    def __init__(self):
        super().__init__()
        ember.manual_seed(3)
        self.emb = ember.nn.Embedding(6, 4)
        self.head = ember.nn.Linear(4, 6, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, idx):
        return self.head(ember.tanh(self.emb(idx)))


tokens = ember.tensor([[0, 1, 2, 3], [4, 5, 0, 2], [1, 1, 3, 5], [2, 4, 4, 0]])
targets = ember.tensor([[1, 2, 3, 4], [5, 0, 2, 1], [1, 3, 5, 0], [4, 4, 0, 3]])
tied, ref = Tied(), Tied()
fully_shard(tied)
assert len(list(tied.parameters())) == 1 and tied.head.weight is tied.emb.weight
opts = [ember.optim.AdamW(m.parameters(), lr=0.1) for m in (tied, ref)]
for _ in range(3):
    for m, o, sl in ((tied, opts[0], slice(2 * rank, 2 * rank + 2)), (ref, opts[1], slice(0, 4))):
        o.zero_grad()
        ember.nn.functional.cross_entropy(m(tokens[sl]).reshape(-1, 6), targets[sl].reshape(-1)).backward()
        o.step()
np.testing.assert_allclose(tied.emb.weight.full_tensor().detach().numpy(), ref.emb.weight.detach().numpy(), rtol=1e-10,
                           atol=1e-12)
ok('fully_shard-tied-weights')

# a 0-d parameter is kept whole on every rank, its gradient averaged
class Scaled(ember.nn.Module):
    def __init__(self):
        super().__init__()
        ember.manual_seed(4)
        self.lin = ember.nn.Linear(5, 3)
        self.scale = ember.nn.Parameter(ember.tensor(1.5))

    def forward(self, x):
        return self.lin(x) * self.scale


scaled, ref = Scaled(), Scaled()
fully_shard(scaled)
assert scaled.scale.placements == (Replicate(),) and scaled.scale.shape == ()
opts = [ember.optim.SGD(m.parameters(), lr=0.1) for m in (scaled, ref)]
for m, o, sl in ((scaled, opts[0], slice(4 * rank, 4 * rank + 4)), (ref, opts[1], slice(0, 8))):
    ember.nn.functional.mse_loss(m(batches[0][0][sl]), batches[0][1][sl]).backward()
    o.step()
assert abs(scaled.scale.to_local().item() - ref.scale.item()) < 1e-12
np.testing.assert_allclose(scaled.lin.weight.full_tensor().detach().numpy(), ref.lin.weight.detach().numpy(), rtol=1e-10)
ok('fully_shard-scalar-parameter')

# ember.nn.utils.clip_grad_norm_ on the DTensor gradients clips by the norm of the whole gradients
model = make()
fully_shard(model)
opt = ember.optim.SGD(model.parameters(), lr=0.1)
ref = make()
ref_opt = ember.optim.SGD(ref.parameters(), lr=0.1)
x, y = batches[0]
ember.nn.functional.mse_loss(model(mine(x)), mine(y)).backward()
ember.nn.functional.mse_loss(ref(x), y).backward()
total = ember.nn.utils.clip_grad_norm_(model.parameters(), 0.05)
want_total = ember.nn.utils.clip_grad_norm_(ref.parameters(), 0.05)
total = total.full_tensor() if isinstance(total, DTensor) else total
assert abs(total.item() - want_total.item()) < 1e-12 and want_total.item() > 0.05, (total, want_total)
opt.step()
ref_opt.step()
for a, b in zip(model.parameters(), ref.parameters()):
    np.testing.assert_allclose(a.full_tensor().detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
ok('fully_shard-clip_grad_norm_')

# reshard_after_forward=False keeps the whole parameters from forward to the end of backward; mixed
# precision computes in float32 and reduces in float64 (close to the float64 run, not equal)
model = make()
fully_shard(model, reshard_after_forward=False,
            mp_policy=MixedPrecisionPolicy(param_dtype=ember.float32, reduce_dtype=ember.float64))
opt = ember.optim.SGD(model.parameters(), lr=0.1)
ref = make()
ref_opt = ember.optim.SGD(ref.parameters(), lr=0.1)
x, y = batches[1]
out = model(mine(x))
assert out.dtype == ember.float32 and not isinstance(model[0].weight, DTensor)   # still gathered
ember.nn.functional.mse_loss(out, mine(y).float()).backward()
assert isinstance(model[0].weight, DTensor) and model[0].weight.grad.dtype == ember.float64
ember.nn.functional.mse_loss(ref(x), y).backward()
opt.step()
ref_opt.step()
for a, b in zip(model.parameters(), ref.parameters()):
    np.testing.assert_allclose(a.full_tensor().detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
model.unshard()
assert not isinstance(model[0].weight, DTensor) and model[0].weight.shape == (7, 5)
model.reshard()
assert isinstance(model[0].weight, DTensor)
ok('fully_shard-options')

# gradient accumulation without sync, then one synchronised backward
model = make()
fully_shard(model)
opt = ember.optim.SGD(model.parameters(), lr=0.1)
x, y = batches[0]
model.set_requires_gradient_sync(False)
ember.nn.functional.mse_loss(model(mine(x)[:2]), mine(y)[:2]).backward()
model.set_requires_gradient_sync(True)
ember.nn.functional.mse_loss(model(mine(x)[2:]), mine(y)[2:]).backward()
opt.step()
ref = make()
ref_opt = ember.optim.SGD(ref.parameters(), lr=0.1)
for i in range(2):   # each rank's two halves of its 4 samples: mean losses summed, averaged over ranks
    parts = [ember.nn.functional.mse_loss(ref(x[r * 4 + 2 * i:r * 4 + 2 * i + 2]), y[r * 4 + 2 * i:r * 4 + 2 * i + 2])
             for r in range(n)]
    (sum(parts) / n).backward()
ref_opt.step()
for a, b in zip(model.parameters(), ref.parameters()):
    np.testing.assert_allclose(a.full_tensor().detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
ok('fully_shard-no-sync')

# a sharded model and optimizer checkpoint: each rank writes its rows; loads at 2 ranks and at 1
import os, sys  # noqa: E401,E402
import ember.distributed.checkpoint as dcp  # noqa: E402
from ember.distributed.checkpoint.state_dict import (  # noqa: E402
    StateDictOptions, get_model_state_dict, get_state_dict, set_state_dict)
path = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), 'fsdp_ckpt')
model = make()
fully_shard(model)
opt = ember.optim.Adam(model.parameters(), lr=0.05)
for x, y in batches[:2]:
    opt.zero_grad()
    ember.nn.functional.mse_loss(model(mine(x)), mine(y)).backward()
    opt.step()
msd, osd = get_state_dict(model, opt)
assert isinstance(msd['0.weight'], DTensor) and isinstance(osd['state']['0.weight']['exp_avg'], DTensor)
meta = dcp.save({'model': msd, 'optim': osd}, checkpoint_id=path)
chunks = meta.state_dict_metadata['model.0.weight'].chunks
assert [tuple(c.offsets) for c in chunks] == [(0, 0), (4, 0)], chunks
full = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True))
assert not isinstance(full['0.weight'], DTensor) and full['0.weight'].shape == (7, 5)

fresh = make()
fully_shard(fresh)
fresh_opt = ember.optim.Adam(fresh.parameters(), lr=0.05)
fmsd, fosd = get_state_dict(fresh, fresh_opt)
sd = {'model': fmsd, 'optim': fosd}
dcp.load(sd, checkpoint_id=path)
set_state_dict(fresh, fresh_opt, model_state_dict=sd['model'], optim_state_dict=sd['optim'])
for x, y in batches[2:]:   # both go on training identically
    for m, o in ((model, opt), (fresh, fresh_opt)):
        o.zero_grad()
        ember.nn.functional.mse_loss(m(mine(x)), mine(y)).backward()
        o.step()
for a, b in zip(model.parameters(), fresh.parameters()):
    np.testing.assert_array_equal(a.to_local().detach().numpy(), b.to_local().detach().numpy())
if rank == 0:   # 2 -> 1: a plain model on one process reads both ranks' rows
    plain = make()
    one = {'model': plain.state_dict()}
    dcp.load(one, checkpoint_id=path, no_dist=True)
    np.testing.assert_array_equal(plain[0].weight.detach().numpy(), full['0.weight'].numpy())
dist.barrier()
ok('fsdp-checkpoint')
ember.set_default_dtype(ember.float32)
dist.destroy_process_group()
