"""RemoteModule across three workers, run on ember or on PyTorch: ``python remote_module_job.py
ember|torch PORT OUT.json``. Worker 0 builds a model from a RemoteModule on worker1 and a local layer
(the hybrid layout of PyTorch's RemoteModule examples), trains it with distributed autograd and a
DistributedOptimizer over ``remote_parameters()``, and hands the RemoteModule to worker2 through RPC.
"""
import json
import os
import pickle
import sys

FRAMEWORK, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if FRAMEWORK == 'torch':
    import torch
    import torch.distributed.autograd as dist_autograd
    import torch.distributed.rpc as rpc
    import torch.multiprocessing as mp
    from torch import nn, optim
    from torch.distributed.nn.api.remote_module import RemoteModule
    from torch.distributed.optim import DistributedOptimizer
else:
    import ember as torch
    import ember.distributed.autograd as dist_autograd
    import ember.distributed.rpc as rpc
    import ember.multiprocessing as mp
    from ember import nn, optim
    from ember.distributed.nn.api.remote_module import RemoteModule
    from ember.distributed.optim import DistributedOptimizer


def fill(module):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_((torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) * 0.53 + i).cos() * 0.4)
    return module


class FilledLinear(nn.Linear):
    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out)
        fill(self)


class Scale(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k

    def forward(self, x, shift=0.0):
        return x * self.k + shift


def use_remote_module(remote):
    return (type(remote).__name__, remote.forward(torch.ones(1, 5)).sum().item())


def rounded(t):
    return [round(v, 5) for v in t.reshape(-1).tolist()]


def attempt(fn):
    try:
        fn()
        return 'no error'
    except Exception as e:
        return [type(e).__name__, str(e)]


def checks():
    r = {}
    remote_linear = RemoteModule('worker1/cpu', FilledLinear, args=(5, 3))
    scale = RemoteModule('rank:2', Scale, kwargs={'k': 3.0})
    local = fill(nn.Linear(3, 2))
    x = torch.linspace(-1, 1, 20).reshape(4, 5)
    r['forward'] = rounded(remote_linear.forward(x))
    r['forward_async'] = rounded(remote_linear.forward_async(x).wait())
    r['kwargs_forward'] = rounded(scale.forward(torch.ones(2), shift=1.0))
    r['attributes'] = [remote_linear.on, remote_linear.device, scale.on, scale.device, remote_linear.is_scriptable,
                       remote_linear.is_device_map_set]
    r['module_rref'] = [remote_linear.get_module_rref().owner_name(), len(remote_linear.remote_parameters()),
                        len(remote_linear.remote_parameters(recurse=False))]
    r['through_rpc'] = rpc.rpc_sync('worker2', use_remote_module, args=(remote_linear,))
    r['pickle'] = attempt(lambda: pickle.dumps(remote_linear))
    r['parameters'] = attempt(lambda: remote_linear.parameters())
    r['to'] = attempt(lambda: remote_linear.to('cpu'))
    r['state_dict'] = attempt(lambda: remote_linear.state_dict())
    r['train'] = type(remote_linear.train()).__name__
    r['eval_training_flag'] = remote_linear.eval().training
    remote_linear.train()
    again = RemoteModule.init_from_module_rref('worker1/cpu', remote_linear.get_module_rref())
    r['init_from_module_rref'] = rounded(again.forward(x))
    params = remote_linear.remote_parameters() + [rpc.RRef(p) for p in local.parameters()]
    opt = DistributedOptimizer(optim.SGD, params, lr=0.1, momentum=0.5)
    target = torch.tensor([0.5, -0.5])
    losses = []
    for step in range(4):
        with dist_autograd.context() as cid:
            out = local(remote_linear.forward(x * (step + 1)))
            loss = ((out - target) ** 2).mean()
            dist_autograd.backward(cid, [loss])
            opt.step(cid)
        losses.append(round(loss.item(), 5))
    r['losses'] = losses
    return r


def run(rank, world_size):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = PORT
    rpc.init_rpc(f'worker{rank}', rank=rank, world_size=world_size)
    if rank == 0:
        r = checks()
        with open(OUT, 'w') as fh:
            json.dump(r, fh, indent=1, sort_keys=True)
    rpc.shutdown()


if __name__ == '__main__':
    mp.spawn(run, args=(3,), nprocs=3, join=True)
