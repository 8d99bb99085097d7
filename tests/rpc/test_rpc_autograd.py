"""Distributed autograd, DistributedOptimizer and the parameter-server tutorial across spawned workers,
checked against PyTorch's runs of the same jobs (tests/fixtures/rpc/*.json)."""
import threading

import numpy as np
import pytest

import ember
import ember.distributed.autograd as dist_autograd
from tests.rpc._jobs import recorded, run_job


def _close(actual, expected):
    if isinstance(expected, float):
        return abs(actual - expected) <= 1e-4 + 1e-4 * abs(expected)
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(_close(a, e) for a, e in zip(actual, expected))
    return actual == expected


@pytest.fixture(scope='module')
def autograd_run(tmp_path_factory):
    return run_job('autograd_job', tmp_path_factory.mktemp('rpc'))


@pytest.fixture(scope='module')
def ps_run(tmp_path_factory):
    return run_job('ps_job', tmp_path_factory.mktemp('rpc'))


AUTOGRAD_GROUPS = {
    'contexts': ['context_id', 'second_context_id', 'received'],
    'gradients': ['design_note', 'accumulated', 'two_hops', 'rref_backward'],
    'errors': ['backward_again', 'not_scalar', 'no_grad_root', 'finished_context', 'unknown_context'],
    'rnn_tutorial': ['rnn_losses', 'rnn_decoder_weight', 'rnn_local_grad_untouched'],
}


@pytest.mark.parametrize('group', sorted(AUTOGRAD_GROUPS))
def test_autograd_job_matches_pytorch(autograd_run, group):
    oracle = recorded('autograd_job')
    for key in AUTOGRAD_GROUPS[group]:
        assert _close(autograd_run[key], oracle[key]), (key, autograd_run[key], oracle[key])


def test_every_autograd_result_is_checked():
    assert sorted(k for keys in AUTOGRAD_GROUPS.values() for k in keys) == sorted(recorded('autograd_job'))


def test_parameter_server_losses_match_pytorch(ps_run):
    oracle = recorded('ps_job')
    assert sorted(ps_run) == sorted(oracle)
    for key in oracle:
        assert ps_run[key]['grads_seen'] == oracle[key]['grads_seen'], key
        assert _close(ps_run[key]['losses'], oracle[key]['losses']), (key, ps_run[key], oracle[key])
    # two trainers served side by side get what each gets alone
    assert ps_run['two_trainers_trainer_1']['losses'] == ps_run['one_trainer_trainer_1']['losses']


def test_grad_mode_is_per_thread():
    # RPC serves forwards and backwards on several threads at once: no_grad on one must not reach another
    seen = {}
    x = ember.ones(2, requires_grad=True)

    def other():
        seen['enabled'] = ember.is_grad_enabled()
        seen['recorded'] = (x * 2).requires_grad
    with ember.no_grad():
        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert not ember.is_grad_enabled()
    assert seen == {'enabled': True, 'recorded': True}


def test_context_needs_init_rpc():
    with pytest.raises(RuntimeError, match=r'Need to initialize distributed autograd using '
                                           r'torch.distributed.autograd.init\(\)'):
        with dist_autograd.context():
            pass



def test_backward_passes_on_two_threads_keep_their_own_callbacks():
    # an RPC worker runs backward passes of several trainers at once: a callback queued from one pass's
    # hook runs at the end of that pass, not of the other thread's
    from ember.autograd import Variable
    a_in_hook, b_in_hook, a_queued = threading.Event(), threading.Event(), threading.Event()
    ran = []

    def pass_a():
        x = ember.ones(2, requires_grad=True)

        def hook(g):
            a_in_hook.set()
            assert b_in_hook.wait(30)
            Variable._execution_engine.queue_callback(lambda: ran.append('a'))
            a_queued.set()
            return g
        y = x * 2
        y.register_hook(hook)
        y.sum().backward()
        ran.append('a done')

    def pass_b():
        x = ember.ones(2, requires_grad=True)

        def hook(g):
            b_in_hook.set()
            assert a_queued.wait(30)
            return g
        y = x * 3
        y.register_hook(hook)
        assert a_in_hook.wait(30)
        y.sum().backward()
    threads = [threading.Thread(target=pass_a), threading.Thread(target=pass_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert ran[:2] == ['a', 'a done']
