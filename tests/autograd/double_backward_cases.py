"""Second-order gradient cases written once for ember and torch (``T``), each ``T -> (fn, inputs)``.

``run(T, case)`` differentiates ``fn(*inputs)`` with ``create_graph=True``, then differentiates each first
gradient again (weighted by fixed values) with respect to every input, and reports what it got: whether each
first gradient requires grad, its values, and the second gradients (values, ``None`` where the input was not
reached) or the error raised. Piecewise-linear ops must reach their inputs with zeros, as PyTorch's backward
formulas are recorded ops over the saved input or result.
"""


def _x(T, *shape):
    """Float64 values away from every op's kinks (0, +-0.5, +-1, +-3, 6, ...) and without ties."""
    n = 1
    for s in shape:
        n *= s
    values = [(-1.7 + 0.83 * i) * (1 if i % 3 else -1.1) for i in range(n)]
    return T.tensor(values, dtype=T.float64).reshape(shape).requires_grad_()


def _c(T, values):
    return T.tensor(values, dtype=T.float64)


def _F(T):
    return T.nn.functional


CASES = {
    'relu': lambda T: (_F(T).relu, [_x(T, 5)]),
    'relu_inplace': lambda T: (lambda t: _F(T).relu(t * 1, inplace=True), [_x(T, 5)]),
    'leaky_relu': lambda T: (lambda t: _F(T).leaky_relu(t, 0.1), [_x(T, 5)]),
    'leaky_relu_inplace': lambda T: (lambda t: _F(T).leaky_relu(t * 1, 0.1, inplace=True), [_x(T, 5)]),
    'hardtanh': lambda T: (_F(T).hardtanh, [_x(T, 5)]),
    'relu6': lambda T: (_F(T).relu6, [_x(T, 5)]),
    'threshold': lambda T: (lambda t: _F(T).threshold(t, 0.1, 20.0), [_x(T, 5)]),
    'hardshrink': lambda T: (_F(T).hardshrink, [_x(T, 5)]),
    'softshrink': lambda T: (_F(T).softshrink, [_x(T, 5)]),
    'hardsigmoid': lambda T: (_F(T).hardsigmoid, [_x(T, 5)]),
    'hardswish': lambda T: (_F(T).hardswish, [_x(T, 5)]),
    'rrelu_eval': lambda T: (lambda t: _F(T).rrelu(t, training=False), [_x(T, 5)]),
    'rrelu_eval_inplace': lambda T: (lambda t: _F(T).rrelu(t * 1, training=False, inplace=True), [_x(T, 5)]),
    'prelu': lambda T: (_F(T).prelu, [_x(T, 2, 3), _c(T, [0.25, -0.5, 0.75]).requires_grad_()]),
    'elu': lambda T: (_F(T).elu, [_x(T, 5)]),
    'selu': lambda T: (_F(T).selu, [_x(T, 5)]),
    'celu': lambda T: (_F(T).celu, [_x(T, 5)]),
    'gelu_tanh': lambda T: (lambda t: _F(T).gelu(t, approximate='tanh'), [_x(T, 5)]),
    'silu': lambda T: (_F(T).silu, [_x(T, 5)]),
    'mish': lambda T: (_F(T).mish, [_x(T, 5)]),
    'softplus': lambda T: (lambda t: _F(T).softplus(t, beta=2.0, threshold=1.0), [_x(T, 5)]),
    'logsigmoid': lambda T: (_F(T).logsigmoid, [_x(T, 5)]),
    'glu': lambda T: (_F(T).glu, [_x(T, 2, 4)]),
    'clamp_tensor_bounds': lambda T: (T.clamp, [_x(T, 5), _c(T, [-1.0] * 5).requires_grad_(),
                                               _c(T, [1.0] * 5).requires_grad_()]),
    'clip_scalars': lambda T: (lambda t: t.clip(-1.0, 1.0), [_x(T, 5)]),
    'maximum': lambda T: (T.maximum, [_x(T, 5), _c(T, [0.1] * 5).requires_grad_()]),
    'where': lambda T: (lambda t: T.where(t > 0, t, 2 * t), [_x(T, 5)]),
    'masked_fill': lambda T: (lambda t: t.masked_fill(t < 0, 0.0), [_x(T, 5)]),
    'masked_select': lambda T: (lambda t: t.masked_select(t > 0), [_x(T, 5)]),
    'masked_scatter': lambda T: (lambda t, s: t.masked_scatter(t > 0, s),
                                 [_x(T, 5), _c(T, [1.0, 2, 3, 4, 5]).requires_grad_()]),
    'max_pool1d': lambda T: (lambda t: _F(T).max_pool1d(t, 2), [_x(T, 1, 2, 6)]),
    'max_pool2d': lambda T: (lambda t: _F(T).max_pool2d(t, 2), [_x(T, 1, 1, 4, 4)]),
    'max_pool2d_overlap': lambda T: (lambda t: _F(T).max_pool2d(t, 3, stride=1), [_x(T, 1, 1, 4, 4)]),
    'max_pool3d': lambda T: (lambda t: _F(T).max_pool3d(t, 2), [_x(T, 1, 1, 2, 2, 4)]),
    'adaptive_max_pool1d': lambda T: (lambda t: _F(T).adaptive_max_pool1d(t, 3), [_x(T, 1, 2, 6)]),
    'adaptive_max_pool2d': lambda T: (lambda t: _F(T).adaptive_max_pool2d(t, 2), [_x(T, 1, 1, 4, 4)]),
    'adaptive_max_pool3d': lambda T: (lambda t: _F(T).adaptive_max_pool3d(t, 1), [_x(T, 1, 1, 2, 2, 2)]),
    'max_unpool1d': lambda T: (lambda t: _F(T).max_unpool1d(t, T.tensor([[[1, 2, 5]]]), 2), [_x(T, 1, 1, 3)]),
    'fractional_max_pool2d': lambda T: (lambda t: _F(T).fractional_max_pool2d(
        t, 2, output_size=2, _random_samples=T.tensor([[[0.3, 0.6]]], dtype=T.float64)), [_x(T, 1, 1, 4, 4)]),
    'avg_pool1d': lambda T: (lambda t: _F(T).avg_pool1d(t, 2), [_x(T, 1, 2, 6)]),
    'avg_pool2d': lambda T: (lambda t: _F(T).avg_pool2d(t, 3, stride=1, padding=1), [_x(T, 1, 1, 4, 4)]),
    'avg_pool3d': lambda T: (lambda t: _F(T).avg_pool3d(t, 2), [_x(T, 1, 1, 2, 2, 4)]),
    'adaptive_avg_pool2d': lambda T: (lambda t: _F(T).adaptive_avg_pool2d(t, 3), [_x(T, 1, 1, 4, 4)]),
    'interpolate_area': lambda T: (lambda t: _F(T).interpolate(t, size=4, mode='area'), [_x(T, 1, 1, 6)]),
    'pad_reflect': lambda T: (lambda t: _F(T).pad(t, (1, 2), mode='reflect'), [_x(T, 1, 1, 4)]),
    'pad_replicate': lambda T: (lambda t: _F(T).pad(t, (1, 1, 2, 0), mode='replicate'), [_x(T, 1, 1, 3, 3)]),
    'nll_loss': lambda T: (lambda t: _F(T).nll_loss(t, T.tensor([1, 0, 3])), [_x(T, 3, 4)]),
    'nll_loss2d': lambda T: (lambda t: _F(T).nll_loss(t, T.tensor([[[1, 0], [2, 2]]])), [_x(T, 1, 3, 2, 2)]),
    'cross_entropy': lambda T: (lambda t: _F(T).cross_entropy(t, T.tensor([1, 0, 3])), [_x(T, 3, 4)]),
    'ctc_loss': lambda T: (lambda t: _F(T).ctc_loss(t.log_softmax(2), T.tensor([[1, 2]]), [4], [2]), [_x(T, 4, 1, 3)]),
    'div_floor': lambda T: (lambda a, b: T.div(a, b, rounding_mode='floor') * a,
                            [_x(T, 5), _c(T, [0.7, -0.9, 1.3, 0.4, 2.0]).requires_grad_()]),
    'remainder': lambda T: (T.remainder, [_x(T, 5), _c(T, [0.7, -0.9, 1.3, 0.4, 2.0]).requires_grad_()]),
    'pdist': lambda T: (T.pdist, [_x(T, 4, 3)]),
    'cdist_direct': lambda T: (T.cdist, [_x(T, 4, 3), _c(T, [[0.5, 1.0, -1.0]] * 5).requires_grad_()]),
    'cdist_p1': lambda T: (lambda a, b: T.cdist(a, b, p=1.0), [_x(T, 2, 3), _c(T, [[0.5, 1.0, -1.0]] * 3).requires_grad_()]),
    'cdist_matrix_products': lambda T: (lambda a, b: T.cdist(a, b, compute_mode='use_mm_for_euclid_dist'),
                                        [_x(T, 4, 3), _c(T, [[0.5, 1.0, -1.0], [2.0, 0.1, 0.3]]).requires_grad_()]),
    'norm_zero': lambda T: (lambda t: t.norm(0, dim=1) + t.sum(1), [_x(T, 2, 3)]),
    'vector_norm_zero': lambda T: (lambda t: T.linalg.vector_norm(t, 0) * t, [_x(T, 4)]),
    'dist_zero': lambda T: (lambda t: T.dist(t, _c(T, [1.0, 2.0, 3.0])) + T.dist(t, _c(T, [1.0, 2.0, 3.0]), 0), [_x(T, 3)]),
    'lp_pool1d': lambda T: (lambda t: _F(T).lp_pool1d(t, 2.0, 2), [_x(T, 1, 1, 6)]),
    'lp_pool2d': lambda T: (lambda t: _F(T).lp_pool2d(t, 3.0, 2), [_x(T, 1, 1, 4, 4)]),
    'dropout_eval': lambda T: (lambda t: _F(T).dropout(t, 0.5, training=False), [_x(T, 5)]),
    'dropout_all': lambda T: (lambda t: _F(T).dropout(t, 1.0), [_x(T, 5)]),
    'dropout_none': lambda T: (lambda t: _F(T).dropout(t, 0.0), [_x(T, 5)]),
    'sort': lambda T: (lambda t: t.sort()[0], [_x(T, 5)]),
    'topk': lambda T: (lambda t: t.topk(2)[0], [_x(T, 5)]),
    'kthvalue': lambda T: (lambda t: t.kthvalue(2)[0], [_x(T, 5)]),
    'cummax': lambda T: (lambda t: t.cummax(0)[0], [_x(T, 5)]),
    'cummin': lambda T: (lambda t: t.cummin(0)[0], [_x(T, 5)]),
    'max': lambda T: (lambda t: t.max(), [_x(T, 5)]),
    'amax_dim': lambda T: (lambda t: t.amax(1), [_x(T, 2, 3)]),
    'median': lambda T: (lambda t: t.median(), [_x(T, 5)]),
    'index_select': lambda T: (lambda t: t.index_select(0, T.tensor([2, 0, 2])) ** 2, [_x(T, 5)]),
    'gather': lambda T: (lambda t: t.gather(0, T.tensor([4, 1, 1])) ** 2, [_x(T, 5)]),
    'take': lambda T: (lambda t: t.take(T.tensor([[3, 0]])) ** 2, [_x(T, 2, 3)]),
    'index_put': lambda T: (lambda t, v: t.index_put((T.tensor([0, 2]),), v) ** 2,
                            [_x(T, 4), _c(T, [1.5, -2.0]).requires_grad_()]),
    'embedding': lambda T: (lambda w: _F(T).embedding(T.tensor([2, 0, 2]), w) ** 2, [_x(T, 3, 2)]),
    'hinge_embedding_loss': lambda T: (lambda t: _F(T).hinge_embedding_loss(t, _c(T, [1.0, -1, -1, 1, -1])),
                                       [_x(T, 5)]),
    'margin_ranking_loss': lambda T: (lambda a, b: _F(T).margin_ranking_loss(a, b, _c(T, [1.0, -1, 1, -1, 1]),
                                                                          margin=0.2),
                                      [_x(T, 5), _c(T, [0.3, -0.4, 0.1, 2.0, -3.0]).requires_grad_()]),
    'multilabel_margin_loss': lambda T: (lambda t: _F(T).multilabel_margin_loss(t, T.tensor([[3, 0, -1, 1]])),
                                         [_x(T, 1, 4)]),
    'multi_margin_loss': lambda T: (lambda t: _F(T).multi_margin_loss(t, T.tensor([1, 0])), [_x(T, 2, 3)]),
    'soft_margin_loss': lambda T: (lambda t: _F(T).soft_margin_loss(t, _c(T, [1.0, -1, -1, 1, -1])), [_x(T, 5)]),
    'smooth_l1_loss': lambda T: (lambda t: _F(T).smooth_l1_loss(t, _c(T, [0.2] * 5), beta=1.5), [_x(T, 5)]),
    'huber_loss': lambda T: (lambda t: _F(T).huber_loss(t, _c(T, [0.2] * 5), delta=1.5), [_x(T, 5)]),
    'mse_loss': lambda T: (lambda t: _F(T).mse_loss(t, _c(T, [0.2] * 5)), [_x(T, 5)]),
}


