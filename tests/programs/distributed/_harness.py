"""How each distributed program here is started, shared by record.py (with PyTorch) and
tests/test_distributed_programs.py (with ember).

A program starts its own processes (``mp.spawn``/``mp.Process``) unless it is listed in ``TORCHRUN``: those
are torchrun scripts, launched (once per argument list, in the same folder) by
``python -m <launcher> --standalone --nproc-per-node 2 program.py args`` (``NPROC`` gives other counts). The ranks print side by side, so
the order of their lines varies from run to run (in PyTorch too): each launch's lines are sorted, and
launches after the first begin with a ``--- launch N`` line."""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
# torchrun scripts: the script arguments of each launch
TORCHRUN = {'ddp_series_torchrun': [['2', '1'], ['4', '1']], 'fsdp2_example': [[]], 'device_mesh_recipe': [[]],
            'tensor_parallel_examples': [[]], 'pipelining_tutorial': [[]]}
NPROC = {'device_mesh_recipe': 4}     # processes per torchrun launch (2 unless listed)
_TORCHRUN_ENV = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT',
                 'TORCHELASTIC_RUN_ID', 'GROUP_RANK')


def names():
    return sorted(p.stem for p in HERE.glob('*.py') if not p.stem.startswith('_') and p.stem != 'record')


def run(name, cwd, python_prefix, launcher_module, env=None):
    """The program's sorted output lines: ``python_prefix`` runs a script (e.g. ``[python]`` or
    ``[python, '-m', 'ember', 'run']``); ``launcher_module`` is torchrun's module."""
    env = dict(os.environ if env is None else env)
    for key in _TORCHRUN_ENV:
        env.pop(key, None)
    env.setdefault('OMP_NUM_THREADS', '1')      # the ranks share the cores
    script = str(HERE / f'{name}.py')
    if name in TORCHRUN:
        nproc = str(NPROC.get(name, 2))
        launches = [[sys.executable, '-m', launcher_module, '--standalone', '--nproc-per-node', nproc, script, *args]
                    for args in TORCHRUN[name]]
    else:
        launches = [[*python_prefix, script]]
    lines = []
    for i, cmd in enumerate(launches):
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f'{" ".join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}')
        if i:
            lines.append(f'--- launch {i + 1}')
        lines += sorted(proc.stdout.splitlines())
    return lines
