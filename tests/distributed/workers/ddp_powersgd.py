"""The PowerSGD hooks on 2 ranks, float64: every step's averaged gradients against a NumPy
simulation of the same compression from both ranks' local gradients (each rank computes all of
them), and the powerSGD_hook results against PyTorch's, recorded with gloo in
tests/fixtures/distributed/powersgd.json."""
import json
import math
import os
import pickle
from collections import defaultdict

import numpy as np

import ember
import ember.distributed as dist
from ember.distributed.algorithms.ddp_comm_hooks import DDPCommHookType, register_ddp_comm_hook
from ember.distributed.algorithms.ddp_comm_hooks import powerSGD_hook as hooks
from ember.nn.parallel import DistributedDataParallel as DDP
from _checks import ok
import _powersgd_spec as spec

dist.init_process_group('gloo')
rank = dist.get_rank()
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'distributed',
                       'powersgd.json')


def orthogonalize(m):
    """Orthonormal columns for each matrix of the batch m (b x n x r), as the hooks do it."""
    m = m.copy()
    if m.shape[2] > 2:
        return np.linalg.qr(m)[0]
    for i in range(m.shape[2]):
        m[:, :, i:i + 1] /= np.linalg.norm(m[:, :, i:i + 1], axis=1, keepdims=True)
        if i + 1 < m.shape[2]:
            m[:, :, i + 1:] -= (m[:, :, i:i + 1] * m[:, :, i + 1:]).sum(axis=1, keepdims=True) * m[:, :, i:i + 1]
    return m


def randn(rng, shapes):
    """Standard normal blocks from ember's generator seeded as the hooks seed it (PyTorch's way)."""
    ember.manual_seed(int(rng.randint(1_000_000_000)))
    return [ember.randn(*s, dtype=ember.float64).numpy() for s in shapes]


class Simulation:
    """One process computing what the hook gives on 2 ranks, from both ranks' flat bucket gradients."""

    def __init__(self, hook, kw):
        self.hook, self.kw = hook, {**dict(matrix_approximation_rank=1, min_compression_rate=2, use_error_feedback=True,
                                           warm_start=True, random_seed=0, batch_tensors_with_same_shape=False), **kw}
        self.rng = np.random.RandomState(self.kw['random_seed'])
        self.iter, self.errors, self.q = 0, None, None

    def __call__(self, flats, shapes):
        kw = self.kw
        if self.iter < kw['start_powerSGD_iter']:
            self.iter += 1
            return sum(flats) / 2
        if self.hook == 'batched_powerSGD_hook':
            length, side = flats[0].size, math.ceil(math.sqrt(flats[0].size))
            flats = [np.concatenate([f, np.zeros(side * side - length)]) for f in flats]
        ms = [f + e for f, e in zip(flats, self.errors)] if kw['use_error_feedback'] and self.errors else flats
        out = self.batched(ms, side) if self.hook == 'batched_powerSGD_hook' else self.per_tensor(ms, shapes)
        if kw['use_error_feedback']:
            self.errors = [m - out for m in ms]
        if not kw['warm_start']:
            self.q = None
        self.iter += 1
        return out[:length] if self.hook == 'batched_powerSGD_hook' else out

    def batched(self, ms, side):
        r = self.kw['matrix_approximation_rank']
        if self.q is None:
            self.q = randn(self.rng, [(1, side, r)])
        mats = [m.reshape(1, side, side) for m in ms]
        p = orthogonalize(sum(m @ orthogonalize(self.q[0]) for m in mats))
        self.q = [sum(m.transpose(0, 2, 1) @ p for m in mats) / 2]
        return (p @ self.q[0].transpose(0, 2, 1)).reshape(-1)

    def per_tensor(self, ms, shapes):
        kw, out = self.kw, sum(ms) / 2      # tensors left uncompressed are averaged as they are
        groups, at = defaultdict(list), 0
        for shape in shapes:
            size = int(np.prod(shape))
            n, m = shape[0], size // shape[0]
            r = min(n, m, kw['matrix_approximation_rank'])
            if (n + m) * r * kw['min_compression_rate'] < n * m:
                groups[(n, m)].append(at)
            at += size
        batches = []        # (offsets, n, m) per batch, in the hook's order
        for (n, m), offsets in groups.items():
            batches += [(offsets, n, m)] if kw['batch_tensors_with_same_shape'] else [([o], n, m) for o in offsets]
        ranks = [min(n, m, kw['matrix_approximation_rank']) for _, n, m in batches]
        if self.q is None:
            self.q = randn(self.rng, [(len(o), m, r) for (o, _, m), r in zip(batches, ranks)])
        new_q = []
        for (offsets, n, m), q in zip(batches, self.q):
            mats = [np.stack([mm[o:o + n * m].reshape(n, m) for o in offsets]) for mm in ms]
            q = orthogonalize(q)
            p = orthogonalize(sum(x @ q for x in mats))
            q = sum(x.transpose(0, 2, 1) @ p for x in mats) / 2
            new_q.append(q)
            for o, approx in zip(offsets, p @ q.transpose(0, 2, 1)):
                out[o:o + n * m] = approx.reshape(-1)
        self.q = new_q
        return out


