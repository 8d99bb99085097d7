"""ember.compat: the torch -> ember import alias."""
import sys
import types

import pytest

import ember
from ember import compat


@pytest.fixture
def alias(monkeypatch):
    """Install the alias with no real torch in sys.modules (CI's test venv may have imported it);
    everything is put back afterwards."""
    for name in list(sys.modules):
        if name.split('.')[0] in ('torch', 'torchvision'):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    compat.install()
    yield
    compat.uninstall()


def test_module_name_mapping():
    assert compat.ember_module_name('torch') == 'ember'
    assert compat.ember_module_name('torch.nn.functional') == 'ember.nn.functional'
    assert compat.ember_module_name('torchvision') == 'ember.vision'
    assert compat.ember_module_name('torchvision.transforms') == 'ember.vision.transforms'
    assert compat.ember_module_name('torchaudio') is None
    assert compat.ember_module_name('torch_geometric') is None
    assert compat.ember_module_name('numpy') is None


def test_import_torch_gives_ember(alias):
    import torch
    import torch.autograd.functional as AF
    from torch.autograd.functional import hessian
    # PyTorch's name while aliased (pyro's patches assert it); the ember name comes back with uninstall
    assert torch is ember and torch.__name__ == 'torch'
    assert torch.nn.__name__ == 'ember.nn'
    assert AF is sys.modules['ember.autograd.functional'] and hessian is AF.hessian
    assert sys.modules['torch.autograd'] is ember.autograd
    x = torch.tensor([2.], requires_grad=True)
    (x ** 3).sum().backward()
    assert x.grad.tolist() == [12.]


def test_from_imports_of_submodules(alias):
    from torch.utils.data import DataLoader
    import torchvision.transforms as T
    from torchvision import transforms
    import ember.utils.data
    import ember.vision.transforms
    assert DataLoader is ember.utils.data.DataLoader
    assert T is transforms is ember.vision.transforms


def test_tool_modules_resolve(alias):
    pytest.importorskip('onnx')
    pytest.importorskip('tensorboard')
    import torch.onnx
    from torch.utils.tensorboard import SummaryWriter
    import ember.onnx
    import ember.utils.tensorboard
    assert torch.onnx.export is ember.onnx.export
    assert SummaryWriter is ember.utils.tensorboard.SummaryWriter


def test_missing_module_fails_like_a_missing_module(alias):
    with pytest.raises(ModuleNotFoundError, match="No module named 'torch.no_such_module'"):
        import torch.no_such_module  # noqa: F401


def test_install_is_idempotent_and_uninstall_forgets(alias):
    compat.install()
    assert sum(isinstance(f, compat.TorchAliasFinder) for f in sys.meta_path) == 1
    import torch  # noqa: F401
    assert compat.is_installed() and sys.modules['torch'] is ember
    compat.uninstall()
    assert not compat.is_installed() and 'torch' not in sys.modules
    assert ember.__name__ == 'ember' and ember.__spec__.name == 'ember' and ember.nn.__spec__.name == 'ember.nn'


def test_install_refuses_when_real_torch_is_loaded(monkeypatch):
    monkeypatch.setitem(sys.modules, 'torch', types.ModuleType('torch'))
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    with pytest.raises(RuntimeError, match="the real 'torch' is already imported"):
        compat.install()
    assert not compat.is_installed()


def test_spawned_processes_of_an_ember_run_script_import_ember(tmp_path):
    import subprocess
    import sys
    import textwrap
    script = tmp_path / 'spawner.py'
    script.write_text(textwrap.dedent('''
        import multiprocessing as mp
        import torch

        def child(q):
            import torch as t
            q.put((t.Tensor.__module__.split('.')[0], t.ones(2).sum().item()))

        if __name__ == '__main__':
            ctx = mp.get_context('spawn')
            q = ctx.Queue()
            p = ctx.Process(target=child, args=(q,))
            p.start()
            print(torch.Tensor.__module__.split('.')[0], *q.get(timeout=60))
            p.join()
    '''))
    out = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ['ember', 'ember', '2.0'], out.stderr
