"""ONNX translations: loss functions (regression, classification, binary), so that a model whose
forward returns its loss exports whole."""
import numpy as np

from ._core import converts, reduce, _onnx_type


def _reduced(b, c, loss, reduction):
    """The loss elements reduced as ``reduction`` says ('none', 'mean' or 'sum'), written to ``c.out``."""
    if reduction != 'none':
        rank = len(c.node.inputs[0].shape)
        loss = reduce(b, 'ReduceMean' if reduction == 'mean' else 'ReduceSum', loss, list(range(rank)), 0)
    return b.op('Identity', [loss], [c.out])


def _num(b, c, value):
    return b.const(np.asarray(value, c.dtype))


def _softplus(b, c, z):
    """log(1 + exp(z)) without overflow: max(z, 0) + log(1 + exp(-|z|))."""
    tail = b.op('Log', [b.op('Add', [_num(b, c, 1), b.op('Exp', [b.op('Neg', [b.op('Abs', [z])])])])])
    return b.op('Add', [b.op('Max', [z, _num(b, c, 0)]), tail])


@converts('MseLoss')
def _mse(b, c):
    d = b.op('Sub', [c.x(0), c.x(1)])
    _reduced(b, c, b.op('Mul', [d, d]), c.args[2])


@converts('SmoothL1Loss', 'HuberLoss')
def _piecewise_quadratic(b, c):
    # 0.5 * scale * d**2 within width of zero, width * scale * (|d| - width / 2) outside
    x, t, reduction, width, scale = c.args
    d = b.op('Sub', [c.x(0), c.x(1)])
    a = b.op('Abs', [d])
    inside = b.op('Mul', [b.op('Mul', [d, d]), _num(b, c, 0.5 * scale)])
    outside = b.op('Mul', [b.op('Sub', [a, _num(b, c, 0.5 * width)]), _num(b, c, width * scale)])
    _reduced(b, c, b.op('Where', [b.op('Less', [a, _num(b, c, width)]), inside, outside]), reduction)


@converts('SoftMarginLoss')
def _soft_margin(b, c):
    z = b.op('Neg', [b.op('Mul', [c.x(1), c.x(0)])])
    _reduced(b, c, _softplus(b, c, z), c.args[2])


@converts('BinaryCrossEntropyWithLogits')
def _bce_with_logits(b, c):
    # (1 - t) x + (1 + (pw - 1) t) softplus(-x): finite for any logit
    x, t, w, pw, reduction = c.args
    sp = _softplus(b, c, b.op('Neg', [c.x(0)]))
    if pw is not None:
        sp = b.op('Mul', [b.op('Add', [_num(b, c, 1), b.op('Mul', [b.op('Sub', [c.x(3), _num(b, c, 1)]), c.x(1)])]), sp])
    loss = b.op('Add', [b.op('Mul', [b.op('Sub', [_num(b, c, 1), c.x(1)]), c.x(0)]), sp])
    if w is not None:
        loss = b.op('Mul', [loss, c.x(2)])
    _reduced(b, c, loss, reduction)


@converts('BinaryCrossEntropy')
def _bce(b, c):
    # each log clamped at -100, as PyTorch's kernel does, so that 0 and 1 give finite losses
    x, t, w, reduction = c.args
    floor = _num(b, c, -100)
    log_x = b.op('Max', [b.op('Log', [c.x(0)]), floor])
    log_1mx = b.op('Max', [b.op('Log', [b.op('Sub', [_num(b, c, 1), c.x(0)])]), floor])
    loss = b.op('Neg', [b.op('Add', [b.op('Mul', [c.x(1), log_x]),
                                     b.op('Mul', [b.op('Sub', [_num(b, c, 1), c.x(1)]), log_1mx])])])
    if w is not None:
        loss = b.op('Mul', [loss, c.x(2)])
    _reduced(b, c, loss, reduction)


def _batched(b, c, x, t):
    """A 1-D input (C,) and its scalar target given a batch axis, as ONNX's losses need one."""
    if len(c.args[0].shape) == 1:
        return b.op('Unsqueeze', [x, b.ints([0])]), b.op('Unsqueeze', [t, b.ints([0])])
    return x, t


