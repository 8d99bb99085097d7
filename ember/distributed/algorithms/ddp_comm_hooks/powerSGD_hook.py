"""PowerSGD gradient compression for DistributedDataParallel (Vogels et al., NeurIPS 2019).

Each gradient matrix M (n x m) is approximated by P Q^T of rank r: P = M Q is all-reduced and
orthogonalised, Q = M^T P is all-reduced, and the bucket becomes P Q^T / world_size. Only
(n + m) r numbers per matrix travel instead of n m. What the approximation drops is kept per bucket
(error feedback) and added to the next iteration's gradients; Q is reused as the next start (warm
start). Until ``start_powerSGD_iter`` the hooks average by plain all-reduce.
"""
import contextlib
import logging
import math
from collections import defaultdict

import numpy as np

import ember
import ember.distributed as dist
from ember._tensor import Tensor
from ember.distributed.algorithms.ddp_comm_hooks import default_hooks
from ember.futures import Future

__all__ = ['PowerSGDState', 'powerSGD_hook', 'batched_powerSGD_hook']

logger = logging.getLogger(__name__)


def _orthogonalize(matrices, epsilon=0):
    """Make the columns of each matrix in the batch ``matrices`` (b x n x r, r <= n) orthonormal, in
    place: Gram-Schmidt for r <= 2 or half precision, QR otherwise (as PyTorch)."""
    if matrices.ndim != 3 or matrices.shape[2] > matrices.shape[1]:
        raise AssertionError
    if matrices.shape[2] <= 2 or matrices.dtype in (ember.float16, ember.bfloat16):
        _orthogonalize_gram_schmidt(matrices, epsilon)
    else:
        matrices.copy_(ember.linalg.qr(matrices).Q)


def _orthogonalize_gram_schmidt(matrices, epsilon=0):
    """Normalise each column, then remove its component from the columns after it. A column of zeros
    with ``epsilon == 0`` becomes NaN, as in PyTorch (set a small epsilon such as 1e-8 to avoid it)."""
    cols = matrices.shape[2]
    for i in range(cols):
        col = matrices[:, :, i:i + 1]
        col /= ember.norm(col, dim=1, keepdim=True) + epsilon if epsilon else ember.norm(col, dim=1, keepdim=True)
        if i + 1 < cols:
            rest = matrices[:, :, i + 1:]
            rest -= ember.sum(col * rest, dim=1, keepdim=True) * col


def _should_compress(rows, cols, rank, min_compression_rate):
    """(worth compressing, numbers before, numbers after) for an ``rows`` x ``cols`` matrix."""
    before, after = rows * cols, (rows + cols) * rank
    return after * min_compression_rate < before, before, after


def _report_compression_stats(bucket, state):
    if bucket.is_last() and state.iter >= state.next_stats_report:
        rate, before, after = state.compression_stats()
        logger.info("PowerSGD compression at iteration %s: %s numbers before, %s after, rate %s",
                    state.iter, before, after, rate)
        state.next_stats_report = state.iter + state.compression_stats_logging_frequency


