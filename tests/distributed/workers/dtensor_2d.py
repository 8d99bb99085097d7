"""DTensors on a 2 x 2 mesh (4 ranks): every change of layout between nested and crossed splits, with its
gradient, and tensors on a sub-mesh, checked against the whole tensor."""
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.device_mesh import init_device_mesh
from ember.distributed.tensor import DTensor, Replicate, Shard, distribute_tensor
from ember.distributed.tensor.placement_types import _StridedShard
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
mesh = init_device_mesh('cpu', (2, 2), mesh_dim_names=('dp', 'tp'))
ember.manual_seed(0)
A = ember.randn(6, 5, dtype=ember.float64)
layouts = [(Shard(0), Shard(1)), (Shard(0), Shard(0)), (Replicate(), Shard(1)), (Shard(1), Replicate()),
           (Shard(1), Shard(0)), (Replicate(), Replicate()),
           (_StridedShard(0, split_factor=2), Shard(0)), (_StridedShard(1, split_factor=2), Shard(1))]
for src in layouts:
    for dst in layouts:
        x = distribute_tensor(A.clone().requires_grad_(), mesh, list(src))
        y = x.redistribute(mesh, list(dst))
        np.testing.assert_allclose(y.full_tensor().detach().numpy(), A.numpy(), err_msg=f'{src} -> {dst}')
        (y * y).sum().backward()
        np.testing.assert_allclose(x.grad.full_tensor().numpy(), 2 * A.numpy(), err_msg=f'{src} -> {dst}')
        assert abs((x * 3).sum().item() - 3 * A.sum().item()) < 1e-9
# FSDP + TP's nested split: each rank's rows are its dp half of its tp half (6 rows: 2, 1, 2, 1)
strided = distribute_tensor(A, mesh, [_StridedShard(0, split_factor=2), Shard(0)])
dp, tp_rank = mesh.get_coordinate()
start = 3 * tp_rank + 2 * dp
np.testing.assert_allclose(strided.to_local().numpy(), A.numpy()[start:start + 2 - dp])
ok('dtensor-2d-redistribute')

# a sub-mesh: distribute_tensor takes the values of its first rank, from_local(run_check=True) too
tp = mesh['tp']
first = tp.mesh.tolist()[0]
d = distribute_tensor(ember.full((4,), float(rank), dtype=ember.float64), tp, [Shard(0)])
assert d.full_tensor().tolist() == [float(first)] * 4
r = DTensor.from_local(ember.full((2,), float(rank)), tp, [Replicate()], run_check=True)
assert r.to_local().tolist() == [float(first)] * 2
ok('dtensor-2d-submesh')
dist.destroy_process_group()
