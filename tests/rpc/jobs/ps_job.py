"""PyTorch's parameter-server tutorial ("Implementing a Parameter Server Using Distributed RPC
Framework"), run on ember or on PyTorch: ``python ps_job.py ember|torch PORT OUT.json``.

As in the tutorial, the parameter server holds the model, trainers call its forward through an RRef,
run distributed backward and step a DistributedOptimizer. Changed for a test: a smaller network
without dropout (whose random draws differ between frameworks), deterministic weights, synthetic
batches. Phase 1 runs one trainer (its losses are compared with PyTorch's); phase 2 runs two trainers
at once against one server process. In the tutorial both trainers share one model, so a step of one
can update weights the other's forward saved before its backward runs: PyTorch then fails now and
then with "modified by an inplace operation" (seen on PyTorch 2.13), and the losses depend on timing.
Here each trainer has a model of its own on the server, so the serving threads still interleave
forward, backward and steps of both, and each trainer's losses must equal its run alone.
"""
import json
import os
import sys
import threading

FRAMEWORK, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if FRAMEWORK == 'torch':
    import torch
    import torch.distributed.autograd as dist_autograd
    import torch.distributed.rpc as rpc
    import torch.multiprocessing as mp
    import torch.nn.functional as F
    from torch import nn, optim
    from torch.distributed.optim import DistributedOptimizer
else:
    import ember as torch
    import ember.distributed.autograd as dist_autograd
    import ember.distributed.rpc as rpc
    import ember.multiprocessing as mp
    import ember.nn.functional as F
    from ember import nn, optim
    from ember.distributed.optim import DistributedOptimizer


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.fc1 = nn.Linear(4 * 5 * 5, 16)
        self.fc2 = nn.Linear(16, 10)
        with torch.no_grad():
            for i, p in enumerate(self.parameters()):
                p.copy_((torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) * 0.71 + i).sin() * 0.2)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def call_method(method, rref, *args, **kwargs):
    return method(rref.local_value(), *args, **kwargs)


def remote_method(method, rref, *args, **kwargs):
    args = [method, rref] + list(args)
    return rpc.rpc_sync(rref.owner(), call_method, args=args, kwargs=kwargs)


class ParameterServer(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = Net()

    def forward(self, inp):
        return self.model(inp)

    def get_dist_gradients(self, cid):
        grads = dist_autograd.get_gradients(cid)
        return {k.to('cpu'): v.to('cpu') for k, v in grads.items()}

    def get_param_rrefs(self):
        return [rpc.RRef(param) for param in self.model.parameters()]


param_servers = {}
global_lock = threading.Lock()


def get_parameter_server(trainer):
    with global_lock:
        if trainer not in param_servers:
            param_servers[trainer] = ParameterServer()
        return param_servers[trainer]


class TrainerNet(nn.Module):
    def __init__(self, trainer):
        super().__init__()
        self.param_server_rref = rpc.remote('parameter_server', get_parameter_server, args=(trainer,))

    def get_global_param_rrefs(self):
        return remote_method(ParameterServer.get_param_rrefs, self.param_server_rref)

    def forward(self, x):
        return remote_method(ParameterServer.forward, self.param_server_rref, x)


def batches(rank, n=6):
    for i in range(n):
        data = ((torch.arange(4 * 12 * 12, dtype=torch.float32).reshape(4, 1, 12, 12) * (0.05 * (i + rank))).cos())
        target = (torch.arange(4) * (i + 2) + rank) % 10
        yield data, target


def run_training_loop(rank):
    net = TrainerNet(rank)
    param_rrefs = net.get_global_param_rrefs()
    opt = DistributedOptimizer(optim.SGD, param_rrefs, lr=0.3)
    losses, grads_seen = [], []
    for data, target in batches(rank):
        with dist_autograd.context() as cid:
            model_output = net(data)
            loss = F.nll_loss(model_output, target)
            dist_autograd.backward(cid, [loss])
            grads_seen.append(len(remote_method(ParameterServer.get_dist_gradients, net.param_server_rref, cid)))
            opt.step(cid)
        losses.append(round(loss.item(), 5))
    return {'losses': losses, 'grads_seen': grads_seen}


def run(rank, world_size, port, out):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = port
    if rank == 0:
        rpc.init_rpc('parameter_server', rank=rank, world_size=world_size)
    else:
        rpc.init_rpc(f'trainer_{rank}', rank=rank, world_size=world_size)
        result = run_training_loop(rank)
        with open(f'{out}.{rank}', 'w') as fh:
            json.dump(result, fh)
    rpc.shutdown()


if __name__ == '__main__':
    result = {}
    for phase, trainers in (('one_trainer', 1), ('two_trainers', 2)):
        port = str(int(PORT) + (trainers - 1))
        mp.spawn(run, args=(trainers + 1, port, OUT), nprocs=trainers + 1, join=True)
        for r in range(1, trainers + 1):
            with open(f'{OUT}.{r}') as fh:
                result[f'{phase}_trainer_{r}'] = json.load(fh)
            os.unlink(f'{OUT}.{r}')
    with open(OUT, 'w') as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
