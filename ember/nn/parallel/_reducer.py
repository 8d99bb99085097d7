"""The gradient reducer behind DistributedDataParallel.

Parameters are grouped into buckets in reverse registration order (roughly the order backward
produces their gradients), the first bucket small so that communication starts early. A hook on each
parameter's gradient accumulator marks it ready; when every parameter of a bucket is ready, the
bucket's gradients are copied into one flat buffer, divided by the world size and summed across
ranks with a non-blocking all-reduce, while backward goes on (for CUDA gradients of an NCCL group, a flat
device tensor all-reduced by NCCL on the current stream; otherwise a host buffer and MPI). Buckets are launched strictly in index
order, so every rank issues the same sequence of collectives. When the last bucket is launched, the
reducer waits for all of them and writes the averaged gradients back into ``.grad``.

With a communication hook (``register_comm_hook``) the bucket's gradients go to the hook instead,
not yet averaged, as a ``GradBucket``; the hook returns a ``Future`` of the synchronised flat tensor.
"""
import numpy as np

from ember import backend
from ember._tensor import Tensor
from ember.distributed import _mpi, _nccl_path
from ember.distributed._reduce_op import ReduceOp
from ember.distributed._work import Work, check_usable

FIRST_BUCKET_BYTES = 1024 * 1024

UNFINISHED_MESSAGE = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates "
    "that your module has parameters that were not used in producing loss. You can enable unused parameter "
    "detection by passing the keyword argument `find_unused_parameters=True` to "
    "`ember.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs participate "
    "in calculating loss.\nIf you already have done the above, then the distributed data parallel module wasn't "
    "able to locate the output tensors in the return value of your module's `forward` function. Please include "
    "the loss function and the structure of the return value of `forward` of your module when reporting this "
    "issue (e.g. list, dict, iterable).\nParameter indices which did not receive grad for rank {rank}: {indices}")


class _Bucket:
    def __init__(self, index, params):
        self.index = index
        self.params = params                       # [(parameter index, Parameter)]
        self.sizes = [p.numel() for _, p in params]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(int)
        dtype = params[0][1]._data.dtype
        self.send = np.empty(int(self.offsets[-1]), dtype)
        self.recv = np.empty_like(self.send)
        self.request = None
        self.future = None                         # what a communication hook returned
        self.on_device = None                      # (flat CUDA tensor, NCCL Work) when NCCL reduces it
        self.pending = 0


