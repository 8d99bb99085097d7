"""python -m ember.utils.collect_env: the environment report users paste into bug reports."""
import os
import subprocess
import sys

import numpy as np

import ember
from ember.utils import collect_env


def test_the_report_runs_as_a_module_and_names_the_facts():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, '-m', 'ember.utils.collect_env'], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == 'Collecting environment information...'
    assert lines[1] == f'ember version: {ember.__version__}' and lines[2] == f'NumPy version: {np.__version__}'
    for key in ('OS: ', 'Python version: ', 'Is CUDA available: ', 'BLAS: ', 'CPU:', 'Versions of relevant libraries:'):
        assert any(line.startswith(key) for line in lines), key
    assert f'numpy=={np.__version__}' in out.stdout
    assert 'RuntimeWarning' not in out.stderr


def test_facts_that_cannot_be_found_read_could_not_collect():
    def failing(command):
        return 127, '', 'not found'
    assert collect_env.get_gcc_version(failing) is None and collect_env.get_gpu_info(failing) is None
    assert collect_env.get_cpu_info(failing) == 'Could not collect' or sys.platform not in ('linux', 'darwin')

    def smi(command):
        return 0, 'GPU 0: NVIDIA H100 (UUID: GPU-1234)\nGPU 1: NVIDIA H100 (UUID: GPU-5678)', ''
    assert collect_env.get_gpu_info(smi) == 'GPU 0: NVIDIA H100\nGPU 1: NVIDIA H100'
    info = collect_env.SystemEnv(
        ember_version='1.0', numpy_version='2.0', is_debug_build=False, cupy_version=None,
        cuda_runtime_version=None, gcc_version=None, clang_version=None, cmake_version='version 3.25',
        os='Linux (x86_64)', libc_version='glibc-2.36', python_version='3.11 (64-bit runtime)',
        python_platform='Linux', is_cuda_available=False, nvcc_version=None, nvidia_driver_version=None,
        nvidia_gpu_models='GPU 0: A\nGPU 1: B', mpi_version=None, blas='openblas, 2 threads', pip_version='pip3',
        pip_packages='ember==1.0\nnumpy==2.0', conda_packages=None, cpu_info='a CPU')
    text = collect_env.pretty_str(info)
    assert 'CuPy version: N/A (CuPy is not installed)\n' in text and 'Clang version: Could not collect\n' in text
    assert 'GPU models and configuration: \nGPU 0: A\nGPU 1: B\n' in text
    assert text.endswith('Versions of relevant libraries:\n[pip3] ember==1.0\n[pip3] numpy==2.0\n')
    assert 'Is debug build: False\n' in text and 'CPU:\na CPU\n' in text


def test_a_command_that_hangs_is_given_up(monkeypatch):
    monkeypatch.setattr(collect_env, '_TIMEOUT', 0.5)
    rc, out, err = collect_env.run([sys.executable, '-c', 'import time; time.sleep(30)'])
    assert rc != 0 and out == '' and 'timed out' in err
