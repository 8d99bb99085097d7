"""ember.multiprocessing: tensors sent between processes share memory; spawn re-raises failures.

The messages pinned here were recorded from PyTorch 2.13 (torch.multiprocessing)."""
import os
import signal
import sys

import pytest

import ember
import ember.multiprocessing as mp
from ember import nn

pytestmark = pytest.mark.skipif(sys.platform == 'win32' or 'fork' not in mp.get_all_start_methods(),
                                reason='needs fork')
fork = mp.get_context('fork')


def _add_one(q, done):
    with ember.no_grad():
        for t in q.get():
            t.add_(1)
    done.set()


def _train(rank, model, steps):
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        model(ember.ones(1, 2)).sum().backward()
        opt.step()


def _fail_on(rank, bad_rank, msg):
    if rank == bad_rank:
        raise ValueError(msg)


def _leave(rank, code):
    if code == 'signal':
        os.kill(os.getpid(), signal.SIGKILL)
    sys.exit(code)


def _send_tensors(ctx, tensors):
    q, done = ctx.Queue(), ctx.Event()
    p = ctx.Process(target=_add_one, args=(q, done))
    p.start()
    q.put(tensors)
    assert done.wait(30)
    p.join(30)
    assert p.exitcode == 0


def test_a_tensor_through_a_queue_is_shared_and_mutated_in_place_by_the_child():
    base = ember.zeros(3, 4, dtype=ember.int32)
    view = base[:, 1:3]                 # offset and strides travel with the tensor
    p = nn.Parameter(ember.zeros(2))
    empty = ember.zeros(0)
    _send_tensors(fork, [view, p, empty])
    assert view.is_shared() and p.is_shared()
    assert view.tolist() == [[1, 1]] * 3 and p.tolist() == [1., 1.] and empty.shape == (0,)


def test_the_file_system_strategy_hands_on_the_memory_by_path():
    mp.set_sharing_strategy('file_system')
    try:
        x = ember.arange(4.)
        _send_tensors(fork, [x])
    finally:
        mp.set_sharing_strategy('file_descriptor')
    assert x.tolist() == [1., 2., 3., 4.]


def test_receiving_keeps_type_requires_grad_and_one_storage_per_memory():
    from multiprocessing.reduction import ForkingPickler
    import pickle
    w = nn.Parameter(ember.ones(2, 2)).share_memory_()
    back = pickle.loads(ForkingPickler.dumps([w, w[0].detach()]))
    assert type(back[0]) is nn.Parameter and back[0].requires_grad and not back[1].requires_grad
    assert back[0].untyped_storage() is back[1].untyped_storage()   # same memory, one storage
    back[1][0] = 5.
    assert w[0, 0].item() == 5.
    s = ember.arange(3.).untyped_storage()
    s2 = pickle.loads(ForkingPickler.dumps(s))
    assert s.is_shared() and s2.data_ptr() != 0 and s2.tolist() == s.tolist()


def test_non_leaf_tensors_that_require_grad_refuse_to_travel():
    from multiprocessing.reduction import ForkingPickler
    x = ember.ones(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"^Cowardly refusing to serialize non-leaf tensor which requires_grad, "
                       r"since autograd does not support crossing process boundaries\.  If you just want to "
                       r"transfer the data, call detach\(\) on the tensor before serializing \(e\.g\., putting it "
                       r"on the queue\)\.$"):
        ForkingPickler.dumps(x)
    assert not x.is_shared()


def test_hogwild_workers_update_the_parents_shared_model():
    ember.manual_seed(0)
    model = nn.Linear(2, 1).share_memory()
    assert model.weight.is_shared() and model.bias.is_shared()
    w0 = model.weight.detach().clone()
    procs = [fork.Process(target=_train, args=(i, model, 3)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    # PyTorch 2.13 prints tensor([[-0.6000, -0.6000]]): 2 workers x 3 steps x lr 0.1 x gradient 1
    assert (model.weight - w0).flatten().tolist() == pytest.approx([-0.6, -0.6])


def test_spawn_runs_fn_with_the_index_on_a_model_sent_by_pickling():
    ember.manual_seed(0)
    model = nn.Linear(2, 1)
    b0 = model.bias.item()
    mp.spawn(_train, args=(model, 4), nprocs=1)
    assert model.bias.item() == pytest.approx(b0 - 0.4)   # the parameters moved into shared memory


def test_a_child_exception_is_re_raised_with_its_traceback():
    with pytest.raises(mp.ProcessRaisedException) as info:
        mp.start_processes(_fail_on, args=(1, 'bad input'), nprocs=2, start_method='fork')
    e = info.value
    assert e.error_index == 1 and e.error_pid > 0
    assert str(e).startswith("\n\n-- Process 1 terminated with the following error:\nTraceback (most recent call last):")
    assert str(e).endswith("ValueError: bad input\n")


def test_exit_codes_and_signals_raise_process_exited():
    with pytest.raises(mp.ProcessExitedException, match=r'^process 0 terminated with exit code 3$') as info:
        mp.start_processes(_leave, args=(3,), start_method='fork')
    assert info.value.exit_code == 3 and info.value.signal_name is None
    with pytest.raises(mp.ProcessExitedException, match=r'^process 0 terminated with signal SIGKILL$') as info:
        mp.start_processes(_leave, args=('signal',), start_method='fork')
    assert info.value.exit_code == -9 and info.value.signal_name == 'SIGKILL'


def test_join_false_returns_the_context():
    ctx = mp.start_processes(_leave, args=(0,), nprocs=2, join=False, start_method='fork')
    assert type(ctx) is mp.ProcessContext and len(ctx.pids()) == 2
    while not ctx.join(timeout=30):
        pass
    assert ctx.join()


def test_spawn_warns_about_other_start_methods_and_strategies_are_checked():
    with pytest.warns(FutureWarning, match='only supports start_method=spawn'):
        ctx = mp.spawn(_leave, args=(0,), join=False, start_method='fork')
    while not ctx.join(30):
        pass
    assert mp.get_all_sharing_strategies() == {'file_descriptor', 'file_system'}
    with pytest.raises(AssertionError, match="invalid sharing strategy 'nope'"):
        mp.set_sharing_strategy('nope')
    assert mp.get_sharing_strategy() == 'file_descriptor'
    assert mp.Queue is not None and mp.get_context('spawn').Process is not None and mp.cpu_count() >= 1


def _scaled(t):
    return t * 2


def test_the_pool_maps_tensors_with_clean_workers():
    from ember.multiprocessing.pool import Pool
    from ember.multiprocessing.queue import Queue, SimpleQueue
    import multiprocessing
    assert Queue is multiprocessing.Queue and SimpleQueue is multiprocessing.SimpleQueue
    with Pool(2, context=fork) as pool:
        out = pool.map(_scaled, [ember.full((3,), float(i)) for i in range(5)])
        assert [t.tolist() for t in out] == [[2.0 * i] * 3 for i in range(5)]
        assert len(pool._pool) == 2 and all('PoolWorker' in p.name for p in pool._pool)
