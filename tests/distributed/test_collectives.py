"""Every collective of ember.distributed on 2 MPI ranks against NumPy expectations; the API without MPI."""
import re

import pytest

import ember
import ember.distributed as dist
from tests.distributed._launch import passed, run_worker

CHECKS = ['env', 'all_reduce+reduce', 'all_reduce-forms', 'errors', 'broadcast', 'all_gather', 'reduce_scatter',
          'gather+scatter', 'all_to_all', 'p2p', 'objects', 'groups', 'barrier+reinit']


@pytest.mark.parametrize('check', CHECKS)
def test_collectives_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_collectives_and_ddp_on_cuda_tensors_of_the_strict_stand_in():
    # each rank's tensors on its own device (cuda:0, cuda:1 of tests/cuda/strict_xp.py), staged through host memory
    out = run_worker('cuda_standin')
    for check in ('cuda-collectives', 'cuda-ddp'):
        assert passed(out, check), out


def test_nccl_group_runs_cuda_collectives_through_nccl_on_the_strict_stand_in():
    # a 'cpu:gloo,cuda:nccl' group with the stand-in's NCCL: each collective against NumPy, run by NCCL on the
    # device arrays (the stand-in's log) with nothing staged through host memory
    out = run_worker('nccl_standin')
    for check in ('nccl-all_reduce', 'nccl-reduce', 'nccl-broadcast', 'nccl-all_gather', 'nccl-reduce_scatter',
                  'nccl-p2p', 'nccl-barrier', 'nccl-ddp'):
        assert passed(out, check), out


def test_queries_before_init_raise_like_pytorch():
    assert not dist.is_initialized()
    msg = "Default process group has not been initialized, please make sure to call init_process_group."
    for fn in (dist.get_rank, dist.get_world_size, dist.barrier):
        with pytest.raises(ValueError, match=msg):
            fn()
    with pytest.raises(ValueError, match=msg):
        dist.all_reduce(ember.ones(1))


def test_reduce_op_and_backend_names():
    assert repr(dist.ReduceOp.SUM) == '<RedOpType.SUM: 0>'
    assert list(dist.ReduceOp.RedOpType.__members__) == ['SUM', 'AVG', 'PRODUCT', 'MIN', 'MAX', 'BAND', 'BOR',
                                                         'BXOR', 'PREMUL_SUM']
    assert dist.Backend('GLOO') == 'gloo' and dist.Backend.MPI == 'mpi'
    with pytest.raises(ValueError, match="Backend constructor parameter must be string-ish"):
        dist.Backend(3)


def test_init_arguments_checked_before_mpi_starts():
    # back ends MPI does not serve: the errors of PyTorch 2.13's CPU build (which has no UCC or XCCL either)
    for backend, error, text in (('ucc', AssertionError, 'Unknown c10d backend type UCC'),
                                 ('cpu:gloo,cuda:ucc', AssertionError, 'Unknown c10d backend type UCC'),
                                 ('cpu:bogus', AssertionError, 'Unknown c10d backend type BOGUS'),
                                 ('xccl', RuntimeError, "Distributed package doesn't have XCCL built in")):
        with pytest.raises(error, match=f'^{re.escape(text)}$'):
            dist.init_process_group(backend)
    with pytest.warns(UserWarning, match=r'^Device capability of bogus unknown, assuming `cpu` and `cuda`\. You can '
                                         r'specify it in `device:backend` format in `init_process_group` call\.$'):
        with pytest.raises(AssertionError, match='^Unknown backend type bogus$'):
            dist.init_process_group('BOGUS')
    with pytest.raises(ValueError, match="Invalid backend: 'fake'"):
        dist.init_process_group('fake')
    with pytest.raises(ValueError, match="tcp:// rendezvous: port number missing"):
        dist.init_process_group('gloo', init_method='tcp://10.0.0.1')
    with pytest.raises(TypeError, match='Expected timeout argument to be of type datetime.timedelta'):
        dist.init_process_group('gloo', timeout=5)
    assert not dist.is_initialized()


def test_deprecated_reduce_op_warns_and_names_the_same_reductions():
    with pytest.warns(FutureWarning, match='`ember.distributed.reduce_op` is deprecated'):
        assert dist.reduce_op.SUM is dist.ReduceOp.SUM
    with pytest.warns(FutureWarning):
        assert dist.reduce_op.PRODUCT is dist.ReduceOp.PRODUCT and dist.reduce_op.MAX is dist.ReduceOp.MAX
    with pytest.warns(FutureWarning):
        assert list(dist.reduce_op.__members__) == list(dist.ReduceOp.RedOpType.__members__)
