"""The ``ember`` command: ``ember run`` on unmodified PyTorch scripts, ``ember info``, ``--version``."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import ember
from ember import cli

# seed 004's autograd lab and seed 003's retain_grad/grad_tensors snippet, written for PyTorch
SCRIPT = textwrap.dedent('''
    import sys
    import torch
    import torch.nn as nn
    from torch.autograd.functional import hessian

    x = torch.tensor([1., 2., 3.])
    w = torch.tensor([4., 5., 6.], requires_grad=True)
    y = torch.zeros(3)
    diff = y - w*x
    print(diff)
    square = diff**2
    print(square)
    L = torch.sum(square)
    print(L)
    L.backward()
    print(w.grad)
    print(x.grad)

    def get_loss(w):
        x = torch.tensor([1., 2., 3.])
        y = torch.zeros(3)
        return torch.sum((y - w*x)**2)

    print(hessian(get_loss, torch.tensor([4., 5., 6.], requires_grad=True)))

    w = torch.tensor([1.], requires_grad=True)
    x = torch.tensor([2.], requires_grad=True)
    a = torch.add(w, x)
    a.retain_grad()
    b = torch.add(w, 1)
    y0 = torch.mul(a, b)
    y1 = torch.add(a, 10)
    loss = torch.cat([y0, y1], dim=0)
    loss.backward(gradient=torch.tensor([1., 2.]))
    print(w.grad, a.grad)
    grad_1 = torch.autograd.grad(torch.pow(x, 2), x, create_graph=True)
    print(grad_1)
    print(torch.autograd.grad(grad_1[0], x))
    from torch.utils.data import DataLoader, TensorDataset
    print(len(TensorDataset(torch.zeros(4, 2))), torch.Size([2, 3]).numel())
    import os, tempfile
    path = os.path.join(tempfile.mkdtemp(), 'ckpt.pt')
    torch.save({'w': w, 'view': torch.arange(6.)[::2]}, path)
    print(torch.load(path))
    print(1 / 0 if "--boom" in sys.argv else "ok")
    print('argv', sys.argv[1:])
    sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
''')

# what PyTorch 2.13 prints for SCRIPT with arguments `3 --flag` (exit status 3)
TORCH_OUTPUT = """\
tensor([ -4., -10., -18.], grad_fn=<SubBackward0>)
tensor([ 16., 100., 324.], grad_fn=<PowBackward0>)
tensor(440., grad_fn=<SumBackward0>)
tensor([  8.,  40., 108.])
None
tensor([[ 2.,  0.,  0.],
        [ 0.,  8.,  0.],
        [ 0.,  0., 18.]])
tensor([7.]) tensor([4.])
(tensor([4.], grad_fn=<MulBackward0>),)
(tensor([2.]),)
4 6
{'w': tensor([1.], requires_grad=True), 'view': tensor([0., 2., 4.])}
ok
argv ['3', '--flag']
"""


def _ember(*args, cwd=None):
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    env['PYTHONPATH'] = root + os.pathsep + env.get('PYTHONPATH', '')   # this checkout's ember
    return subprocess.run([sys.executable, '-m', 'ember', *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=60)


@pytest.fixture
def script(tmp_path):
    path = tmp_path / 'lab.py'
    path.write_text(SCRIPT)
    return path


def test_run_prints_what_pytorch_prints_and_passes_the_exit_code(script):
    proc = _ember('run', str(script), '3', '--flag')
    assert proc.stdout == TORCH_OUTPUT, proc.stderr
    assert proc.returncode == 3


def test_run_shows_the_scripts_traceback_and_exits_1(script):
    proc = _ember('run', str(script), '0', '--boom')
    assert proc.returncode == 1
    err = proc.stderr
    assert err.startswith('Traceback (most recent call last):\n')
    assert f'File "{script}", line' in err and 'ZeroDivisionError: division by zero' in err
    assert 'cli.py' not in err and 'runpy' not in err      # only the user's frames
    assert proc.stdout.endswith('{\'w\': tensor([1.], requires_grad=True), \'view\': tensor([0., 2., 4.])}\n')


def test_run_module_with_arguments(tmp_path):
    (tmp_path / 'trainer.py').write_text(textwrap.dedent('''
        import sys, torch
        import torch.autograd.functional
        print(__name__, sys.argv[1:], torch.ones(2).sum().item(), sys.argv[0].endswith('trainer.py'))
    '''))
    proc = _ember('run', '-m', 'trainer', '--epochs', '2', cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "__main__ ['--epochs', '2'] 2.0 True\n"


def test_run_imports_modules_beside_the_script(tmp_path):
    (tmp_path / 'helpers.py').write_text('import torch\nSCALE = torch.tensor(2.)\n')
    (tmp_path / 'main.py').write_text('import sys, helpers\nprint((helpers.SCALE * 3).item(), sys.path[0])\n')
    proc = _ember('run', str(tmp_path / 'main.py'))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f'6.0 {tmp_path}\n'


def test_run_missing_script_and_missing_arguments(tmp_path):
    proc = _ember('run', str(tmp_path / 'nope.py'))
    assert proc.returncode == 2
    assert "ember run: can't open file" in proc.stderr and 'nope.py' in proc.stderr
    proc = _ember('run')
    assert proc.returncode == 2 and 'give a script to run' in proc.stderr
    proc = _ember('run', '-m', 'no_such_module_here', cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr == "ember run: No module named no_such_module_here\n"


def test_no_command_prints_usage(capsys):
    assert cli.main([]) == 2
    assert 'usage: ember' in capsys.readouterr().err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(['--version'])
    assert exit_info.value.code == 0 and capsys.readouterr().out == f'ember {ember.version.ember_version} (PyTorch 2.13.0 API)\n'
    with pytest.raises(SystemExit):
        cli.main(['--help'])
    out = capsys.readouterr().out
    assert 'run' in out and 'info' in out


def test_info_lists_versions_backends_and_threads(capsys):
    assert cli.main(['info']) == 0
    lines = capsys.readouterr().out.splitlines()
    import numpy as np
    import platform
    assert lines[0].startswith(f'ember {ember.version.ember_version} (PyTorch 2.13.0 API) (')
    assert lines[1].startswith(f'Python {platform.python_version()} (')
    assert f'NumPy {np.__version__}' in lines
    cuda = next(ln for ln in lines if ln.startswith('CUDA'))
    assert ('available, ' in cuda) == ember.cuda.is_available()
    assert any(ln.startswith('MPI (mpi4py') for ln in lines)
    assert f'CPU threads: {os.cpu_count()} (' in '\n'.join(lines)
    assert any(ln.startswith('BLAS: ') for ln in lines)


def test_python_dash_m_ember_info():
    proc = _ember('info')
    assert proc.returncode == 0 and proc.stdout.startswith(f'ember {ember.version.ember_version} (PyTorch')


_DEEP_ERROR = """import torch
import torch.nn.functional as F


