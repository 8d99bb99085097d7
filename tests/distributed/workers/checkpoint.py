"""Distributed checkpoints on 2 ranks: save a model and optimizer (each replicated entry written once,
spread over both ranks' files), load at 2 ranks, at 1 rank (2 -> 1) and from a 1-process checkpoint
(1 -> 2); PyTorch's 2-rank sharded checkpoint loads here; a bad load fails on every rank, not a hang."""
import os
import sys
from datetime import timedelta

import ember
import ember.distributed as dist
import ember.distributed.checkpoint as dcp
from ember.distributed.checkpoint.state_dict import get_state_dict, set_state_dict
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
root = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), 'dcp')
here = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(here, '..', '..', 'fixtures', 'distributed', 'dcp_torch_2ranks')


def trained(seed, steps=2):
    ember.manual_seed(seed)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 3))
    opt = ember.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        model(ember.randn(6, 4)).pow(2).mean().backward()
        opt.step()
    return model, opt


def same_state(m1, o1, m2, o2):
    s1, s2 = o1.state_dict()['state'], o2.state_dict()['state']
    return (all(ember.equal(a, b) for a, b in zip(m1.parameters(), m2.parameters()))
            and all(ember.equal(s1[i][k], s2[i][k]) for i in s1 for k in s1[i]))


# save at 2 ranks (both ranks hold the same trained model), load into fresh models at 2 ranks
model, opt = trained(0)
msd, osd = get_state_dict(model, opt)
two = os.path.join(root, 'two_ranks')
meta = dcp.save({'model': msd, 'optim': osd, 'epoch': 4}, checkpoint_id=two)
files = sorted(os.listdir(two))
assert files == ['.metadata', '__0_0.distcp', '__1_0.distcp'], files
assert sorted(meta.state_dict_metadata)[:3] == ['epoch', 'model.0.bias', 'model.0.weight']
fresh, fresh_opt = trained(1, steps=0)
fmsd, fosd = get_state_dict(fresh, fresh_opt)
target = {'model': fmsd, 'optim': fosd, 'epoch': 0}
dcp.load(target, checkpoint_id=two)
set_state_dict(fresh, fresh_opt, model_state_dict=target['model'], optim_state_dict=target['optim'])
assert target['epoch'] == 4 and same_state(model, opt, fresh, fresh_opt)
ok('dcp-save-load-2ranks')

# 2 -> 1: rank 0 alone reads both ranks' files; 1 -> 2: a checkpoint rank 0 wrote alone loads at 2 ranks
one = os.path.join(root, 'one_rank')
if rank == 0:
    alone, alone_opt = trained(1, steps=0)
    amsd, aosd = get_state_dict(alone, alone_opt)
    t = {'model': amsd, 'optim': aosd, 'epoch': 0}
    dcp.load(t, checkpoint_id=two, no_dist=True)
    set_state_dict(alone, alone_opt, model_state_dict=t['model'], optim_state_dict=t['optim'])
    assert same_state(model, opt, alone, alone_opt)
    other, other_opt = trained(7)
    dcp.save({'model': other.state_dict(), 'step': 9}, checkpoint_id=one, no_dist=True)
dist.barrier()
m2, _ = trained(2, steps=0)
t = {'model': m2.state_dict(), 'step': 0}
dcp.load(t, checkpoint_id=one)
want, _ = trained(7)
assert t['step'] == 9 and all(ember.equal(a, b) for a, b in zip(want.parameters(), m2.parameters()))
ok('dcp-resharding')

# PyTorch's checkpoint (2 ranks, a row-sharded matrix) loads here at 2 ranks
sd = {'model': {'embed.weight': ember.zeros(5, 6, dtype=ember.float64), 'head.bias': ember.zeros(3),
                'steps': ember.tensor(0)}, 'epoch': 0}
dcp.load(sd, checkpoint_id=RECORDED)
assert ember.equal(sd['model']['embed.weight'], ember.arange(30, dtype=ember.float64).reshape(5, 6) / 4)
assert sd['model']['head.bias'].tolist() == [0.5, -1.5, 2.25] and sd['model']['steps'].item() == 12
assert sd['epoch'] == 3
ok('dcp-reads-pytorch')

# a key only rank 1 asks for: every rank raises CheckpointException naming rank 1's error
bad = {'model': {'0.weight': ember.zeros(8, 4)}}
if rank == 1:
    bad['not_saved'] = ember.zeros(1)
try:
    dcp.load(bad, checkpoint_id=two)
    raise AssertionError('load should have failed')
except dcp.CheckpointException as e:
    assert list(e.failures) == [1], e.failures
    assert 'Missing key in checkpoint state_dict: not_saved.' in str(e)
ok('dcp-errors')
dist.destroy_process_group()
