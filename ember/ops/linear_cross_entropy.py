"""``F.linear_cross_entropy``: cross entropy of a linear layer's logits, optionally over the batch in
chunks so the full logits matrix is never held at once (``nn.LinearCrossEntropyOptions``)."""
import math
import warnings

from ember.ops._registry import op
from ember.ops.linear import linear
from ember.ops.loss import cross_entropy


@op('F')
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction='mean',
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``.

    ``linear_weight`` is ``(C, in_features)``, or ``(C, d_1, ..., d_K, in_features)`` for a
    K-dimensional loss over batched input. ``ignore_index=None`` means -100 for class-index
    targets and is required for probability targets. With ``options`` (a
    :class:`~ember.nn.LinearCrossEntropyOptions`) the batch is processed in chunks; chunking needs
    class-index int64 targets, no label smoothing and a 2-D ``linear_weight``, and otherwise the
    options are set aside with a warning.

    Example:
        >>> x, w = ember.tensor([[1., 0.], [0., 2.]]), ember.tensor([[1., 0.], [0., 1.], [1., 1.]])
        >>> F.linear_cross_entropy(x, w, ember.tensor([0, 2]))
        tensor(0.8103)
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {linear_weight.dim()}")
    batches, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), got "
                           f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    classes, out_features = linear_weight.shape[0], tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(classes, *out_features)}, got {tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} requires "
                           f"batched input, (N, {in_features}), got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batches, classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        chunkable = (not out_features and reduction in ('mean', 'sum', 'none') and label_smoothing == 0.0
                     and target.dtype.name == 'int64')
        if chunkable:
            return _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options)
        warnings.warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
            "label_smoothing == 0, target.dtype == int64, out_features == (). Got "
            f"reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
            f"out_features={out_features}, tracing=False, linear_bias.shape="
            f"{tuple(linear_bias.shape) if linear_bias is not None else None}.", stacklevel=2)
    if out_features:
        flat = math.prod(out_features) * classes
        linear_weight = linear_weight.reshape(flat, in_features)
        linear_bias = None if linear_bias is None else linear_bias.reshape(flat)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=ignore_index,
                         label_smoothing=label_smoothing)


def _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options):
    """The loss over row chunks of the batch, each chunk's logits computed in ``acc_dtype``."""
    from ember.ops.shape import cat
    batched = input.dim() == 2
    if not batched:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    rows = input.shape[0]
    opts = options._adjust(rows, input.shape[-1], linear_weight.shape[0], input.dtype, input.device)
    acc = opts.acc_dtype
    if acc != input.dtype and not (acc.name == 'float32' and input.dtype.name in ('float16', 'bfloat16')):
        raise RuntimeError(f"linear_cross_entropy supports float32 acc_dtype with float16/bfloat16 inputs, but got "
                           f"{acc} acc_dtype and {input.dtype} inputs.")
    w_acc = linear_weight.to(acc)
    b_acc = None if linear_bias is None else linear_bias.to(acc)
    cw = None if weight is None else weight.to(acc)
    pieces = []
    for start in range(0, rows, opts.batch_chunk_size):    # NOTE: a loop over chunks of rows
        stop = start + opts.batch_chunk_size
        logits = linear(input[start:stop].to(acc), w_acc, b_acc)
        pieces.append(cross_entropy(logits, target[start:stop], weight=cw, reduction='none',
                                    ignore_index=ignore_index))
    losses = cat(pieces) if len(pieces) > 1 else pieces[0]
    if reduction == 'none':
        result = losses
    elif reduction == 'sum':
        result = losses.sum()
    else:       # the mean over the counted targets: their class weights, or how many are not ignored
        counted = target != ignore_index
        if cw is None:
            result = losses.sum() / counted.sum().to(acc)
        else:
            result = losses.sum() / (cw[target.masked_fill(~counted, 0)] * counted).sum()
    result = result.to(input.dtype)
    return result if batched or reduction != 'none' else result.squeeze(0)