class Reducer:
    def __init__(self, params, pg, bucket_cap_bytes, find_unused):
        self.params = params
        self.pg = pg
        self.find_unused = find_unused
        self.buckets = _assign_buckets(params, bucket_cap_bytes)
        self.bucket_of = {}
        for b in self.buckets:
            for i, _ in b.params:
                self.bucket_of[i] = b
        self.expect_hooks = False     # set by prepare() (a forward that will be followed by backward)
        self.started = False          # a hook fired in this iteration: backward is under way
        self.ready = set()
        self.used = np.zeros(len(params), np.uint8)
        self.next_bucket = 0
        self.comm_hook = None         # (hook, state) from DistributedDataParallel.register_comm_hook
        self.div_factor = None        # None: the group's size; else what the join context counted
        # NOTE: the accumulator nodes are held here: a hook registered on one lives only as long as it
        self._accumulators = [p._grad_accumulator() for p in params]
        self._handles = [p.register_post_accumulate_grad_hook(self._hook_for(i)) for i, p in enumerate(params)]

    def _hook_for(self, index):
        def hook(param):
            self.mark_ready(index, used=True)
        return hook

    # ----------------------------------------------------------------------------- iteration
    def check_finished(self):
        """Raise PyTorch's error when the previous backward did not produce every gradient."""
        if self.expect_hooks and self.started:
            missing = [i for i in range(len(self.params)) if i not in self.ready]
            raise RuntimeError(UNFINISHED_MESSAGE.format(rank=self.pg.rank(), indices=missing))

    def prepare(self, outputs):
        """Called after a forward whose backward will reduce gradients."""
        self.expect_hooks = True
        self.started = False
        self.ready = set()
        self.used[:] = 0
        self.next_bucket = 0
        for b in self.buckets:
            b.pending = len(b.params)
            b.request = None
            b.future = None
            b.on_device = None
        if self.find_unused:
            reached = _reachable_leaves(outputs)
            for i, p in enumerate(self.params):
                if id(p) not in reached:
                    self.mark_ready(i, used=False)

    def mark_ready(self, index, used):
        if not self.expect_hooks or index in self.ready:
            return
        self.started = True
        self.ready.add(index)
        if used:
            self.used[index] = 1
        bucket = self.bucket_of[index]
        bucket.pending -= 1
        # launch every bucket that is complete, in index order
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            self._launch(self.buckets[self.next_bucket])
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self._finalize()

    def _launch(self, bucket, joined=False):
        """Start the bucket's reduction: its gradients (zeros for a rank that has joined, which only
        matches the others' collectives) averaged by an all-reduce, or handed to the hook."""
        check_usable(self.pg, 'DistributedDataParallel gradient all_reduce')
        hook = self.comm_hook
        n = 1 if hook is not None else (self.div_factor or self.pg.size())
        if hook is None and self._launch_on_device(bucket, n, joined):
            return
        for (i, p), lo, hi in zip(bucket.params, bucket.offsets[:-1], bucket.offsets[1:]):
            g = p._grad
            if g is None or joined:
                bucket.send[lo:hi] = 0
            else:
                np.divide(backend.to_numpy(g._data).reshape(-1), n, out=bucket.send[lo:hi])
        if hook is not None:
            self._run_hook(bucket, *hook)
            return
        MPI = _mpi.load()
        dt = _mpi.datatype(MPI, bucket.send.dtype)
        if dt is None:
            raise RuntimeError(f"DistributedDataParallel cannot all-reduce {bucket.send.dtype} gradients over MPI")
        bucket.request = self.pg._comm.Iallreduce([bucket.send, dt], [bucket.recv, dt], MPI.SUM)

    def _launch_on_device(self, bucket, n, joined):
        """Start the bucket's all-reduce through NCCL, on the device, when the group reduces its CUDA gradients
        so (True); False leaves the bucket to the host path."""
        first = bucket.params[0][1]
        if first._device.type != 'cuda' or not _nccl_path.uses_nccl(self.pg):
            return False
        import ember
        with ember.no_grad():
            parts = [ember.zeros(p.numel(), dtype=p.dtype, device=p.device) if p._grad is None or joined
                     else p._grad.detach().reshape(-1) for _, p in bucket.params]
            flat = ember.cat(parts) / n
        work = _nccl_path.all_reduce(self.pg, flat, ReduceOp.SUM, True)
        if work is NotImplemented:
            return False
        bucket.on_device = (flat, work)
        return True

    def _run_hook(self, bucket, hook, state):
        from ember.distributed._grad_bucket import GradBucket
        from ember.futures import Future
        # the bucket's own send buffer: it is refilled only at the next launch, after _finalize read the result
        buffer = Tensor._make(bucket.send)
        grad_bucket = GradBucket(bucket.index, buffer, [p for _, p in bucket.params],
                                 bucket.index == len(self.buckets) - 1)
        fut = hook(state, grad_bucket)
        if not isinstance(fut, Future):
            raise RuntimeError("Communication hook: return value must be an ember.futures.Future "
                               f"(torch.futures.Future), got {type(fut).__name__}")
        bucket.future = fut

    def _hook_result(self, bucket):
        value = bucket.future.wait()
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if not isinstance(value, Tensor) or value.numel() != bucket.send.size:
            raise RuntimeError("Communication hook: the Future must hold one tensor with the bucket's "
                               f"{bucket.send.size} elements, got "
                               f"{value.numel() if isinstance(value, Tensor) else type(value).__name__}")
        return backend.to_numpy(value._data).reshape(-1).astype(bucket.send.dtype, copy=False)

    def _finalize(self):
        self.expect_hooks = False
        if self.comm_hook is not None:
            for b in self.buckets:
                b.recv = self._hook_result(b)
        requests = [b.request for b in self.buckets if b.request is not None]
        used = None
        if self.find_unused:
            used = np.empty_like(self.used)
            MPI = _mpi.load()
            requests.append(self.pg._comm.Iallreduce([self.used, MPI.UINT8_T], [used, MPI.UINT8_T], MPI.MAX))
        Work(self.pg, 'DistributedDataParallel gradient all_reduce', requests).wait()
        for b in self.buckets:
            if b.on_device is not None:
                self._write_device_bucket(b, used)
                continue
            for (i, p), lo, hi in zip(b.params, b.offsets[:-1], b.offsets[1:]):
                if used is not None and not used[i]:
                    continue   # no rank used it: its gradient stays as it was, as in PyTorch
                avg = b.recv[lo:hi].reshape(p._data.shape)
                g = p._grad
                if g is None:
                    p._grad = Tensor._make(backend.move(avg.copy(), p._device), p._device)
                else:
                    if isinstance(g._data, np.ndarray):
                        np.copyto(g._data, avg)
                    else:
                        backend.write_into(g._data, avg, p._device)
                    g._version_counter.value += 1

    def _write_device_bucket(self, b, used):
        """The averaged gradients of a bucket NCCL reduced, into ``.grad`` on the device."""
        import ember
        flat, work = b.on_device
        work.wait()
        with ember.no_grad():
            for (i, p), lo, hi in zip(b.params, b.offsets[:-1], b.offsets[1:]):
                if used is not None and not used[i]:
                    continue
                avg = flat[int(lo):int(hi)].view(p.shape)
                if p._grad is None:
                    p._grad = avg.clone()
                else:
                    p._grad.copy_(avg)

    def shadow_backward(self):
        """A rank that has joined (uneven inputs) takes part in one backward pass of the others:
        the same reductions, in the same order, contributing zeros; its own gradients stay as they are."""
        for b in self.buckets:
            b.request, b.future = None, None
            self._launch(b, joined=True)
        if self.comm_hook is not None:
            for b in self.buckets:
                self._hook_result(b)
        requests = [b.request for b in self.buckets if b.request is not None]
        for b in self.buckets:
            if b.on_device is not None:
                b.on_device[1].wait()
        if self.find_unused:
            MPI = _mpi.load()
            unused_here = np.zeros_like(self.used)
            requests.append(self.pg._comm.Iallreduce([unused_here, MPI.UINT8_T], [np.empty_like(self.used),
                                                                                  MPI.UINT8_T], MPI.MAX))
        Work(self.pg, 'DistributedDataParallel gradient all_reduce (joined rank)', requests).wait()

    def remove(self):
        for h in self._handles:
            h.remove()


