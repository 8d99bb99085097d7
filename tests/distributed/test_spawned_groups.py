"""Process groups of processes that ``mp.spawn`` starts (no MPI): they meet at MASTER_ADDR:MASTER_PORT
and exchange data over TCP, as with PyTorch's gloo. The MPI workers' checks run unchanged on them."""
import os
import subprocess
import sys

from tests.distributed._launch import WORKERS
from tests.distributed.test_collectives import CHECKS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spawn_worker(n, *argv, timeout=180):
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    env['OMP_NUM_THREADS'] = '1'
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        env.pop(key, None)
    proc = subprocess.run([sys.executable, os.path.join(WORKERS, 'spawned.py'), str(n), *argv], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


def test_every_collective_between_spawned_processes():
    out = spawn_worker(2, 'collectives.py')
    for check in CHECKS:
        assert all(f'ok {check} rank={r}' in out for r in range(2)), f'{check} failed:\n{out}'


def test_ddp_between_spawned_processes():
    out = spawn_worker(2, 'ddp.py')
    checks = {line.split(" rank=")[0] for line in out.splitlines() if line.startswith("ok ")}
    assert {'ok broadcast-at-construction', 'ok ddp-equivalence', 'ok no_sync', 'ok find_unused_parameters'} <= checks, out
    for check in checks:
        assert all(f'{check} rank={r}' in out for r in range(2)), f'{check} failed:\n{out}'


def test_a_rank_that_leaves_makes_the_others_raise_not_hang():
    out = spawn_worker(2, 'spawn_peer_lost.py', timeout=60)
    assert 'ok peer-lost recv' in out and 'ok peer-lost all_reduce' in out, out


def _launch_env():
    from ember.distributed._local_launch import free_port
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    env.update(OMP_NUM_THREADS='1', MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()))
    return env


def test_torchrun_style_launch_without_mpi(tmp_path, capfd):
    # what `ember run --nproc 2` and `python -m ember.distributed.run` do where mpirun is not installed
    from ember.distributed import _local_launch
    cmd = [sys.executable, '-m', 'ember', 'run', os.path.join(WORKERS, 'collectives.py')]
    assert _local_launch.launch(cmd, 2, _launch_env()) == 0
    out = capfd.readouterr().out
    for check in CHECKS:
        assert all(f'ok {check} rank={r}' in out for r in range(2)), f'{check} failed:\n{out}'


def test_torchrun_style_launch_stops_the_job_when_a_rank_fails(tmp_path):
    import time
    from ember.distributed import _local_launch
    script = tmp_path / 'fail.py'
    script.write_text("import os, sys, time\nif os.environ['RANK'] == '1':\n    sys.exit(3)\ntime.sleep(60)\n")
    start = time.monotonic()
    assert _local_launch.launch([sys.executable, str(script)], 2, _launch_env()) == 3
    assert time.monotonic() - start < 30      # rank 0 was stopped, not waited for


def test_meta_model_sharded_then_materialised_and_initialised():
    out = spawn_worker(2, 'fsdp_meta_init.py')
    for check in ('to_empty-keeps-shards', 'reset_parameters-fills-shards'):
        assert all(f'ok {check} rank={r}' in out for r in range(2)), f'{check} failed:\n{out}'
    assert out.count('ok cpu-device_id-refused') == 2, out


def test_four_spawned_ranks_on_a_two_by_two_mesh():
    # the 4-rank worker initialises and destroys several process groups in turn: a rank that re-initialises
    # before rank 0 must still meet it (rank 0's env:// store server stays up between groups)
    out = spawn_worker(4, 'four_rank_checks.py', timeout=240)
    for check in ('dtensor-2d-redistribute', 'dtensor-2d-submesh', 'fsdp-tp-layout', 'fsdp-tp-training',
                  'fsdp-tp-checkpoint', 'hsdp-training'):
        assert all(f'ok {check} rank={r}' in out for r in range(4)), f'{check} failed:\n{out}'
