"""Batching rules for the neural-network ops: convolutions, pooling, normalisation, embedding, losses,
attention.

Two ways to run a batch through an op written for ``(N, C, *spatial)``: ops whose weights are shared
fold the vmap batch into ``N``; when the weights are batched too (model ensembles, per-sample
gradients, where every element has its own copy), the batch folds into the channels and each element
becomes one group of a grouped op, so one call still computes every element with its own weights.
"""
from ember.func._batched_tensor import batch_first, leaf
from ember.func._batching_rules import (_batched_or_expanded as _full, _is_batched, _only_first, _pad,
                                       _pointwise_loss, _reduce_loss)


def _fold_into_n(p):
    """(B, N, ...) -> (B * N, ...)."""
    shape = tuple(p.shape)
    return p.reshape((shape[0] * shape[1],) + shape[2:])


def _channels_to_groups(p):
    """(B, N, C, ...) -> (N, B * C, ...): the batch becomes ``B`` groups of channels."""
    shape = tuple(p.shape)
    return p.movedim(0, 1).reshape((shape[1], shape[0] * shape[2]) + shape[3:])


def _groups_to_batch(out, size):
    """(N, B * C, ...) -> (B, N, C, ...)."""
    shape = tuple(out.shape)
    return out.reshape((shape[0], size, shape[1] // size) + shape[2:]).movedim(1, 0)


def _per_group(t, level, size):
    """A per-channel parameter (C,) as (B * C,): batched ones flattened, shared ones repeated."""
    if t is None:
        return None
    return _full(t, level, size).reshape(-1)


# ---------------------------------------------------------------- convolution

def conv(cls, args, kwargs, level, size):
    """``Convolution(x, w, b, stride, pads, dilation, transposed, output_padding, groups)``."""
    x, w, b = args[:3]
    rest, groups = args[3:8], args[8]
    if not _is_batched(w, level) and not (b is not None and _is_batched(b, level)):
        p = batch_first(x, level)
        out = cls.apply(_fold_into_n(p), w, b, *rest, groups, **kwargs)
        return out.reshape((size, x.shape[0]) + tuple(out.shape[1:]))
    pw = _full(w, level, size)
    pw = pw.reshape((size * w.shape[0],) + tuple(w.shape[1:]))
    out = cls.apply(_channels_to_groups(_full(x, level, size)), pw, _per_group(b, level, size), *rest,
                    groups * size, **kwargs)
    return _groups_to_batch(out, size)


def conv_weight(cls, args, kwargs, level, size):
    """``ConvolutionWeight(x, g, kernel, stride, pads, dilation, groups, cols)``: each element's own weight
    gradient, as one grouped weight gradient (the kept columns belong to the unfolded layout: dropped)."""
    x, g, kernel, stride, pads, dilation, groups = args[:7]
    out = cls.apply(_channels_to_groups(_full(x, level, size)), _channels_to_groups(_full(g, level, size)),
                    kernel, stride, pads, dilation, groups * size, None)
    shape = tuple(out.shape)
    return out.reshape((size, shape[0] // size) + shape[1:])


# ---------------------------------------------------------------- normalisation

_BN_RUNNING_ERROR = ("Batch norm got a batched tensor as input while the running_mean or running_var, which will be "
                     "updated in place, were not batched.\nIf you are using a module and do not need eval mode, "
                     "please set `track_running_stats` to be False.If you are using a prebuilt module and do not need "
                     "eval mode, please see the functorch website for resources on how to patch your module to work "
                     "with vmap")


def batch_norm(cls, args, kwargs, level, size):
    """``NativeBatchNorm(x, weight, bias, running_mean, running_var, training, eps)``: the batch becomes
    groups of channels, so each element is normalised by its own statistics (or running ones)."""
    x, weight, bias, rmean, rvar, training, eps = args
    if training and any(r is not None and not _is_batched(r, level) for r in (rmean, rvar)):
        raise RuntimeError(_BN_RUNNING_ERROR)
    if x.dim() < 2:
        return NotImplemented
    y, mean, var = cls.apply(_channels_to_groups(_full(x, level, size)), _per_group(weight, level, size),
                             _per_group(bias, level, size), _per_group(rmean, level, size),
                             _per_group(rvar, level, size), training, eps, **kwargs)
    stats = tuple(None if s is None else s.reshape((size, -1) + tuple(s.shape[1:])) for s in (mean, var))
    return (_groups_to_batch(y, size),) + stats


def group_norm(cls, args, kwargs, level, size):
    """``NativeGroupNorm(x, weight, bias, groups, eps)``: the batch folds into N; batched affine
    parameters are applied after normalising."""
    x, weight, bias, groups, eps = args
    affine_batched = any(t is not None and _is_batched(t, level) for t in (weight, bias))
    p = _full(x, level, size)
    y = cls.apply(_fold_into_n(p), None if affine_batched else weight, None if affine_batched else bias, groups,
                  eps, **kwargs).reshape(tuple(p.shape))
    return _affine(y, weight, bias, level, size, x.dim() - 2) if affine_batched else y


def _affine(y, weight, bias, level, size, spatial):
    """``y * weight + bias`` for per-channel parameters (channels at dim 2 of ``y``)."""
    tail = (1,) * spatial
    if weight is not None:
        y = y * _full(weight, level, size).reshape((size, 1, -1) + tail)
    if bias is not None:
        y = y + _full(bias, level, size).reshape((size, 1, -1) + tail)
    return y


def layer_norm(cls, args, kwargs, level, size):
    """``NativeLayerNorm(x, weight, bias, k, eps)`` (normalises the trailing ``k`` dims)."""
    x, weight, bias, k, eps = args
    if not any(t is not None and _is_batched(t, level) for t in (weight, bias)):
        return cls.apply(_full(x, level, size), weight, bias, k, eps, **kwargs)
    y = cls.apply(_full(x, level, size), None, None, k, eps, **kwargs)
    rank = x.dim()
    if weight is not None:
        y = y * _pad(_full(weight, level, size), k, rank)
    if bias is not None:
        y = y + _pad(_full(bias, level, size), k, rank)
    return y


# ---------------------------------------------------------------- pooling and other trailing-dim ops

def trailing(cls, args, kwargs, level, size):
    """Ops that act on the trailing dims of their first argument and carry every leading one (pooling,
    padding, pixel shuffle, upsampling): the batch is one more leading dim."""
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return cls.apply(p, *args[1:], **kwargs)


def constant_pad(cls, args, kwargs, level, size):
    """``ConstantPadNd(x, pads, value)``, ``pads`` a (before, after) pair per dim: none for the batch."""
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return cls.apply(p, ((0, 0),) + tuple(args[1]), args[2], **kwargs)


def channels_first(cls, args, kwargs, level, size):
    """Ops on (N, C, ...) of a batched (N, C, ...) input: the batch folds into N."""
    p = _only_first(args, level)
    if p is None or args[0].dim() < 2:
        return NotImplemented
    out = cls.apply(_fold_into_n(p), *args[1:], **kwargs)
    return out.reshape(tuple(p.shape[:2]) + tuple(out.shape[1:]))


def pool_grad(cls, args, kwargs, level, size):
    """``MaxPoolGrad(g, index, shape, ...)`` / ``AvgPoolGrad(g, shape, ...)``: the input shape gains the batch."""
    if cls.__name__ == 'MaxPoolGrad':
        g, index, shape = args[:3]     # (without the input that only links a recorded graph to it)
        return cls.apply(_full(g, level, size), _full(index, level, size), (size,) + tuple(shape), *args[3:5])
    g, shape = args[:2]
    return cls.apply(_full(g, level, size), (size,) + tuple(shape), *args[2:], **kwargs)


# ---------------------------------------------------------------- embedding

def embedding(cls, args, kwargs, level, size):
    """``Embedding(weight, indices, padding_idx, scale_grad_by_freq)``."""
    weight, indices, padding_idx, by_freq = args
    if not _is_batched(weight, level) and not by_freq:
        return cls.apply(weight, _full(indices, level, size), padding_idx, by_freq, **kwargs)
    if _is_batched(weight, level) and (padding_idx is not None and padding_idx >= 0 or cls.__name__ != 'Embedding'):
        return NotImplemented     # a padding row per element, or sparse gradients of the whole table
    # each element's rows are its own block of one (B * V, D) table: shift its indices to its block
    rows = weight.shape[0]
    idx = _full(indices, level, size)
    raw = leaf(idx)._data
    if raw.size and (int(raw.min()) < 0 or int(raw.max()) >= rows):
        raise IndexError("index out of range in self")
    from ember.ops.creation import arange
    shift = (arange(size, device=idx.device) * rows).reshape((size,) + (1,) * indices.dim())
    table = _full(weight, level, size).reshape((size * rows,) + tuple(weight.shape[1:]))
    return cls.apply(table, idx + shift, None, by_freq, **kwargs)


def bag_sum(cls, args, kwargs, level, size):
    """``_BagSum(emb, bag, scale)`` (embedding_bag's sums and means) with one bag layout for every element:
    each element's rows added into its own bags."""
    emb, bag, scale = args
    if _is_batched(bag, level) or _is_batched(scale, level):
        return NotImplemented
    pe = batch_first(emb, level)
    out = pe.new_zeros((size, scale.shape[0], emb.shape[1])).index_add(1, bag, pe)
    return (out * scale)[:, :-1]


# ---------------------------------------------------------------- losses

def class_loss(cls, args, kwargs, level, size):
    """The class-index losses ``NllLoss*``/``CrossEntropy*(x, target, weight, ignore_index, reduction[,
    smoothing])`` of (C,) or (N, C, ...) inputs: unreduced over the batch folded into N, then each
    element reduced over its own targets (``'mean'`` divides by its own sum of target weights)."""
    from ember.ops.index import where
    x, target, weight, ignore_index, reduction = args[:5]
    if weight is not None and _is_batched(weight, level):
        return NotImplemented
    px, pt = _full(x, level, size), _full(target, level, size)
    if x.dim() > 1:
        px, pt = _fold_into_n(px), _fold_into_n(pt)
    per = cls.apply(px, pt, weight, ignore_index, 'none', *args[5:], **kwargs)
    per = per.reshape((size,) + tuple(target.shape))
    if reduction == 'none':
        return per
    dims = tuple(range(1, per.dim()))
    if reduction == 'sum':
        return per.sum(dims) if dims else per
    pt = pt.reshape(per.shape)
    kept = (pt != ignore_index).to(per.dtype)
    if weight is not None:
        safe = where(pt != ignore_index, pt, 0)
        kept = kept * weight.gather(0, safe.reshape(-1)).reshape(pt.shape).to(per.dtype)
    return (per.sum(dims) / kept.sum(dims)) if dims else per / kept


def margin_loss(cls, args, kwargs, level, size):
    """``MultiMarginLoss(x, target, weight, p, margin, reduction)`` / ``MultilabelMarginLoss(x, target,
    reduction)`` of (C,) or (N, C) inputs: unreduced over the batch folded into N, then reduced per element."""
    x, target = args[:2]
    reduction = args[-1]
    if any(_is_batched(a, level) for a in args[2:-1]):
        return NotImplemented
    classes = x.shape[-1]
    px, pt = _full(x, level, size), _full(target, level, size)
    pt = pt.reshape(-1, classes) if cls.__name__ == 'MultilabelMarginLoss' else pt.reshape(-1)
    per = cls.apply(px.reshape(-1, classes), pt, *args[2:-1], 'none', **kwargs)
    per = per.reshape((size,) + tuple(x.shape[:-1]))
    return _reduce_loss(per, reduction, x.dim() - 1)


def prob_loss(cls, args, kwargs, level, size):
    """``CrossEntropyProbs*(x, t, weight, reduction, smoothing)`` of (N, C, ...) inputs and soft targets:
    each element's mean or sum of its unreduced losses."""
    from ember.ops.loss import CrossEntropyProbs
    x, t, weight, reduction = args[:4]
    if weight is not None and _is_batched(weight, level):
        return NotImplemented
    per = CrossEntropyProbs.apply(_fold_into_n(_full(x, level, size)), _fold_into_n(_full(t, level, size)), weight,
                                  'none', *args[4:], **kwargs)
    per = per.reshape((size, x.shape[0]) + tuple(per.shape[1:]))
    return _reduce_loss(per, reduction, per.dim() - 1)


def all_full(cls, args, kwargs, level, size):
    """Ops on the trailing dims of tensors sharing their leading ones (RNN gate steps, max-unpooling):
    every tensor argument batch-first, unbatched ones expanded."""
    from ember._tensor import Tensor
    return cls.apply(*[_full(a, level, size) if isinstance(a, Tensor) else a for a in args], **kwargs)


def prelu(cls, args, kwargs, level, size):
    """``Prelu(x, w)``: one slope, or one per channel (dim 1, or dim 0 of a 1-D input)."""
    x, w = args
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    if w.numel() == 1 or x.dim() == 1:
        return cls.apply(p, w)
    return cls.apply(_fold_into_n(p), w).reshape(tuple(p.shape))


def unfold_fold(rank):
    """``Im2Col(x, ...)`` (rank 4) / ``Col2Im(cols, size, ...)`` (rank 3): a batched input of the op's
    unbatched rank is a batch as it is; one of its batched rank folds into N."""
    def rule(cls, args, kwargs, level, size):
        p = _only_first(args, level)
        if p is None:
            return NotImplemented
        if args[0].dim() < rank:
            return cls.apply(p, *args[1:], **kwargs)
        out = cls.apply(_fold_into_n(p), *args[1:], **kwargs)
        return out.reshape((size, args[0].shape[0]) + tuple(out.shape[1:]))
    return rule


def binary_cross_entropy(cls, args, kwargs, level, size):
    """``BinaryCrossEntropy(x, t, w, reduction)``: unreduced per element, then reduced per sample."""
    x, t, w, reduction = args
    rank = x.dim()
    pw = w if w is None or not _is_batched(w, level) else _pad(batch_first(w, level), w.dim(), rank)
    per = cls.apply(_full(x, level, size), _full(t, level, size), pw, 'none', **kwargs)
    return _reduce_loss(per, reduction, rank)


def bce_with_logits(cls, args, kwargs, level, size):
    """``BinaryCrossEntropyWithLogits(x, t, weight, pos_weight, reduction)``: unreduced, then per element."""
    x, t, w, pw, reduction = args
    rank = x.dim()
    w, pw = (a if a is None or not _is_batched(a, level) else _pad(batch_first(a, level), a.dim(), rank)
             for a in (w, pw))
    per = cls.apply(_full(x, level, size), _full(t, level, size), w, pw, 'none', **kwargs)
    return _reduce_loss(per, reduction, rank)


# ---------------------------------------------------------------- attention

def sdpa(cls, args, kwargs, level, size):
    """``ScaledDotProductAttention(q, k, v, mask, is_causal, scale, groups)``: leading dims broadcast."""
    q, k, v, mask = args[:4]
    rank = max(t.dim() for t in (q, k, v))
    phys = [_pad(_full(t, level, size), t.dim(), rank) for t in (q, k, v)]
    if mask is not None and _is_batched(mask, level):
        mask = _pad(batch_first(mask, level), mask.dim(), rank)
    return cls.apply(*phys, mask, *args[4:], **kwargs)


def install(rules):
    """Add this module's rules to ``rules`` (the table of :mod:`ember.func._batching_rules`)."""
    from ember.ops import conv as C, norm as N, pooling as P, pooling3d as P3, padding as PD, pixelshuffle as PS
    from ember.ops import embedding as E, loss as LS, attention as AT, upsample as U, rnn as R, activation as A
    rules.update({C.Convolution: conv, C._ConvolutionGrad: conv, C.ConvolutionWeight: conv_weight,
                  N.NativeBatchNorm: batch_norm, N.NativeGroupNorm: group_norm, N.NativeLayerNorm: layer_norm,
                  P.MaxPoolGrad: pool_grad, P.AvgPoolGrad: pool_grad, E.Embedding: embedding,
                  LS.BinaryCrossEntropy: binary_cross_entropy, AT.ScaledDotProductAttention: sdpa,
                  A.Prelu: prelu, C.Im2Col: unfold_fold(4), C.Col2Im: unfold_fold(3)})
    for cls in (LS.NllLoss, LS.CrossEntropy) + tuple(LS._NLL_NAMES.values()) + tuple(LS._CE_NAMES.values()) + (
            LS._CrossEntropySmoothed,):
        rules[cls] = class_loss
    rules[LS.CrossEntropyProbs] = rules[LS._CrossEntropyProbsMean] = prob_loss
    rules[LS.MultiMarginLoss] = rules[LS.MultilabelMarginLoss] = margin_loss
    # losses whose forward broadcasts like an elementwise op, but which reduce: per element, then reduced
    rules[LS.BinaryCrossEntropyWithLogits] = bce_with_logits
    rules[LS.SoftMarginLoss] = rules[LS._PiecewiseQuadratic] = _pointwise_loss
    rules[E._BagSum] = bag_sum
    for cls in (R._LSTMGates, R._GRUGates, P.MaxUnpool, P3.MaxUnpool3D):
        rules[cls] = all_full
    for cls in (P.MaxPoolWithIndices, P.MaxPool3DWithIndices, P.AvgPool, P.AvgPool3D, P.AdaptiveAvgPool,
                P.AdaptiveAvgPool3D, P.AdaptiveMaxPool, P3.AdaptiveMaxPool3D, PS.PixelShuffle,
                PS.PixelUnshuffle, U.UpsampleAntialiased, U.UpsampleBicubic2DAa,
                U.UpsampleBilinear2DAa, U.UpsampleLanczos2DAa):
        rules[cls] = trailing
    rules[PD.ConstantPadNd] = constant_pad
    rules[PS.ChannelShuffle] = channels_first
