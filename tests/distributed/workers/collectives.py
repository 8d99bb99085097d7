"""Every collective on 2 ranks, checked against NumPy-computed expectations."""
import json
import os
import warnings
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
from _checks import ok

dist.init_process_group('gloo', timeout=timedelta(seconds=60))
rank, n = dist.get_rank(), dist.get_world_size()
assert n == 2 and dist.is_initialized() and dist.get_backend() == 'gloo'
assert (os.environ['RANK'], os.environ['WORLD_SIZE']) == (str(rank), '2')
assert (os.environ['LOCAL_RANK'], os.environ['LOCAL_WORLD_SIZE']) == (str(rank), '2')
assert 'MASTER_ADDR' in os.environ and 'MASTER_PORT' in os.environ
ok('env')


def data(r, dtype, shape=(2, 3)):
    """Rank r's values: distinct per rank, exact in every dtype."""
    base = np.arange(np.prod(shape)).reshape(shape)
    if np.dtype(dtype).kind == 'b':
        return (base + r) % 3 == 0
    if np.dtype(dtype).kind == 'c':
        return (base + 1j * (r + 1) + r).astype(dtype)
    return ((base % 4) + 2 * r + 1).astype(dtype)


everyone = {}
R = dist.ReduceOp
# what PyTorch's gloo reduce onto rank 1 leaves on each rank (tests/fixtures/distributed/record_gloo_reduce.py)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'distributed',
                       'gloo_reduce.json')) as f:
    GLOO_REDUCE = json.load(f)['worker_values']
REF = {R.SUM: np.add, R.PRODUCT: np.multiply, R.MIN: np.minimum, R.MAX: np.maximum, R.BAND: np.bitwise_and,
       R.BOR: np.bitwise_or, R.BXOR: np.bitwise_xor}
cases = [(np.float32, [R.SUM, R.AVG, R.PRODUCT, R.MIN, R.MAX]), (np.float64, [R.SUM, R.AVG, R.MIN]),
         (np.int64, [R.SUM, R.PRODUCT, R.MIN, R.MAX, R.BAND, R.BOR, R.BXOR]), (np.int32, [R.SUM, R.BXOR]),
         (np.uint8, [R.SUM, R.MAX]), (np.int8, [R.MIN]), (np.float16, [R.SUM, R.MAX, R.AVG]),
         (np.complex64, [R.SUM, R.AVG]), (np.bool_, [R.SUM, R.MIN, R.BXOR])]
for dtype, ops in cases:
    a, b = data(0, dtype), data(1, dtype)
    for op in ops:
        t = ember.from_numpy(data(rank, dtype).copy())
        dist.all_reduce(t, op=op)
        if np.dtype(dtype).kind == 'b':
            want = {R.SUM: a | b, R.MIN: a & b, R.BXOR: a ^ b}[op]
        elif op is R.AVG:
            want = ((a + b) / 2).astype(dtype)
        else:
            want = REF[op](a, b)
        np.testing.assert_array_equal(t.numpy(), want, err_msg=f'{dtype} {op}')
        # reduce onto rank 1: rank 0 keeps the partial reductions PyTorch's gloo leaves (recorded)
        t = ember.from_numpy(data(rank, dtype).copy())
        dist.reduce(t, dst=1, op=op)
        left = GLOO_REDUCE[str(rank)][f'{np.dtype(dtype).name} {op.name}']
        left = np.array([complex(*z) for z in left] if np.dtype(dtype).kind == 'c' else left, dtype)
        np.testing.assert_array_equal(t.numpy().reshape(-1), left, err_msg=f'reduce {dtype} {op}')
        if rank == 1:
            np.testing.assert_array_equal(t.numpy(), want)
ok('all_reduce+reduce')

# a ReduceOp instance, a 0-d tensor, a non-contiguous view (written back in place), async handles
t = ember.tensor(float(rank + 1))
dist.all_reduce(t, op=dist.ReduceOp(dist.ReduceOp.PRODUCT))
assert t.item() == 2.0
base = ember.zeros(4, 4)
view = base[:, 1]
view.fill_(rank + 1)
v0 = view._version_counter.value
dist.all_reduce(view)
assert base[:, 1].tolist() == [3.0] * 4 and base.sum().item() == 12 and view._version_counter.value > v0
t = ember.ones(1000) * (rank + 1)
work = dist.all_reduce(t, async_op=True)
assert isinstance(work, dist.Work) and work.wait() is True and work.is_completed() and work.is_success()
assert t[0].item() == 3.0 and work.result()[0] is t
ok('all_reduce-forms')

# errors as PyTorch raises them, and nothing changed
t = ember.ones(2, dtype=ember.complex64)
try:
    dist.all_reduce(t, op=R.MAX)
    raise AssertionError('no error')