class PowerSGDState:
    r"""The configuration and memory of :func:`powerSGD_hook` and :func:`batched_powerSGD_hook`, passed
    as the hook's state to ``DistributedDataParallel.register_comm_hook``.

    Args:
        process_group: the group to average over (None: the default group).
        matrix_approximation_rank (int): the rank r of the approximation P Q^T; higher is more exact
            and sends more.
        start_powerSGD_iter (int): iterations averaged by plain all-reduce before compression starts
            (more than 1 when error feedback or warm start is on).
        min_compression_rate (float): a matrix is compressed only when this many times fewer numbers
            would be sent; others are all-reduced as they are.
        use_error_feedback (bool): keep what the approximation drops and add it to the next gradients.
        warm_start (bool): start each iteration's power step from the previous Q instead of a random one.
        orthogonalization_epsilon (float): added to column norms when orthogonalising (avoids division
            by zero for columns of zeros).
        random_seed (int): seeds the random initial Q, the same on every rank.
        compression_stats_logging_frequency (int): iterations between logged compression statistics.
        batch_tensors_with_same_shape (bool): compress gradients of the same shape in one batched product.

    Example::

        >>> state = PowerSGDState(process_group=None, matrix_approximation_rank=1, start_powerSGD_iter=10)
        >>> ddp_model.register_comm_hook(state, powerSGD_hook)      # doctest: +SKIP
    """

    __slots__ = ['process_group', 'matrix_approximation_rank', 'start_powerSGD_iter', 'min_compression_rate',
                 'orthogonalization_epsilon', 'use_error_feedback', 'warm_start', 'batch_tensors_with_same_shape',
                 'rng', 'error_dict', 'p_memory_dict', 'q_memory_dict', 'iter', 'total_numel_before_compression',
                 'total_numel_after_compression', 'compression_stats_logging_frequency', 'next_stats_report']

    def __init__(self, process_group, matrix_approximation_rank=1, start_powerSGD_iter=1_000, min_compression_rate=2,
                 use_error_feedback=True, warm_start=True, orthogonalization_epsilon=0, random_seed=0,
                 compression_stats_logging_frequency=10_000, batch_tensors_with_same_shape: bool = False):
        if (use_error_feedback or warm_start) and start_powerSGD_iter <= 1:
            raise ValueError(
                "Expect `start_powerSGD_iter` > 1 if `use_error_feedback` or `warm_start` is enabled, "
                "because PowerSGD can only be applied after the first two iterations in DDP.")
        self.process_group = process_group
        self.matrix_approximation_rank = matrix_approximation_rank
        self.start_powerSGD_iter = start_powerSGD_iter
        self.min_compression_rate = min_compression_rate
        self.use_error_feedback = use_error_feedback
        self.warm_start = warm_start
        self.orthogonalization_epsilon = orthogonalization_epsilon
        # NumPy's legacy generator, as PyTorch: it draws the seeds of the random Qs, so that the same
        # random_seed gives PyTorch's Qs
        self.rng = np.random.RandomState(random_seed)
        self.error_dict = {}
        self.p_memory_dict = {}
        self.q_memory_dict = {}
        self.iter = 0
        self.total_numel_before_compression = 0
        self.total_numel_after_compression = 0
        self.compression_stats_logging_frequency = max(1, compression_stats_logging_frequency)
        self.next_stats_report = 0
        self.batch_tensors_with_same_shape = batch_tensors_with_same_shape

    def __getstate__(self):
        """Everything but the process group, which cannot be pickled."""
        logger.warning("The process group is not saved with the PowerSGD state.")
        return {slot: getattr(self, slot) for slot in self.__slots__ if slot != 'process_group'}

    def __setstate__(self, state):
        """Restore a pickled state; the process group becomes the default group (set ``process_group``
        afterwards for another)."""
        self.process_group = dist.group.WORLD
        logger.warning("The loaded PowerSGD state uses the default process group; set `process_group` "
                       "if another group is wanted.")
        for slot, value in state.items():
            setattr(self, slot, value)

    def maybe_increase_iter(self, bucket):
        """Count an iteration when the last bucket of a backward pass is reduced."""
        if bucket.is_last():
            self.iter += 1
        if self.iter == self.start_powerSGD_iter:
            logger.info("PowerSGD compression starts after %s iterations.", self.iter)

    def compression_stats(self):
        """(compression rate, numbers before compression, numbers after) over all compressed
        iterations so far; the rate is 0 before any compression."""
        after = self.total_numel_after_compression
        rate = self.total_numel_before_compression / after if after > 0 else 0
        return rate, self.total_numel_before_compression, after


def _group_of(state):
    return state.process_group if state.process_group is not None else dist.group.WORLD


def _allreduce_then(group, tensor, fn):
    """All-reduce (sum) ``tensor`` over ``group`` in place and continue with ``fn()``."""
    return dist.all_reduce(tensor, group=group, async_op=True).get_future().then(lambda fut: fn())


def _add_error_feedback(state, key, tensor):
    """Add the bucket's kept error to ``tensor`` (creating zeros the first time); return a copy of the
    result, from which the new error is taken after decompression."""
    if key in state.error_dict:
        tensor.add_(state.error_dict[key])
    else:
        state.error_dict[key] = ember.zeros(tensor.shape[0], dtype=tensor.dtype, device=tensor.device)
    return tensor.detach().clone()


@contextlib.contextmanager
def _seeded_from(rng):
    """ember's generator seeded from ``rng`` (as PyTorch), the global random state restored after."""
    with ember.random.fork_rng(devices=[]):
        ember.manual_seed(rng.randint(1_000_000_000))
        yield


