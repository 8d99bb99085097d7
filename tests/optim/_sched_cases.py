"""Scheduler configurations shared by the tests and the script that recorded PyTorch's values.

Each case builds a scheduler from the scheduler module ``L`` (ember's or PyTorch's) and an
optimizer with two parameter groups (lr 0.1 and 0.5).
"""


def make_optimizer(lib, cls_name='SGD'):
    a = lib.tensor([1.0], requires_grad=True)
    b = lib.tensor([2.0], requires_grad=True)
    kwargs = {'momentum': 0.9} if cls_name == 'SGD' else {}
    return getattr(lib.optim, cls_name)([{'params': [a]}, {'params': [b], 'lr': 0.5}], lr=0.1, **kwargs)


def cases(L):
    return {
        'StepLR': lambda o: L.StepLR(o, step_size=3, gamma=0.5),
        'MultiStepLR': lambda o: L.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
        'ExponentialLR': lambda o: L.ExponentialLR(o, gamma=0.9),
        'CosineAnnealingLR': lambda o: L.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
        'CosineAnnealingLR_past_T_max': lambda o: L.CosineAnnealingLR(o, T_max=4),
        'LambdaLR': lambda o: L.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1 / (e + 1)]),
        'MultiplicativeLR': lambda o: L.MultiplicativeLR(o, lr_lambda=lambda e: 0.9 if e % 2 else 0.8),
        'LinearLR': lambda o: L.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=6),
        'LinearLR_defaults': lambda o: L.LinearLR(o),
        'ConstantLR': lambda o: L.ConstantLR(o, factor=0.5, total_iters=4),
        'PolynomialLR': lambda o: L.PolynomialLR(o, total_iters=8, power=2.0),
        'OneCycleLR': lambda o: L.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=16),
        'OneCycleLR_linear_three_phase': lambda o: L.OneCycleLR(o, max_lr=1.0, total_steps=16, anneal_strategy='linear',
                                                                three_phase=True, pct_start=0.25),
        'OneCycleLR_no_momentum': lambda o: L.OneCycleLR(o, max_lr=0.3, epochs=4, steps_per_epoch=4,
                                                         cycle_momentum=False, div_factor=10., final_div_factor=100.),
        'CosineAnnealingWarmRestarts': lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
        'CosineAnnealingWarmRestarts_T_mult_1': lambda o: L.CosineAnnealingWarmRestarts(o, T_0=4),
        'SequentialLR': lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=4),
                                                     L.ExponentialLR(o, gamma=0.8)], milestones=[5]),
        'SequentialLR_three': lambda o: L.SequentialLR(o, [L.ConstantLR(o, factor=0.5, total_iters=3),
                                                           L.CosineAnnealingLR(o, T_max=4), L.StepLR(o, 2)],
                                                       milestones=[4, 9]),
        'ChainedScheduler': lambda o: L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=4),
                                                          L.ExponentialLR(o, gamma=0.9)]),
        'CyclicLR': lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=3, step_size_down=2),
        'CyclicLR_triangular2': lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode='triangular2'),
        'CyclicLR_exp_range': lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode='exp_range',
                                                   gamma=0.9),
    }


# schedulers run on Adam (momentum cycling moves beta1)
ADAM_CASES = {
    'OneCycleLR_adam': lambda L: (lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=15)),
    'CyclicLR_adam': lambda L: (lambda o: L.CyclicLR(o, 0.001, 0.01, step_size_up=4)),
}

PLATEAU_CASES = {
    'ReduceLROnPlateau': (dict(patience=2),
                          [5, 4, 4, 4, 4, 3.9999, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5]),
    'ReduceLROnPlateau_max_abs_cooldown': (dict(mode='max', factor=0.5, patience=1, threshold=0.1,
                                                threshold_mode='abs', cooldown=2, min_lr=[0.01, 0.2]),
                                           [1, 1.05, 1.2, 1.2, 1.1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]),
}


def run(opt, sched, steps=15, metrics=None):
    """The last lrs after construction and after each step, and group 0's momentum (or beta1)."""
    lrs = [[float(x) for x in sched.get_last_lr()]]
    momenta = []
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append([float(x) for x in sched.get_last_lr()])
        group = opt.param_groups[0]
        momenta.append(group['momentum'] if 'momentum' in group else group['betas'][0])
    return lrs, momenta
