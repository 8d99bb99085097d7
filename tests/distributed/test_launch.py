"""``ember run --nproc N`` launches through mpirun; torchrun-style scripts find RANK/WORLD_SIZE/LOCAL_RANK;
a checkpoint saved on rank 0 loads on every rank."""
import os
import subprocess
import sys

from ember import cli
from tests.distributed._launch import ROOT, WORKERS, mpi_env, passed, require_mpi


def test_ember_run_nproc_runs_a_torchrun_style_script(tmp_path):
    require_mpi()
    ckpt = str(tmp_path / 'ckpt.pt')
    proc = subprocess.run([sys.executable, '-m', 'ember', 'run', '--nproc', '2',
                           os.path.join(WORKERS, 'torchrun_style.py'), ckpt],
                          env=mpi_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout
    assert passed(proc.stdout, 'torchrun')


def test_nproc_option_is_parsed_before_the_script(capsys):
    parser = cli._parser()
    assert cli._take_nproc(parser, ['--nproc', '3', 'train.py', '--nproc', '9']) == (3, ['train.py', '--nproc', '9'])
    assert cli._take_nproc(parser, ['--nproc=2', '-m', 'pkg']) == (2, ['-m', 'pkg'])
    assert cli._take_nproc(parser, ['train.py']) == (None, ['train.py'])
    for bad in (['--nproc', 'x', 'a.py'], ['--nproc', '0', 'a.py'], ['--nproc']):
        try:
            cli._take_nproc(parser, bad)
            raise AssertionError('no error')
        except SystemExit as e:
            assert e.code == 2
    assert 'argument --nproc' in capsys.readouterr().err
