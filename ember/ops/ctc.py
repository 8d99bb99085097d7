"""Connectionist temporal classification loss (``F.ctc_loss``).

The forward pass sums, in log space, over every alignment of each target to its input frames
(blank-separated paths; the alpha recursion of Graves et al. 2006); the backward pass runs the
beta recursion and returns PyTorch's gradient ``exp(log_probs) - posterior`` per frame, which is
the gradient with respect to the logits when ``log_probs`` comes from ``log_softmax`` (the
log_softmax backward then leaves it unchanged, since the posteriors of a frame sum to one).
"""
import numpy as np

from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.backend import to_numpy
from ember.ops import _argparse, _no_second_derivative
from ember.ops._registry import op
from ember.ops.creation import tensor
from ember.ops.index import where


def _logaddexp(*terms):
    out = terms[0]
    for t in terms[1:]:
        out = np.logaddexp(out, t)
    return out


def _extended(target, blank):
    ext = np.full(2 * len(target) + 1, blank, dtype=np.int64)
    ext[1::2] = target
    return ext


def _shift(a, k, fill=-np.inf):
    """``a`` moved ``k`` places to the right (left for negative ``k``), ``fill`` where nothing moved in."""
    out = np.full_like(a, fill)
    n = len(a)
    if abs(k) < n:
        if k >= 0:
            out[k:] = a[:n - k]
        else:
            out[:n + k] = a[-k:]
    return out


def _alpha_beta(lp, ext, frames):
    """Log alpha and beta (frames x len(ext)) for one sample; both include the frame's own log-prob."""
    n = len(ext)
    skip = np.zeros(n, dtype=bool)
    # a path may jump from one label straight to the next (over the blank) unless they are equal
    skip[2:] = (ext[2:] != ext[0]) & (ext[2:] != ext[:-2])     # ext[0] is the blank
    neg = -np.inf
    alpha = np.full((frames, n), neg)
    beta = np.full((frames, n), neg)
    emit = lp[:frames][:, ext]
    alpha[0, 0] = emit[0, 0]
    if n > 1:
        alpha[0, 1] = emit[0, 1]
    for t in range(1, frames):
        prev = alpha[t - 1]
        two = np.where(skip, _shift(prev, 2), neg)
        alpha[t] = emit[t] + _logaddexp(prev, _shift(prev, 1), two)
    beta[frames - 1, n - 1] = emit[frames - 1, n - 1]
    if n > 1:
        beta[frames - 1, n - 2] = emit[frames - 1, n - 2]
    skip_next = _shift(skip, -2, False)                          # may s jump to s + 2
    for t in range(frames - 2, -1, -1):
        nxt = beta[t + 1]
        two = np.where(skip_next, _shift(nxt, -2), neg)
        beta[t] = emit[t] + _logaddexp(nxt, _shift(nxt, -1), two)
    return alpha, beta


class CtcLoss(Primitive):
    """Per-sample negative log-likelihood of the targets (N,) from log_probs (T, N, C); ``given_targets``: the
    targets array as the caller gave it (the node's ``_saved_targets``, as PyTorch's)."""
    node_name = 'CtcLossBackward0'
    _nondiff_args = (6,)   # the targets tensor: kept, no edge (as PyTorch's node)
    saved_names = ('log_probs', 'targets', 'result0', 'result1')
    saved_attrs = {'blank': _sa.field('blank'), 'input_lengths': _sa.field('input_lengths', tuple),
                   'log_probs': _sa.saved(0), 'result0': _sa.saved(2), 'result1': _sa.saved(3),
                   'target_lengths': _sa.field('target_lengths', tuple), 'targets': _sa.saved(1),
                   'zero_infinity': _sa.field('zero_infinity')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity, given_targets):
        lp_all = to_numpy(log_probs).astype(np.float64)
        losses = np.zeros(lp_all.shape[1])
        grads = np.zeros_like(lp_all)
        # PyTorch's log_alpha (N, T, 2 * longest target + 1); -inf where no path reaches
        log_alpha = np.full((lp_all.shape[1], lp_all.shape[0], 2 * max(target_lengths, default=0) + 1), -np.inf)
        for b, target in enumerate(targets):
            frames = input_lengths[b]
            lp = lp_all[:, b]
            ext = _extended(target, blank)
            if frames == 0:
                nll = 0.0 if len(target) == 0 else np.inf
            else:
                alpha, beta = _alpha_beta(lp, ext, frames)
                log_alpha[b, :frames, :len(ext)] = alpha
                nll = -_logaddexp(alpha[frames - 1, -1], alpha[frames - 1, -2] if len(ext) > 1 else -np.inf)
            losses[b] = nll
            if np.isinf(nll) and zero_infinity:     # the loss is zeroed by the caller, the gradient here
                continue
            if frames == 0:
                continue
            # posterior of each class per frame: the paths through (t, s), grouped by the label at s
            with np.errstate(invalid='ignore', divide='ignore', over='ignore'):
                joint = alpha + beta
                post = np.full((frames, lp.shape[1]), -np.inf)
                for s, c in enumerate(ext):
                    post[:, c] = np.logaddexp(post[:, c], joint[:, s])
                grads[:frames, b] = np.exp(lp[:frames]) - np.exp(post + nll - lp[:frames])
        ctx.grads = ctx.xp.asarray(grads.astype(log_probs.dtype))
        ctx.blank, ctx.zero_infinity = blank, zero_infinity
        ctx.input_lengths, ctx.target_lengths = input_lengths, target_lengths
        out = ctx.xp.asarray(losses.astype(log_probs.dtype))
        ctx.save_for_backward(log_probs, given_targets, out, ctx.xp.asarray(log_alpha.astype(log_probs.dtype)))
        return out

    @staticmethod
    def backward(ctx, g):
        grads = Tensor._make(ctx.grads, g.device)
        gx = grads * g.reshape(1, -1, 1)
        if grad_mode._state.enabled:    # (PyTorch's _ctc_loss_backward has no derivative)
            gx = _no_second_derivative.mark(gx, ctx.saved_tensors[0], '_ctc_loss_backward')
        return gx, None, None, None, None, None, None


