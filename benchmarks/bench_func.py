"""torch.func's vmap, side by side with PyTorch when it is importable (ratios in one run).

    python benchmarks/bench_func.py
    TORCH_PYTHON=/path/to/python benchmarks/bench_func.py

Measures PyTorch's per-sample-gradients pattern (``functional_call`` +
``vmap(grad(loss), in_dims=(None, None, 0, 0))``) for a 32-64-10 MLP over a batch of 64, vmap of a
small matmul function over a batch of 256, ``vmap(hessian(f))`` over 32 inputs of 8, and the per-sample-gradients
tutorial's CNN (conv 1->32->64, max-pool, fc 9216->128->10, log_softmax + nll_loss) over 16 MNIST-sized
images, ``vmap(grad(...))`` against the tutorial's loop of one backward per sample, and
``flex_attention`` (whose score_mod/mask_mod run under four vmaps) with a causal block mask and an
ALiBi-like score_mod on 2x4x256x32 float32 (PyTorch unfused, as on its CPU without torch.compile). Each
``*_loop`` line computes the same with a Python loop over the batch (what ember's vmap did before it
ran batched).
"""
from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    F, func = lib.nn.functional, lib.func
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(32, 64), lib.nn.ReLU(), lib.nn.Linear(64, 10))
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def loss(p, b, sample, target):
        out = func.functional_call(model, (p, b), (sample.unsqueeze(0),))
        return F.cross_entropy(out, target.unsqueeze(0))

    data, targets = lib.randn(64, 32), lib.randint(0, 10, (64,))
    per_sample = func.vmap(func.grad(loss), in_dims=(None, None, 0, 0))
    one = func.grad(loss)
    res = {'per_sample_grads_ms': best(lambda: per_sample(params, buffers, data, targets), 5) * 1e3,
           'per_sample_grads_loop_ms': best(lambda: [one(params, buffers, data[i], targets[i])
                                                     for i in range(64)], 2) * 1e3}

    w = lib.randn(16, 16)
    x = lib.randn(256, 16)

    def mm_fn(v):
        return (w @ v).tanh() @ w

    batched = func.vmap(mm_fn)
    res['vmap_matmul_us'] = best(lambda: batched(x), 50) * 1e6
    res['vmap_matmul_loop_us'] = best(lambda: lib.stack([mm_fn(x[i]) for i in range(256)]), 5) * 1e6

    def f(v):
        return (v.sin() * v.exp()).sum()

    h = func.hessian(f)
    xs = lib.randn(32, 8, dtype=lib.float64)
    vh = func.vmap(h)
    res['vmap_hessian_ms'] = best(lambda: vh(xs), 3) * 1e3
    res['vmap_hessian_loop_ms'] = best(lambda: [h(xs[i]) for i in range(32)], 2) * 1e3
    res.update(_per_sample_cnn(lib))
    res['flex_attention_ms'] = _flex(lib)
    return res


def _flex(lib):
    import importlib
    import warnings
    warnings.simplefilter('ignore')     # PyTorch's "called without torch.compile()" notice
    fa = importlib.import_module(lib.__name__ + '.nn.attention.flex_attention')
    q, k, v = (lib.randn(2, 4, 256, 32) for _ in range(3))
    causal = fa.create_block_mask(lambda b, h, qi, ki: qi >= ki, None, None, 256, 256, device='cpu')

    def alibi(score, b, h, qi, ki):
        return score - (qi - ki).abs() * 0.01 * (h + 1)
    return best(lambda: fa.flex_attention(q, k, v, score_mod=alibi, block_mask=causal), 2, 3) * 1e3


def _per_sample_cnn(lib):
    """PyTorch's per-sample-gradients tutorial, as written there (batch of 16 instead of 64)."""
    nn, F, func = lib.nn, lib.nn.functional, lib.func

    class SimpleCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv2(F.relu(self.conv1(x))))
            x = lib.flatten(F.max_pool2d(x, 2), 1)
            return F.log_softmax(self.fc2(F.relu(self.fc1(x))), dim=1)

    model = SimpleCNN()
    data, targets = lib.randn(16, 1, 28, 28), lib.randint(10, (16,))
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        predictions = func.functional_call(model, (params, buffers), (sample.unsqueeze(0),))
        return F.nll_loss(predictions, target.unsqueeze(0))

    per_sample = func.vmap(func.grad(compute_loss), in_dims=(None, None, 0, 0))

    def loop():
        grads = []
        for i in range(16):
            model.zero_grad()
            F.nll_loss(model(data[i:i + 1]), targets[i:i + 1]).backward()
            grads.append([p.grad.clone() for p in model.parameters()])
        return [lib.stack(g) for g in zip(*grads)]
    return {'cnn_per_sample_grads_ms': best(lambda: per_sample(params, buffers, data, targets), 1, 3) * 1e3,
            'cnn_per_sample_grads_loop_ms': best(loop, 1, 3) * 1e3}


if __name__ == '__main__':
    side_by_side(__file__, bench, header='torch.func', width=28, digits=2)
