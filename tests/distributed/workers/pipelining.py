"""Pipeline parallelism on 2 ranks (one stage each), checked against the whole model in one process."""
import copy
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.pipelining import PipelineStage, Schedule1F1B, ScheduleGPipe
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
close = dict(rtol=1e-12, atol=1e-12)
ember.manual_seed(0)
whole = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3)).double()
x = ember.randn(8, 4, dtype=ember.float64)
y = ember.randn(8, 3, dtype=ember.float64)
loss_fn = nn.functional.mse_loss

want_out = whole(x)
want_loss = loss_fn(want_out, y)
want_loss.backward()
micro_losses = [loss_fn(whole(xm), ym).item() for xm, ym in zip(x.tensor_split(4), y.tensor_split(4))]

for Schedule in (ScheduleGPipe, Schedule1F1B):
    mine = copy.deepcopy(whole[:2] if rank == 0 else whole[2:])
    mine.zero_grad()
    stage = PipelineStage(mine, rank, 2, ember.device('cpu'))
    assert stage.is_first == (rank == 0) and stage.is_last == (rank == 1)
    schedule = Schedule(stage, n_microbatches=4, loss_fn=loss_fn)
    losses = []
    out = schedule.step(x) if rank == 0 else schedule.step(target=y, losses=losses)
    if rank == 1:
        np.testing.assert_allclose(out.detach().numpy(), want_out.detach().numpy(), **close)
        np.testing.assert_allclose([loss.item() for loss in losses], micro_losses, **close)
    else:
        assert out is None and losses == []
    # the microbatch gradients, summed and divided by their number: the whole batch's mean-loss gradients
    ref = whole[:2] if rank == 0 else whole[2:]
    for a, b in zip(ref.parameters(), mine.parameters()):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), **close)
    ok(f'pipelining-{Schedule.__name__}')

# forward only, and the errors PyTorch gives
stage = PipelineStage(copy.deepcopy(whole[:2] if rank == 0 else whole[2:]), rank, 2, 'cpu')
schedule = ScheduleGPipe(stage, n_microbatches=2, loss_fn=loss_fn)
with ember.no_grad():
    out = schedule.eval(x) if rank == 0 else schedule.eval(target=y)
    if rank == 1:
        np.testing.assert_allclose(out.numpy(), want_out.detach().numpy(), **close)
    try:
        schedule.step(x) if rank == 0 else schedule.step(target=y)
        raise AssertionError('step() under no_grad must raise')
    except RuntimeError as e:
        assert 'step() requires gradients to be enabled' in str(e)
for bad, err in ((lambda: PipelineStage(nn.Linear(1, 1), 2, 2, 'cpu'), 'Stage index 2 is out of range of 2'),
                 (lambda: Schedule1F1B(stage, n_microbatches=1), 'Number of microbatches (1) must be greater than or '
                                                                 'equal to the number of stages (2).')):
    try:
        bad()
        raise AssertionError(err)
    except (ValueError, RuntimeError) as e:
        assert str(e) == err, e
ok('pipelining-eval-and-errors')
dist.destroy_process_group()
