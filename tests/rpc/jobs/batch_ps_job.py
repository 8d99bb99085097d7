"""PyTorch's "Implementing Batch RPC Processing Using Asynchronous Executions" tutorial (the batch-updating
parameter server), run on ember or on PyTorch: ``python batch_ps_job.py ember|torch PORT OUT.json``.

Each trainer sends its gradients to ``update_and_fetch_model``, an ``@async_execution`` static method
that returns a future the server completes only when every trainer's gradients are in; the server
then steps and every trainer gets the new model. Changed for a test: a small linear model with
deterministic weights and batches, two trainers, four iterations.
"""
import json
import os
import sys
import threading

FRAMEWORK, PORT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
if FRAMEWORK == 'torch':
    import torch
    import torch.distributed.rpc as rpc
    import torch.multiprocessing as mp
    from torch import nn, optim
else:
    import ember as torch
    import ember.distributed.rpc as rpc
    import ember.multiprocessing as mp
    from ember import nn, optim

num_classes, batch_update_size, num_batches = 3, 2, 4


def make_model():
    model = nn.Linear(6, num_classes)
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_((torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) * 0.61 + i).sin() * 0.3)
    return model


class BatchUpdateParameterServer:
    def __init__(self, batch_update_size=batch_update_size):
        self.model = make_model()
        self.lock = threading.Lock()
        self.future_model = torch.futures.Future()
        self.batch_update_size = batch_update_size
        self.curr_update_size = 0
        self.optimizer = optim.SGD(self.model.parameters(), lr=0.1, momentum=0.9)
        for p in self.model.parameters():
            p.grad = torch.zeros_like(p)

    def get_model(self):
        return self.model

    @staticmethod
    @rpc.functions.async_execution
    def update_and_fetch_model(ps_rref, grads):
        self = ps_rref.local_value()
        with self.lock:
            self.curr_update_size += 1
            for p, g in zip(self.model.parameters(), grads):
                p.grad += g
            fut = self.future_model
            if self.curr_update_size >= self.batch_update_size:
                for p in self.model.parameters():
                    p.grad /= self.batch_update_size
                self.curr_update_size = 0
                self.optimizer.step()
                self.optimizer.zero_grad(set_to_none=False)
                fut.set_result(self.model)
                self.future_model = torch.futures.Future()
        return fut


class Trainer:
    def __init__(self, ps_rref, rank):
        self.ps_rref, self.loss_fn, self.rank = ps_rref, nn.MSELoss(), rank

    def get_next_batch(self):
        for i in range(num_batches):
            inputs = (torch.arange(4 * 6, dtype=torch.float32).reshape(4, 6) * 0.1 * (i + self.rank)).sin()
            labels = torch.zeros(4, num_classes).scatter_(1, ((torch.arange(4) + i + self.rank) % num_classes)
                                                          .view(4, 1), 1)
            yield inputs, labels

    def train(self):
        m = self.ps_rref.rpc_sync().get_model()
        losses = []
        for inputs, labels in self.get_next_batch():
            loss = self.loss_fn(m(inputs), labels)
            loss.backward()
            losses.append(round(loss.item(), 5))
            m = rpc.rpc_sync(self.ps_rref.owner(), BatchUpdateParameterServer.update_and_fetch_model,
                             args=(self.ps_rref, [p.grad for p in m.cpu().parameters()]))
        return losses


def run_trainer(ps_rref, rank):
    return Trainer(ps_rref, rank).train()


def run_ps(trainers):
    ps_rref = rpc.RRef(BatchUpdateParameterServer())
    futs = [rpc.rpc_async(trainer, run_trainer, args=(ps_rref, i + 1)) for i, trainer in enumerate(trainers)]
    losses = torch.futures.wait_all(futs)
    final = [round(v, 5) for v in ps_rref.local_value().model.weight.reshape(-1).tolist()]
    return {'losses': losses, 'final_weight': final}


def run(rank, world_size):
    os.environ['MASTER_ADDR'] = '127.0.0.1'
    os.environ['MASTER_PORT'] = PORT
    if rank != 0:
        rpc.init_rpc(f'trainer{rank}', rank=rank, world_size=world_size)
    else:
        rpc.init_rpc('ps', rank=rank, world_size=world_size)
        result = run_ps([f'trainer{r}' for r in range(1, world_size)])
        with open(OUT, 'w') as fh:
            json.dump(result, fh, indent=1, sort_keys=True)
    rpc.shutdown()


if __name__ == '__main__':
    mp.spawn(run, args=(batch_update_size + 1,), nprocs=batch_update_size + 1, join=True)