def forward(x):
    return F.linear(x, torch.ones(3, 5))


forward(torch.ones(2, 4))
"""


def test_run_leaves_embers_own_frames_out_of_tracebacks(tmp_path):
    path = tmp_path / 'deep.py'
    path.write_text(_DEEP_ERROR)
    proc = _ember('run', str(path))
    err = proc.stderr
    assert proc.returncode == 1 and err.startswith('Traceback (most recent call last):\n')
    frames = re.findall(r'^  File "([^"]+)", line (\d+)', err, re.M)
    assert frames == [(str(path), '9'), (str(path), '6')], err     # the script's two lines, nothing of ember's
    assert err.rstrip().splitlines()[-1].startswith('RuntimeError: mat1 and mat2 shapes cannot be multiplied')
    full = subprocess.run([sys.executable, '-m', 'ember', 'run', str(path)], capture_output=True, text=True,
                          env={**os.environ, 'EMBER_TRACEBACK': 'full',
                               'PYTHONPATH': os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))},
                          timeout=60)
    assert os.path.join('ember', 'ops') in full.stderr       # on request, everything


def test_run_tracebacks_keep_the_frames_of_the_scripts_own_runpy_calls(tmp_path):
    # a harness that runs another script with runpy.run_path: Python shows runpy's frames between them
    (tmp_path / 'inner.py').write_text('import torch\ntorch.ones(2) @ torch.ones(3)\n')
    outer = tmp_path / 'outer.py'
    outer.write_text(f'import runpy\nrunpy.run_path({str(tmp_path / "inner.py")!r}, run_name="__main__")\n')
    err = _ember('run', str(outer)).stderr
    frames = re.findall(r'^  File "([^"]+)", line \d+, in (\S+)', err, re.M)
    assert frames == [(str(outer), '<module>'), ('<frozen runpy>', 'run_path'),
                      ('<frozen runpy>', '_run_module_code'), ('<frozen runpy>', '_run_code'),
                      (str(tmp_path / 'inner.py'), '<module>')], err


def test_run_tracebacks_keep_pythons_hints_and_the_scripts_excepthook(tmp_path):
    # fast_neural_style's --export_onnx calls torch.onnx._export; Python's display adds the hint
    path = tmp_path / 'hint.py'
    path.write_text('import torch\nimport torch.onnx\ntorch.onnx._export\n')
    proc = _ember('run', str(path))
    assert proc.returncode == 1
    assert proc.stderr.rstrip().splitlines()[-1] == \
        "AttributeError: module 'ember.onnx' has no attribute '_export'. Did you mean: 'export'?"
    path.write_text('import sys, torch\n'
                    'sys.excepthook = lambda kind, value, tb: print("hooked", kind.__name__, value)\n'
                    'torch.ones(2) @ torch.ones(3)\n')
    proc = _ember('run', str(path))
    assert proc.returncode == 1 and proc.stderr == ''
    assert proc.stdout.startswith('hooked RuntimeError ')


def test_info_lists_the_optional_extras_and_survives_a_closed_pipe():
    tomllib = pytest.importorskip('tomllib')
    root = os.path.dirname(os.path.dirname(os.path.abspath(ember.__file__)))
    with open(os.path.join(root, 'pyproject.toml'), 'rb') as f:
        declared = tomllib.load(f)['project']['optional-dependencies']
    listed = {extra: [dist for dist, _ in packages] for extra, packages, _ in cli._EXTRAS}
    feature_extras = {k: v for k, v in declared.items() if k not in ('all', 'examples', 'test', 'docs')}   # tool sets, not features
    assert listed == feature_extras              # every feature extra is shown, with its packages
    text = cli.info()
    assert 'Optional extras:' in text
    assert re.search(r"^  mpi +.*(mpi4py \d|not installed: .*mpi4py.* \(pip install 'ember\[mpi\]'\))", text, re.M)
    # `ember info | head -1`: the reader is gone before ember writes; no traceback, exit code 0
    env = {**os.environ, 'PYTHONPATH': root}
    proc = subprocess.Popen([sys.executable, '-m', 'ember', 'info'], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == ''