except ValueError as e:
    assert 'all_reduce does not support RedOpType.MAX on complex tensors' in str(e), e
try:
    dist.all_reduce(ember.ones(2), op=R.BAND)
    raise AssertionError('no error')
except RuntimeError as e:
    assert 'Cannot use RedOpType.BAND with non-integral dtype' in str(e), e
try:
    dist.all_reduce([1, 2])
    raise AssertionError('no error')
except TypeError as e:
    assert 'Expected parameter `tensor` of type ember.Tensor' in str(e)
ok('errors')

# broadcast from rank 1
t = ember.from_numpy(data(rank, np.float64).copy())
dist.broadcast(t, src=1)
np.testing.assert_array_equal(t.numpy(), data(1, np.float64))
t = ember.tensor([rank, rank], dtype=ember.int16)
dist.broadcast(t, group_src=0)
assert t.tolist() == [0, 0]
try:
    dist.broadcast(t)
    raise AssertionError('no error')
except ValueError as e:
    assert str(e) == 'Must specify global_rank or group_rank'
ok('broadcast')

# all_gather / all_gather_into_tensor (concatenated and stacked)
mine = ember.from_numpy(data(rank, np.float32))
outs = [ember.zeros(2, 3) for _ in range(n)]
dist.all_gather(outs, mine)
for r in range(n):
    np.testing.assert_array_equal(outs[r].numpy(), data(r, np.float32))
cat = ember.zeros(4, 3)
dist.all_gather_into_tensor(cat, mine)
np.testing.assert_array_equal(cat.numpy(), np.concatenate([data(0, np.float32), data(1, np.float32)]))
stack = ember.zeros(2, 2, 3)
dist.all_gather_into_tensor(stack, mine)
np.testing.assert_array_equal(stack.numpy(), np.stack([data(0, np.float32), data(1, np.float32)]))
ok('all_gather')

# reduce_scatter / reduce_scatter_tensor
inputs = [ember.from_numpy(data(rank, np.float64) * (j + 1)) for j in range(n)]
out = ember.zeros(2, 3, dtype=ember.float64)
dist.reduce_scatter(out, inputs)
np.testing.assert_array_equal(out.numpy(), (data(0, np.float64) + data(1, np.float64)) * (rank + 1))
big = ember.from_numpy(np.arange(8, dtype=np.int64) + 10 * rank)
small = ember.zeros(4, dtype=ember.int64)
dist.reduce_scatter_tensor(small, big, op=R.MAX)
np.testing.assert_array_equal(small.numpy(), (np.arange(8) + 10)[4 * rank:4 * rank + 4])
half = ember.from_numpy(np.arange(4, dtype=np.float16) + rank)
hout = ember.zeros(2, dtype=ember.float16)
dist.reduce_scatter_tensor(hout, half)   # float16: reduced by the gather fallback
np.testing.assert_array_equal(hout.numpy(), (2 * np.arange(4) + 1).astype(np.float16)[2 * rank:2 * rank + 2])
ok('reduce_scatter')

# gather / scatter (default root 0, and root 1 through its global rank)
glist = [ember.zeros(2, 3) for _ in range(n)] if rank == 0 else None
dist.gather(mine, glist)
if rank == 0:
    for r in range(n):
        np.testing.assert_array_equal(glist[r].numpy(), data(r, np.float32))
slist = [ember.full((3,), float(j + 5)) for j in range(n)] if rank == 1 else None
got = ember.zeros(3)
dist.scatter(got, slist, src=1)
assert got.tolist() == [rank + 5.0] * 3
try:
    dist.gather(mine, None, dst=rank)
    raise AssertionError('no error')
except ValueError as e:
    assert str(e) == 'Argument ``gather_list`` must be specified on destination rank.'
ok('gather+scatter')

# all_to_all (uneven sizes) and all_to_all_single (even and with split sizes)
ins = [ember.full((j + 1 + rank,), float(10 * rank + j)) for j in range(n)]
outs = [ember.zeros(rank + 1 + r) for r in range(n)]
dist.all_to_all(outs, ins)
for r in range(n):
    assert outs[r].tolist() == [10.0 * r + rank] * (rank + 1 + r)
x = ember.arange(4) + 100 * rank
y = ember.zeros(4, dtype=ember.int64)
dist.all_to_all_single(y, x)
assert y.tolist() == [2 * rank, 2 * rank + 1, 100 + 2 * rank, 101 + 2 * rank]
# rank 0 sends 1 row to itself and 2 to rank 1; rank 1 sends 3 rows to rank 0 and 1 to itself
in_splits = [[1, 2], [3, 1]][rank]
x = ember.arange(6 * sum(in_splits), dtype=ember.float32).reshape(sum(in_splits), 6) + 1000 * rank
out_splits = [in_splits_r[rank] for in_splits_r in ([1, 2], [3, 1])]
y = ember.zeros(sum(out_splits), 6)
dist.all_to_all_single(y, x, out_splits, in_splits)
x0 = np.arange(18, dtype=np.float32).reshape(3, 6)
x1 = np.arange(24, dtype=np.float32).reshape(4, 6) + 1000
want = np.concatenate([x0[:1], x1[:3]]) if rank == 0 else np.concatenate([x0[1:], x1[3:]])
np.testing.assert_array_equal(y.numpy(), want)
ok('all_to_all')

