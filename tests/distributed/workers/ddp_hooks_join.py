"""DistributedDataParallel's communication hooks and join (uneven inputs) on 2 ranks, float64,
against gradients computed by hand from every rank's batches (each rank draws all of them)."""
import copy
import importlib.util

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
from ember.distributed.algorithms.ddp_comm_hooks import DDPCommHookType, register_ddp_comm_hook
from ember.distributed.algorithms.ddp_comm_hooks import debugging_hooks, default_hooks
from ember.distributed.algorithms.join import Join
from ember.futures import Future
from ember.nn.parallel import DistributedDataParallel as DDP
from _checks import ok

dist.init_process_group('gloo')
rank, n = dist.get_rank(), dist.get_world_size()
ember.set_default_dtype(ember.float64)
gen = np.random.default_rng(1)
batches = [ember.from_numpy(gen.standard_normal((4, 5))) for _ in range(8)]   # the same on both ranks


def mlp():
    ember.manual_seed(11)
    return nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))


def local_grads(model, x):
    model.zero_grad()
    model(x).pow(2).sum().backward()
    return [p.grad.clone() for p in model.parameters()]


def grads_with(hook=None, state=None, x=None):
    model = mlp()
    ddp = DDP(model, bucket_cap_mb=0.0001)
    if hook is not None:
        ddp.register_comm_hook(state, hook)
    ddp(x).pow(2).sum().backward()
    return [p.grad.clone() for p in model.parameters()], ddp


mine = batches[rank]
want = [(a + b) / 2 for a, b in zip(local_grads(mlp(), batches[0]), local_grads(mlp(), batches[1]))]

# allreduce_hook gives exactly the built-in result
plain, _ = grads_with(x=mine)
hooked, _ = grads_with(default_hooks.allreduce_hook, None, mine)
for a, b, w in zip(plain, hooked, want):
    assert ember.equal(a, b)
    np.testing.assert_allclose(a.numpy(), w.numpy(), rtol=1e-12, atol=1e-14)
ok('comm-hook-allreduce')

# fp16 compression: the average through float16
fp16, _ = grads_with(default_hooks.fp16_compress_hook, None, mine)
for a, w in zip(fp16, want):
    assert a.dtype == ember.float64
    np.testing.assert_allclose(a.numpy(), w.numpy(), rtol=2e-3, atol=2e-3)
    assert not ember.equal(a, w)      # it did go through float16
if importlib.util.find_spec('ml_dtypes') is not None:
    bf16, _ = grads_with(default_hooks.bf16_compress_hook, None, mine)
    for a, w in zip(bf16, want):
        np.testing.assert_allclose(a.numpy(), w.numpy(), rtol=2e-2, atol=2e-2)
    wrapped, _ = grads_with(default_hooks.fp16_compress_wrapper(default_hooks.allreduce_hook), None, mine)
    for a, b in zip(wrapped, fp16):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=2e-3, atol=2e-3)
ok('comm-hook-compress')

# noop: every rank keeps its own gradients
noop, _ = grads_with(debugging_hooks.noop_hook, None, mine)
for a, w in zip(noop, local_grads(mlp(), mine)):
    assert ember.equal(a, w)

# a hook of one's own sees the buckets in order, not yet averaged
seen = []


def inspect_and_sum(state, bucket: dist.GradBucket) -> Future[ember.Tensor]:
    state.append((bucket.index(), bucket.is_last(), [tuple(p.shape) for p in bucket.parameters()],
                  [tuple(g.shape) for g in bucket.gradients()], bucket.buffer().clone()))
    return dist.all_reduce(bucket.buffer(), async_op=True).get_future().then(lambda f: f.value()[0])


summed, ddp = grads_with(inspect_and_sum, seen, mine)
assert [s[0] for s in seen] == list(range(len(ddp._reducer.buckets))) and len(seen) > 1
assert [s[1] for s in seen] == [False] * (len(seen) - 1) + [True]
assert all(s[2] == s[3] for s in seen)
flat_local = {tuple(p.shape): g for p, g in zip(mlp().parameters(), local_grads(mlp(), mine))}
first_shape = seen[0][2][0]
assert ember.equal(seen[0][4][:flat_local[first_shape].numel()], flat_local[first_shape].reshape(-1))
for a, w in zip(summed, want):
    np.testing.assert_allclose(a.numpy(), 2 * w.numpy(), rtol=1e-12, atol=1e-14)
