"""PyTorch's distributed tutorials, made to run on CPU with gloo, print what PyTorch 2.13 printed.

Each ``tests/programs/distributed/<name>.py`` imports ``torch`` as the tutorial does and starts its
own processes (``mp.spawn`` or ``mp.Process``, which meet through ``MASTER_ADDR``/``MASTER_PORT``);
it runs here under ``python -m ember run`` (``torch`` aliased to ember), and needs no MPI. The ranks
print side by side, so their lines are compared sorted with ``<name>.out``, PyTorch's output recorded
by ``tests/programs/distributed/record.py`` ('torch' read as 'ember')."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / 'tests' / 'programs' / 'distributed'
# programs that need optional packages (space-separated): torchvision's MNIST hands its transforms PIL images
NEEDS = {'dist_tuto': 'PIL'}


def run_program(name, cwd):
    env = dict(os.environ)
    env['PYTHONPATH'] = str(ROOT) + os.pathsep + env.get('PYTHONPATH', '')
    env.setdefault('OMP_NUM_THREADS', '1')      # the ranks share the cores
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        env.pop(key, None)
    proc = subprocess.run([sys.executable, '-m', 'ember', 'run', str(PROGRAMS / f'{name}.py')], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return sorted(proc.stdout.splitlines())


@pytest.mark.parametrize('name', sorted(p.stem for p in PROGRAMS.glob('*.py') if p.stem not in ('__init__', 'record')))
def test_distributed_program_prints_what_pytorch_prints(name, tmp_path):
    for module in NEEDS.get(name, '').split():
        pytest.importorskip(module)
    assert run_program(name, tmp_path) == (PROGRAMS / f'{name}.out').read_text().splitlines()
