"""ember.utils.cpp_extension and file_baton: programs that import them run; building an extension is
refused with an explanation, so libraries that try one and fall back to Python take their fallback."""
import multiprocessing
import os
import subprocess
import sys

import pytest

import ember
from ember.utils import cpp_extension
from ember.utils.file_baton import FileBaton


def test_utils_submodules_are_attributes_after_import_ember():
    # as in PyTorch, where `torch.utils.collect_env` works after a bare `import torch`
    script = ("import ember; print(ember.utils.collect_env.__name__, ember.utils.cpp_extension.__name__, "
              "ember.utils.file_baton.FileBaton.__name__)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=120, env=env)
    assert out.stdout.split() == ['ember.utils.collect_env', 'ember.utils.cpp_extension', 'FileBaton'], out.stderr


@pytest.mark.parametrize('build', [
    lambda: cpp_extension.load('my_ops', ['my_ops.cpp'], verbose=True),
    lambda: cpp_extension.load_inline('my_ops', cpp_sources='int f() { return 1; }', functions=['f']),
    lambda: cpp_extension.CppExtension('my_ops', ['my_ops.cpp']),
    lambda: cpp_extension.CUDAExtension('my_ops', ['my_ops.cu']),
    lambda: cpp_extension.BuildExtension.with_options(use_ninja=False)(),
    lambda: cpp_extension.include_paths('cuda'),
])
def test_building_an_extension_is_refused_with_the_reason(build):
    with pytest.raises(RuntimeError, match=r"ember cannot build C\+\+/CUDA extensions .*libtorch.*ember\.library\.custom_op"):
        build()


def test_a_library_falling_back_to_python_takes_its_fallback():
    # the pattern of upfirdn2d-style research code: compile if possible, else the Python operator
    try:
        ops = cpp_extension.load(name='fused', sources=['fused.cpp'])
        scale = ops.scale
    except Exception:
        def scale(x):
            return x * 2
    assert scale(ember.ones(2)).tolist() == [2.0, 2.0]


def test_toolkit_facts_follow_pytorchs_rules(monkeypatch):
    # a build without CUDA (ember without CuPy, like PyTorch's CPU wheels) reports no CUDA_HOME or ROCM_HOME
    if not ember.version.cuda:
        assert cpp_extension.CUDA_HOME is None
    assert cpp_extension.ROCM_HOME is None and cpp_extension.IS_HIP_EXTENSION is False
    monkeypatch.setenv('XDG_CACHE_HOME', '/tmp/somewhere')
    assert cpp_extension.get_default_build_root() == os.path.realpath('/tmp/somewhere/torch_extensions')
    monkeypatch.setenv('PATH', '')
    assert cpp_extension.is_ninja_available() is False
    with pytest.raises(RuntimeError, match='^Ninja is required to load C\\+\\+ extensions$'):
        cpp_extension.verify_ninja_availability()


def _hold_then_release(path, ready):
    baton = FileBaton(path)
    assert baton.try_acquire()
    ready.set()
    import time
    time.sleep(0.3)
    baton.release()


def test_file_baton_excludes_a_second_process_until_released(tmp_path):
    path = str(tmp_path / 'lock')
    ready = multiprocessing.get_context('spawn').Event()
    proc = multiprocessing.get_context('spawn').Process(target=_hold_then_release, args=(path, ready))
    proc.start()
    try:
        assert ready.wait(60)
        waiter = FileBaton(path, wait_seconds=0.01)
        assert waiter.try_acquire() is False
        waiter.wait()                      # returns once the other process removed the file
        assert not os.path.exists(path)
        assert waiter.try_acquire() is True
        waiter.release()
    finally:
        proc.join(60)
    assert proc.exitcode == 0


def test_file_baton_warns_once_after_waiting_long(tmp_path):
    path = tmp_path / 'lock'
    holder = FileBaton(str(path))
    assert holder.try_acquire()
    waiter = FileBaton(str(path), wait_seconds=0.01, warn_after_seconds=0.02)
    import threading
    threading.Timer(0.2, holder.release).start()
    with pytest.warns(UserWarning, match=f'Waited on lock file "{path}" for 0.02 seconds.') as record:
        waiter.wait()
    assert len(record) == 1
