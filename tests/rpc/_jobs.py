"""Run an RPC job (tests/rpc/jobs/<name>.py) in a fresh interpreter with a hard timeout, and read what
its worker 0 recorded. The same jobs run on PyTorch (scripts/record_rpc_oracle.py) to make the
fixtures in tests/fixtures/rpc/."""
import json
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'rpc')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_job(name, out_dir, framework='ember', timeout=240, python=sys.executable, with_output=False):
    """The JSON worker 0 of job ``name`` wrote (the job must succeed within ``timeout`` seconds), and the
    workers' output when ``with_output``."""
    out = os.path.join(str(out_dir), f'{name}-{framework}.json')
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    proc = subprocess.run([python, os.path.join(HERE, 'jobs', f'{name}.py'), framework, str(free_port()), out],
                          env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-6000:]
    with open(out) as fh:
        result = json.load(fh)
    return (result, proc.stdout) if with_output else result


def recorded(name):
    """What PyTorch's run of job ``name`` recorded."""
    with open(os.path.join(FIXTURES, f'{name}.json')) as fh:
        return json.load(fh)
