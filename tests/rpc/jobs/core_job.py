"""RPC core checks, run on ember or on PyTorch (the oracle): ``python core_job.py ember|torch PORT OUT.json``.

Two workers start with the framework's ``multiprocessing.spawn`` and meet at MASTER_ADDR:MASTER_PORT;
worker 0 writes what it saw to OUT.json (text with the callee's file paths cut out).
"""
import json
import os
import pickle
import sys
import time

FRAMEWORK, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if FRAMEWORK == 'torch':
    import torch
    import torch.distributed.rpc as rpc
    import torch.multiprocessing as mp
else:
    import ember as torch
    import ember.distributed.rpc as rpc
    import ember.multiprocessing as mp


def boom(x):
    raise ValueError(f"bad value {x}")


def slow(t):
    time.sleep(t)
    return t


def add(a, b):
    return a + b


def info(t):
    return (type(t).__name__, t.requires_grad, t.is_leaf, t.tolist())


class Counter:
    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

    def mul(self, k):
        return self.v * k

    @rpc.functions.async_execution
    def later_add(self, other):
        fut = torch.futures.Future()
        fut.set_result(self.v + other)
        return fut


@rpc.functions.async_execution
def chained_add(to, x, y, z):
    return rpc.rpc_async(to, add, args=(x, y)).then(lambda fut: fut.wait() + z)


def remote_sum(rref):
    return rref.to_here() + 1


def owner_value(rref):
    return (rref.is_owner(), rref.local_value().sum().item())


def owner_count():
    return rpc._rref_context_get_debug_info()['num_owner_rrefs']


def make_rref():
    return rpc.RRef(torch.full((2,), 7.0))


def shape_of_error(text):
    """The parts of a remote error's text that do not depend on where the files are."""
    lines = text.split('\n')
    return {'head': lines[:3], 'last': [ln for ln in lines if ln.startswith('ValueError: bad')][-1:],
            'has_at': '\n\nAt:\n' in text}


def attempt(fn):
    try:
        return {'value': repr(fn())}
    except Exception as e:
        return {'type': type(e).__name__, 'text': str(e)}


def run(rank, world_size):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = PORT
    opts = rpc.TensorPipeRpcBackendOptions(num_worker_threads=8, rpc_timeout=30)
    rpc.init_rpc(f'worker{rank}', rank=rank, world_size=world_size, rpc_backend_options=opts)
    if rank == 0:
        r = {}
        me = rpc.get_worker_info()
        r['me'] = [repr(me), str(me), me.id, me.name]
        r['peer'] = repr(rpc.get_worker_info('worker1'))
        r['unknown_name'] = attempt(lambda: rpc.get_worker_info('nobody'))
        r['sync'] = rpc.rpc_sync('worker1', add, args=(torch.ones(2), 3)).tolist()
        r['sync_by_info'] = rpc.rpc_sync(rpc.get_worker_info('worker1'), add, args=(1, 2))
        r['sync_by_id'] = rpc.rpc_sync(1, add, args=(1, 2))
        r['sync_kwargs'] = rpc.rpc_sync('worker1', add, kwargs={'a': 1, 'b': 2})
        r['sync_builtin'] = rpc.rpc_sync('worker1', torch.add, args=(torch.ones(2), 3)).tolist()
        r['sync_self'] = rpc.rpc_sync('worker0', add, args=(1, 2))
        r['tensor_info'] = rpc.rpc_sync('worker1', info, args=(torch.ones(2, requires_grad=True),))
        r['parameter_info'] = rpc.rpc_sync('worker1', info, args=(torch.nn.Parameter(torch.ones(2)),))
        try:
            rpc.rpc_sync('worker1', boom, args=(3,))
        except Exception as e:
            r['remote_error'] = [type(e).__name__, shape_of_error(str(e))]
        fut = rpc.rpc_async('worker1', add, args=(1, 2))
        r['async'] = [fut.wait(), fut.done(), fut.value(), fut.then(lambda f: f.wait() * 10).wait()]
        r['futs'] = [f.wait() for f in [rpc.rpc_async('worker1', add, args=(i, i)) for i in range(5)]]
        r['timeout_sync'] = attempt(lambda: rpc.rpc_sync('worker1', slow, args=(2,), timeout=0.5))
        fut = rpc.rpc_async('worker1', slow, args=(2,), timeout=0.5)
        r['timeout_async'] = attempt(fut.wait)
        r['no_timeout'] = rpc.rpc_sync('worker1', slow, args=(0.2,), timeout=0)
        r['async_execution'] = rpc.rpc_sync('worker1', chained_add, args=('worker0', torch.ones(2), 1, 2)).tolist()
        rref = rpc.remote('worker1', Counter, args=(5,))
        r['rref_repr'] = [repr(rref), str(rref)]
        r['rref_queries'] = [repr(rref.owner()), rref.owner_name(), rref.is_owner()]
        r['rref_proxies'] = [rref.rpc_sync().get(), rref.rpc_async().mul(3).wait(), rref.remote().mul(4).to_here(),
                             rref.rpc_sync().later_add(10)]
        r['rref_confirmed'] = rref.confirmed_by_owner()
        r['rref_local_value_on_user'] = attempt(rref.local_value)
        r['rref_pickle'] = attempt(lambda: pickle.dumps(rref))
        trref = rpc.remote('worker1', add, args=(torch.ones(2), 1))
        r['rref_to_here'] = trref.to_here().tolist()
        r['rref_as_argument'] = rpc.rpc_sync('worker1', remote_sum, args=(trref,)).tolist()
        r['rref_back_to_owner'] = rpc.rpc_sync('worker1', owner_value, args=(trref,))
        local = rpc.RRef(torch.ones(2))
        r['local_rref'] = [local.is_owner(), local.local_value().tolist(), local.to_here().tolist(),
                           repr(local.owner()), repr(local).startswith('OwnerRRef(GloballyUniqueId(created_on=0, ')]
        r['local_rref_sent'] = rpc.rpc_sync('worker1', remote_sum, args=(local,)).tolist()
        returned = rpc.rpc_sync('worker1', make_rref)
        r['returned_rref'] = [returned.is_owner(), returned.owner_name(), returned.to_here().tolist()]
        bad = rpc.remote('worker1', boom, args=(1,))
        try:
            bad.to_here()
        except Exception as e:
            r['rref_error'] = [type(e).__name__, shape_of_error(str(e))]
        r['unpicklable'] = attempt(lambda: rpc.rpc_sync('worker1', add, args=(lambda: 1, 2)))
        r['bad_destination'] = attempt(lambda: rpc.rpc_sync('nobody', add, args=(1, 2)))
        r['bad_id'] = attempt(lambda: rpc.rpc_sync(7, add, args=(1, 2)))
        r['rpc_timeout'] = rpc.get_rpc_timeout()
        # the owner forgets values once no user reference is left
        r['owner_count_alive'] = rpc.rpc_sync('worker1', owner_count)
        del rref, trref, bad, returned, local
        import gc
        gc.collect()
        deadline = time.monotonic() + 10
        while rpc.rpc_sync('worker1', owner_count) not in ('0', 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        r['owner_count_after_delete'] = rpc.rpc_sync('worker1', owner_count)
        with open(OUT, 'w') as fh:
            json.dump(r, fh, indent=1, sort_keys=True)
    rpc.shutdown()


if __name__ == '__main__':
    mp.spawn(run, args=(2,), nprocs=2, join=True)
