"""The examples a user runs first: seed 000's MNIST classifier on the embedded digits, seed 002's CNN."""
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
    pytest.importorskip('sklearn')
    pytest.importorskip('PIL')
    mnist = _load('mnist')
    ckpt = tmp_path / 'model.pt'
    history = mnist.main(['--dataset', 'digits', '--checkpoint', str(ckpt), '--root',
                          str(tmp_path / 'data')])
    out = capsys.readouterr().out
    assert history[-1][1] >= 0.95
    # the seed's log lines
    assert re.search(r'^loss: \d\.\d{6}  \[    0/ 1437\]$', out, re.M)
    assert re.search(r'^Test Error: \n Accuracy: \d+\.\d%, Avg loss: \d\.\d{6} \n$', out, re.M)
    assert 'Epoch 30\n-------------------------------' in out
    saved = ember.load(ckpt)
    model = mnist.NeuralNetwork(64, saved['width'], saved['layers'])
    model.load_state_dict(saved['model'])
    test = mnist.datasets.Digits(train=False, transform=mnist.ToTensor())
    x = ember.stack([test[i][0] for i in range(len(test))])
    y = ember.tensor([test[i][1] for i in range(len(test))])
    with ember.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    assert acc == pytest.approx(history[-1][1])


def test_mnist_example_plot(tmp_path):
    pytest.importorskip('sklearn')
    pytest.importorskip('matplotlib')
    mnist = _load('mnist')
    png = tmp_path / 'curve.png'
    mnist.main(['--dataset', 'digits', '--epochs', '2', '--width', '32', '--checkpoint', str(tmp_path / 'm.pt'),
                '--plot', str(png)])
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_cifar_example_runs_on_fakedata(tmp_path, capsys):
    pytest.importorskip('PIL')
    cifar = _load('cifar_cnn')
    acc = cifar.main(['--root', str(tmp_path), '--epochs', '1', '--fake-size', '40', '--batch-size', '8'])
    out = capsys.readouterr().out
    assert 'training on FakeData instead' in out and 'Finished Training' in out
    assert 0.0 <= acc <= 1.0
