"""What the PowerSGD checks train, shared by the 2-rank ember worker (ddp_powersgd.py) and the
PyTorch recording (tests/fixtures/distributed/record_powersgd.py): plain NumPy, no framework."""
import numpy as np

STEPS = 5
LR = 0.1
# Linear layers (in, out): two 8x8 weights share a shape (for batch_tensors_with_same_shape)
LAYERS = [(6, 8), (8, 8), (8, 8), (8, 3)]
# name: (hook, PowerSGDState keyword arguments besides process_group)
CONFIGS = {
    'rank1': ('powerSGD_hook', dict(matrix_approximation_rank=1, start_powerSGD_iter=2)),
    'rank2-same-shape': ('powerSGD_hook', dict(matrix_approximation_rank=2, start_powerSGD_iter=2,
                                               min_compression_rate=1, batch_tensors_with_same_shape=True)),
    'rank3-qr': ('powerSGD_hook', dict(matrix_approximation_rank=3, start_powerSGD_iter=3, min_compression_rate=1,
                                       random_seed=5)),
    'cold-no-feedback': ('powerSGD_hook', dict(matrix_approximation_rank=1, start_powerSGD_iter=2,
                                               use_error_feedback=False, warm_start=False)),
    'batched-rank1': ('batched_powerSGD_hook', dict(matrix_approximation_rank=1, start_powerSGD_iter=2)),
    'batched-rank2': ('batched_powerSGD_hook', dict(matrix_approximation_rank=2, start_powerSGD_iter=2,
                                                    random_seed=7)),
}


def initial_parameters():
    """[weight (out x in), bias (out)] per layer, float64."""
    gen = np.random.default_rng(3)
    out = []
    for fan_in, fan_out in LAYERS:
        out += [gen.standard_normal((fan_out, fan_in)) * 0.5, gen.standard_normal(fan_out) * 0.5]
    return out


def batches():
    """batches()[step][rank]: a 4 x 6 input."""
    return np.random.default_rng(1).standard_normal((STEPS, 2, 4, LAYERS[0][0]))


def train(torch, hooks, name):
    """Train the model STEPS SGD steps under DistributedDataParallel with the configuration ``name``
    on this rank (``torch`` is PyTorch or ember, ``hooks`` its powerSGD_hook module). Returns the
    averaged gradients of every step (flat, per parameter) and the hook's state."""
    import importlib
    dist = importlib.import_module(torch.__name__ + '.distributed')
    DistributedDataParallel = importlib.import_module(torch.__name__ + '.nn.parallel').DistributedDataParallel
    layers = []
    for fan_in, fan_out in LAYERS:
        layers += [torch.nn.Linear(fan_in, fan_out, dtype=torch.float64), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers[:-1])
    with torch.no_grad():
        for p, value in zip(model.parameters(), initial_parameters()):
            p.copy_(torch.from_numpy(value))
    hook, kwargs = CONFIGS[name]
    state = hooks.PowerSGDState(process_group=None, **kwargs)
    ddp = DistributedDataParallel(model)
    ddp.register_comm_hook(state, getattr(hooks, hook))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    grads = []
    for step in range(STEPS):
        opt.zero_grad()
        ddp(torch.from_numpy(batches()[step][dist.get_rank()])).pow(2).mean().backward()
        grads.append([p.grad.detach().numpy().reshape(-1).copy() for p in model.parameters()])
        opt.step()
    return grads, state