def local_grads(model, x):
    model.zero_grad()
    model(ember.from_numpy(x)).pow(2).mean().backward()
    return [p.grad.numpy().reshape(-1).copy() for p in model.parameters()]


def simulate(name):
    """The gradients of every step, computed in this one process from both ranks' batches."""
    hook, kw = spec.CONFIGS[name]
    layers = []
    for fan_in, fan_out in spec.LAYERS:
        layers += [ember.nn.Linear(fan_in, fan_out, dtype=ember.float64), ember.nn.Tanh()]
    model = ember.nn.Sequential(*layers[:-1])
    with ember.no_grad():
        for p, value in zip(model.parameters(), spec.initial_parameters()):
            p.copy_(ember.from_numpy(value))
    params = list(model.parameters())
    sim, steps = Simulation(hook, kw), []
    for step in range(spec.STEPS):
        per_rank = [local_grads(model, spec.batches()[step][r]) for r in range(2)]
        # the bucket holds the gradients in reverse order of the parameters
        flats = [np.concatenate(g[::-1]) for g in per_rank]
        avg = sim(flats, [tuple(p.shape) for p in params[::-1]])
        grads, at = [None] * len(params), 0
        for i in reversed(range(len(params))):
            grads[i] = avg[at:at + params[i].numel()]
            at += params[i].numel()
        steps.append((grads, [sum(g) / 2 for g in zip(*per_rank)]))
        with ember.no_grad():
            for p, g in zip(params, grads):
                p -= spec.LR * ember.from_numpy(g.reshape(tuple(p.shape)))
    return steps, sim


with open(FIXTURE) as f:
    recorded = json.load(f)['configs']
for name, (hook, kw) in spec.CONFIGS.items():
    with ember.random.fork_rng():
        got, state = spec.train(ember, hooks, name)
        want, sim = simulate(name)
    for step, (g, (w, plain)) in enumerate(zip(got, want)):
        for a, b, c in zip(g, w, plain):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=f'{name} step {step}')
            if step < kw['start_powerSGD_iter']:            # plain all-reduce before compression starts
                np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-15)
        if step >= kw['start_powerSGD_iter']:
            assert not all(np.allclose(a, c) for a, c in zip(g, plain)), name     # it did compress
    assert state.iter == spec.STEPS
    if kw.get('use_error_feedback', True):
        np.testing.assert_allclose(state.error_dict[0].numpy(), sim.errors[rank], rtol=1e-9, atol=1e-12)
        assert state.error_dict[0].abs().max() > 1e-6
    else:
        assert state.error_dict == {}
    assert set(state.p_memory_dict) == ({0} if kw.get('warm_start', True) else set())
    if name in recorded:        # PyTorch's results with gloo (its batched hook fails in 2.13)
        for step, g in enumerate(got):
            for a, b in zip(g, recorded[name]['grads'][step]):
                np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-11, err_msg=f'{name} step {step} vs PyTorch')
        assert list(state.compression_stats()) == recorded[name]['stats']
        if rank == 0 and recorded[name]['error']:
            np.testing.assert_allclose(state.error_dict[0].numpy(), recorded[name]['error']['0'], rtol=1e-8,
                                       atol=1e-11)
    ok(f'powersgd-{name}')

# the state pickles without its process group, which becomes the default group again
_, state = spec.train(ember, hooks, 'rank1')
back = pickle.loads(pickle.dumps(state))
assert back.process_group is dist.group.WORLD and back.iter == state.iter == spec.STEPS
assert ember.equal(back.error_dict[0], state.error_dict[0]) and ember.equal(back.q_memory_dict[0], state.q_memory_dict[0])
assert back.rng.randint(1000) == state.rng.randint(1000)
assert back.compression_stats() == state.compression_stats() and back.compression_stats()[0] > 1
ok('powersgd-pickle')

try:
    hooks.PowerSGDState(None, start_powerSGD_iter=1)
    raise AssertionError('no error')
except ValueError as e:
    assert str(e).startswith('Expect `start_powerSGD_iter` > 1 if `use_error_feedback` or `warm_start`'), e
assert hooks.PowerSGDState(None, start_powerSGD_iter=1, use_error_feedback=False, warm_start=False).iter == 0
for kind in (DDPCommHookType.POWER_SGD, DDPCommHookType.BATCHED_POWER_SGD_RANK2):
    model = ember.nn.Linear(4, 4, dtype=ember.float64)
    ddp = DDP(model)
    register_ddp_comm_hook(kind, ddp)
    hook, st = ddp._reducer.comm_hook
    assert isinstance(st, hooks.PowerSGDState) and st.start_powerSGD_iter == 1000
    assert st.matrix_approximation_rank == (1 if kind is DDPCommHookType.POWER_SGD else 2)
    ddp(ember.ones(2, 4, dtype=ember.float64)).sum().backward()
    assert st.iter == 1 and ember.allclose(model.weight.grad, ember.full((4, 4), 2.0, dtype=ember.float64))
ok('powersgd-errors-and-hook-types')
dist.destroy_process_group()
