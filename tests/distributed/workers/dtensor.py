"""DTensor on 2 ranks: layouts, conversions and operations against NumPy-computed values."""
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.device_mesh import init_device_mesh
from ember.distributed.tensor import DTensor, Partial, Replicate, Shard, distribute_tensor
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
mesh = init_device_mesh('cpu', (2,))
full = np.arange(15, dtype=np.float64).reshape(5, 3)

rows = distribute_tensor(ember.from_numpy(full.copy()), mesh, [Shard(0)])
assert rows.shape == (5, 3) and rows.placements == (Shard(dim=0),) and rows.device_mesh is mesh
np.testing.assert_array_equal(rows.to_local().numpy(), full[:3] if rank == 0 else full[3:])
cols = distribute_tensor(ember.from_numpy(full.copy()), mesh, [Shard(1)])
np.testing.assert_array_equal(cols.to_local().numpy(), full[:, :2] if rank == 0 else full[:, 2:])
np.testing.assert_array_equal(rows.full_tensor().numpy(), full)
np.testing.assert_array_equal(cols.full_tensor().numpy(), full)
# src_data_rank=0: rank 1's own values are replaced by rank 0's
mine = ember.full((4,), float(rank))
np.testing.assert_array_equal(distribute_tensor(mine, mesh, [Replicate()]).to_local().numpy(), np.zeros(4))
from ember.distributed.tensor import full as dfull, ones as dones, zeros as dzeros  # noqa: E402
z = dzeros(5, 2, device_mesh=mesh, placements=[Shard(0)])
assert z.shape == (5, 2) and z.to_local().shape == ((3, 2) if rank == 0 else (2, 2)) and z.to_local().sum() == 0
assert dones((3, 4), device_mesh=mesh, placements=[Shard(1)]).full_tensor().sum().item() == 12
f7 = dfull((4,), 7.0, dtype=ember.float64, device_mesh=mesh, placements=[Replicate()])
assert f7.dtype == ember.float64 and f7.to_local().tolist() == [7.0] * 4
from ember.distributed.tensor import rand as drand, randn as drandn  # noqa: E402
ember.manual_seed(5)
r = drandn(5, 3, device_mesh=mesh, placements=[Shard(0)])
ember.manual_seed(5)
np.testing.assert_array_equal(r.full_tensor().numpy(), ember.randn(5, 3).numpy())
assert drand(2, 2, device_mesh=mesh, dtype=ember.float64, requires_grad=True).requires_grad
ok('dtensor-layouts')

moved = rows.redistribute(mesh, [Shard(1)])
np.testing.assert_array_equal(moved.to_local().numpy(), cols.to_local().numpy())
rep = rows.redistribute(mesh, [Replicate()])
np.testing.assert_array_equal(rep.to_local().numpy(), full)
back = rep.redistribute(mesh, [Shard(0)])
np.testing.assert_array_equal(back.to_local().numpy(), rows.to_local().numpy())
part = DTensor.from_local(ember.full((2, 2), float(rank + 1)), mesh, [Partial()])
np.testing.assert_array_equal(part.full_tensor().numpy(), np.full((2, 2), 3.0))
np.testing.assert_array_equal(part.redistribute(mesh, [Shard(0)]).to_local().numpy(), np.full((1, 2), 3.0))
uneven = DTensor.from_local(ember.ones(3 - rank, 2), mesh, [Shard(0)], shape=(5, 2))
assert uneven.shape == (5, 2) and uneven.full_tensor().sum().item() == 10
ok('dtensor-redistribute')

# element-wise operations keep the layout; others gather and replicate
y = rows * 2 + 1
assert isinstance(y, DTensor) and y.placements == (Shard(dim=0),)
np.testing.assert_array_equal(y.full_tensor().numpy(), full * 2 + 1)
rows.add_(rows)
np.testing.assert_array_equal(rows.to_local().numpy(), 2 * (full[:3] if rank == 0 else full[3:]))
total = rows.sum()
assert isinstance(total, DTensor) and total.placements == (Partial(),) and total.item() == 2 * full.sum()
try:                  # plain tensors beside DTensors: refused, as in PyTorch, unless implicitly replicated
    rows @ ember.ones(3, 1, dtype=ember.float64)
    raise AssertionError('mixing a plain tensor with a DTensor must raise')
except RuntimeError as e:
    assert 'aten.matmul.default got mixed ember.Tensor and DTensor' in str(e), e
from ember.distributed.tensor.experimental import implicit_replication, local_map  # noqa: E402
with implicit_replication():
    mm = rows @ ember.ones(3, 1, dtype=ember.float64)
np.testing.assert_array_equal(mm.to_local().numpy(), 2 * full.sum(1, keepdims=True))
mixed = rows + cols   # different layouts: gathered, then replicated
assert mixed.placements == (Replicate(),)
np.testing.assert_array_equal(mixed.to_local().numpy(), 3 * full)
# local_map: pieces in, pieces out (the global shape inferred from even pieces, as from_local does)
even = np.arange(12, dtype=np.float64).reshape(4, 3)
ev = distribute_tensor(ember.from_numpy(even.copy()), mesh, [Shard(0)])
double_rows = local_map(lambda t, k: t * k, out_placements=[Shard(0)], in_placements=([Shard(0)], None))
d2 = double_rows(ev, 2)
assert isinstance(d2, DTensor) and d2.placements == (Shard(0),) and d2.shape == (4, 3)
np.testing.assert_array_equal(d2.full_tensor().numpy(), 2 * even)
ev_cols = ev.redistribute(mesh, [Replicate()])
try:
    double_rows(ev_cols, 2)
    raise AssertionError('a layout local_map was not told about must raise')
except ValueError as e:
    assert 'mismatched placements' in str(e)
np.testing.assert_array_equal(local_map(lambda t: t + 1, out_placements=[Shard(0)], in_placements=([Shard(0)],),
                                        redistribute_inputs=True)(ev_cols).full_tensor().numpy(), even + 1)
ok('dtensor-ops')
dist.destroy_process_group()
