"""Modules of torch.distributed that scripts and libraries import names from: distributed_c10d, constants,
tensor.device_mesh; the c10d operator names CommDebugMode counts under; _StridedShard as PyTorch prints it."""
from datetime import timedelta

import pytest

import ember
import ember.distributed as dist


def test_distributed_c10d_holds_the_process_group_api():
    from ember.distributed import distributed_c10d as c10d
    for name in ('init_process_group', 'all_reduce', 'new_group', 'ProcessGroup', 'ReduceOp', 'Backend', 'group'):
        assert getattr(c10d, name) is getattr(dist, name)
    with pytest.raises(ValueError, match='^Default process group has not been initialized, please make sure to call '
                                         'init_process_group.$'):
        c10d._get_default_group()
    assert c10d._rank_not_in_group(None) is False
    assert c10d._rank_not_in_group(dist.GroupMember.NON_GROUP_MEMBER) is True


def test_constants_and_tensor_device_mesh():
    from ember.distributed import constants
    from ember.distributed.device_mesh import DeviceMesh, init_device_mesh
    from ember.distributed.tensor import device_mesh
    assert constants.default_pg_timeout == timedelta(minutes=30) and constants.default_pg_nccl_timeout is None
    assert device_mesh.DeviceMesh is DeviceMesh and device_mesh.init_device_mesh is init_device_mesh
    torch = pytest.importorskip('torch')
    import torch.distributed.constants as torch_constants
    assert constants.default_pg_timeout == torch_constants.default_pg_timeout
    assert constants.default_pg_nccl_timeout == torch_constants.default_pg_nccl_timeout


def test_collective_operator_names():
    import ember.distributed._functional_collectives  # noqa: F401  (defines c10d_functional)
    c10d = ember.ops.c10d
    assert repr(c10d.allreduce_) == 'c10d.allreduce_' and c10d.allreduce_ == ember.ops.c10d.allreduce_
    assert repr(c10d._allgather_base_) == 'c10d._allgather_base_' and c10d.scatter_.name() == 'c10d::scatter_'
    assert repr(ember.ops.c10d_functional.all_gather_into_tensor) == 'c10d_functional.all_gather_into_tensor'
    with pytest.raises(AttributeError):
        c10d.no_such_op


def test_strided_shard_prints_as_pytorch():
    from ember.distributed.tensor.placement_types import Shard, _StridedShard
    s = _StridedShard(0, split_factor=2)
    assert repr(s) == '_StridedShard(dim=0, sf=2)' and str(s) == '_S(0, 2)'
    assert s == _StridedShard(0, split_factor=2) and s != Shard(0) and not s.is_shard()
    assert hash(s) == hash(_StridedShard(0, split_factor=2))
