"""End to end: a small tanh MLP (float64, built from tensors) trained 20 steps by each optimizer; the
losses equal PyTorch 2.13's. With ``ember.nn`` present, the same with ``nn.Linear`` layers."""
import pytest

import ember

# PyTorch 2.13's losses at steps 1, 10 and 20
EXPECTED = {
    'SGD': (dict(lr=0.05, momentum=0.9, weight_decay=1e-3), [1.2016034690751731, 0.040751021919732545,
                                                            0.08736611491129168]),
    'Adam': (dict(lr=0.02, weight_decay=1e-3), [1.2016034690751731, 0.06530851683830666, 0.03506197220272162]),
    'AdamW': (dict(lr=0.02), [1.2016034690751731, 0.0644547047980487, 0.03510726979518315]),
    'RMSprop': (dict(lr=0.005), [1.2016034690751731, 0.011276555953753022, 0.0008927271896933741]),
    'Adagrad': (dict(lr=0.1), [1.2016034690751731, 0.0009148717363749768, 0.0008619466953485445]),
    'Adadelta': (dict(lr=1.0), [1.2016034690751731, 0.8820349603988935, 0.5236112387857069]),
}


def mlp_losses(name, kwargs, steps=20):
    f64 = ember.float64
    X = ember.sin(ember.arange(24, dtype=f64).reshape(8, 3) * 0.7)
    y = (X ** 2).sum(1, keepdim=True) - ember.cos(X).sum(1, keepdim=True)
    W1 = (ember.cos(ember.arange(24, dtype=f64).reshape(3, 8) * 1.3) * 0.5).requires_grad_()
    b1 = ember.zeros(8, dtype=f64, requires_grad=True)
    W2 = (ember.sin(ember.arange(8, dtype=f64).reshape(8, 1) * 2.1) * 0.5).requires_grad_()
    b2 = ember.zeros(1, dtype=f64, requires_grad=True)
    opt = getattr(ember.optim, name)([{'params': [W1, W2]}, {'params': [b1, b2], 'weight_decay': 0.0}], **kwargs)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        h = ember.tanh(X @ W1 + b1)
        loss = ((h @ W2 + b2 - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_mlp_training_losses_match_pytorch(name):
    kwargs, expected = EXPECTED[name]
    losses = mlp_losses(name, kwargs)
    assert [losses[0], losses[9], losses[19]] == pytest.approx(expected, rel=1e-10)


def test_with_nn_linear_when_available():
    nn = pytest.importorskip('ember.nn')
    if not hasattr(nn, 'Linear') or not hasattr(nn, 'Sequential'):
        pytest.skip('ember.nn.Linear is not there yet')
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = ember.optim.Adam(model.parameters(), lr=0.05)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5)
    X = ember.randn(64, 3)
    y = (X ** 2).sum(1, keepdim=True)
    first = None
    for _ in range(150):
        opt.zero_grad()
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        opt.step()
        sched.step()
        first = loss.item() if first is None else first
    assert loss.item() < first / 10   # PyTorch gets to 1-4% of the first loss for seeds 0-3
    assert opt.param_groups[0]['lr'] == pytest.approx(0.00625)   # halved at epochs 50, 100, 150
    assert len(opt.state) == 4
