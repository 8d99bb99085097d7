"""CommDebugMode on 2 ranks, against PyTorch's recorded counts (tests/fixtures/distributed/record_comm_debug.py):
a tensor-parallel MLP's forward and backward (in total, per operator, per module; the tracing table and
the JSON dump), and the collectives single layout changes make; and the functional collectives' results."""
import json
import os
import warnings
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.distributed import _functional_collectives as funcol
from ember.distributed.device_mesh import init_device_mesh
from ember.distributed.tensor import DTensor, Partial, Replicate, Shard, distribute_tensor
from ember.distributed.tensor.debug import CommDebugMode
from ember.distributed.tensor.parallel import ColwiseParallel, RowwiseParallel, parallelize_module
from _checks import ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', '..', 'fixtures', 'distributed', 'comm_debug_pytorch.json')) as f:
    want = json.load(f)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net1, self.relu, self.net2 = nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def counts(mode):
    return {str(k): v for k, v in mode.get_comm_counts().items()}


def ember_names(tree):
    """PyTorch's JSON dump with its module paths read as ember's, operations left out (ember names the
    operations DTensors run, not the ATen ones PyTorch's dispatcher sees)."""
    out = dict(tree, module_type=tree['module_type'].replace("'torch.", "'ember."),
               children=[ember_names(c) for c in tree['children']])
    for key in ('operations_forward', 'operations_backward', 'operations_checkpointing'):
        out.pop(key)
    return out


dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
mesh = init_device_mesh('cpu', (2,))
ember.manual_seed(0)
model = parallelize_module(MLP(), mesh, {'net1': ColwiseParallel(), 'net2': RowwiseParallel()})
comm = CommDebugMode()
with comm:
    model(ember.randn(4, 8)).sum().backward()
w = want['mlp']
assert comm.get_total_counts() == w['total'] and counts(comm) == w['counts'], counts(comm)
assert comm.get_comm_counts()[ember.ops.c10d_functional.all_reduce] == 1
assert repr(comm) == w['repr']
got_modules = {fqn: {d: {str(k): v for k, v in c.items()} for d, c in per.items()}
               for fqn, per in comm.comm_module_counts.items()}
assert got_modules == w['module_counts'], got_modules
assert comm.generate_comm_debug_tracing_table(noise_level=0) == w['table0'], comm.generate_comm_debug_tracing_table(0)
assert {k: repr(v) for k, v in comm.get_sharding_info().items()} == w['sharding_info']
assert {fqn: {n: [type(p).__name__, repr(p.placements)] for n, p in ps.items()}
        for fqn, ps in comm.get_parameter_info().items()} == w['parameter_info']
for level in (0, 1):
    path = f'comm_mode_{rank}.json'
    comm.generate_json_dump(path, noise_level=level)
    with open(path) as f:
        dumped = json.load(f)
    os.remove(path)
    assert ember_names(dumped) == ember_names(w[f'json{level}']), (level, dumped)
    if level == 0:
        assert dumped == w['json0']
table1 = comm.generate_comm_debug_tracing_table(noise_level=1)
assert "*module type: class 'ember.nn.modules.linear.Linear'" in table1 and ' *weight: (Shard(dim=1),)' in table1
assert 'sharding: [(Shard(dim=1),)' in table1 or 'sharding: [(Replicate(),)' in table1, table1
path = f'comm_mode_{rank}.txt'
comm.log_comm_debug_tracing_table_to_file(path, noise_level=0)
with open(path) as f:
    assert f.read() == w['table0'].replace('\033[1;33m', '').replace('\033[0m', '')
os.remove(path)
ok('comm-debug-mode-mlp')

