"""The swa_utils scenarios, written once for ``lib`` (ember or torch): the tests run them under ember and
compare with what ``record_swa.py`` recorded from PyTorch."""


def make_model(lib, seed_values):
    """Linear(3, 2) -> BatchNorm1d(2), float64, with weights taken from ``seed_values``."""
    model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.BatchNorm1d(2)).double()
    set_weights(lib, model, seed_values)
    return model


def set_weights(lib, model, values):
    with lib.no_grad():
        i = 0
        for p in model.parameters():
            n = p.numel()
            p.copy_(lib.tensor(values[i:i + n], dtype=lib.float64).reshape(p.shape))
            i += n


def weights(k):
    """The model's 12 parameter values at "epoch" k."""
    return [((j * 7 + k * 3) % 11 - 5) / 4 + 0.1 * k for j in range(12)]


def batches(lib):
    return [lib.tensor([[0.5 * i - j, j * 0.25 + i, (i * j) % 3 - 1.0] for j in range(4)], dtype=lib.float64)
            for i in range(3)]


def averaged_states(lib, swa_utils, kind):
    """The averaged model's parameters and buffers after each of 4 updates."""
    model = make_model(lib, weights(0))
    kwargs = {
        'swa': {},
        'ema': {'avg_fn': swa_utils.get_ema_avg_fn(0.9)},
        'ema_multi': {'multi_avg_fn': swa_utils.get_ema_multi_avg_fn(0.9)},
        'swa_multi': {'multi_avg_fn': swa_utils.get_swa_multi_avg_fn()},
        'swa_fn': {'avg_fn': swa_utils.get_swa_avg_fn()},
        'ema_buffers': {'multi_avg_fn': swa_utils.get_ema_multi_avg_fn(0.5), 'use_buffers': True},
    }[kind]
    averaged = swa_utils.AveragedModel(model, **kwargs)
    out = []
    for k in range(4):
        set_weights(lib, model, weights(k))
        model.train()
        model(batches(lib)[k % 3])          # moves the BatchNorm buffers
        averaged.update_parameters(model)
        out.append([t.detach().reshape(-1).tolist() for t in averaged.module.state_dict().values()]
                   + [int(averaged.n_averaged)])
    return out


def bn_after_update(lib, swa_utils):
    model = make_model(lib, weights(1))
    model.eval()
    swa_utils.update_bn([(b, 0) for b in batches(lib)], model)
    bn = model[1]
    return [bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked), bn.momentum,
            model.training]


def swalr_lrs(lib, swa_utils, kwargs, epochs=8):
    a = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([2.0], requires_grad=True)
    opt = lib.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.5}], lr=0.1)
    sched = swa_utils.SWALR(opt, **kwargs)
    lrs = [[g['lr'] for g in opt.param_groups]]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append([g['lr'] for g in opt.param_groups])
    return lrs


SWALR_CASES = {
    'cos': dict(swa_lr=0.05, anneal_epochs=4),
    'linear_per_group': dict(swa_lr=[0.02, 1.0], anneal_epochs=3, anneal_strategy='linear'),
    'no_anneal': dict(swa_lr=0.3, anneal_epochs=0),
}
AVERAGE_KINDS = ('swa', 'ema', 'ema_multi', 'swa_multi', 'swa_fn', 'ema_buffers')
