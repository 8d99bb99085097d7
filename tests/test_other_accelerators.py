"""ember.xpu, ember.mps and ember.mtia answer as PyTorch does on a machine without those devices."""
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


# --------------------------------------------------------------- every entry point, against PyTorch's record
import json  # noqa: E402
import pathlib  # noqa: E402

from tests.fixtures.record_absent_accelerators import CASES, outcome  # noqa: E402

_RECORD = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'absent_accelerators.json').read_text())


def test_the_record_covers_every_case():
    assert sorted(_RECORD) == sorted(CASES)


@pytest.mark.parametrize('expr', CASES)
def test_without_the_device_each_call_answers_as_pytorchs(expr):
    assert outcome(ember, expr) == _RECORD[expr]


def test_where_pytorch_fails_on_its_own_missing_internals_ember_says_the_device_is_absent():
    # PyTorch raises AttributeError naming a torch._C function its CPU build lacks; ember gives the
    # module's own "not compiled" error, or the answer there is no device to change
    for call in (ember.xpu.reset_peak_memory_stats, ember.xpu.reset_accumulated_memory_stats,
                 lambda: ember.xpu.change_current_allocator(None), ember.xpu.clock_rate, ember.xpu.utilization):
        with pytest.raises(AssertionError, match='^Torch not compiled with XPU enabled$'):
            call()
    assert ember.mps.profiler.is_capturing_metal() is False and ember.mps.profiler.is_metal_capture_enabled() is False
    with pytest.raises(RuntimeError, match=r'^Cannot execute startCapture\(\) without MPS backend\.$'):
        with ember.mps.profiler.metal_capture('trace.gputrace'):
            pass
    assert ember.mtia.memory.is_initialized() is False and ember.get_device_module('mtia') is ember.mtia
