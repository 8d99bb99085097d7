"""Distributed autograd and DistributedOptimizer across three workers, run on ember or on PyTorch:
``python autograd_job.py ember|torch PORT OUT.json``. The model is the RNN of PyTorch's "Getting started
with Distributed RPC Framework" tutorial (embedding and decoder on worker1, LSTM on worker0)."""
import json
import os
import sys

FRAMEWORK, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if FRAMEWORK == 'torch':
    import torch
    import torch.distributed.autograd as dist_autograd
    import torch.distributed.rpc as rpc
    import torch.multiprocessing as mp
    from torch import nn, optim
    from torch.distributed.optim import DistributedOptimizer
else:
    import ember as torch
    import ember.distributed.autograd as dist_autograd
    import ember.distributed.rpc as rpc
    import ember.multiprocessing as mp
    from ember import nn, optim
    from ember.distributed.optim import DistributedOptimizer


def fill(module, scale=0.3):
    """Deterministic weights (no dependence on either framework's random numbers)."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_((torch.arange(n, dtype=torch.float32).reshape(p.shape) * 0.37 + i).sin() * scale)
    return module


def _call_method(method, rref, *args, **kwargs):
    return method(rref.local_value(), *args, **kwargs)


def _remote_method(method, rref, *args, **kwargs):
    return rpc.rpc_sync(rref.owner(), _call_method, args=[method, rref] + list(args), kwargs=kwargs)


def _parameter_rrefs(module):
    return [rpc.RRef(p) for p in module.parameters()]


class EmbeddingTable(nn.Module):
    def __init__(self, ntoken, ninp, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = fill(nn.Embedding(ntoken, ninp))

    def forward(self, input):
        return self.drop(self.encoder(input))


class Decoder(nn.Module):
    def __init__(self, ntoken, nhid, dropout):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.decoder = fill(nn.Linear(nhid, ntoken))

    def forward(self, output):
        return self.decoder(self.drop(output))


class RNNModel(nn.Module):
    def __init__(self, ps, ntoken, ninp, nhid, nlayers, dropout=0.0):
        super().__init__()
        self.emb_table_rref = rpc.remote(ps, EmbeddingTable, args=(ntoken, ninp, dropout))
        self.rnn = fill(nn.LSTM(ninp, nhid, nlayers, dropout=dropout))
        self.decoder_rref = rpc.remote(ps, Decoder, args=(ntoken, nhid, dropout))

    def forward(self, input, hidden):
        emb = _remote_method(EmbeddingTable.forward, self.emb_table_rref, input)
        output, hidden = self.rnn(emb, hidden)
        decoded = _remote_method(Decoder.forward, self.decoder_rref, output)
        return decoded, hidden

    def parameter_rrefs(self):
        remote_params = []
        remote_params.extend(_remote_method(_parameter_rrefs, self.emb_table_rref))
        remote_params.extend([rpc.RRef(p) for p in self.rnn.parameters()])
        remote_params.extend(_remote_method(_parameter_rrefs, self.decoder_rref))
        return remote_params


def decoder_weight(module):
    return module.decoder.weight.detach()


def weighted_sum(a, b):
    return (a * b * torch.tensor([[1.], [2.], [3.]])).sum()


def square_then_add_one(t, helper):
    return rpc.rpc_sync(helper, torch.mul, args=(t, t)) + 1


def rounded(t):
    return [round(v, 5) for v in t.reshape(-1).tolist()]


def attempt(fn):
    try:
        fn()
        return 'no error'
    except Exception as e:
        return [type(e).__name__, str(e).split('\n')[0][:160]]


def checks():
    r = {}
    # PyTorch's design-note example: t3 computed on worker1
    t1 = (torch.arange(9.) / 10).reshape(3, 3).requires_grad_()
    t2 = (torch.arange(9.) / 5 - 0.4).reshape(3, 3).requires_grad_()
    t4 = torch.linspace(-1, 1, 9).reshape(3, 3).requires_grad_()
    with dist_autograd.context() as context_id:
        r['context_id'] = context_id
        t3 = rpc.rpc_sync('worker1', torch.add, args=(t1, t2))
        r['received'] = [t3.requires_grad, t3.is_leaf]
        loss = (t3 * t4 * t3).sum()
        dist_autograd.backward(context_id, [loss], retain_graph=True)
        grads = dist_autograd.get_gradients(context_id)
        r['design_note'] = [rounded(grads[t1]), rounded(grads[t2]), rounded(grads[t4]), len(grads),
                            t1.grad is None]
        dist_autograd.backward(context_id, [loss])        # accumulates into the context
        r['accumulated'] = rounded(dist_autograd.get_gradients(context_id)[t1])
        r['backward_again'] = attempt(lambda: dist_autograd.backward(context_id, [loss]))
        r['not_scalar'] = attempt(lambda: dist_autograd.backward(context_id, [torch.ones(2, requires_grad=True)]))
        r['no_grad_root'] = attempt(lambda: dist_autograd.backward(context_id, [torch.ones(())]))
    with dist_autograd.context() as second:
        r['second_context_id'] = second
    r['finished_context'] = attempt(lambda: dist_autograd.get_gradients(context_id))
    r['unknown_context'] = attempt(lambda: dist_autograd.backward(12345, [loss]))
    # through two hops: worker0 -> worker1 -> worker2 and back
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    with dist_autograd.context() as context_id:
        y = rpc.rpc_sync('worker1', square_then_add_one, args=(x, 'worker2'))
        dist_autograd.backward(context_id, [(y * torch.tensor([1., 2., 3.])).sum()])
        r['two_hops'] = [rounded(y), rounded(dist_autograd.get_gradients(context_id)[x])]
    # RRef.backward: the loss lives on worker1, its inputs here
    with dist_autograd.context() as context_id:
        rref = rpc.remote('worker1', weighted_sum, args=(t1, t4))
        rref.backward(context_id)
        grads = dist_autograd.get_gradients(context_id)
        r['rref_backward'] = [round(rref.to_here().item(), 5), rounded(grads[t1]), rounded(grads[t4])]
    # the tutorial's RNN: embedding and decoder on worker1, LSTM here, DistributedOptimizer
    ntoken, ninp, nhid, nlayers = 10, 4, 5, 2
    model = RNNModel('worker1', ntoken, ninp, nhid, nlayers)
    opt = DistributedOptimizer(optim.SGD, model.parameter_rrefs(), lr=0.05)
    criterion = nn.CrossEntropyLoss()
    losses = []
    for step in range(4):
        data = (torch.arange(6 * 3).reshape(6, 3) * (step + 3)) % ntoken
        target = (torch.arange(6 * 3) * (step + 5) + 1) % ntoken
        hidden = (torch.zeros(nlayers, 3, nhid), torch.zeros(nlayers, 3, nhid))
        with dist_autograd.context() as context_id:
            output, hidden = model(data, hidden)
            loss = criterion(output.view(-1, ntoken), target)
            dist_autograd.backward(context_id, [loss])
            opt.step(context_id)
        losses.append(round(loss.item(), 5))
    r['rnn_losses'] = losses
    r['rnn_decoder_weight'] = rounded(_remote_method(decoder_weight, model.decoder_rref))[:8]
    r['rnn_local_grad_untouched'] = all(p.grad is None for p in model.rnn.parameters())
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
