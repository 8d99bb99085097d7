"""What every benchmark shares: importing ember or torch, timing, seed 002's LeNet, and running
the same script once per library (each in its own process) to print the two side by side."""
import os
import subprocess
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def import_lib(name):
    """ember (from this checkout) or torch (using every core, as a PyTorch user would)."""
    if name == 'ember':
        sys.path.insert(0, ROOT)
        import ember as lib
        import ember.nn  # noqa: F401
        import ember.optim  # noqa: F401  (lib.optim, as torch has it)
    else:
        import torch as lib
        lib.set_num_threads(os.cpu_count() or 1)
    return lib


def best(fn, number, repeat=5):
    """Seconds per call, best of ``repeat`` runs: on a shared machine the minimum is the uncontended time."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def lenet(lib):
    """Seed 002's CIFAR network, written as its user wrote it."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return Net()


def side_by_side(script, bench, header='measure', width=24, digits=3):
    """Run ``bench('ember')`` and ``bench('torch')`` in separate processes and print ratios.

    ``script`` re-runs itself with ``--one NAME``; torch comes from ``$TORCH_PYTHON`` (default: this
    interpreter) and is left out when it cannot be imported.
    """
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(bench(sys.argv[2])))
        return
    ours = eval(subprocess.check_output([sys.executable, script, '--one', 'ember'], text=True))
    theirs = None
    try:
        theirs = eval(subprocess.check_output([os.environ.get('TORCH_PYTHON', sys.executable), script, '--one',
                                               'torch'], text=True, stderr=subprocess.DEVNULL))
    except (subprocess.CalledProcessError, FileNotFoundError):
        pass
    print(f"{header:<{width}}{'ember':>12}{'torch':>12}{'ratio':>8}")
    for k, v in ours.items():
        t = theirs.get(k) if theirs else None
        ratio = f'{v / t:.2f}' if t else '-'
        print(f"{k:<{width}}{v:>12.{digits}f}{(t if t else float('nan')):>12.{digits}f}{ratio:>8}")
    return ours, theirs