def _int_list(values, name):
    if isinstance(values, Tensor):
        return [int(v) for v in values.reshape(-1).tolist()]
    if isinstance(values, int):
        return [values]
    return [int(v) for v in values]


@op('F')
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False):
    """The CTC loss of ``targets`` under the per-frame class log-probabilities ``log_probs`` (T, N, C).

    ``targets`` is (N, S) padded or all targets concatenated (1-D); ``reduction='mean'`` divides each
    sample's loss by its target length before averaging over the batch. ``zero_infinity`` turns
    impossible alignments (infinite losses) and their gradients into zeros.

    Example::

        >>> log_probs = ember.randn(5, 1, 3).log_softmax(2)
        >>> F.ctc_loss(log_probs, ember.tensor([[1, 2]]), [5], [2])
        tensor(1.2606)
    """
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    if not isinstance(log_probs, Tensor):
        # PyTorch's function hands everything to its C ctc_loss, the reduction as its number
        refused = _argparse.explain('torch', 'ctc_loss', (log_probs, targets, input_lengths, target_lengths, blank,
                                                          ('none', 'mean', 'sum').index(reduction), zero_infinity), {})
        if refused is not None:
            raise refused
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.dim() == 1 else targets
    frames, batch = log_probs.shape[0], log_probs.shape[1]
    if not 0 <= blank < log_probs.shape[2]:
        raise RuntimeError('blank must be in label range')
    in_lens = _int_list(input_lengths, 'input_lengths')
    tg_lens = _int_list(target_lengths, 'target_lengths')
    if len(in_lens) != batch:
        raise RuntimeError('input_lengths must be of size batch_size')
    if len(tg_lens) != batch:
        raise RuntimeError('target_lengths must be of size batch_size')
    for n in in_lens:
        if n > frames:
            raise RuntimeError(f'Expected input_lengths to have value at most {frames}, but got value {n} (while '
                               'checking arguments for ctc_loss_allocate_outputs)')
    flat = to_numpy(targets._data).astype(np.int64)
    if flat.ndim == 2:
        for n in tg_lens:
            if n > flat.shape[1]:
                raise RuntimeError(f'Expected tensor to have size at least {n} at dimension 1, but got size '
                                   f"{flat.shape[1]} for argument #2 'targets' (while checking arguments for "
                                   'ctc_loss_allocate_outputs)')
        rows = [flat[b, :tg_lens[b]] for b in range(batch)]
    else:
        offsets = np.concatenate(([0], np.cumsum(tg_lens)))
        rows = [flat[offsets[b]:offsets[b + 1]] for b in range(batch)]
    losses = CtcLoss.apply(log_probs, rows, in_lens, tg_lens, blank, zero_infinity, targets)
    if zero_infinity:
        losses = where(losses == float('inf'), losses.new_zeros(()), losses)
    if reduction == 'none':
        return losses.squeeze(0) if unbatched else losses
    if reduction == 'sum':
        return losses.sum()
    lengths = tensor([max(n, 1) for n in tg_lens], dtype=log_probs.dtype, device=log_probs.device)
    return (losses / lengths).mean()
