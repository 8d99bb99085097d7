"""The examples a user runs first: the MNIST classifier on the embedded digits, the CIFAR-10 CNN."""
import importlib.util
import pathlib
import re

import pytest

import ember

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / 'examples' / f'{name}.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_mnist_example_on_digits_reaches_95_percent(tmp_path, capsys):
    pytest.importorskip('PIL')
    mnist = _load('mnist')
    out_dir = tmp_path / 'run'
    history = mnist.main(['--dataset', 'digits', '--out', str(out_dir)])
    out = capsys.readouterr().out
    assert history[-1][2] >= 0.95
    # the tutorial's log lines; the last batch (1437 = 22 * 64 + 29) is counted as the samples seen
    assert re.search(r'^loss: \d\.\d{6}  \[   64/ 1437\]$', out, re.M)
    assert re.search(r'^loss: \d\.\d{6}  \[ 1437/ 1437\]$', out, re.M)
    assert max(int(n) for n in re.findall(r'\[ *(\d+)/ 1437\]', out)) == 1437
    assert re.search(r'^Test Error: \n Accuracy: \d+\.\d%, Avg loss: \d\.\d{6} \n$', out, re.M)
    assert 'Epoch 30\n-------------------------------' in out
    # logits into CrossEntropyLoss: the model ends with a Linear layer, no Softmax
    assert type(mnist.NeuralNetwork().linear_relu_stack[-1]).__name__ == 'Linear'
    assert sorted(p.name for p in out_dir.iterdir()) == ['model.pt']      # everything under --out
    saved = ember.load(out_dir / 'model.pt')
    model = mnist.NeuralNetwork(64, saved['width'], saved['layers'])
    model.load_state_dict(saved['model'])
    test = mnist.datasets.Digits(train=False, transform=mnist.ToTensor())
    x = ember.stack([test[i][0] for i in range(len(test))])
    y = ember.tensor([test[i][1] for i in range(len(test))])
    with ember.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    assert acc == pytest.approx(history[-1][2])


def test_mnist_example_plot(tmp_path):
    pytest.importorskip('matplotlib')
    mnist = _load('mnist')
    mnist.main(['--dataset', 'digits', '--epochs', '2', '--width', '32', '--out', str(tmp_path), '--plot'])
    assert (tmp_path / 'curves.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    import matplotlib.pyplot as plt
    drawn = []
    real_savefig = plt.Figure.savefig

    def capture(fig, *args, **kwargs):
        drawn.append([(ax.get_title(), [t.get_text() for t in ax.get_legend().get_texts()]) for ax in fig.axes])
        return real_savefig(fig, *args, **kwargs)
    plt.Figure.savefig = capture
    try:
        mnist.plot_history([(1, 2.0, 0.5, 1.5), (2, 1.0, 0.8, 0.9)], str(tmp_path / 'c.png'), 'Digits')
    finally:
        plt.Figure.savefig = real_savefig
    assert drawn == [[('Cross-entropy loss', ['train', 'test']), ('Accuracy', ['test'])]]


def test_mnist_example_says_in_one_line_why_mnist_is_unavailable(tmp_path, capsys, monkeypatch):
    pytest.importorskip('PIL')
    mnist = _load('mnist')

    def offline(*args, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz; tried 2 URL(s):\n"
                           "  https://a.example/x.gz: cannot resolve the host name (offline?)\n"
                           "  https://b.example/x.gz: cannot resolve the host name (offline?)\n"
                           "Check the network connection, or place the file at data/x.gz by hand.")
    monkeypatch.setattr(mnist.datasets, 'MNIST', offline)
    train, test, used = mnist.load_data('auto', str(tmp_path))
    out = capsys.readouterr().out
    assert used == 'Digits' and out == ("MNIST could not be downloaded (cannot resolve the host name (offline?)); "
                                        "using the embedded 8x8 digits instead.\n")


def test_examples_do_not_edit_sys_path():
    for path in (ROOT / 'examples').glob('*.py'):
        assert 'sys.path' not in path.read_text(), path


def test_cifar_example_runs_on_fakedata(tmp_path, capsys):
    pytest.importorskip('PIL')
    cifar = _load('cifar_cnn')
    acc = cifar.main(['--root', str(tmp_path), '--epochs', '1', '--fake-size', '40', '--batch-size', '8'])
    out = capsys.readouterr().out
    assert 'training on FakeData instead' in out and 'Finished Training' in out
    assert 0.0 <= acc <= 1.0


def test_mnist_example_keeps_one_progress_bar_per_epoch_on_a_terminal(tmp_path, monkeypatch):
    pytest.importorskip('PIL')
    pytest.importorskip('tqdm')
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    screen = Terminal()
    monkeypatch.setattr(sys, 'stderr', screen)
    mnist = _load('mnist')
    mnist.main(['--dataset', 'digits', '--epochs', '2', '--width', '16', '--out', str(tmp_path)])
    # tqdm redraws a bar with carriage returns; the last state of each line is what stays on screen
    lines = [line.rsplit('\r', 1)[-1] for line in screen.getvalue().split('\n')]
    finished = [line for line in lines if re.match(r'epoch [12]/2: 100%\|.*\| 23/23 ', line)]
    assert [line.split(':')[0] for line in finished] == ['epoch 1/2', 'epoch 2/2']