def _unbatched(b, c, loss, reduction):
    if len(c.args[0].shape) == 1 and reduction == 'none':
        return b.op('Squeeze', [loss, b.ints([0])], [c.out])
    return b.op('Identity', [loss], [c.out])


@converts('NllLoss', 'NllLoss2d', 'NllLossView')
def _nll(b, c):
    x, target, weight, ignore_index, reduction = c.args
    data, t = _batched(b, c, c.x(0), c.x(1, b, np.int64))
    inputs = [data, t] + ([c.x(2)] if weight is not None else [])
    loss = b.op('NegativeLogLikelihoodLoss', inputs, reduction=reduction, ignore_index=int(ignore_index))
    _unbatched(b, c, loss, reduction)


@converts('CrossEntropy', 'CrossEntropy2d', 'CrossEntropyView', 'CrossEntropySmoothed')
def _cross_entropy(b, c):
    x, target, weight, ignore_index, reduction, smoothing = c.args
    data, t = _batched(b, c, c.x(0), c.x(1, b, np.int64))
    weights = [c.x(2)] if weight is not None else []
    if not smoothing:
        loss = b.op('SoftmaxCrossEntropyLoss', [data, t] + weights, reduction=reduction, ignore_index=int(ignore_index))
        _unbatched(b, c, loss, reduction)
        return
    # with label smoothing (as PyTorch's decomposition): (1 - eps) * nll + eps / C * the
    # class-weighted sum of -log p over the classes; the mean divides by the targets' summed weights
    classes = x.shape[1] if len(x.shape) > 1 else x.shape[0]
    logp = b.op('LogSoftmax', [data], axis=1)
    nll = b.op('NegativeLogLikelihoodLoss', [logp, t] + weights, reduction='none', ignore_index=int(ignore_index))
    rank = max(len(x.shape), 2)
    spread = logp if weight is None else b.op('Mul', [logp, b.op('Reshape', [c.x(2), b.ints([1, -1] + [1] * (rank - 2))])])
    smooth = b.op('Neg', [reduce(b, 'ReduceSum', spread, [1], 0)])
    valid = b.op('Not', [b.op('Equal', [t, b.ints(int(ignore_index))])])
    valid_f = b.op('Cast', [valid], to=_onnx_type(c.dtype))
    smooth = b.op('Mul', [smooth, valid_f])
    loss = b.op('Add', [b.op('Mul', [nll, _num(b, c, 1 - smoothing)]), b.op('Mul', [smooth, _num(b, c, smoothing / classes)])])
    if reduction == 'none':
        _unbatched(b, c, loss, reduction)
        return
    total = b.op('ReduceSum', [loss], keepdims=0)
    if reduction == 'sum':
        b.op('Identity', [total], [c.out])
        return
    if weight is None:
        count = valid_f
    else:
        count = b.op('Mul', [b.op('Gather', [c.x(2), b.op('Where', [valid, t, b.ints(0)])], axis=0), valid_f])
    b.op('Div', [total, b.op('ReduceSum', [count], keepdims=0)], [c.out])


@converts('CrossEntropyProbs', 'CrossEntropyProbsMean')
def _cross_entropy_probs(b, c):
    # against class probabilities: -sum_c w[c] * t'[c] * log_softmax(x)[c], t' smoothed towards 1/C
    x, t, weight, reduction, smoothing = c.args
    classes = x.shape[1] if len(x.shape) > 1 else x.shape[0]
    data, probs = c.x(0), c.x(1)
    axis = 1 if len(x.shape) > 1 else 0
    if smoothing:
        probs = b.op('Add', [b.op('Mul', [probs, _num(b, c, 1 - smoothing)]), _num(b, c, smoothing / classes)])
    terms = b.op('Mul', [b.op('LogSoftmax', [data], axis=axis), probs])
    if weight is not None:
        shape = [-1] + [1] * (len(x.shape) - 2) if axis == 1 else [-1]
        terms = b.op('Mul', [terms, b.op('Reshape', [c.x(2), b.ints(shape)])])
    loss = b.op('Neg', [reduce(b, 'ReduceSum', terms, [axis], 0)])
    if reduction == 'none' or len(x.shape) == 1:
        b.op('Identity', [loss], [c.out])
    else:
        b.op('ReduceMean' if reduction == 'mean' else 'ReduceSum', [loss], [c.out], keepdims=0)
