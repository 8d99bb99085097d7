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
