"""finfo/iinfo and the process-wide switches, against PyTorch 2.13's recorded answers."""
import re
import threading
import warnings

import pytest

import ember
from ember.backend import _denormals


def test_finfo_and_iinfo_match_pytorch():
    assert repr(ember.finfo(ember.float16)) == ('finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, '
                                                'smallest_normal=6.10352e-05, tiny=6.10352e-05, dtype=float16)')
    f = ember.finfo(ember.float16)
    assert (f.bits, f.eps, f.max, f.min, f.tiny, f.resolution, f.dtype) == \
        (16, 0.0009765625, 65504.0, -65504.0, 6.103515625e-05, 0.001, 'float16')
    assert repr(ember.finfo(ember.float64)) == ('finfo(resolution=1e-15, min=-1.79769e+308, max=1.79769e+308, '
                                                'eps=2.22045e-16, smallest_normal=2.22507e-308, tiny=2.22507e-308, '
                                                'dtype=float64)')
    assert ember.finfo(ember.complex64).dtype == 'float32' and ember.finfo().dtype == 'float32'
    i = ember.iinfo(ember.uint8)
    assert repr(i) == 'iinfo(min=0, max=255, dtype=uint8)' and i.bits == 8
    assert ember.iinfo(ember.int64).max == 2 ** 63 - 1
    with pytest.raises(TypeError, match="requires a floating point input type"):
        ember.finfo(ember.int32)
    with pytest.raises(TypeError, match="requires an integer input type"):
        ember.iinfo(ember.float32)


def test_deterministic_switches():
    try:
        ember.use_deterministic_algorithms(True, warn_only=True)
        assert ember.are_deterministic_algorithms_enabled()
        assert ember.is_deterministic_algorithms_warn_only_enabled()
        assert ember.get_deterministic_debug_mode() == 1
        ember.set_deterministic_debug_mode('error')
        assert ember.get_deterministic_debug_mode() == 2 and ember.are_deterministic_algorithms_enabled()
        with pytest.raises(RuntimeError, match='expected one of `default`, `warn`, `error`, but got x'):
            ember.set_deterministic_debug_mode('x')
    finally:
        ember.use_deterministic_algorithms(False)
    assert ember.get_deterministic_debug_mode() == 0


def test_deterministic_switch_refuses_non_bools_as_pytorch():
    # PyTorch 2.13's texts; nothing changes
    for args, kwargs, text in ((("yes",), {}, "argument 'mode' (position 1) must be bool, not str"),
                               ((1,), {}, "argument 'mode' (position 1) must be bool, not int"),
                               ((True,), {'warn_only': 'x'}, "argument 'warn_only' must be bool, not str")):
        with pytest.raises(TypeError, match='^' + re.escape(f'_set_deterministic_algorithms(): {text}') + '$'):
            ember.use_deterministic_algorithms(*args, **kwargs)
        assert not ember.are_deterministic_algorithms_enabled()


def test_utils_deterministic_is_an_attribute_after_import_ember():
    import subprocess
    import sys
    code = 'import ember; print(ember.utils.deterministic.fill_uninitialized_memory)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == 'True', out.stderr


def test_other_switches():
    assert ember.get_float32_matmul_precision() == 'highest'
    ember.set_float32_matmul_precision('high')
    try:
        assert ember.get_float32_matmul_precision() == 'high'
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            ember.set_float32_matmul_precision('foo')
        assert ember.get_float32_matmul_precision() == 'high'
    finally:
        ember.set_float32_matmul_precision('highest')
    ember.set_warn_always(True)
    assert ember.is_warn_always_enabled()
    ember.set_warn_always(False)
    ember.set_anomaly_enabled(True)
    try:
        assert ember.is_anomaly_enabled() and ember.autograd.anomaly_mode.is_anomaly_enabled()
    finally:
        ember.set_anomaly_enabled(False, check_nan=False)
    assert not ember.is_anomaly_check_nan_enabled()
    ember.set_anomaly_enabled(False)


def test_set_default_tensor_type():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            ember.set_default_tensor_type(ember.DoubleTensor)
            assert ember.get_default_dtype() is ember.float64 and ember.ones(1).dtype is ember.float64
            ember.set_default_tensor_type('torch.FloatTensor')
            assert ember.get_default_dtype() is ember.float32
            with pytest.raises(TypeError, match='only floating-point types are supported as the default type'):
                ember.set_default_tensor_type(ember.LongTensor)
        finally:
            ember.set_default_dtype(ember.float32)


@pytest.mark.skipif(not _denormals.supported(), reason='ember flushes denormals on x86-64 Linux with glibc only')
def test_flush_denormal_flushes_as_pytorch_does():
    # PyTorch 2.13 on x86: True, and float32 1e-39 (a denormal) reads as 0, 1e-38 / 100 gives 0; the float64
    # 1e-39 (normal) stays; set back to False, denormals come back
    try:
        assert ember.set_flush_denormal(True) is True
        assert ember.tensor([1e-39]).tolist() == [0.] and (ember.tensor([1e-38]) / 100).tolist() == [0.]
        assert (ember.tensor([1e-300], dtype=ember.float64) * 1e-10).tolist() == [0.]
        assert ember.tensor([1e-39], dtype=ember.float64).tolist() == [1e-39]
        seen = []
        worker = threading.Thread(target=lambda: seen.append((ember.tensor([1e-38]) / 100).item()))
        worker.start()
        worker.join()
        assert seen == [0.]     # a thread started afterwards flushes too
    finally:
        assert ember.set_flush_denormal(False) is True
    assert (ember.tensor([1e-38]) / 100).item() > 0 and ember.tensor([1e-39]).item() > 0
