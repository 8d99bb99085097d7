"""Transform compositions and PyTorch's per-sample-gradient and ensembling tutorials on small models,
written once for both libraries (``T`` is ember or torch); values are recorded from PyTorch by
``python -m tests.func.record_compositions``. Weights are fixed values (no random draws), float64."""
import copy


def _x(T):
    return T.tensor([[0.5, -1.25, 2.0], [0.3, 0.9, -0.4], [-1.0, 0.2, 0.7]], dtype=T.float64)


def _f(T, r):
    return (r.sin() * r.exp() + r ** 3).sum()


def _set_weights(T, model):
    with T.no_grad():
        for k, p in enumerate(model.parameters()):
            p.copy_((T.arange(p.numel(), dtype=T.float64).reshape(p.shape) * 0.37 + k).sin() * 0.5)
    return model


class _Nets:
    """The models, built from the library ``T`` (its nn and functional)."""

    _classes = {}

    @staticmethod
    def cnn(T):
        if T.__name__ not in _Nets._classes:
            _Nets._classes[T.__name__] = _Nets._cnn_class(T)
        return _set_weights(T, _Nets._classes[T.__name__]().double())

    @staticmethod
    def _cnn_class(T):
        nn, F = T.nn, T.nn.functional

        class SimpleCNN(nn.Module):   # the tutorial's network, scaled down to 8x8 inputs
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 4, 3, 1)
                self.conv2 = nn.Conv2d(4, 8, 3, 1)
                self.fc1 = nn.Linear(32, 16)
                self.fc2 = nn.Linear(16, 10)

            def forward(self, x):
                x = F.relu(self.conv1(x))
                x = F.relu(self.conv2(x))
                x = F.max_pool2d(x, 2)
                x = T.flatten(x, 1)
                x = F.relu(self.fc1(x))
                return F.log_softmax(self.fc2(x), dim=1)
        return SimpleCNN

    @staticmethod
    def mlp(T, k):
        nn = T.nn
        model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3)).double()
        _set_weights(T, model)
        with T.no_grad():
            for p in model.parameters():
                p.mul_(1 + 0.25 * k)
        return model


def _images(T, n, c=1, side=8):
    return (T.arange(n * c * side * side, dtype=T.float64).reshape(n, c, side, side) * 0.173).sin()


def per_sample_grads(T):
    """The tutorial: ``vmap(grad(compute_loss), in_dims=(None, None, 0, 0))`` over a batch, with
    ``functional_call``; returns each parameter's per-sample gradients, then the loop's."""
    F, func = T.nn.functional, T.func
    model = _Nets.cnn(T)
    data, targets = _images(T, 6), T.tensor([3, 1, 0, 9, 4, 4])
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
        return F.nll_loss(func.functional_call(model, (params, buffers), (batch,)), targets)

    vmapped = func.vmap(func.grad(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
    looped = []
    for i in range(6):
        model.zero_grad()
        F.nll_loss(model(data[i:i + 1]), targets[i:i + 1]).backward()
        looped.append([p.grad.clone() for p in model.parameters()])
    return tuple(vmapped.values()) + tuple(T.stack([g[k] for g in looped]) for k in range(len(params)))


def ensemble(T):
    """The model-ensembling tutorial: ``stack_module_state`` and ``vmap`` over a copy of one model
    (here not moved to the meta device), the same minibatch for every model and one per model."""
    models = [_Nets.mlp(T, k) for k in range(3)]
    params, buffers = T.func.stack_module_state(models)
    base = copy.deepcopy(models[0])

    def fmodel(params, buffers, x):
        return T.func.functional_call(base, (params, buffers), (x,))
    minibatches = _images(T, 3 * 2, side=4).reshape(3, 2, 1, 4, 4)
    same = T.func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatches[0])
    different = T.func.vmap(fmodel)(params, buffers, minibatches)
    loop = T.stack([models[k](minibatches[k]) for k in range(3)])
    return same.detach(), different.detach(), loop.detach()


def cnn_ensemble(T):
    """An ensemble of CNNs: each model's convolution weights batched."""
    F = T.nn.functional
    models = []
    for k in range(3):
        m = _Nets.cnn(T)
        with T.no_grad():
            for p in m.parameters():
                p.mul_(1 - 0.2 * k)
        models.append(m)
    params, buffers = T.func.stack_module_state(models)
    base = copy.deepcopy(models[0])
    data = _images(T, 2)

    def loss(params, x):
        return F.nll_loss(T.func.functional_call(base, params, (x,)), T.tensor([2, 7]))
    out = T.func.vmap(lambda p: T.func.functional_call(base, p, (data,)))(params)
    grads = T.func.vmap(T.func.grad(loss), in_dims=(0, None))(params, data)
    return (out.detach(),) + tuple(grads.values())


CASES = {
    'jacfwd_of_vmap': lambda T: T.func.jacfwd(T.func.vmap(lambda r: r.sin() * r.sum()))(_x(T)),
    'hessian_of_vmap': lambda T: T.func.hessian(lambda z: T.func.vmap(lambda r: _f(T, r))(z).sum())(_x(T)),
    'vmap_of_jacfwd': lambda T: T.func.vmap(T.func.jacfwd(lambda r: r.exp() * r.prod()))(_x(T)),
    'vmap_of_jvp': lambda T: T.func.vmap(lambda a, t: T.func.jvp(lambda r: r.sin() * r[0], (a,), (t,))[1])(
        _x(T), _x(T).cos()),
    'vmap_of_vjp': lambda T: T.func.vmap(lambda a, t: T.func.vjp(lambda r: r.sin() * r[0], a)[1](t)[0])(
        _x(T), _x(T).cos()),
    'vmap_in_dims_1_of_hessian': lambda T: T.func.vmap(T.func.hessian(lambda r: _f(T, r)), in_dims=1, out_dims=2)(
        _x(T)),
    'grad_of_vmap_of_grad': lambda T: T.func.grad(lambda z: T.func.vmap(T.func.grad(lambda r: _f(T, r)))(z).pow(2)
                                                  .sum())(_x(T)),
    'jacrev_of_jacrev_of_vmap': lambda T: T.func.jacrev(T.func.jacrev(T.func.vmap(lambda r: _f(T, r))))(_x(T)[:2]),
    'vmap_of_vmap_of_grad': lambda T: T.func.vmap(T.func.vmap(T.func.grad(lambda r: (r ** 3).sin().sum())))(
        _x(T).reshape(3, 1, 3).expand(3, 2, 3) * T.tensor([[[1.0]], [[0.5]], [[2.0]]], dtype=T.float64)),
    'vmap_autograd_grad_batched_cotangents': lambda T: _batched_vjp(T),
    'per_sample_grads_cnn': per_sample_grads,
    'ensemble_mlp': ensemble,
    'ensemble_cnn': cnn_ensemble,
}


def _batched_vjp(T):
    """``vmap`` over ``autograd.grad``'s ``grad_outputs``: rows of the Jacobian at once."""
    x = _x(T)[0].clone().requires_grad_()
    y = x.sin() * x.sum()
    return T.func.vmap(lambda v: T.autograd.grad(y, x, v, retain_graph=True)[0])(T.eye(3, dtype=T.float64))
