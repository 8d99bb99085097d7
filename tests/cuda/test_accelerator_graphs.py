"""torch.accelerator's graphs and memory modules, and the device-generic ember.Stream/ember.Event, on the
'cuda' device (the strict stand-in in CI): with an accelerator present they are CUDA's."""
import inspect

import pytest

import ember
from ember import cuda


def test_generic_streams_and_events_are_the_accelerators():
    s = ember.Stream()
    assert isinstance(s, cuda.Stream) and s.device == ember.device('cuda:0')
    assert ember.Stream('cuda:1').device == ember.device('cuda:1') and ember.Stream('cuda', priority=-1).priority == -1
    assert type(ember.Stream('cpu')) is ember.Stream and ember.Stream('cpu').query()
    e = ember.Event(enable_timing=True)
    assert isinstance(e, cuda.Event) and e.enable_timing
    with s:
        assert cuda.current_stream() == s
        e.record()
    e.synchronize()
    assert type(ember.Event('cpu')) is ember.Event


def test_an_accelerator_graph_captures_on_a_generic_stream_and_replays():
    x = ember.zeros(4, device='cuda')
    g = ember.accelerator.Graph()
    assert isinstance(g, cuda.CUDAGraph) and g.capture_error_mode == 'default' and g.graph_pool is None
    with ember.Stream(), g:
        y = x * 2 + 1
    x.fill_(3.)
    g.replay()
    assert y.cpu().tolist() == [7.] * 4
    # a second graph shares the first one's pool; its capture mode is kept from construction
    g2 = ember.accelerator.graphs.Graph(pool=g.pool(), capture_error_mode='relaxed')
    with cuda.stream(cuda.Stream()):
        g2.capture_begin()
        z = y - 1
        g2.capture_end()
    x.fill_(1.)
    g.replay()
    g2.replay()
    assert z.cpu().tolist() == [2.] * 4 and g2.pool() == g.pool()
    with pytest.raises(RuntimeError, match='^Unknown capture error mode. Expected `default`, `global`, '
                                           '`thread_local`, or `relaxed`, got strict$'):
        ember.accelerator.Graph(capture_error_mode='strict')


def test_accelerator_memory_module_and_positional_only_parameters():
    mem = ember.accelerator.memory
    x = ember.ones(256, device='cuda')
    assert mem.memory_allocated() == ember.accelerator.memory_allocated() == cuda.memory_allocated() >= x.nbytes
    assert mem.get_memory_info(0) == cuda.mem_get_info(0)
    assert mem._snapshot()['segments'] == []
    for fn in (ember.accelerator.synchronize, ember.accelerator.set_device_index, ember.accelerator.device_index):
        first = next(iter(inspect.signature(fn).parameters.values()))
        assert first.kind is inspect.Parameter.POSITIONAL_ONLY, fn
    with ember.accelerator.device_index(1):
        assert ember.accelerator.current_device_index() == 1
    assert ember.accelerator.current_device_index() == 0
    ember.accelerator.synchronize(0)
