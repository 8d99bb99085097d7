"""PyTorch's distributed tutorials, made to run on CPU with gloo, print what PyTorch 2.13 printed.

Each ``tests/programs/distributed/<name>.py`` imports ``torch`` as the tutorial does. Most start their own
processes (``mp.spawn`` or ``mp.Process``, which meet through ``MASTER_ADDR``/``MASTER_PORT``) and run
here under ``python -m ember run`` (``torch`` aliased to ember); torchrun scripts are launched by
``python -m ember.distributed.run`` (torchrun's options). Neither needs MPI. The ranks print side by
side, so lines are compared sorted (see tests/programs/distributed/_harness.py) with ``<name>.out``,
PyTorch's output recorded by ``tests/programs/distributed/record.py`` ('torch' read as 'ember')."""
import os
import sys

import pytest

from tests.programs.distributed import _harness

ROOT = _harness.HERE.parent.parent.parent
# programs that need optional packages (space-separated): torchvision's MNIST hands its transforms PIL images
NEEDS = {'dist_tuto': 'PIL'}


@pytest.mark.parametrize('name', _harness.names())
def test_distributed_program_prints_what_pytorch_prints(name, tmp_path):
    for module in NEEDS.get(name, '').split():
        pytest.importorskip(module)
    env = dict(os.environ)
    env['PYTHONPATH'] = str(ROOT) + os.pathsep + env.get('PYTHONPATH', '')
    lines = _harness.run(name, tmp_path, [sys.executable, '-m', 'ember', 'run'], 'ember.distributed.run', env)
    assert lines == (_harness.HERE / f'{name}.out').read_text().splitlines()