# point to point: send/recv, isend/irecv, receive from any rank, batch_isend_irecv
other = 1 - rank
if rank == 0:
    dist.send(ember.tensor([1.5, 2.5]), dst=1)
    buf = ember.zeros(3, dtype=ember.int32)
    assert dist.recv(buf) == 1 and buf.tolist() == [7, 8, 9]
else:
    buf = ember.zeros(2)
    assert dist.recv(buf, src=0) == 0 and buf.tolist() == [1.5, 2.5]
    dist.send(ember.tensor([7, 8, 9], dtype=ember.int32), dst=0)
sbuf, rbuf = ember.full((5,), float(rank)), ember.zeros(5)
works = [dist.isend(sbuf, other, tag=3), dist.irecv(rbuf, other, tag=3)]
for w in works:
    w.wait()
assert rbuf.tolist() == [float(other)] * 5
rbuf2 = ember.zeros(5)
ops = [dist.P2POp(dist.isend, sbuf * 2, other), dist.P2POp(dist.irecv, rbuf2, other)]
for w in dist.batch_isend_irecv(ops):
    w.wait()
assert rbuf2.tolist() == [2.0 * other] * 5
try:
    dist.send(sbuf, dst=rank)
    raise AssertionError('no error')
except ValueError as e:
    assert 'Destination rank should not be the same as the rank of the current process' in str(e)
ok('p2p')

# object collectives
objs = [None] * n
dist.all_gather_object(objs, {'rank': rank, 'payload': list(range(rank * 50))})
assert objs == [{'rank': r, 'payload': list(range(r * 50))} for r in range(n)]
lst = [('hello', rank), ember.tensor([1.0, 2.0]) * (rank + 1)] if rank == 1 else [None, None]
dist.broadcast_object_list(lst, src=1)
assert lst[0] == ('hello', 1) and lst[1].tolist() == [2.0, 4.0]
gathered = [None] * n if rank == 0 else None
dist.gather_object('x' * (rank + 1), gathered)
assert rank != 0 or gathered == ['x', 'xx']
out = [None]
dist.scatter_object_list(out, [{'for': 0}, {'for': 1, 'big': 'y' * 1000}] if rank == 0 else None)
assert out[0]['for'] == rank
if rank == 0:
    dist.send_object_list([{'a': 1}, 'two', ember.arange(3)], dst=1)
    back = [None]
    assert dist.recv_object_list(back) == 1 and back == [[rank, 'reply']]
else:
    got = [None, None, None]
    assert dist.recv_object_list(got, src=0) == 0
    assert got[:2] == [{'a': 1}, 'two'] and got[2].tolist() == [0, 1, 2]
    dist.send_object_list([[0, 'reply']], dst=0)
ok('objects')

# subgroups: a group of rank 1 alone; rank 0 is outside it
solo = dist.new_group([1])
pair = dist.new_group([0, 1])
if rank == 1:
    assert dist.get_rank(solo) == 0 and dist.get_world_size(solo) == 1
    t = ember.tensor([5.0])
    dist.all_reduce(t, group=solo)
    assert t.tolist() == [5.0] and dist.get_global_rank(solo, 0) == 1 and dist.get_group_rank(solo, 1) == 0
else:
    assert solo == dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(solo) == -1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        assert dist.all_reduce(ember.ones(1), group=solo) is None
    assert 'does not belong to the given group' in str(caught[0].message)
t = ember.tensor([float(rank)])
dist.all_reduce(t, group=pair, op=R.MAX)
assert t.tolist() == [1.0] and dist.get_process_group_ranks(pair) == [0, 1]
dist.destroy_process_group(solo) if rank == 1 else None
ok('groups')

dist.barrier()
dist.barrier(async_op=True).wait()
dist.monitored_barrier(timeout=timedelta(seconds=30))
assert dist.group.WORLD is dist.GroupMember.WORLD and dist.group.WORLD.size() == 2
dist.destroy_process_group()
assert not dist.is_initialized()
dist.init_process_group('mpi')   # again after destroy
t = ember.ones(3)
dist.all_reduce(t)
assert t.tolist() == [2.0] * 3
ok('barrier+reinit')
dist.destroy_process_group()
