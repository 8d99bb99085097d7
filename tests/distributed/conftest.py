"""One 2-rank job runs every feature check (see workers/all_checks.py); the tests read its output."""
import os
import subprocess
import sys

import pytest

from tests.distributed._launch import ROOT, WORKERS, mpi_env, require_mpi


@pytest.fixture(scope='session')
def two_rank_dir(tmp_path_factory):
    """The directory the 2-rank job writes its files in (checkpoints among them)."""
    return tmp_path_factory.mktemp('ckpt')


@pytest.fixture(scope='session')
def two_rank_run(two_rank_dir):
    """The output of ``ember run --nproc 2 workers/all_checks.py`` (it must succeed)."""
    require_mpi()
    ckpt = str(two_rank_dir / 'ckpt.pt')
    proc = subprocess.run([sys.executable, '-m', 'ember', 'run', '--nproc', '2',
                           os.path.join(WORKERS, 'all_checks.py'), ckpt],
                          env=mpi_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout
