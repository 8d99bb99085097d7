"""ember.distributed.rpc between two spawned workers, checked against PyTorch's run of the same job
(tests/fixtures/rpc/core_job.json, recorded by scripts/record_rpc_oracle.py)."""
import pickle

import numpy as np
import pytest

import ember
from ember.distributed import rpc
from tests.rpc._jobs import recorded, run_job


@pytest.fixture(scope='module')
def core_run(tmp_path_factory):
    return run_job('core_job', tmp_path_factory.mktemp('rpc'), with_output=True)


@pytest.fixture(scope='module')
def core(core_run):
    return core_run[0]


@pytest.fixture(scope='module')
def oracle():
    return recorded('core_job')


GROUPS = {
    'worker_info': ['me', 'peer', 'unknown_name', 'bad_destination', 'bad_id'],
    'rpc_sync': ['sync', 'sync_by_info', 'sync_by_id', 'sync_kwargs', 'sync_builtin', 'sync_self', 'tensor_info',
                 'parameter_info', 'unpicklable', 'rpc_timeout'],
    'remote_error': ['remote_error', 'rref_error'],
    'rpc_async': ['async', 'futs', 'async_execution'],
    'timeouts': ['timeout_sync', 'timeout_async', 'no_timeout'],
    'rref': ['rref_repr', 'rref_queries', 'rref_proxies', 'rref_confirmed', 'rref_local_value_on_user',
             'rref_pickle', 'rref_to_here', 'rref_as_argument', 'rref_back_to_owner', 'local_rref',
             'local_rref_sent', 'returned_rref'],
    'rref_deletion': ['owner_count_alive', 'owner_count_after_delete'],
}


@pytest.mark.parametrize('group', sorted(GROUPS))
def test_core_job_matches_pytorch(core, oracle, group):
    for key in GROUPS[group]:
        assert core[key] == oracle[key], key


def test_callee_logs_the_exception(core_run):
    # as PyTorch's callee prints the error it sends back
    assert "On WorkerInfo(id=1, name=worker1):\nValueError('bad value 3')\nTraceback" in core_run[1]


def test_every_recorded_result_is_checked(oracle):
    assert sorted(k for keys in GROUPS.values() for k in keys) == sorted(oracle)


def test_calls_before_init_rpc_raise_pytorchs_errors():
    msg = "RPC has not been initialized. Call torch.distributed.rpc.init_rpc first."
    for call in (lambda: rpc.rpc_sync('w', max, args=(1, 2)), lambda: rpc.rpc_async('w', max),
                 lambda: rpc.remote('w', max), rpc.get_worker_info, rpc.shutdown):
        with pytest.raises(RuntimeError) as e:
            call()
        assert str(e.value) == msg
    with pytest.raises(RuntimeError, match=r"Current RPC agent is not set! Did you initialize the RPC framework "
                                           r"\(e.g. by calling `rpc.init_rpc`\)\?"):
        rpc.RRef(1)


def test_init_rpc_argument_errors():
    with pytest.raises(TypeError, match='Argument backend must be a member of BackendType'):
        rpc.init_rpc('w', backend='tensorpipe', rank=0, world_size=1)
    with pytest.raises(TypeError, match='Argument rpc_backend_options must be an instance of RpcBackendOptions'):
        rpc.init_rpc('w', rank=0, world_size=1, rpc_backend_options={})
    with pytest.raises(RuntimeError, match=r"`rank` must be an integer. 1.5"):
        rpc.init_rpc('w', rank=1.5, world_size=1)


def test_options():
    opts = rpc.TensorPipeRpcBackendOptions()
    assert (opts.num_worker_threads, opts.rpc_timeout, opts.init_method, opts.device_maps, opts.devices) == \
        (16, 60.0, 'env://', {}, [])
    opts = rpc.TensorPipeRpcBackendOptions(num_worker_threads=3, rpc_timeout=5, init_method='tcp://h:1',
                                           device_maps={'w1': {'cpu': 'cpu'}})
    assert (opts.num_worker_threads, opts.rpc_timeout, opts.init_method) == (3, 5.0, 'tcp://h:1')
    assert opts.device_maps == {'w1': {ember.device('cpu'): ember.device('cpu')}}
    assert isinstance(opts, rpc.RpcBackendOptions)
    with pytest.raises(RuntimeError, match='num_worker_threads must be positive, got 0'):
        rpc.TensorPipeRpcBackendOptions(num_worker_threads=0)
    with pytest.raises(RuntimeError, match='RPC Timeout must be non-negative'):
        rpc.TensorPipeRpcBackendOptions(rpc_timeout=-5)
    with pytest.raises(TypeError, match=r"incompatible constructor arguments(.|\n)*Invoked with: 'a', None, None, "
                                        r"60.0, 'env://', \{\}, \[\]"):
        rpc.TensorPipeRpcBackendOptions(num_worker_threads='a')
    with pytest.raises(ValueError, match='`set_devices` expect a list of CUDA devices, but got device type cpu.'):
        rpc.TensorPipeRpcBackendOptions(devices=['cpu'])
    assert rpc.BackendType.TENSORPIPE in list(rpc.BackendType) and repr(rpc.BackendType.TENSORPIPE) == \
        'BackendType.TENSORPIPE'
    assert (rpc.constants.DEFAULT_RPC_TIMEOUT_SEC, rpc.constants.UNSET_RPC_TIMEOUT) == (60.0, -1.0)


@pytest.mark.skipif(ember.cuda.is_available(), reason='checks the refusal without a GPU')
def test_gpu_device_maps_refused_without_a_gpu():
    for kwargs in ({'device_maps': {'w1': {0: 1}}}, {'devices': [0]}):
        with pytest.raises(RuntimeError, match='Cannot access accelerator device when none is available.'):
            rpc.TensorPipeRpcBackendOptions(**kwargs)
    opts = rpc.TensorPipeRpcBackendOptions()
    with pytest.raises(RuntimeError, match='Cannot access accelerator device when none is available.'):
        opts.set_device_map('w1', {'cuda:0': 'cuda:1'})
    assert opts.device_maps == {}


def test_worker_info():
    a = rpc.WorkerInfo('trainer', 2)
    assert (repr(a), str(a), a.name, a.id) == ('WorkerInfo(id=2, name=trainer)',) * 2 + ('trainer', 2)
    assert a == rpc.WorkerInfo('trainer', 2) and hash(a) == hash(rpc.WorkerInfo('trainer', 2))
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(TypeError, match='incompatible constructor arguments'):
        rpc.WorkerInfo(1, 2)


def test_async_execution_marks_the_function():
    @rpc.functions.async_execution
    def f(x):
        """Doc."""
        return x
    assert f(3) == 3 and f.__doc__ == 'Doc.' and f._wrapped_async_rpc_function is not None


def test_batch_updating_parameter_server_matches_pytorch(tmp_path):
    # @async_execution futures completed by another request's thread, models sent back and forth
    result = run_job('batch_ps_job', tmp_path)
    oracle = recorded('batch_ps_job')
    assert sorted(result) == sorted(oracle)
    for key in oracle:
        np.testing.assert_allclose(np.array(result[key]), np.array(oracle[key]), rtol=1e-4, atol=1e-5)