def _finish(state, key, input_tensor, before):
    if state.use_error_feedback:
        state.error_dict[key] = before - input_tensor
    if not state.warm_start:
        state.p_memory_dict.clear()
        state.q_memory_dict.clear()


def powerSGD_hook(state: PowerSGDState, bucket: dist.GradBucket) -> Future[Tensor]:
    r"""Average the bucket's gradients through rank-``matrix_approximation_rank`` PowerSGD compression.

    Each gradient is viewed as a matrix (its first dimension by the rest). Matrices that are not worth
    compressing (one-dimensional gradients such as biases, or those below ``min_compression_rate``)
    are averaged by one all-reduce; each of the others, M, is approximated as P Q^T with two all-reduces:
    P = M Q (summed and orthogonalised), then Q = M^T P (summed), and M becomes P Q^T / world_size.
    Before ``state.start_powerSGD_iter`` iterations the whole bucket is averaged by plain all-reduce.

    Args:
        state (PowerSGDState): the configuration and the error and warm-start memory.
        bucket (dist.GradBucket): the bucket of gradients.

    Returns:
        A ``Future`` whose value is the bucket's averaged (approximated) gradients.

    Example::

        >>> state = PowerSGDState(process_group=None, matrix_approximation_rank=1, start_powerSGD_iter=10)
        >>> ddp_model.register_comm_hook(state, powerSGD_hook)      # doctest: +SKIP
    """
    group = _group_of(state)
    world_size = group.size()
    input_tensor = bucket.buffer()
    if state.iter < state.start_powerSGD_iter:
        state.maybe_increase_iter(bucket)
        return default_hooks._allreduce_fut(group, input_tensor)

    dtype, device, key = input_tensor.dtype, input_tensor.device, bucket.index()
    before = _add_error_feedback(state, key, input_tensor) if state.use_error_feedback else None

    compressed, uncompressed = [], []
    p_size = q_size = 0
    for grad in bucket.gradients():
        matrix = grad.view(grad.shape[0], -1)
        rows, cols = matrix.shape
        rank = min(rows, cols, state.matrix_approximation_rank)
        worth, numel_before, numel_after = _should_compress(rows, cols, rank, state.min_compression_rate)
        state.total_numel_before_compression += numel_before
        if worth:
            compressed.append(matrix)
            p_size += rows * rank
            q_size += cols * rank
            state.total_numel_after_compression += numel_after
        else:
            uncompressed.append(grad)
            state.total_numel_after_compression += numel_before
    _report_compression_stats(bucket, state)

    flat_uncompressed = (ember.cat([g.reshape(-1) for g in uncompressed]) if uncompressed
                         else ember.tensor([], dtype=dtype, device=device))

    fresh_q = not state.warm_start or key not in state.p_memory_dict
    if fresh_q:
        state.p_memory_dict[key] = ember.empty(p_size, dtype=dtype, device=device)
        state.q_memory_dict[key] = ember.empty(q_size, dtype=dtype, device=device)

    # group matrices of one shape: one batch each, or one batch per matrix
    by_shape = defaultdict(list)
    for matrix in compressed:
        by_shape[tuple(matrix.shape)].append(matrix)
    batches = []
    for same in by_shape.values():
        if state.batch_tensors_with_same_shape and len(same) > 1:
            batches.append(ember.stack(same))
        else:
            batches.extend(m.unsqueeze(0) for m in same)

    # P and Q of each batch: views of the bucket's flat memory, so one all-reduce sends them all
    ps, qs = [], []
    p_at = q_at = 0
    for batch in batches:
        count, rows, cols = batch.shape
        rank = min(rows, cols, state.matrix_approximation_rank)
        ps.append(state.p_memory_dict[key][p_at:p_at + count * rows * rank].view(count, rows, rank))
        qs.append(state.q_memory_dict[key][q_at:q_at + count * cols * rank].view(count, cols, rank))
        p_at += count * rows * rank
        q_at += count * cols * rank

    if fresh_q:
        with _seeded_from(state.rng):
            for q in qs:
                q.copy_(ember.randn(*q.shape, dtype=dtype))
                _orthogonalize(q, state.orthogonalization_epsilon)
    else:
        for q in qs:
            _orthogonalize(q, state.orthogonalization_epsilon)
    for batch, q, p in zip(batches, qs, ps):
        p.copy_(ember.bmm(batch, q))

    def after_uncompressed():
        flat_uncompressed.div_(world_size)
        at = 0
        for grad in uncompressed:
            grad.copy_(flat_uncompressed[at:at + grad.numel()].view_as(grad))
            at += grad.numel()
        return _allreduce_then(group, state.p_memory_dict[key], compute_qs).wait()

    def compute_qs():
        for p in ps:
            _orthogonalize(p, state.orthogonalization_epsilon)
        for batch, p, q in zip(batches, ps, qs):
            q.copy_(ember.bmm(batch.transpose(1, 2), p))
        return _allreduce_then(group, state.q_memory_dict[key], decompress).wait()

    def decompress():
        state.q_memory_dict[key].div_(world_size)
        for p, q, batch in zip(ps, qs, batches):
            batch.copy_(ember.bmm(p, q.transpose(1, 2)))
        if state.batch_tensors_with_same_shape:
            # stacked batches are copies: write them back into the gradients
            for batch in batches:
                if batch.shape[0] > 1:
                    for i, matrix in enumerate(by_shape[tuple(batch.shape[1:])]):
                        matrix.copy_(batch[i])
        _finish(state, key, input_tensor, before)
        state.maybe_increase_iter(bucket)
        return input_tensor

    return dist.all_reduce(flat_uncompressed, group=group, async_op=True).get_future().then(
        lambda fut: after_uncompressed())


