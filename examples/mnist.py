"""Train a small MNIST classifier with ember (PyTorch's quick-start model and training loop).

    python examples/mnist.py                        # MNIST if on disk or downloadable, else the embedded digits
    python examples/mnist.py --dataset digits --epochs 5 --plot
    python examples/mnist.py --out runs/wide --width 512 --layers 1 --lr 1e0 --epochs 10 --dataset mnist

The model: Flatten, then ``--layers`` hidden Linear+ReLU blocks of ``--width`` units, then a
Linear layer to 10 classes whose outputs (logits) go straight into CrossEntropyLoss, trained with
SGD. Everything the run writes (the downloaded data, ``model.pt``, ``curves.png``) goes under
``--out``. Run it with ember installed (``pip install ".[examples]"``); under ``ember run`` the
same file works with ``import torch``.
"""
import argparse
import contextlib
import io
import os
import sys
import time

import ember as torch  # the code below reads as PyTorch code
from ember import nn
from ember.utils.data import DataLoader
from ember.vision import datasets
from ember.vision.transforms import ToTensor

try:
    from tqdm import tqdm
except ImportError:  # the progress bar is optional
    tqdm = None


class NeuralNetwork(nn.Module):
    def __init__(self, in_features=28 * 28, width=512, layers=2, classes=10):
        super().__init__()
        self.flatten = nn.Flatten()
        blocks = []
        for i in range(layers):
            blocks += [nn.Linear(in_features if i == 0 else width, width), nn.ReLU()]
        # logits: CrossEntropyLoss applies log-softmax itself (a Softmax here would flatten the loss)
        self.linear_relu_stack = nn.Sequential(*blocks, nn.Linear(width if layers else in_features, classes))

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


def _download_failure(error):
    """The reason a download failed, on one line (the first URL's reason, without the URL list)."""
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    detail = next((ln for ln in lines[1:] if ': ' in ln), lines[0] if lines else type(error).__name__)
    return detail.split(': ', 1)[-1] if detail.startswith('http') else detail


def load_data(name, root):
    """(train, test, name actually used): MNIST-like sets from disk/download, else the digits."""
    sets = {'mnist': datasets.MNIST, 'fashion': datasets.FashionMNIST}
    if name in ('auto', 'mnist', 'fashion'):
        cls = sets['mnist' if name == 'auto' else name]
        log = io.StringIO()
        try:
            with contextlib.redirect_stdout(log) if name == 'auto' else contextlib.nullcontext():
                train = cls(root=root, train=True, download=True, transform=ToTensor())
                test = cls(root=root, train=False, download=True, transform=ToTensor())
            print(log.getvalue(), end='')
            return train, test, cls.__name__
        except (RuntimeError, OSError) as e:
            if name != 'auto':
                raise
            print(f"MNIST could not be downloaded ({_download_failure(e)}); "
                  "using the embedded 8x8 digits instead.")
    train = datasets.Digits(train=True, transform=ToTensor())
    test = datasets.Digits(train=False, transform=ToTensor())
    return train, test, 'Digits'


def train_loop(dataloader, model, loss_fn, optimizer, device, epoch, epochs, log_every):
    """One epoch; returns the mean training loss."""
    size = len(dataloader.dataset)
    model.train()
    batches = dataloader
    bar = None
    if tqdm is not None and sys.stderr.isatty():
        # leave=True: each epoch's finished bar stays on screen
        bar = batches = tqdm(dataloader, desc=f'epoch {epoch}/{epochs}', unit='batch', leave=True)
    seen, total_loss = 0, 0.0
    for batch, (X, y) in enumerate(batches):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seen += len(X)                  # the last batch may be smaller: count what was actually seen
        total_loss += loss.item() * len(X)
        if batch % log_every == 0 or seen == size:
            msg = f"loss: {loss.item():>7f}  [{seen:>5d}/{size:>5d}]"
            (bar.write if bar is not None else print)(msg)
    if bar is not None:
        bar.close()
    return total_loss / seen


def test_loop(dataloader, model, loss_fn, device):
    size = len(dataloader.dataset)
    test_loss, correct = 0.0, 0
    model.eval()
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item() * len(X)
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= size
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct, test_loss


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', choices=['auto', 'mnist', 'fashion', 'digits'], default='auto')
    p.add_argument('--out', default='mnist-run',
                   help='directory for everything the run writes: data/, model.pt, curves.png')
    p.add_argument('--width', type=int, default=512)
    p.add_argument('--layers', type=int, default=2, help='hidden Linear+ReLU layers')
    p.add_argument('--lr', type=float, default=None, help='default: 1e-1 (5e-2 on digits)')
    p.add_argument('--epochs', type=int, default=None, help='default: 5 (30 on digits)')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--device', default='cpu')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--plot', action='store_true', help='also write curves.png: train and test loss and accuracy')
    args = p.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    training_data, test_data, used = load_data(args.dataset, os.path.join(args.out, 'data'))
    digits = used == 'Digits'
    lr = args.lr if args.lr is not None else (5e-2 if digits else 1e-1)
    epochs = args.epochs if args.epochs is not None else (30 if digits else 5)
    in_features = training_data[0][0].numel()
    print(f"dataset: {used} ({len(training_data)} train / {len(test_data)} test, {in_features} pixels), "
          f"width {args.width}, layers {args.layers}, lr {lr}, epochs {epochs}, batch {args.batch_size}")

    train_dataloader = DataLoader(training_data, batch_size=args.batch_size, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=args.batch_size)
    model = NeuralNetwork(in_features, args.width, args.layers).to(device)
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    history = []   # (epoch, train loss, test accuracy, test loss)
    log_every = max(1, len(train_dataloader) // 10)
    start = time.time()
    for t in range(epochs):
        print(f"Epoch {t+1}\n-------------------------------")
        train_loss = train_loop(train_dataloader, model, loss_fn, optimizer, device, t + 1, epochs, log_every)
        acc, loss = test_loop(test_dataloader, model, loss_fn, device)
        history.append((t + 1, train_loss, acc, loss))
    print(f"Done in {time.time() - start:.1f}s: test accuracy {100 * history[-1][2]:.1f}%")
    checkpoint = os.path.join(args.out, 'model.pt')
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'epochs': epochs,
                'dataset': used, 'width': args.width, 'layers': args.layers}, checkpoint)
    print(f"Saved checkpoint to {checkpoint}")
    if args.plot:
        path = os.path.join(args.out, 'curves.png')
        plot_history(history, path, used)
        print(f"Saved plot to {path}")
    return history


def plot_history(history, path, dataset):
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    epochs = [h[0] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [h[1] for h in history], marker='o', label='train')
    ax1.plot(epochs, [h[3] for h in history], marker='o', label='test')
    ax1.set(title='Cross-entropy loss', xlabel='epoch', ylabel='loss')
    ax1.legend()
    ax2.plot(epochs, [100 * h[2] for h in history], marker='o', color='tab:green', label='test')
    ax2.set(title='Accuracy', xlabel='epoch', ylabel='accuracy (%)')
    ax2.legend()
    fig.suptitle(f'{dataset}: training curves')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == '__main__':
    main()
