"""``python -m ember.distributed.run`` (PyTorch's ``torchrun`` / ``python -m torch.distributed.run``) on
one machine: starts ``--nproc-per-node`` copies of the training script through MPI's launcher
(``mpirun``), as ``ember run --nproc`` does, or, where mpirun is not installed, as torchrun does (the
processes then meet over TCP at ``MASTER_ADDR:MASTER_PORT``). Each process finds torchrun's variables (``RANK``,
``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``, ``TORCHELASTIC_RUN_ID``, ...) set.

Elastic features have no MPI counterpart: more than one node (start the job with ``mpirun`` and a host
file instead), restarts, rendezvous settings other than an endpoint, log redirection and filters are
refused with an error rather than ignored.

Example::

    python -m ember.distributed.run --nproc-per-node 2 train.py --epochs 3
"""
import argparse
import os
import sys

__all__ = ['get_args_parser', 'parse_args', 'run', 'main']


class _Env(argparse.Action):
    """An option whose default comes from the environment variable ``PET_<NAME>`` when set (torchrun's
    convention), else from ``default``."""

    def __init__(self, dest, default=None, required=False, **kwargs):
        env_name = f'PET_{dest.upper()}'
        default = os.environ.get(env_name, default)
        super().__init__(dest=dest, default=default, required=required and default is None, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)


class _Flag(argparse.Action):
    """A flag, also set by ``PET_<NAME>=1``."""

    def __init__(self, dest, default=False, required=False, **kwargs):
        default = bool(int(os.environ.get(f'PET_{dest.upper()}', '1' if default else '0')))
        super().__init__(dest=dest, const=True, default=default, required=required, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, self.const)


# options ember's launcher takes with these values only (their defaults, or what one machine implies)
_FIXED = {'rdzv_conf': '', 'max_restarts': 0, 'monitor_interval': 0.1, 'start_method': 'spawn',
          'event_log_handler': 'null', 'log_dir': None, 'redirects': '0', 'tee': '0', 'local_ranks_filter': '',
          'duplicate_stdout_filters': [], 'duplicate_stderr_filters': [], 'node_rank': 0, 'local_addr': None,
          'logs_specs': None, 'numa_binding': None, 'signals_to_handle': 'SIGTERM,SIGINT,SIGHUP,SIGQUIT',
          'shutdown_timeout': None, 'virtual_local_rank': False}


def get_args_parser():
    """torchrun's argument parser (the same options and defaults)."""
    p = argparse.ArgumentParser(description='ember distributed launcher (torchrun over MPI)')
    add = p.add_argument
    add('--nnodes', action=_Env, type=str, default='1:1', help='number of nodes, or MIN:MAX (1 with MPI here)')
    add('--nproc-per-node', '--nproc_per_node', action=_Env, type=str, default='1',
        help="processes per node: a number, 'cpu' (one per CPU), 'gpu' (one per GPU) or 'auto'")
    add('--rdzv-backend', '--rdzv_backend', action=_Env, type=str, default='static', help='rendezvous backend')
    add('--rdzv-endpoint', '--rdzv_endpoint', action=_Env, type=str, default='',
        help='HOST[:PORT] of the rendezvous: the MASTER_ADDR and MASTER_PORT the processes see')
    add('--rdzv-id', '--rdzv_id', action=_Env, type=str, default='none', help='the job id (TORCHELASTIC_RUN_ID)')
    add('--rdzv-conf', '--rdzv_conf', action=_Env, type=str, default='', help='rendezvous settings (refused)')
    add('--standalone', action=_Flag, help='a single-node job on a local rendezvous at a free port')
    add('--max-restarts', '--max_restarts', action=_Env, type=int, default=0, help='restarts (0: none)')
    add('--monitor-interval', '--monitor_interval', action=_Env, type=float, default=0.1)
    add('--start-method', '--start_method', action=_Env, type=str, default='spawn',
        choices=['spawn', 'fork', 'forkserver'])
    add('--event-log-handler', '--event_log_handler', action=_Env, type=str, default='null')
    add('--role', action=_Env, type=str, default='default', help='the workers role (ROLE_NAME)')
    add('-m', '--module', action=_Flag, help='run the script as a module (python -m)')
    add('--no-python', '--no_python', action=_Flag, help='run the script as an executable, without Python')
    add('--run-path', '--run_path', action=_Flag, help='run the script with runpy.run_path')
    add('--log-dir', '--log_dir', action=_Env, type=str, default=None)
    add('-r', '--redirects', action=_Env, type=str, default='0')
    add('-t', '--tee', action=_Env, type=str, default='0')
    add('--local-ranks-filter', '--local_ranks_filter', action=_Env, type=str, default='')
    add('--duplicate-stdout-filters', '--duplicate_stdout_filters', action=_Env, type=str, nargs='*', default=[])
    add('--duplicate-stderr-filters', '--duplicate_stderr_filters', action=_Env, type=str, nargs='*', default=[])
    add('--node-rank', '--node_rank', action=_Env, type=int, default=0)
    add('--master-addr', '--master_addr', action=_Env, type=str, default='127.0.0.1',
        help='MASTER_ADDR for the processes')
    add('--master-port', '--master_port', action=_Env, type=int, default=None, help='MASTER_PORT (29500 unless set)')
    add('--local-addr', '--local_addr', action=_Env, type=str, default=None)
    add('--logs-specs', '--logs_specs', default=None, type=str)
    add('--numa-binding', '--numa_binding', type=str, default=None)
    add('--signals-to-handle', '--signals_to_handle', action=_Env, type=str, default='SIGTERM,SIGINT,SIGHUP,SIGQUIT')
    add('--shutdown-timeout', '--shutdown_timeout', action=_Env, type=int, default=None)
    add('--virtual-local-rank', '--virtual_local_rank', action=_Flag)
    add('training_script', type=str, help='the training script (or module with -m) and its arguments')
    add('training_script_args', nargs=argparse.REMAINDER)
    return p


