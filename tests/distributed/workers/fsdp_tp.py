"""FSDP2 over tensor parallelism on a 2 x 2 ("dp", "tp") mesh (4 ranks): pytorch/examples'
fsdp_tp_example.py layout on a small llama-like model (embeddings split by rows, sequence-parallel
norms, a feed-forward split column- then row-wise, a column-split output), each dp rank training on its
half of every batch. Checked against PyTorch's recorded run (tests/fixtures/distributed/record_fsdp_tp.py):
parameter types, layouts and meshes, the losses, and the whole parameters after 3 AdamW steps."""
import json
import os
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
import ember.nn.functional as F
from ember.distributed.device_mesh import init_device_mesh
from ember.distributed.fsdp import FSDPModule, fully_shard
from ember.distributed.tensor import DTensor, Replicate, Shard
from ember.distributed.tensor.parallel import (ColwiseParallel, PrepareModuleInput, RowwiseParallel,
                                               SequenceParallel, parallelize_module)
from _checks import ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', '..', 'fixtures', 'distributed', 'fsdp_tp_pytorch.json')) as f:
    want = json.load(f)

V, D, H, T = 10, 6, 8, 4


class FeedForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1, self.w2, self.w3 = nn.Linear(D, H, bias=False), nn.Linear(H, D, bias=False), nn.Linear(D, H, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ffn_norm, self.feed_forward = nn.LayerNorm(D), FeedForward()

    def forward(self, h):
        return h + self.feed_forward(self.ffn_norm(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok_embeddings = nn.Embedding(V, D)
        self.layers = nn.ModuleList([Block(), Block()])
        self.norm, self.output = nn.LayerNorm(D), nn.Linear(D, V, bias=False)

    def forward(self, idx):
        h = self.tok_embeddings(idx)
        for layer in self.layers:
            h = layer(h)
        return self.output(self.norm(h))


dist.init_process_group('gloo', timeout=timedelta(seconds=60))
ember.set_default_dtype(ember.float64)
mesh = init_device_mesh('cpu', (2, 2), mesh_dim_names=('dp', 'tp'))
dp_rank = mesh['dp'].get_local_rank()
model = Model()
gen = np.random.RandomState(0)
with ember.no_grad():
    for p in model.parameters():
        p.copy_(ember.tensor(0.5 * gen.standard_normal(tuple(p.shape))))


def parallelize(model):
    """pytorch/examples' fsdp_tp_example.py plan: tensor parallelism over mesh['tp'], FSDP over mesh['dp']."""
    tp = mesh['tp']
    parallelize_module(model, tp, {
        'tok_embeddings': RowwiseParallel(input_layouts=Replicate(), output_layouts=Shard(1)),
        'norm': SequenceParallel(),
        'output': ColwiseParallel(input_layouts=Shard(1), output_layouts=Replicate())})
    for block in model.layers:
        parallelize_module(block, tp, {
            'ffn_norm': SequenceParallel(),
            'feed_forward': PrepareModuleInput(input_layouts=(Shard(1),), desired_input_layouts=(Replicate(),)),
            'feed_forward.w1': ColwiseParallel(), 'feed_forward.w2': RowwiseParallel(output_layouts=Shard(1)),
            'feed_forward.w3': ColwiseParallel()})
        fully_shard(block, mesh=mesh['dp'])
    fully_shard(model, mesh=mesh['dp'])
    return model


parallelize(model)
assert isinstance(model, FSDPModule) and type(model).__name__ == want['model_class']
assert repr(mesh) == want['mesh']
for name, p in model.named_parameters():
    w = want['params'][name]
    assert type(p) is DTensor and isinstance(p, nn.Parameter) == w['is_parameter'], name
    assert repr(p.placements) == w['placements'] and str(p.placements) == w['placements_str'], (name, p.placements)
    assert repr(p.device_mesh) == w['mesh'] and list(p.device_mesh.mesh_dim_names) == w['mesh_dim_names'], name
    assert list(p.shape) == w['shape'], name
    if dist.get_rank() == 0:          # the recording holds rank 0's pieces
        assert list(p.to_local().shape) == w['local_shape'], (name, p.to_local().shape)
ok('fsdp-tp-layout')

gen = np.random.RandomState(1)
batches = [(gen.randint(0, V, (4, T)), gen.randint(0, V, (4, T))) for _ in range(3)]
opt = ember.optim.AdamW(model.parameters(), lr=0.05)
losses = []
for x, y in batches:
    x, y = ember.tensor(x[2 * dp_rank:2 * dp_rank + 2]), ember.tensor(y[2 * dp_rank:2 * dp_rank + 2])
    opt.zero_grad()
    loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
    loss.backward()
    opt.step()
    losses.append(loss.item())
if dp_rank == 0:
    np.testing.assert_allclose(losses, want['losses_dp0'], rtol=1e-10)
for name, p in model.named_parameters():
    assert repr(p.grad.placements) == want['params'][name]['grad_placements'], name
    np.testing.assert_allclose(p.full_tensor().detach().numpy(), want['params'][name]['trained'], rtol=1e-9,
                               atol=1e-12, err_msg=name)
state = model.state_dict()
assert {k: type(v).__name__ for k, v in state.items()} == want['state_dict_types']
norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
assert [type(norm).__name__, repr(norm.placements)] == want['grad_norm'][:2]
np.testing.assert_allclose(norm.full_tensor().item(), want['grad_norm'][2], rtol=1e-10)
np.testing.assert_allclose(model.output.weight.grad.full_tensor().numpy(), want['clipped_grad'], rtol=1e-9)
ok('fsdp-tp-training')

# a distributed checkpoint of the 2-D sharded model loads into a fresh one laid out alike
import tempfile  # noqa: E402
import ember.distributed.checkpoint as dcp  # noqa: E402
where = [tempfile.mkdtemp() if dist.get_rank() == 0 else None]
dist.broadcast_object_list(where)
dcp.save({'model': model.state_dict()}, checkpoint_id=where[0])
fresh = parallelize(Model())
dcp.load({'model': fresh.state_dict()}, checkpoint_id=where[0])
for (name, a), b in zip(model.named_parameters(), fresh.parameters()):
    assert a.placements == b.placements, name
    np.testing.assert_array_equal(b.full_tensor().detach().numpy(), a.full_tensor().detach().numpy(), err_msg=name)
whole = {k: ember.zeros(tuple(v.shape)) for k, v in model.state_dict().items()}
dcp.load({'model': whole}, checkpoint_id=where[0])       # read whole, at every rank
for name, p in model.named_parameters():
    np.testing.assert_array_equal(whole[name].numpy(), p.full_tensor().detach().numpy(), err_msg=name)
dist.barrier()
if dist.get_rank() == 0:
    import shutil
    shutil.rmtree(where[0])
ok('fsdp-tp-checkpoint')
dist.destroy_process_group()
