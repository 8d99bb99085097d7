"""RemoteModule across spawned workers (checked against PyTorch's run of the same job,
tests/fixtures/rpc/remote_module_job.json) and _remote_device parsing."""
import pytest

import ember
from ember.distributed.remote_device import _remote_device
from tests.rpc._jobs import recorded, run_job
from tests.rpc.test_rpc_autograd import _close


@pytest.fixture(scope='module')
def remote_module_run(tmp_path_factory):
    return run_job('remote_module_job', tmp_path_factory.mktemp('rpc'))


GROUPS = {
    'forward': ['forward', 'forward_async', 'kwargs_forward', 'init_from_module_rref', 'through_rpc'],
    'attributes': ['attributes', 'module_rref', 'train', 'eval_training_flag'],
    'refusals': ['pickle', 'parameters', 'to', 'state_dict'],
    'training': ['losses'],
}


@pytest.mark.parametrize('group', sorted(GROUPS))
def test_remote_module_job_matches_pytorch(remote_module_run, group):
    oracle = recorded('remote_module_job')
    for key in GROUPS[group]:
        assert _close(remote_module_run[key], oracle[key]), (key, remote_module_run[key], oracle[key])


def test_every_remote_module_result_is_checked():
    assert sorted(k for keys in GROUPS.values() for k in keys) == sorted(recorded('remote_module_job'))


def test_remote_module_needs_rpc():
    from ember.distributed.nn import RemoteModule
    with pytest.raises(AssertionError, match='RemoteModule only works in RPC.'):
        RemoteModule('worker1/cpu', ember.nn.Linear, args=(2, 2))


# (text, repr, worker name, rank, device) as PyTorch 2.13 parses them
PARSED = [
    ('trainer0/cpu', 'trainer0/cpu', 'trainer0', None, 'cpu'),
    ('trainer0', 'trainer0/cpu', 'trainer0', None, 'cpu'),
    ('ps0/cuda:0', 'ps0/cuda:0', 'ps0', None, 'cuda:0'),
    ('rank:0/cpu', 'rank:0/cpu', None, 0, 'cpu'),
    ('rank:3', 'rank:3/cpu', None, 3, 'cpu'),
    ('cpu', 'cpu', None, None, 'cpu'),
    ('cuda:1', 'cuda:1', None, None, 'cuda:1'),
]


@pytest.mark.parametrize('text,shown,worker,rank,device', PARSED)
def test_remote_device_parsing(text, shown, worker, rank, device):
    d = _remote_device(text)
    assert (repr(d), d.worker_name(), d.rank(), d.device()) == (shown, worker, rank, ember.device(device))


@pytest.mark.parametrize('text', ['a/b/c', '/cpu', 'rank:x/cpu', 'a:b:c'])
def test_remote_device_parse_errors(text):
    msg = (f"Could not parse remote_device: {text}. The valid format is '<workername>/<device>' or "
           "'rank:<rank>/<device>' or '<device>'")
    with pytest.raises(ValueError) as e:
        _remote_device(text)
    assert str(e.value) == msg


def test_remote_device_other_inputs():
    assert repr(_remote_device(ember.device('cpu'))) == 'cpu'
    with pytest.raises(TypeError, match="Invalid type for remote_device: <class 'int'>"):
        _remote_device(3)
    assert _remote_device('w/cpu') == _remote_device('w')
    assert hash(_remote_device('rank:1')) == hash(_remote_device('rank:1/cpu'))
