"""Functions of ``F`` that PyTorch writes in Python over other operators, so that its exported graphs hold those
operators (``F.softsign``: ``abs``, ``add``, ``div``) rather than one of their own. While a trace runs, a call of
one of them on traced tensors runs the definition here instead, made of ember's public calls, each recorded
as PyTorch records it. A definition gives ``NotImplemented`` for a call it leaves to the usual recording."""
import ember


def _functional():
    import ember.nn.functional as F      # read at call time: its names dispatch while the trace runs
    return F


def _reduce(loss, reduction):
    if reduction == 'none':
        return loss
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    return NotImplemented       # the usual recording raises PyTorch's error for it


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        return NotImplemented
    return (-input).softmax(dim) if dtype is None else (-input).softmax(dim, dtype=dtype)


def _lp_pool(dims):
    def pool(input, norm_type, kernel_size, stride=None, ceil_mode=False):
        F = _functional()
        average = getattr(F, f'avg_pool{dims}d')
        sizes = [kernel_size] * dims if isinstance(kernel_size, int) else list(kernel_size)
        pooled = average(input.pow(norm_type), kernel_size, stride, 0, ceil_mode) if stride is not None else \
            average(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
        window = 1
        for s in sizes:
            window *= s
        # the mean times the window is the sum of |x|^p over it; sign * relu(abs) keeps negatives out of pow
        return (ember.sign(pooled) * F.relu(pooled.abs())).mul(window).pow(1.0 / norm_type)
    return pool


def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    if reduction != 'batchmean' or size_average is not None or reduce is not None:
        return NotImplemented
    summed = _functional().kl_div(input, target, reduction='sum', log_target=log_target)
    return summed / input.size(0) if input.dim() != 0 else summed


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    if size_average is not None or reduce is not None:
        return NotImplemented
    F = _functional()
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.dim() - 1
    loss = loss.sum(dim=classes) / input.size(classes)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction='mean'):
    distance = distance_function if distance_function is not None else _functional().pairwise_distance
    positive_distance = distance(anchor, positive)
    negative_distance = distance(anchor, negative)
    if swap:
        negative_distance = ember.minimum(negative_distance, distance(positive, negative))
    loss = ember.clamp_min(margin + positive_distance - negative_distance, 0)
    return _reduce(loss, reduction)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    F = _functional()
    if input.dim() < 3:
        return NotImplemented
    squares = input.mul(input)
    if input.dim() == 3:
        squares = F.pad(squares.unsqueeze(1), (0, 0, size // 2, (size - 1) // 2))
        squares = F.avg_pool2d(squares, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        squares = squares.view(sizes[0], 1, sizes[1], sizes[2], -1)
        squares = F.pad(squares, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        squares = F.avg_pool3d(squares, (size, 1, 1), stride=1).squeeze(1).view(sizes)
    return input / squares.mul(alpha).add(k).pow(beta)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    # one dimension more, unpooled in 2-D (PyTorch's F does so too)
    from ember.export import _aten
    one = (lambda v: v if isinstance(v, int) else v[0])
    kernel, padding = one(kernel_size), one(padding)
    stride = kernel if stride is None else one(stride)
    size = [(input.shape[-1] - 1) * stride - 2 * padding + kernel] if output_size is None else list(output_size)[-1:]
    unpool = _aten.overload('max_unpool2d', 'default')
    return unpool(input.unsqueeze(-1), indices.unsqueeze(-1), size + [1]).squeeze(-1)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean',
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    # F's form (mode a name); ember.embedding_bag, ATen's form with the table first, is recorded as it is
    if not isinstance(mode, str) or max_norm is not None or input.dim() not in (1, 2) or \
            weight.dtype in (ember.int64, ember.int32):
        return NotImplemented
    if input.dim() == 2:
        if offsets is not None:
            return NotImplemented       # the usual call raises PyTorch's error for it
        offsets = ember.arange(0, input.numel(), input.size(1), dtype=input.dtype, device=input.device)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    if offsets is None or mode not in ('sum', 'mean', 'max'):
        return NotImplemented
    out, _, _, _ = ember.embedding_bag(weight, input, offsets, scale_grad_by_freq, ('sum', 'mean', 'max').index(mode),
                                       sparse, per_sample_weights, include_last_offset, padding_idx)
    return out


FUNCTIONS = {
    'softsign': softsign, 'tanhshrink': tanhshrink, 'softmin': softmin, 'lp_pool1d': _lp_pool(1),
    'lp_pool2d': _lp_pool(2), 'lp_pool3d': _lp_pool(3), 'kl_div': kl_div,
    'multilabel_soft_margin_loss': multilabel_soft_margin_loss,
    'triplet_margin_with_distance_loss': triplet_margin_with_distance_loss, 'local_response_norm': local_response_norm,
    'max_unpool1d': max_unpool1d, 'embedding_bag': embedding_bag,
}