def _weights(T, like, salt):
    n = like.numel()
    return T.tensor([0.5 + ((i * 7 + salt) % 5) * 0.25 for i in range(n)], dtype=T.float64).reshape(like.shape)


def _values(t):
    return None if t is None else [round(v, 10) for v in t.detach().reshape(-1).tolist()]


def _error(e):
    return f'{type(e).__name__}: {e}'


def run(T, name):
    """What the case ``name`` gives under ``T`` (a JSON-ready dict)."""
    fn, inputs = CASES[name](T)
    out = fn(*inputs)
    loss = (out * _weights(T, out, 1)).sum()
    firsts = T.autograd.grad(loss, inputs, create_graph=True, allow_unused=True)
    result = {'first': [_values(g) for g in firsts], 'requires_grad': [g is not None and g.requires_grad
                                                                       for g in firsts], 'second': []}
    for k, g in enumerate(firsts):
        if g is None or not g.requires_grad:
            result['second'].append(None)
            continue
        try:
            seconds = T.autograd.grad((g * _weights(T, g, 2 + k)).sum(), inputs, retain_graph=True,
                                      allow_unused=True)
            result['second'].append([_values(s) for s in seconds])
        except Exception as e:     # noqa: BLE001 (the error's type and text are the result)
            result['second'].append(_error(e))
    return result


def hessian_vector_product(T):
    """Input-gradient of a small ReLU network, differentiated again (a Hessian-vector product)."""
    T.manual_seed(0)
    net = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 4), T.nn.LeakyReLU(0.1),
                          T.nn.Linear(4, 1)).double()
    with T.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(T.linspace(-1.0, 1.0 + 0.1 * i, p.numel(), dtype=T.float64).reshape(p.shape) * (-1) ** i)
    x = T.tensor([[0.3, -1.2, 0.8], [1.1, 0.4, -0.6]], dtype=T.float64, requires_grad=True)
    g, = T.autograd.grad(net(x).sum(), x, create_graph=True)
    v = T.tensor([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]], dtype=T.float64)
    hv, = T.autograd.grad((g * v).sum(), x, retain_graph=True)
    penalty = g.pow(2).sum()
    weight_grads = T.autograd.grad(penalty, list(net.parameters()), allow_unused=True)   # (not the last bias)
    return {'grad': _values(g), 'hvp': _values(hv), 'penalty_weight_grads': [_values(w) for w in weight_grads]}
