"""The examples with --device cuda: the model, batches and checkpoint live on the device."""
import importlib.util
import pathlib

import pytest

import ember

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / 'examples' / f'{name}.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_mnist_example_trains_on_cuda(tmp_path, capsys):
    pytest.importorskip('PIL')
    history = _load('mnist').main(['--dataset', 'digits', '--device', 'cuda', '--epochs', '2', '--width', '64', '--lr', '0.5',
                                   '--out', str(tmp_path)])
    assert history[-1][2] > 0.5  # test accuracy after two epochs at the example's learning rate
    saved = ember.load(tmp_path / 'model.pt')
    assert all(t.device.type == 'cuda' for t in saved['model'].values())
    cpu = ember.load(tmp_path / 'model.pt', map_location='cpu')
    assert all(t.device.type == 'cpu' for t in cpu['model'].values())
    assert 'Accuracy' in capsys.readouterr().out


def test_cifar_example_trains_on_cuda(tmp_path, capsys):
    _load('cifar_cnn').main(['--device', 'cuda', '--epochs', '1', '--fake-size', '100', '--batch-size', '20', '--root', str(tmp_path)])
    assert 'Finished Training' in capsys.readouterr().out