full = ember.arange(24.).reshape(4, 6)
steps = {
    'distribute_tensor': lambda: distribute_tensor(full, mesh, [Shard(0)]),
    'shard_to_replicate': lambda: distribute_tensor(full, mesh, [Shard(0)]).full_tensor(),
    'shard_to_shard': lambda: distribute_tensor(full, mesh, [Shard(0)]).redistribute(mesh, [Shard(1)]),
    'partial_to_replicate': lambda: DTensor.from_local(full, mesh, [Partial()]).redistribute(mesh, [Replicate()]),
    'partial_to_shard': lambda: DTensor.from_local(full, mesh, [Partial()]).redistribute(mesh, [Shard(0)]),
    'replicate_to_shard': lambda: DTensor.from_local(full, mesh, [Replicate()]).redistribute(mesh, [Shard(1)]),
    'uneven_shard': lambda: distribute_tensor(ember.arange(5.), mesh, [Shard(0)]).full_tensor(),
    'replicate': lambda: distribute_tensor(full, mesh, [Replicate()]),
    'plain_all_reduce': lambda: dist.all_reduce(full.clone()),
}
assert set(steps) == set(want['steps'])
for name, step in steps.items():
    with CommDebugMode() as mode:
        step()
    assert counts(mode) == want['steps'][name], (name, counts(mode))
# what the counted layout changes computed
x = ember.arange(5.) + 10 * rank
assert distribute_tensor(x, mesh, [Shard(0)]).to_local().tolist() == [[0., 1., 2.], [3., 4.]][rank]
assert distribute_tensor(x, mesh, [Shard(0)], src_data_rank=None).to_local().tolist() == \
    [[0., 1., 2.], [13., 14.]][rank]
shared = distribute_tensor(ember.arange(4.) + rank, mesh, [Partial()])   # rank 0's values, shared out
assert shared.to_local().tolist() == [0., 0.5, 1., 1.5] and shared.full_tensor().tolist() == [0., 1., 2., 3.]
p = DTensor.from_local(full * (rank + 1), mesh, [Partial()])
np.testing.assert_allclose(p.redistribute(mesh, [Shard(0)]).to_local().numpy(), (3 * full).numpy()[2 * rank:2 * rank + 2])
p5 = DTensor.from_local(ember.arange(5.) * (rank + 1), mesh, [Partial()])
np.testing.assert_allclose(p5.redistribute(mesh, [Shard(0)]).to_local().numpy(),
                           [[0., 3., 6.], [9., 12.]][rank])
leaf = (ember.arange(5.) * (rank + 1)).requires_grad_()
s = DTensor.from_local(leaf, mesh, [Partial()]).redistribute(mesh, [Shard(0)])
(s.to_local() * (rank + 2)).sum().backward()          # the gradient of a partial: the whole one everywhere
assert leaf.grad.tolist() == [2., 2., 2., 3., 3.], leaf.grad
ok('comm-debug-mode-layouts')

# FSDP2: one all-gather per sharded module in forward, one reduce-scatter per module in backward, as in
# PyTorch (which also gathers the parameters again for backward: ember keeps the forward's). Which module a
# backward reduce-scatter is counted under follows when the gradients are accumulated, so only the
# backward's totals are compared.
from ember.distributed.fsdp import fully_shard  # noqa: E402
sharded = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
fully_shard(sharded[0])
fully_shard(sharded[2])
fully_shard(sharded)
with CommDebugMode() as mode:
    sharded(ember.randn(4, 5)).sum().backward()
got = {fqn: {d: {str(k): v for k, v in c.items()} for d, c in per.items()} for fqn, per in mode.comm_module_counts.items()}
for fqn, per in want['fsdp'].items():
    assert got[fqn]['forward'] == per['forward'], (fqn, got)
backward = {k: v for k, v in want['fsdp']['Global']['backward'].items() if k != 'c10d._allgather_base_'}
assert got['Global']['backward'] == backward, got
ok('comm-debug-mode-fsdp')

# functional collectives: new tensors, the group named several ways
t = ember.tensor([1., 2., 3., 4.]) * (rank + 1)
assert funcol.all_reduce(t, 'sum', mesh).tolist() == [3., 6., 9., 12.] and t.tolist()[0] == rank + 1
assert funcol.all_reduce(t, 'max', dist.group.WORLD).tolist() == [2., 4., 6., 8.]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    assert funcol.all_reduce(t, 'avg', [0, 1]).tolist() == [1.5, 3., 4.5, 6.]
    assert funcol.all_gather_tensor(t.reshape(2, 2), 1, (mesh, 0)).tolist() == \
        [[1., 2., 2., 4.], [3., 4., 6., 8.]]
    assert funcol.reduce_scatter_tensor(t.reshape(2, 2), 'sum', 1, mesh).tolist() == \
        [[3. * (rank + 1)], [9. + 3 * rank]]
