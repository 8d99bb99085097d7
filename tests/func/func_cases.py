"""Function-transform cases written once for both libraries: each takes the library module ``T``
(ember or torch) and returns a tensor or a tuple of tensors. Inputs are fixed float64 values."""


def _x(T):
    return T.tensor([0.5, -1.25, 2.0], dtype=T.float64)


def _m(T):
    return T.tensor([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]], dtype=T.float64)


def _f(T, x):
    return (x.sin() * x.exp() + x ** 3).sum()


def _g(T, x, m):
    return (m @ x).tanh() * x[:2]


CASES = {
    'grad': lambda T: T.func.grad(lambda x: _f(T, x))(_x(T)),
    'grad_argnums': lambda T: T.func.grad(lambda x, m: (_g(T, x, m) ** 2).sum(), argnums=(0, 1))(_x(T), _m(T)),
    'grad_and_value': lambda T: T.func.grad_and_value(lambda x: _f(T, x))(_x(T)),
    'grad_has_aux': lambda T: T.func.grad(lambda x: (_f(T, x), x.cos()), has_aux=True)(_x(T)),
    'grad_of_grad': lambda T: T.func.grad(lambda x: T.func.grad(lambda y: (y.sin() * y).sum())(x).sum())(_x(T)),
    'grad_dict_input': lambda T: tuple(T.func.grad(lambda p: (p['a'] * p['b']).sum())(
        {'a': _x(T), 'b': _x(T).cos()}).values()),
    'vjp': lambda T: T.func.vjp(lambda x, m: _g(T, x, m), _x(T), _m(T))[1](T.tensor([1.0, -2.0], dtype=T.float64)),
    'jvp': lambda T: T.func.jvp(lambda x, m: _g(T, x, m), (_x(T), _m(T)),
                                (T.tensor([1.0, 0.5, -1.0], dtype=T.float64), _m(T).flip(0))),
    'jacrev': lambda T: T.func.jacrev(lambda x, m: _g(T, x, m), argnums=(0, 1))(_x(T), _m(T)),
    'jacfwd': lambda T: T.func.jacfwd(lambda x, m: _g(T, x, m), argnums=(0, 1))(_x(T), _m(T)),
    'jacrev_multi_output': lambda T: T.func.jacrev(lambda x: (x.exp(), x.sum() * x[0]))(_x(T)),
    'hessian': lambda T: T.func.hessian(lambda x: _f(T, x))(_x(T)),
    'hessian_of_matrix_fn': lambda T: T.func.hessian(lambda m: (m.sin() @ m.t()).logsumexp(dim=(0, 1)))(_m(T)),
    'vmap': lambda T: T.func.vmap(lambda a, b: (a @ b).relu())(_m(T).t(), _m(T).t().contiguous()[:, :2]),
    'vmap_in_out_dims': lambda T: T.func.vmap(lambda a, b: a * b.sum(), in_dims=(1, None), out_dims=1)(
        _m(T), _x(T)),
    'vmap_nested': lambda T: T.func.vmap(T.func.vmap(lambda a, b: a * b + 1))(_m(T), _m(T).cos()),
    'vmap_of_grad': lambda T: T.func.vmap(T.func.grad(lambda r: (r.sin() ** 2).sum()))(_m(T)),
    'vmap_chunked': lambda T: T.func.vmap(lambda r: r.exp().sum(0), chunk_size=1)(_m(T)),
    'jacrev_of_vmap': lambda T: T.func.jacrev(T.func.vmap(lambda r: r.cos() * r.sum()))(_m(T)),
    'linearize': lambda T: (lambda o_f: (o_f[0], o_f[1](T.ones(3, dtype=T.float64)),
                                         o_f[1](T.tensor([1.0, -2.0, 0.5], dtype=T.float64))))(
        T.func.linearize(lambda x: x.sin() * x, _x(T))),
    'stack_module_state': lambda T: _stacked(T),
    'vmap_per_sample_grads': lambda T: tuple(_per_sample_grads(T).values()),
    'vmap_ops': lambda T: T.func.vmap(lambda a, b: (
        (a.unsqueeze(0) @ b.t()).squeeze(0).softmax(-1), T.nn.functional.layer_norm(a, (3,)),
        T.cat([a, b[0]]).view(2, 3).permute(1, 0).amax(dim=1), T.where(a > 0, a, b[1] * 2).cumsum(0),
        T.nn.functional.mse_loss(a, b[0]), T.stack([a, a.exp()], dim=1).log_softmax(0)[:, 1]),
        in_dims=(0, None))(_m(T), _m(T).cos()),
    'vmap_nested_in_dims': lambda T: T.func.vmap(T.func.vmap(lambda a, b: (a * b).sum() + a.amax(), in_dims=(1, None)),
                                                 in_dims=(1, 0))(_m(T).t().reshape(3, 2, 1).expand(3, 2, 2),
                                                                 _m(T)),
    'vmap_conv2d': lambda T: T.func.vmap(lambda img, w: T.nn.functional.conv2d(img, w, padding=1).relu().sum((1, 2)),
                                         in_dims=(0, None))(
        T.arange(72.0, dtype=T.float64).reshape(4, 2, 3, 3).sin(), _m(T).reshape(1, 1, 2, 3).expand(3, 2, 2, 3)),
    'vmap_hessian': lambda T: T.func.vmap(T.func.hessian(lambda x: _f(T, x)))(_m(T)),
    'vmap_jacrev': lambda T: T.func.vmap(T.func.jacrev(lambda x: (x.sin() * x.sum())))(_m(T)),
}


def _per_sample_grads(T):
    # PyTorch's per-sample-gradients tutorial: functional_call + vmap(grad(loss), in_dims=(None, None, 0, 0))
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Tanh(), T.nn.Linear(4, 3)).double()
    with T.no_grad():
        for k, p in enumerate(model.parameters()):
            p.copy_(T.linspace(-1.0, 1.0, p.numel(), dtype=T.float64).reshape(p.shape) * (k + 1))
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss(params, buffers, sample, target):
        out = T.func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return T.nn.functional.cross_entropy(out, target.unsqueeze(0))
    data = T.linspace(-2.0, 2.0, 15, dtype=T.float64).reshape(5, 3)
    targets = T.tensor([0, 2, 1, 1, 0])
    return T.func.vmap(T.func.grad(loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)


def _stacked(T):
    T.manual_seed(0)
    models = [T.nn.Linear(2, 2, dtype=T.float64) for _ in range(3)]
    for k, m in enumerate(models):
        with T.no_grad():
            m.weight.copy_(T.arange(4.0, dtype=T.float64).reshape(2, 2) * (k + 1))
            m.bias.fill_(-k)
    params, _ = T.func.stack_module_state(models)
    x = T.tensor([[1.0, 2.0]], dtype=T.float64)
    out = T.func.vmap(lambda p: T.func.functional_call(models[0], p, (x,)))(params)
    return params['weight'], params['bias'], out
