"""Device meshes on 2 ranks: layout, groups along each dimension, sub-meshes, PyTorch's printing."""
import numpy as np

import ember
import ember.distributed as dist
from _checks import ok
from ember.distributed.device_mesh import DeviceMesh, init_device_mesh

dist.init_process_group('gloo')
rank = dist.get_rank()
mesh = init_device_mesh('cpu', (2,))
assert repr(mesh) == "DeviceMesh((2,), 'cpu', stride=(1,))" and str(mesh) == repr(mesh)
assert mesh.mesh.tolist() == [0, 1] and mesh.mesh.dtype == ember.int32
assert (mesh.ndim, mesh.shape, mesh.size(), mesh.mesh_dim_names, mesh.device_type) == (1, (2,), 2, None, 'cpu')
assert mesh.get_group() is dist.group.WORLD and mesh.get_coordinate() == (rank,) and mesh.get_local_rank() == rank
assert DeviceMesh('cpu', [0, 1]) == mesh and hash(DeviceMesh('cpu', [0, 1])) == hash(mesh)
ok('mesh_1d')

m2 = init_device_mesh('cpu', (2, 1), mesh_dim_names=('dp', 'tp'))
assert repr(m2) == "DeviceMesh((dp=2, tp=1), 'cpu', stride=(1, ()))"
assert repr(m2['dp']) == "DeviceMesh((dp=2), 'cpu', stride=(1,))"
assert repr(m2['tp']) == "DeviceMesh((tp=1), 'cpu', stride=((),))"
assert m2['dp'].mesh.tolist() == [0, 1] and m2['tp'].mesh.tolist() == [rank]
assert m2.get_coordinate() == (rank, 0) and m2.get_local_rank('dp') == rank and m2.get_local_rank(1) == 0
assert dist.get_process_group_ranks(m2.get_group('dp')) == [0, 1]
assert dist.get_process_group_ranks(m2.get_group('tp')) == [rank] and len(m2.get_all_groups()) == 2
assert m2['dp'].get_group() is m2.get_group('dp') and m2[('dp', 'tp')] is m2
t = ember.tensor([float(rank + 1)])
dist.all_reduce(t, group=m2.get_group('dp'))
u = ember.tensor([float(rank + 1)])
dist.all_reduce(u, group=m2.get_group('tp'))
assert t.item() == 3.0 and u.item() == rank + 1
try:
    m2.get_group()
    raise AssertionError('expected an error')
except RuntimeError as e:
    assert e.args[0] == 'Found the DeviceMesh have 2 dimensions'
try:
    m2['xx']
    raise AssertionError('expected an error')
except KeyError as e:
    assert e.args[0] == "Invalid mesh_dim_names ('xx',) specified. Valid mesh_dim_names are ['dp', 'tp']."
try:
    init_device_mesh('cpu', (3,))
    raise AssertionError('expected an error')
except RuntimeError as e:
    assert str(e) == 'Mesh should not be bigger than default world size 2, but found 3 ranks!'
assert dist.DeviceMesh is DeviceMesh and dist.init_device_mesh is init_device_mesh
ok('mesh_2d')

mine, groups = dist.new_subgroups(group_size=1)
assert len(groups) == 2 and dist.get_process_group_ranks(mine) == [rank]
mine, groups = dist.new_subgroups_by_enumeration([[0, 1]])
assert len(groups) == 1 and dist.get_process_group_ranks(mine) == [0, 1] and dist.get_pg_count() >= 4
try:
    dist.new_subgroups(group_size=3)
    raise AssertionError('expected an error')
except ValueError as e:
    assert str(e) == "The arg 'group_size' (3) must not exceed the world size (2)"
ok('subgroups')
dist.destroy_process_group()
