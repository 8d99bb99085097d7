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
}


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
