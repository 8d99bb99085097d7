"""Device meshes (torch.distributed.device_mesh) on 2 MPI ranks: see workers/device_mesh.py."""
import pytest

from tests.distributed._launch import passed


@pytest.mark.parametrize('check', ['mesh_1d', 'mesh_2d', 'subgroups'])
def test_device_mesh_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_device_mesh_names_are_checked_before_any_group_exists():
    from ember.distributed.device_mesh import init_device_mesh
    with pytest.raises(RuntimeError, match='mesh_dim_names should have same length as mesh_shape'):
        init_device_mesh('cpu', (2, 1), mesh_dim_names=('dp',))
    with pytest.raises(RuntimeError, match='Each mesh_dim_name must be unique'):
        init_device_mesh('cpu', (2, 1), mesh_dim_names=('dp', 'dp'))


def test_group_helpers_without_a_job():
    import ember.distributed as dist
    assert dist.supports_complex(dist.ReduceOp.SUM) and not dist.supports_complex(dist.ReduceOp.MAX)
    assert dist.get_default_backend_for_device('cpu') == 'gloo' and dist.get_default_backend_for_device('cuda:0') == 'nccl'
    with pytest.raises(ValueError, match='^Default backend not registered for device : meta$'):
        dist.get_default_backend_for_device('meta')
    assert dist.is_backend_available('ucc') is False