def parse_args(args):
    return get_args_parser().parse_args(args)


def _nproc(value):
    try:
        return int(value)
    except ValueError:
        pass
    import ember
    if value in ('cpu', 'auto') and not (value == 'auto' and ember.cuda.is_available()):
        return os.cpu_count() or 1
    if value in ('gpu', 'auto'):
        if not ember.cuda.is_available():
            raise ValueError("Cuda is not available.")
        return ember.cuda.device_count()
    raise ValueError(f"Unsupported nproc_per_node value: {value}")


def _check_single_node(args):
    nnodes = args.nnodes.split(':')
    if len(nnodes) > 2 or any(int(n) != 1 for n in nnodes):
        raise ValueError(f"ember's launcher starts one node's processes (--nnodes={args.nnodes}): for several "
                         "nodes, start the job with mpirun and a host file (mpirun -n N --hostfile hosts python "
                         "train.py)")
    if args.rdzv_backend not in ('static', 'c10d'):
        raise ValueError(f"--rdzv-backend={args.rdzv_backend}: ember's launcher rendezvous on one node "
                         "(static or c10d)")
    for name, default in _FIXED.items():
        if getattr(args, name) != default:
            option = '--' + name.replace('_', '-')
            raise ValueError(f"{option}={getattr(args, name)!r} is not supported by ember's MPI launcher "
                             f"(only {default!r})")


def _worker_env(args, nproc):
    env = dict(os.environ)
    addr, port = args.master_addr, args.master_port
    if args.rdzv_endpoint:
        host, _, endpoint_port = args.rdzv_endpoint.partition(':')
        addr = host or addr
        port = int(endpoint_port) if endpoint_port else port
    if port is None and args.standalone:   # torchrun's standalone rendezvous takes a free port
        from ember.distributed._local_launch import free_port
        port = free_port()
    env['MASTER_ADDR'] = addr
    env['MASTER_PORT'] = str(port if port is not None else 29500)
    env.update({'TORCHELASTIC_RUN_ID': args.rdzv_id, 'TORCHELASTIC_RESTART_COUNT': '0',
                'TORCHELASTIC_MAX_RESTARTS': str(args.max_restarts), 'ROLE_NAME': args.role,
                'GROUP_RANK': str(args.node_rank), 'GROUP_WORLD_SIZE': '1'})
    if 'OMP_NUM_THREADS' not in os.environ and nproc > 1:
        print("*****************************************\n"
              "Setting OMP_NUM_THREADS environment variable for each process to be 1 in default, to avoid your "
              "system being overloaded, please further tune the variable for optimal performance in your "
              "application as needed. \n*****************************************", file=sys.stderr)
        env['OMP_NUM_THREADS'] = '1'
    return env


def _command(args, extra_script_args=()):
    """What each process runs: the script through ``ember run`` (which sets torchrun's variables and ends
    the job when a process fails), or the executable itself with ``--no-python``."""
    script_args = [*extra_script_args, *args.training_script_args]
    if args.no_python:
        if args.module:
            raise ValueError("Don't use both the '--no-python' flag and the '--module' flag at the same time.")
        return [args.training_script, *script_args]
    if args.module:
        return [sys.executable, '-u', '-m', 'ember', 'run', '-m', args.training_script, *script_args]
    return [sys.executable, '-u', '-m', 'ember', 'run', args.training_script, *script_args]


def run(args, _extra_script_args=()):
    """Start the job ``args`` (from ``parse_args``) and wait for it; returns its exit code (an error of
    any process ends every process)."""
    import subprocess
    from ember.cli import _mpirun
    _check_single_node(args)
    nproc = _nproc(args.nproc_per_node)
    launcher = _mpirun()
    env = _worker_env(args, nproc)
    if launcher is None:   # no MPI: start the processes as torchrun does; they meet over TCP
        from ember.distributed import _local_launch
        return _local_launch.launch(_command(args, _extra_script_args), nproc, env)
    cmd = [launcher, '-n', str(nproc)]
    if nproc > (os.cpu_count() or 1):
        cmd.append('--oversubscribe')
    if hasattr(os, 'geteuid') and os.geteuid() == 0:
        env.setdefault('OMPI_ALLOW_RUN_AS_ROOT', '1')
        env.setdefault('OMPI_ALLOW_RUN_AS_ROOT_CONFIRM', '1')
    try:
        return subprocess.call(cmd + _command(args, _extra_script_args), env=env)
    except KeyboardInterrupt:
        return 130


def main(args=None):
    """The ``torchrun`` entry point: parse ``args`` (``sys.argv[1:]`` by default), run, exit with the
    job's code."""
    code = run(parse_args(args))
    if code:
        sys.exit(code)


if __name__ == '__main__':
    main()
