"""ember.cpu: the CPU's side of device-agnostic code (torch.cpu): streams, events, capabilities."""
import platform

import pytest

import ember


def test_device_queries_and_a_stream_block():
    cpu = ember.cpu
    assert cpu.is_available() and cpu.is_initialized() and cpu.device_count() == 1
    assert cpu.current_device() == 'cpu' and cpu.set_device('cpu') is None
    default = cpu.current_stream()
    s = cpu.Stream(priority=0)
    with cpu.stream(s):
        assert cpu.current_stream() is s
        with cpu.StreamContext(None):          # None keeps the current stream
            assert cpu.current_stream() is s
    assert cpu.current_stream() is default
    e = cpu.Event()
    e.record(s)
    s.wait_event(e)
    s.wait_stream(default)
    e.synchronize()
    assert e.query() is True


def test_capabilities_use_pytorchs_names():
    caps = ember.cpu.get_capabilities()
    with pytest.raises(TypeError):
        caps['avx2'] = False                   # read-only, as PyTorch's mapping
    assert caps['num_logical_cores'] >= 1
    if platform.machine().lower() in ('x86_64', 'amd64') and platform.system() == 'Linux':
        assert caps['architecture'] == 'x86_64' and caps['sse2'] is True   # every x86-64 CPU has SSE2
        assert set(caps) >= {'avx2', 'avx512_f', 'fma3', 'amx_tile', 'f16c', 'bmi', 'lzcnt', 'sha'}


def test_capabilities_agree_with_pytorch_on_this_machine():
    torch = pytest.importorskip('torch')
    ours, theirs = ember.cpu.get_capabilities(), torch.cpu.get_capabilities()
    shared = [k for k in ours if k in theirs]
    assert len(shared) > 2
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
