"""``ember run --nproc N`` launches through mpirun; torchrun-style scripts find RANK/WORLD_SIZE/LOCAL_RANK;
a checkpoint saved on rank 0 loads on every rank."""
from ember import cli
from tests.distributed._launch import passed


def test_ember_run_nproc_runs_a_torchrun_style_script(two_rank_run):
    # the shared job is started with `ember run --nproc 2`; its first script is written for torchrun
    assert passed(two_rank_run, 'torchrun'), two_rank_run


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


# ------------------------------------------------------------------ torchrun and torch.distributed.launch
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from tests.distributed._launch import ROOT, mpi_env, require_mpi  # noqa: E402

FIXTURE = os.path.join(ROOT, 'tests', 'fixtures', 'distributed', 'torchrun_env.json')


def _launched(argv):
    """What each process of ``python -m <ember launcher> argv`` saw (arguments, torchrun's variables)."""
    require_mpi()
    env = mpi_env()
    env.pop('OMP_NUM_THREADS')             # the launcher sets it to 1 for several processes, as torchrun does
    proc = subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
    seen = [json.loads(line.split('launched ', 1)[1]) for line in proc.stdout.splitlines()
            if line.startswith('launched ')]
    return sorted(seen, key=lambda s: s['env']['RANK']), proc.stdout


@pytest.mark.parametrize('case', ['run', 'run_endpoint', 'launch'])
def test_launchers_give_the_processes_what_torchrun_gives(case):
    """python -m ember.distributed.run / .launch, against PyTorch's launchers run on the same worker
    (tests/fixtures/distributed/record_torchrun_env.py)."""
    from tests.fixtures.distributed.record_torchrun_env import CASES, WORKER
    with open(FIXTURE) as f:
        want = json.load(f)[case]
    argv = [a.replace('torch.distributed', 'ember.distributed') for a in CASES[case]]
    argv[argv.index(WORKER)] = os.path.join(ROOT, 'tests', 'distributed', 'workers', 'launched.py')
    seen, out = _launched(argv)
    assert seen == want, out
    if case == 'run':
        assert 'Setting OMP_NUM_THREADS environment variable for each process to be 1' in out


def test_run_refuses_what_mpi_cannot_do():
    from ember.distributed import launch, run
    for argv, text in ((['--nnodes', '2', 'a.py'], 'start the job with mpirun and a host file'),
                       (['--nnodes', '1:4', 'a.py'], '--nnodes=1:4'),
                       (['--max-restarts', '3', 'a.py'], "--max-restarts=3 is not supported by ember's MPI launcher"),
                       (['--log-dir', '/tmp/x', 'a.py'], "--log-dir='/tmp/x' is not supported"),
                       (['--rdzv-backend', 'etcd', 'a.py'], '--rdzv-backend=etcd'),
                       (['--nproc-per-node', 'many', 'a.py'], 'Unsupported nproc_per_node value: many')):
        with pytest.raises(ValueError) as err:
            run.run(run.parse_args(argv))
        assert text in str(err.value), err.value
    with pytest.raises(ValueError, match="you must also set the '--use-env' flag"):
        launch.launch(launch.parse_args(['--no-python', 'a.sh']))
    args = run.parse_args(['--nproc_per_node=cpu', '-m', 'pkg.train', '--lr', '0.1'])
    assert args.module and args.training_script == 'pkg.train' and args.training_script_args == ['--lr', '0.1']
    assert run._nproc(args.nproc_per_node) == (os.cpu_count() or 1)
