"""Seed 000's MNIST classifier, as a user runs it.

    python examples/mnist.py                       # MNIST if on disk or downloadable, else the embedded digits
    python examples/mnist.py --dataset digits --epochs 5
    python examples/mnist.py --width 512 --layers 1 --lr 1e0 --epochs 10 --dataset mnist

The model is the seed's: Flatten, then ``--layers`` hidden Linear+ReLU blocks of ``--width``
units, then Linear to 10 classes and Softmax(dim=1), trained with CrossEntropyLoss and SGD.
The log lines are the seed's (``loss: ...  [ 6400/60000]``, ``Test Error: ...``).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import ember as torch  # noqa: E402  (the seed's code reads unchanged with torch = ember)
from ember import nn  # noqa: E402
from ember.utils.data import DataLoader  # noqa: E402
from ember.vision import datasets  # noqa: E402
from ember.vision.transforms import ToTensor  # noqa: E402

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
        self.linear_relu_stack = nn.Sequential(*blocks, nn.Linear(width if layers else in_features, classes),
                                               nn.Softmax(dim=1))

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


def load_data(name, root):
    """(train, test, name actually used): MNIST-like sets from disk/download, else the digits."""
    sets = {'mnist': datasets.MNIST, 'fashion': datasets.FashionMNIST}
    if name in ('auto', 'mnist', 'fashion'):
        cls = sets['mnist' if name == 'auto' else name]
        try:
            train = cls(root=root, train=True, download=True, transform=ToTensor())
            test = cls(root=root, train=False, download=True, transform=ToTensor())
            return train, test, cls.__name__
        except (RuntimeError, OSError) as e:
            if name != 'auto':
                raise
            print(f"MNIST is not on disk and could not be downloaded ({str(e).splitlines()[0]}); "
                  "using the embedded 8x8 digits instead.")
    train = datasets.Digits(train=True, transform=ToTensor())
    test = datasets.Digits(train=False, transform=ToTensor())
    return train, test, 'Digits'


def train_loop(dataloader, model, loss_fn, optimizer, device, epoch, log_every):
    size = len(dataloader.dataset)
    model.train()
    batches = dataloader
    bar = None
    if tqdm is not None and sys.stderr.isatty():
        bar = batches = tqdm(dataloader, desc=f'epoch {epoch}', leave=False)
    for batch, (X, y) in enumerate(batches):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch % log_every == 0:
            loss, current = loss.item(), batch * len(X)
            msg = f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]"
            (bar.write if bar is not None else print)(msg)
    if bar is not None:
        bar.close()


def test_loop(dataloader, model, loss_fn, device):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    model.eval()
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct, test_loss


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', choices=['auto', 'mnist', 'fashion', 'digits'], default='auto')
    p.add_argument('--root', default='data')
    p.add_argument('--width', type=int, default=512)
    p.add_argument('--layers', type=int, default=2, help='hidden Linear+ReLU layers')
    p.add_argument('--lr', type=float, default=None, help='default: 1e-1 (1e0 on digits)')
    p.add_argument('--epochs', type=int, default=None, help='default: 5 (30 on digits)')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--device', default='cpu')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--checkpoint', default='mnist_model.pt')
    p.add_argument('--plot', default=None, help='write a PNG of loss and accuracy per epoch here')
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    training_data, test_data, used = load_data(args.dataset, args.root)
    digits = used == 'Digits'
    lr = args.lr if args.lr is not None else (1e0 if digits else 1e-1)
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

    history = []
    log_every = max(1, len(train_dataloader) // 10)
    start = time.time()
    for t in range(epochs):
        print(f"Epoch {t+1}\n-------------------------------")
        train_loop(train_dataloader, model, loss_fn, optimizer, device, t + 1, log_every)
        acc, loss = test_loop(test_dataloader, model, loss_fn, device)
        history.append((t + 1, acc, loss))
    print(f"Done in {time.time() - start:.1f}s: test accuracy {100 * history[-1][1]:.1f}%")
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'epochs': epochs,
                'dataset': used, 'width': args.width, 'layers': args.layers}, args.checkpoint)
    print(f"Saved checkpoint to {args.checkpoint}")
    if args.plot:
        plot_history(history, args.plot)
        print(f"Saved plot to {args.plot}")
    return history


def plot_history(history, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    epochs = [h[0] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(epochs, [h[2] for h in history], marker='o')
    ax1.set_xlabel('epoch')
    ax1.set_ylabel('test loss')
    ax2.plot(epochs, [100 * h[1] for h in history], marker='o', color='tab:green')
    ax2.set_xlabel('epoch')
    ax2.set_ylabel('test accuracy (%)')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == '__main__':
    main()