# PyTorch's deprecations: a list of ranks as the group, the *_tensor names (pointing at the caller's line)
assert [(w.category, str(w.message), w.filename) for w in caught] == [
    (FutureWarning, "The combination of ranks + tag as process group identifier has been deprecated. Please switch "
                    "to using ProcessGroup, DeviceMesh, or group name instead.", __file__),
    (FutureWarning, "`ember.distributed._functional_collectives.all_gather_tensor` is deprecated. Please use "
                    "`ember.distributed._functional_collectives.all_gather_single` instead.", __file__),
    (FutureWarning, "`ember.distributed._functional_collectives.reduce_scatter_tensor` is deprecated. Please use "
                    "`ember.distributed._functional_collectives.reduce_scatter_single` instead.", __file__)], caught
assert funcol.all_gather_single(t.reshape(2, 2), 1, mesh).tolist() == [[1., 2., 2., 4.], [3., 4., 6., 8.]]
assert funcol.reduce_scatter_single(t.reshape(2, 2), 'sum', 1, mesh).tolist() == [[3. * (rank + 1)], [9. + 3 * rank]]
assert funcol.broadcast(t, 1, mesh).tolist() == [2., 4., 6., 8.]
assert funcol.wait_tensor(funcol.all_to_all_single(t, None, None, mesh)).tolist() == \
    [[1., 2., 2., 4.], [3., 4., 6., 8.]][rank]
assert [x.tolist() for x in funcol.all_reduce_coalesced([t, t[:2]], 'sum', mesh)] == [[3., 6., 9., 12.], [3., 6.]]
try:
    funcol.all_reduce(t, 'mean', mesh)
    raise AssertionError('an unknown reduce op must raise')
except ValueError as e:
    assert str(e) == 'Unrecognized reduce op: mean', e
# the results are AsyncCollectiveTensors, as PyTorch's: views stay wrapped, other operations and waits give
# plain tensors, and the repr names the wrapper
out = funcol.all_reduce(t, 'sum', mesh)
ACT = funcol.AsyncCollectiveTensor
assert type(out) is ACT and isinstance(out, ember.Tensor) and out.completed and type(out.elem) is ember.Tensor
assert repr(out) == str(out) == 'AsyncCollectiveTensor(tensor([ 3.,  6.,  9., 12.]))', repr(out)
assert [type(v) for v in (out.view(2, 2), out[0], out.view(2, 2).T, out.reshape(2, 2).t(), out.detach())] == [ACT] * 5
assert [type(v) for v in (out + 1, out.sum(), ember.exp(out), funcol.wait_tensor(out), out.wait(),
                          out.trigger_wait())] == [ember.Tensor] * 6
assert funcol.wait_tensor(out) is out.elem and (out * 2).tolist() == [6., 12., 18., 24.]
# differentiable as PyTorch's (all-reduce and reduce-scatter for 'sum'): each backward is the opposite collective
a = (ember.arange(4.) + rank).requires_grad_()
(funcol.all_reduce(a, 'sum', mesh) * ember.arange(4.)).sum().backward()
assert a.grad.tolist() == [0., 2., 4., 6.]
g = (ember.arange(4.) + rank).requires_grad_()
(funcol.all_gather_single(g, 0, mesh) * ember.arange(8.)).sum().backward()
assert g.grad.tolist() == [[0., 2., 4., 6.], [8., 10., 12., 14.]][rank]
r = (ember.arange(4.) + rank).requires_grad_()
(funcol.reduce_scatter_single(r, 'sum', 0, mesh) * (ember.arange(2.) + 1)).sum().backward()
assert r.grad.tolist() == [1., 2., 1., 2.]
m = (ember.arange(4.) + rank).requires_grad_()
try:
    funcol.all_reduce(m, 'max', mesh).sum().backward()
    raise AssertionError("a 'max' all-reduce has no backward")
except RuntimeError as e:
    assert str(e) == "all_reduce backward only supports 'sum' reduction, got 'max'", e
ok('functional-collectives')
dist.destroy_process_group()
