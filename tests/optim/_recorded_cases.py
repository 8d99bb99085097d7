"""Configurations of the optimizers whose PyTorch behaviour ``record_pytorch.py`` records.

Plain data (no ember, no torch), read by the recorder under PyTorch and by the tests under ember.
Each entry: the configs (name -> (defaults, [group 0 options, group 1 options])) run on
``_problem``'s parameters, and the constructor kwargs whose ValueError text is recorded.
"""

CASES = {
    'Adamax': {
        'configs': {
            'default': ({'lr': 0.05}, [{}, {'betas': (0.8, 0.99), 'weight_decay': 0.1}]),
            'maximize': ({'lr': 0.05, 'maximize': True}, [{'eps': 0.01}, {'betas': (0.5, 0.9)}]),
        },
        'errors': [dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                   dict(weight_decay=-1)],
    },
    'NAdam': {
        'configs': {
            'default': ({'lr': 0.05}, [{}, {'betas': (0.8, 0.99), 'weight_decay': 0.1, 'momentum_decay': 0.01}]),
            'maximize': ({'lr': 0.05, 'maximize': True}, [{'eps': 0.01}, {'betas': (0.5, 0.9)}]),
            'decoupled': ({'lr': 0.05, 'weight_decay': 0.2, 'decoupled_weight_decay': True}, [{}, {'lr': 0.1}]),
        },
        'errors': [dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                   dict(weight_decay=-1), dict(momentum_decay=-1)],
    },
    'RAdam': {
        'configs': {
            # the variance rectification (rho_t > 5) starts at step 6 with beta2=0.9: 8 steps run both branches
            'default': ({'lr': 0.005, 'betas': (0.9, 0.9)}, [{}, {'betas': (0.8, 0.9), 'weight_decay': 0.1}]),
            'maximize': ({'lr': 0.002, 'maximize': True}, [{'betas': (0.9, 0.85)}, {'eps': 0.01}]),
            'decoupled': ({'lr': 0.005, 'weight_decay': 0.2, 'decoupled_weight_decay': True, 'betas': (0.9, 0.9)},
                          [{}, {'lr': 0.01}]),
        },
        'steps': 8,
        'errors': [dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.9)), dict(betas=(0.9, 1.0)),
                   dict(weight_decay=-1)],
    },
    'ASGD': {
        'configs': {
            'default': ({'lr': 0.005}, [{}, {'lambd': 0.1, 'alpha': 0.5, 'weight_decay': 0.1}]),
            # t0 below the step count: the averaging (mu < 1) branch runs
            'averaging': ({'lr': 0.004, 't0': 1.5}, [{'lambd': 0.01}, {'t0': 0}]),
            'maximize': ({'lr': 0.001, 'maximize': True}, [{}, {'weight_decay': 0.5}]),
        },
        'errors': [dict(lr=-1), dict(weight_decay=-1)],
    },
    'Rprop': {
        'configs': {
            'default': ({'lr': 0.05}, [{}, {'etas': (0.3, 1.5), 'step_sizes': (0.01, 0.08)}]),
            'maximize': ({'lr': 0.05, 'maximize': True}, [{'step_sizes': (1e-3, 0.06)}, {'lr': 0.2}]),
        },
        'errors': [dict(lr=-1), dict(etas=(1.0, 1.2)), dict(etas=(0.5, 1.0)), dict(etas=(0.0, 1.2))],
    },
    'Adafactor': {
        'configs': {
            'default': ({'lr': 0.05}, [{}, {'beta2_decay': -0.5, 'weight_decay': 0.1, 'd': 1.5}]),
            'maximize': ({'lr': 0.05, 'maximize': True}, [{'eps': (1e-4, 1e-2)}, {'eps': (None, 0.5)}]),
        },
        'errors': [dict(lr=-1), dict(beta2_decay=0.5), dict(eps=(-1, 1e-3)), dict(eps=(None, -1)), dict(d=0.5),
                   dict(weight_decay=-1)],
    },
    'Muon': {
        'problem': '_problem_2d',
        'configs': {
            'default': ({'lr': 0.02}, [{}, {'nesterov': False, 'adjust_lr_fn': 'match_rms_adamw'}]),
            'plain': ({'lr': 0.05, 'weight_decay': 0, 'momentum': 0.5},
                      [{'ns_steps': 3, 'ns_coefficients': (2.0, -1.5, 0.5)},
                       {'adjust_lr_fn': 'original', 'eps': 1e-3}]),
        },
        'errors': [dict(lr=-1), dict(momentum=-1), dict(weight_decay=-1), dict(adjust_lr_fn='other')],
    },
}

# optimizers whose state dicts the recorder also saves after 3 steps of their first config
SAVED = ('SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta') + tuple(
    n for n in CASES if 'problem' not in CASES[n])

# the first config of each already-tested optimizer, for the saved state dicts (defaults, groups)
EXISTING = {
    'SGD': ({'lr': 0.05, 'momentum': 0.9}, [{}, {'nesterov': True, 'weight_decay': 0.1}]),
    'Adam': ({'lr': 0.05}, [{}, {'betas': (0.8, 0.99), 'weight_decay': 0.1, 'amsgrad': True}]),
    'AdamW': ({'lr': 0.05}, [{}, {'amsgrad': True}]),
    'RMSprop': ({'lr': 0.01}, [{'centered': True}, {'momentum': 0.5}]),
    'Adagrad': ({'lr': 0.1}, [{}, {'lr_decay': 0.1}]),
    'Adadelta': ({}, [{}, {'rho': 0.5, 'lr': 0.5, 'weight_decay': 0.1}]),
}


def config_of(name):
    """(defaults, groups) whose 3-step state dict is saved for optimizer ``name``."""
    if name in CASES:
        return next(iter(CASES[name]['configs'].values()))
    return EXISTING[name]