ok('comm-hook-custom')

# registration errors as PyTorch's; the hook types by name
_, ddp = grads_with(x=mine)
ddp.register_comm_hook(None, default_hooks.allreduce_hook)
for bad, exc, text in ((lambda: ddp.register_comm_hook(None, default_hooks.allreduce_hook), RuntimeError,
                        'register_comm_hook or register_builtin_comm_hook can only be called once.'),
                       (lambda: DDP(mlp()).register_comm_hook(None, 3), TypeError,
                        'Communication hook must be callable.'),
                       (lambda: DDP(mlp()).register_comm_hook(None, lambda s, bucket: s), None, None),
                       (lambda: register_ddp_comm_hook(DDPCommHookType.QUANTIZE_PER_TENSOR, DDP(mlp())),
                        NotImplementedError,
                        'the QUANTIZE_PER_TENSOR communication hook is not provided by ember')):
    try:
        bad()
        assert exc is None, text
    except Exception as e:      # noqa: BLE001 - the type is checked next
        assert exc is not None and type(e) is exc and str(e).startswith(text), (e, text)


def annotated_badly(state, bucket: int):
    return None


try:
    DDP(mlp()).register_comm_hook(None, annotated_badly)
    raise AssertionError('no error')
except ValueError as e:
    assert str(e) == 'Communication hook: bucket annotation should be dist.GradBucket.'
model = mlp()
ddp = DDP(model)
register_ddp_comm_hook(DDPCommHookType.FP16_COMPRESS, ddp)
ddp(mine).pow(2).sum().backward()
for a, b in zip((p.grad for p in model.parameters()), fp16):
    assert ember.equal(a, b)
ok('comm-hook-registration')


# join: rank 0 has 3 batches, rank 1 has 5; SGD steps until every rank is done
def joined_training(divide_by_initial_world_size, **join_kw):
    model = mlp()
    ddp = DDP(model)
    opt = ember.optim.SGD(ddp.parameters(), lr=0.1)
    mine = batches[:3] if rank == 0 else batches[3:8]
    with ddp.join(divide_by_initial_world_size=divide_by_initial_world_size, **join_kw):
        for x in mine:
            opt.zero_grad()
            ddp(x).pow(2).sum().backward()
            opt.step()
    return model


def expected_after_join(divide_by_initial_world_size):
    model = mlp()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    for step in range(5):
        xs = [batches[3 + step]] if step >= 3 else [batches[step], batches[3 + step]]
        total = [ember.zeros_like(p) for p in model.parameters()]
        for x in xs:
            for t, g in zip(total, local_grads(model, x)):
                t += g
        divisor = n if divide_by_initial_world_size else len(xs)
        for p, t in zip(model.parameters(), total):
            p.grad = t / divisor
        opt.step()
    return model


for divide in (True, False):
    got, reference = joined_training(divide), expected_after_join(divide)
    for p, q in zip(got.parameters(), reference.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10, atol=1e-12)
ok('join-uneven-inputs')

# a model with buffers: the ranks end with the same buffers (those of a last joiner)
bn_model = nn.Sequential(nn.Linear(5, 5), nn.BatchNorm1d(5))
ddp = DDP(bn_model)
with Join([ddp]):
    for x in (batches[:2] if rank == 0 else batches[2:6]):
        ddp(x + rank).sum().backward()
means = [None] * n
dist.all_gather_object(means, bn_model[1].running_mean)
assert ember.equal(means[0], means[1])
ok('join-buffers')

# throw_on_early_termination: every rank raises once one runs out
try:
    joined_training(True, throw_on_early_termination=True)
    raise AssertionError('no error')
except RuntimeError as e:
    want_text = ('Rank 0 exhausted all inputs.' if rank == 0 else
                 'Detected at least one rank that exhausted inputs. Throwing across all ranks.')
    assert str(e) == want_text, e
ok('join-throw-on-early-termination')
dist.destroy_process_group()
