"""Post-local SGD on 2 ranks against PyTorch's recorded run (tests/fixtures/distributed/record_post_localsgd.py):
DistributedDataParallel with post_localSGD_hook and PostLocalSGDOptimizer(SGD with momentum,
PeriodicModelAverager); each rank's parameters after every step (equal while gradients or parameters are
averaged, apart in between), the hook's and the averager's step counts; the averager's argument checks."""
import json
import os
import warnings
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.algorithms.ddp_comm_hooks.post_localSGD_hook import PostLocalSGDState, post_localSGD_hook
from ember.distributed.algorithms.model_averaging import utils as averaging_utils
from ember.distributed.algorithms.model_averaging.averagers import PeriodicModelAverager
from ember.distributed.optim import PostLocalSGDOptimizer
from _checks import ok

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, '..', '..', 'fixtures', 'distributed', 'post_localsgd_pytorch.json')) as f:
    want = json.load(f)
SETTINGS = {
    'subgroups': dict(start=2, subgroup_size=1, post_local_allreduce=True, period=2, warmup=2, steps=6),
    'no_local_allreduce': dict(start=1, subgroup_size=None, post_local_allreduce=False, period=3, warmup=1, steps=5),
}

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank = dist.get_rank()
ember.set_default_dtype(ember.float64)
for name, setting in SETTINGS.items():
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Tanh(), ember.nn.Linear(3, 2))
    gen = np.random.RandomState(0)
    with ember.no_grad():
        for p in model.parameters():
            p.copy_(ember.tensor(gen.standard_normal(tuple(p.shape))))
    ddp = ember.nn.parallel.DistributedDataParallel(model)
    subgroup = dist.new_subgroups(group_size=setting['subgroup_size'])[0] if setting['subgroup_size'] else None
    state = PostLocalSGDState(process_group=None, subgroup=subgroup, start_localSGD_iter=setting['start'],
                              post_local_gradient_allreduce=setting['post_local_allreduce'])
    ddp.register_comm_hook(state, post_localSGD_hook)
    opt = PostLocalSGDOptimizer(ember.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9),
                                PeriodicModelAverager(period=setting['period'], warmup_steps=setting['warmup']))
    gen = np.random.RandomState(1)
    for step in range(setting['steps']):
        x, y = ember.tensor(gen.standard_normal((8, 4))), ember.tensor(gen.standard_normal((8, 2)))
        opt.zero_grad()
        ember.nn.functional.mse_loss(ddp(x[4 * rank:4 * rank + 4]), y[4 * rank:4 * rank + 4]).backward()
        opt.step()
        got = [p.detach().reshape(-1).tolist() for p in model.parameters()]
        for a, b in zip(got, want[rank][name]['params'][step]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f'{name} step {step}')
    assert state.iter == want[rank][name]['iter'] and opt.state_dict()['step'] == want[rank][name]['averager_step']
    resumed = PostLocalSGDOptimizer(ember.optim.SGD(model.parameters(), lr=0.1), PeriodicModelAverager(period=2))
    resumed.load_state_dict(opt.state_dict())
    assert resumed.averager.step == setting['steps'] and len(resumed.state) == len(opt.state)
ok('post-local-sgd')

for kwargs, text in (({'period': 0}, 'Arg ``period`` must be a positive value.'),
                     ({'period': 2, 'warmup_steps': -1}, 'Arg ``warmup_steps`` must be a non-negative number.')):
    try:
        PeriodicModelAverager(**kwargs)
        raise AssertionError(text)
    except ValueError as e:
        assert str(e) == text, e
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    PeriodicModelAverager(period=1)
assert 'When period is 1, no need to use model averaging' in str(caught[0].message)
# only parameters with a gradient are averaged
a, b = ember.nn.Parameter(ember.full((2,), float(rank))), ember.nn.Parameter(ember.full((2,), float(rank)))
a.grad = ember.zeros(2)
averaging_utils.average_parameters_or_parameter_groups([{'params': [a, b]}], None)
assert a.tolist() == [0.5, 0.5] and b.tolist() == [float(rank)] * 2
ok('model-averaging')
dist.destroy_process_group()
