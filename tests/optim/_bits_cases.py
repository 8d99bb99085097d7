"""The cases of test_optimizer_bits (float32 trajectories bit for bit against PyTorch's), shared by
the test and by ``record_bits`` (which runs them under PyTorch).

Each case starts parameters of a few shapes from a seeded generator and feeds 50 steps of seeded
random gradients to one optimizer; what is compared is every parameter and state tensor after the
last step. The last shape is large enough for ember's update to go through several cache-sized
blocks; its arrays are compared through a digest of their bytes (the fixture stays small).
"""
import hashlib

import numpy as np

SHAPES = [(7,), (33, 17), (4, 5, 6), (), (257, 300)]
STEPS = 50
DIGEST_ABOVE = 4096         # arrays with more elements are kept as a SHA-256 of their bytes

# name -> (optimizer class name, keyword arguments). Names ending in ``_crsqrt`` are recorded with
# PyTorch's float32 ``sqrt`` replaced by the correctly rounded one (see record_bits).
CASES = {
    'sgd': ('SGD', dict(lr=0.05)),
    'sgd_wd_maximize': ('SGD', dict(lr=0.05, weight_decay=0.01, maximize=True)),
    'sgd_momentum': ('SGD', dict(lr=0.03, momentum=0.9)),
    'sgd_momentum_dampening_wd': ('SGD', dict(lr=0.03, momentum=0.8, dampening=0.3, weight_decay=1e-3)),
    'sgd_nesterov': ('SGD', dict(lr=0.02, momentum=0.9, nesterov=True, weight_decay=1e-4)),
    'sgd_nesterov_maximize': ('SGD', dict(lr=0.02, momentum=0.7, nesterov=True, maximize=True)),
    'adam_crsqrt': ('Adam', dict(lr=0.01)),
    'adam_wd_amsgrad_crsqrt': ('Adam', dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    'adam_maximize_crsqrt': ('Adam', dict(lr=0.003, betas=(0.6, 0.95), maximize=True)),
    'adamw_crsqrt': ('AdamW', dict(lr=0.01)),
    'adamw_amsgrad_crsqrt': ('AdamW', dict(lr=0.002, weight_decay=0.1, amsgrad=True)),
    'rmsprop_crsqrt': ('RMSprop', dict(lr=0.01, weight_decay=0.01)),
    'rmsprop_centered_momentum_crsqrt': ('RMSprop', dict(lr=0.01, alpha=0.9, centered=True, momentum=0.8)),
    'adagrad_crsqrt': ('Adagrad', dict(lr=0.05, lr_decay=0.01, weight_decay=0.01)),
    'adadelta_crsqrt': ('Adadelta', dict(lr=0.5, weight_decay=0.01)),
    'nadam_crsqrt': ('NAdam', dict(lr=0.01, weight_decay=0.01)),
    'radam_crsqrt': ('RAdam', dict(lr=0.01)),
    'adamax': ('Adamax', dict(lr=0.01, weight_decay=0.01)),
}


def _seed(case):
    return sorted(CASES).index(case)


def initial_params(case):
    rng = np.random.default_rng(_seed(case))
    return [rng.standard_normal(s, dtype=np.float32) for s in SHAPES]


def gradients(case):
    """The seeded gradients of each step, one list of float32 arrays per step."""
    rng = np.random.default_rng(1000 + _seed(case))
    for _ in range(STEPS):
        yield [rng.standard_normal(s, dtype=np.float32) * np.float32(0.5) for s in SHAPES]


def run(lib, case):
    """The parameters and state tensors after STEPS steps of ``lib``'s optimizer (torch or ember) on
    ``case``, as arrays named ``<state key><parameter index>``, large ones as digests."""
    name, kwargs = CASES[case]
    params = [lib.tensor(p, requires_grad=True) for p in initial_params(case)]
    opt = getattr(lib.optim, name)(params, **kwargs)
    for grads in gradients(case):
        for p, g in zip(params, grads):
            p.grad = lib.tensor(g)
        opt.step()
    out = {f'param{i}': p.detach().numpy() for i, p in enumerate(params)}
    for i, p in enumerate(params):
        for key, value in opt.state[p].items():
            if key != 'step':
                out[f'{key}{i}'] = value.detach().numpy()
    return {k: (np.array(hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()) if v.size > DIGEST_ABOVE
                else np.array(v, copy=True)) for k, v in out.items()}
