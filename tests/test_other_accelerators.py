"""ember.xpu and ember.mps answer as PyTorch does on a machine without those devices."""
import pytest

import ember


def test_queries_say_nothing_is_available():
    assert ember.xpu.is_available() is False and ember.xpu.device_count() == 0
    assert ember.mps.is_available() is False and ember.mps.device_count() == 0
    assert ember.xpu.is_initialized() is False
    ember.xpu.empty_cache()
    ember.xpu.manual_seed(0)
    ember.mps.manual_seed(0)


def test_calls_that_need_the_device_raise_pytorch_s_errors():
    with pytest.raises(AssertionError, match='^Torch not compiled with XPU enabled$'):
        ember.xpu.synchronize()
    with pytest.raises(AssertionError, match='^Torch not compiled with XPU enabled$'):
        ember.xpu.current_device()
    with pytest.raises(RuntimeError, match=r'^Cannot execute deviceSynchronize\(\) without MPS backend\.$'):
        ember.mps.synchronize()
    with pytest.raises(RuntimeError, match=r'^Cannot execute emptyCache\(\) without MPS backend\.$'):
        ember.mps.empty_cache()
