"""The PowerSGD communication hooks: on 2 ranks against a one-process simulation and PyTorch's
recorded results (workers/ddp_powersgd.py); their pieces in one process."""
import pickle

import pytest

import ember
from ember.distributed.algorithms.ddp_comm_hooks import powerSGD_hook as powerSGD
from tests.distributed._launch import passed

CHECKS = ['powersgd-rank1', 'powersgd-rank2-same-shape', 'powersgd-rank3-qr', 'powersgd-cold-no-feedback',
          'powersgd-batched-rank1', 'powersgd-batched-rank2', 'powersgd-pickle', 'powersgd-errors-and-hook-types']


@pytest.mark.parametrize('check', CHECKS)
def test_powersgd_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


@pytest.mark.parametrize('rank', [1, 2, 3])
def test_orthogonalize_gives_orthonormal_columns(rank):
    ember.manual_seed(0)
    m = ember.randn(2, 6, rank, dtype=ember.float64)
    powerSGD._orthogonalize(m)
    gram = m.transpose(1, 2) @ m
    assert ember.allclose(gram, ember.eye(rank, dtype=ember.float64).expand(2, rank, rank), atol=1e-12)


@pytest.mark.filterwarnings('ignore:invalid value encountered')
def test_zero_column_needs_epsilon():
    m = ember.zeros(1, 4, 1)
    nan = m.clone()
    powerSGD._orthogonalize(nan)          # no error: the column becomes NaN, as in PyTorch
    assert nan.isnan().all()
    powerSGD._orthogonalize(m, epsilon=1e-8)
    assert ember.equal(m, ember.zeros(1, 4, 1))


def test_state_defaults_errors_and_pickling():
    state = powerSGD.PowerSGDState(None)
    assert (state.matrix_approximation_rank, state.start_powerSGD_iter, state.min_compression_rate,
            state.use_error_feedback, state.warm_start, state.orthogonalization_epsilon,
            state.compression_stats_logging_frequency, state.batch_tensors_with_same_shape) == \
        (1, 1000, 2, True, True, 0, 10000, False)
    assert state.compression_stats() == (0, 0, 0)
    assert powerSGD.PowerSGDState(None, compression_stats_logging_frequency=0).compression_stats_logging_frequency == 1
    with pytest.raises(ValueError, match=r'Expect `start_powerSGD_iter` > 1 if `use_error_feedback`'):
        powerSGD.PowerSGDState(None, start_powerSGD_iter=1, use_error_feedback=False)
    state.error_dict[0] = ember.ones(3)
    back = pickle.loads(pickle.dumps(state))
    assert not hasattr(state, '__dict__') and ember.equal(back.error_dict[0], ember.ones(3))
    assert back.rng.randint(10**9) == state.rng.randint(10**9)


def test_should_compress():
    assert powerSGD._should_compress(8, 8, 1, 2) == (True, 64, 16)
    assert powerSGD._should_compress(8, 8, 2, 2) == (False, 64, 32)