def _assign_buckets(params, cap):
    """Buckets of parameters in reverse order, one dtype and device each, about ``cap`` bytes each."""
    buckets, open_ = [], {}
    first = True
    for i in reversed(range(len(params))):
        p = params[i]
        key = (p._data.dtype, str(p._device))
        cur = open_.setdefault(key, [])
        cur.append((i, p))
        limit = min(FIRST_BUCKET_BYTES, cap) if first else cap
        if sum(q._data.nbytes for _, q in cur) >= limit:
            buckets.append(cur)
            open_[key] = []
            first = False
    buckets += [cur for cur in open_.values() if cur]
    return [_Bucket(k, b) for k, b in enumerate(buckets)]


def _reachable_leaves(outputs):
    """ids of the leaf tensors whose gradients backward from ``outputs`` would reach."""
    from ember.autograd.function import AccumulateGrad
    # (nodes as recorded: a fused node whose steps are deferred reaches the same leaves, autograd/_deferred_nodes.py)
    stack = [fn for fn in (t._grad_fn_as_is() for t in _tensors_in(outputs)) if fn is not None]
    seen, leaves = set(), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            leaves.add(id(node.variable))
            continue
        stack.extend(nxt for nxt, _ in node.next_functions if nxt is not None)
    for t in _tensors_in(outputs):   # an output that is itself a parameter
        if t.grad_fn is None and t.requires_grad:
            leaves.add(id(t))
    return leaves


def _tensors_in(obj):
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)
    elif hasattr(obj, '__dataclass_fields__'):
        for name in obj.__dataclass_fields__:
            yield from _tensors_in(getattr(obj, name))
