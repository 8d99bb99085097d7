"""A torchrun-style script: reads RANK/WORLD_SIZE/LOCAL_RANK before init, uses env://, saves a checkpoint
on rank 0 and loads it on every rank."""
import os
import sys

import torch
import torch.distributed as dist

ddp = int(os.environ.get('RANK', -1)) != -1
assert ddp, 'RANK was not set before init_process_group'
rank, world, local = int(os.environ['RANK']), int(os.environ['WORLD_SIZE']), int(os.environ['LOCAL_RANK'])
dist.init_process_group(backend='gloo', init_method='env://')
assert (dist.get_rank(), dist.get_world_size()) == (rank, world) and local == rank

path = sys.argv[1]
torch.manual_seed(rank)   # a different model on each rank, until rank 0's checkpoint arrives
model = torch.nn.Linear(3, 2)
if rank == 0:
    torch.save({'model': model.state_dict(), 'step': 7}, path)
dist.barrier()
ckpt = torch.load(path)
model.load_state_dict(ckpt['model'])
w = model.weight.detach().clone()
dist.broadcast(w, src=0)
assert torch.equal(w, model.weight) and ckpt['step'] == 7
print(f'ok torchrun rank={rank}', flush=True)
dist.destroy_process_group()
