"""A seeded training run written once for both libraries: an MLP with dropout on the digits,
fed by a shuffled DataLoader, a few SGD steps.  Everything random in it (the weights, the
shuffle order, the dropout masks) comes from the global seed."""
import numpy as np

STEPS = 12


def digits_arrays():
    """The 1,437 training digits as float32 pixels in [0, 1] and int64 labels (ember's split)."""
    from ember.vision.datasets import Digits
    ds = Digits(train=True)
    return (ds.data.numpy().reshape(len(ds), 64).astype(np.float32) / np.float32(255),
            ds.targets.numpy().astype(np.int64))


def train(t, steps=STEPS):
    x, y = digits_arrays()
    t.manual_seed(0)
    model = t.nn.Sequential(t.nn.Linear(64, 48), t.nn.ReLU(), t.nn.Dropout(0.25), t.nn.Linear(48, 10))
    opt = t.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
    loader = t.utils.data.DataLoader(t.utils.data.TensorDataset(t.from_numpy(x), t.from_numpy(y)),
                                     batch_size=64, shuffle=True)
    losses = []
    while len(losses) < steps:
        for xb, yb in loader:
            loss = t.nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses


def printed(v):
    """A loss as ``print(loss)`` shows it (four decimals)."""
    return f'{v:.4f}'
