"""nn modules, optimizers and a training loop on the 'cuda' device give the CPU's numbers."""
import copy

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy(), rtol=tol, atol=tol)


MODULES = {
    'linear': (lambda: nn.Linear(5, 3), (4, 5)),
    'conv2d': (lambda: nn.Conv2d(2, 3, 3, padding=1, stride=2), (2, 2, 6, 6)),
    'conv_transpose2d': (lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), (1, 2, 4, 4)),
    'conv1d': (lambda: nn.Conv1d(2, 4, 3, dilation=2), (2, 2, 9)),
    'batchnorm2d': (lambda: nn.BatchNorm2d(3), (4, 3, 2, 2)),
    'layernorm': (lambda: nn.LayerNorm(6), (3, 6)),
    'groupnorm': (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    'maxpool2d': (lambda: nn.MaxPool2d(2), (1, 2, 4, 4)),
    'avgpool2d': (lambda: nn.AdaptiveAvgPool2d(1), (2, 3, 4, 4)),
    'lstm': (lambda: nn.LSTM(4, 3, num_layers=2, batch_first=True), (2, 5, 4)),
    'gru': (lambda: nn.GRU(4, 3, bidirectional=True), (5, 2, 4)),
    'mha': (lambda: nn.MultiheadAttention(8, 2, batch_first=True), (2, 3, 8)),
    'transformer_layer': (lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                                             batch_first=True), (2, 4, 8)),
    'gelu_mlp': (lambda: nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 2), nn.LogSoftmax(-1)), (3, 4)),
}


def _run(module, x):
    out = module(*([x, x, x] if isinstance(module, nn.MultiheadAttention) else [x]))
    out = out[0] if isinstance(out, tuple) else out
    out.pow(2).sum().backward()
    return out


@pytest.mark.parametrize('name', sorted(MODULES))
def test_module_forward_and_backward_match_cpu(name):
    make, shape = MODULES[name]
    ember.manual_seed(0)
    cpu = make().double()
    dev = copy.deepcopy(cpu).to('cuda')
    assert all(p.device.type == 'cuda' for p in dev.parameters())
    assert all(b.device.type == 'cuda' for b in dev.buffers())
    x = ember.randn(*shape, dtype=ember.float64, requires_grad=True)
    xd = x.detach().cuda().requires_grad_()
    want = _run(cpu, x)
    got = _run(dev, xd)
    assert got.device.type == 'cuda' and xd.grad.device.type == 'cuda'
    _close(got, want)
    _close(xd.grad, x.grad)
    for (n, p), q in zip(cpu.named_parameters(), dev.parameters()):
        assert q.grad.device.type == 'cuda', n
        _close(q.grad, p.grad)
    for b, c in zip(cpu.buffers(), dev.buffers()):  # running statistics
        _close(c, b)


OPTIMIZERS = {
    'sgd': lambda ps: ember.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    'adam': lambda ps: ember.optim.Adam(ps, lr=0.01, amsgrad=True),
    'adamw': lambda ps: ember.optim.AdamW(ps, lr=0.01),
    'rmsprop': lambda ps: ember.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    'adagrad': lambda ps: ember.optim.Adagrad(ps, lr=0.1),
    'adadelta': lambda ps: ember.optim.Adadelta(ps),
    'adamax': lambda ps: ember.optim.Adamax(ps, lr=0.01),
    'nadam': lambda ps: ember.optim.NAdam(ps, lr=0.01),
    'radam': lambda ps: ember.optim.RAdam(ps, lr=0.01),
    'lbfgs': lambda ps: ember.optim.LBFGS(ps, lr=0.5, max_iter=4),
}


def _steps(model, opt, x, y, n=3):
    for _ in range(n):
        def closure():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            return loss
        opt.step(closure)
    return model


@pytest.mark.parametrize('name', sorted(OPTIMIZERS))
def test_optimizer_steps_match_cpu(name):
    ember.manual_seed(1)
    cpu = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
    dev = copy.deepcopy(cpu).cuda()
    x, y = ember.randn(6, 3, dtype=ember.float64), ember.randn(6, 1, dtype=ember.float64)
    opt_dev = OPTIMIZERS[name](dev.parameters())
    _steps(cpu, OPTIMIZERS[name](cpu.parameters()), x, y)
    _steps(dev, opt_dev, x.cuda(), y.cuda())
    for p, q in zip(cpu.parameters(), dev.parameters()):
        assert q.device.type == 'cuda'
        _close(q, p, 1e-9)
    for state in opt_dev.state.values():
        for v in state.values():
            if isinstance(v, ember.Tensor) and v.ndim > 0:
                assert v.device.type == 'cuda'


def test_training_loop_on_the_device():
    """A user's loop: model.to(device), batches from a DataLoader moved per step, loss going down."""
    from ember.utils.data import DataLoader, TensorDataset
    device = ember.device('cuda:0' if ember.cuda.is_available() else 'cpu')
    ember.manual_seed(0)
    x = ember.randn(64, 2)
    y = ((x[:, 0] * x[:, 1]) > 0).long()
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True, pin_memory=True)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 2)).to(device)
    opt = ember.optim.Adam(model.parameters(), lr=0.05)
    sched = ember.optim.lr_scheduler.StepLR(opt, 10, 0.5)
    losses = []
    for _ in range(15):
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
        sched.step()
        losses.append(total)
    assert device.type == 'cuda'
    assert losses[-1] < 0.6 * losses[0]
    model.eval()
    with ember.no_grad():
        acc = (model(x.to(device)).argmax(1).cpu() == y).float().mean().item()
    assert acc > 0.8


def test_autocast_and_grad_scaler_on_the_device():
    model = nn.Linear(4, 2).cuda()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    scaler = ember.amp.GradScaler('cuda', init_scale=256.)
    assert scaler.is_enabled()
    x = ember.randn(3, 4, device='cuda')
    with ember.autocast('cuda', dtype=ember.float16):
        out = model(x)
        assert out.dtype == ember.float16 and out.device.type == 'cuda'
        loss = out.float().pow(2).mean()
    before = model.weight.detach().clone()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    assert model.weight.grad.dtype == ember.float32 and model.weight.grad.device.type == 'cuda'
    assert not ember.equal(model.weight.detach(), before)


def test_a_training_step_never_waits_for_the_device():
    """Forward, backward, gradient clipping and the optimizer step queue device work without making
    the host wait (no copies to the host, no bool()/float()/item() of a device value): the device
    runs ahead of Python, as with PyTorch. Reading the loss (.item()) is the one wait."""
    from tests.cuda import strict_xp
    if not isinstance(ember.ones(1, device='cuda')._data, strict_xp.ndarray):
        pytest.skip('counts the stand-in device\'s waits')
    model = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.GELU(), nn.Dropout(0.1), nn.Linear(16, 4)).cuda()
    opt = ember.optim.AdamW(model.parameters(), lr=0.01)
    x, y = ember.randn(5, 8, device='cuda'), ember.randn(5, 4, device='cuda')

    def step():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss
    step()  # the first step creates the optimizer's state
    strict_xp._State.syncs.clear()
    loss = step()
    assert strict_xp._State.syncs == []
    loss.item()
    assert len(strict_xp._State.syncs) == 1