def batched_powerSGD_hook(state: PowerSGDState, bucket: dist.GradBucket) -> Future[Tensor]:
    r"""Average the whole bucket through one PowerSGD approximation: the flat bucket, padded with zeros
    to a square, is compressed as a single matrix. Faster than :func:`powerSGD_hook` and much less
    accurate for a given rank. Before ``state.start_powerSGD_iter`` iterations the bucket is averaged
    by plain all-reduce.

    Args:
        state (PowerSGDState): the configuration and the error and warm-start memory.
        bucket (dist.GradBucket): the bucket of gradients.

    Returns:
        A ``Future`` whose value is the bucket's averaged (approximated) gradients.

    Example::

        >>> state = PowerSGDState(process_group=None, matrix_approximation_rank=1, start_powerSGD_iter=10)
        >>> ddp_model.register_comm_hook(state, batched_powerSGD_hook)      # doctest: +SKIP
    """
    group = _group_of(state)
    world_size = group.size()
    input_tensor = bucket.buffer()
    if state.iter < state.start_powerSGD_iter:
        state.maybe_increase_iter(bucket)
        return default_hooks._allreduce_fut(group, input_tensor)

    length = input_tensor.shape[0]
    side = math.ceil(math.sqrt(length))
    rank = state.matrix_approximation_rank
    state.total_numel_before_compression += length
    state.total_numel_after_compression += side * rank * 2
    _report_compression_stats(bucket, state)

    # the bucket padded with zeros to side * side numbers, worked on as a side x side matrix
    padded = ember.zeros(side * side, dtype=input_tensor.dtype, device=input_tensor.device)
    padded[:length].copy_(input_tensor)
    key = bucket.index()
    before = _add_error_feedback(state, key, padded) if state.use_error_feedback else None
    matrix = padded.view(side, side)

    if not state.warm_start or key not in state.p_memory_dict:
        state.p_memory_dict[key] = ember.empty(side, rank, dtype=padded.dtype, device=padded.device)
        with _seeded_from(state.rng):
            state.q_memory_dict[key] = ember.randn(side, rank, dtype=padded.dtype).to(padded.device)
    # _orthogonalize works on batches: a leading dimension of one, viewing the same memory
    _orthogonalize(state.q_memory_dict[key].unsqueeze(0))
    state.p_memory_dict[key].copy_(ember.matmul(matrix, state.q_memory_dict[key]))

    def compute_q():
        p = state.p_memory_dict[key]
        _orthogonalize(p.unsqueeze(0))
        state.q_memory_dict[key].copy_(ember.matmul(matrix.t(), p))
        return _allreduce_then(group, state.q_memory_dict[key], decompress).wait()

    def decompress():
        q = state.q_memory_dict[key].div_(world_size)
        matrix.copy_(ember.matmul(state.p_memory_dict[key], q.t()))
        _finish(state, key, padded, before)
        input_tensor.copy_(padded[:length])
        state.maybe_increase_iter(bucket)
        return input_tensor

    return _allreduce_then(group, state.p_memory_dict[key], compute_q)
