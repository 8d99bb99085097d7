"""Tensor parallelism (with autograd through DTensors) and pipeline parallelism on 2 ranks, checked in
workers/tensor_parallel.py and workers/pipelining.py against the same training in one process;
CommDebugMode's counts (workers/comm_debug.py) against PyTorch's recorded ones."""
import pytest

from tests.distributed._launch import passed, run_worker

CHECKS = ['dtensor-autograd', 'dtensor-op-sweep', 'tensor-parallel-mlp', 'tensor-parallel-input-reshard', 'tensor-parallel-embedding', 'tensor-parallel-sequence',
          'tensor-parallel-loss', 'comm-debug-mode-mlp', 'comm-debug-mode-layouts', 'comm-debug-mode-fsdp', 'functional-collectives',
          'pipelining-ScheduleGPipe', 'pipelining-Schedule1F1B', 'pipelining-eval-and-errors']


@pytest.mark.parametrize('check', CHECKS)
def test_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


@pytest.fixture(scope='module')
def four_rank_run():
    return run_worker('four_rank_checks', n=4, timeout=240)


@pytest.mark.parametrize('check', ['dtensor-2d-redistribute', 'dtensor-2d-submesh', 'fsdp-tp-layout',
                                   'fsdp-tp-training', 'fsdp-tp-checkpoint', 'hsdp-training'])
def test_on_a_two_by_two_mesh(four_rank_run, check):
    """DTensors on a 2-D mesh, and FSDP over tensor parallelism as PyTorch's recorded run
    (tests/fixtures/distributed/record_fsdp_tp.py)."""
    assert passed(four_rank_run, check, n=4), four_rank_run


def test_microbatches_split_and_merge_as_pytorch():
    import ember
    from ember.distributed.pipelining.microbatch import TensorChunkSpec, merge_chunks, split_args_kwargs_into_chunks
    x, m = ember.arange(10).reshape(5, 2), ember.arange(6).reshape(2, 3)
    args, kwargs = split_args_kwargs_into_chunks((x, 'keep'), {'mask': m}, 2, kwargs_chunk_spec={'mask': TensorChunkSpec(1)})
    assert [a[0].shape for a in args] == [(3, 2), (2, 2)] and [a[1] for a in args] == ['keep', 'keep']
    assert [k['mask'].tolist() for k in kwargs] == [[[0, 1], [3, 4]], [[2], [5]]]
    assert merge_chunks([a[0] for a in args], None).equal(x)
    assert repr(TensorChunkSpec(1)) == 'ember.distributed.pipelining.microbatch.TensorChunkSpec(1)'
    assert str(TensorChunkSpec(1)) == 'TensorChunkSpec(1)'
    args, _ = split_args_kwargs_into_chunks((x,), {}, 6)      # no more microbatches than rows
    assert [a[0].shape for a in args] == [(1, 2)] * 5
