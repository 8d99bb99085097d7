"""CUDA graphs on the stand-in, whose streams record work while capturing and whose graphs redo it into
the same memory: capture once, change the inputs in place, replay, and read the new results."""
import pytest

import ember
from ember import cuda


def test_capture_then_replay_recomputes_from_the_inputs_memory():
    g = cuda.CUDAGraph()
    x = ember.zeros(3, device='cuda')
    assert cuda.is_current_stream_capturing() is False
    with cuda.graph(g):
        assert cuda.is_current_stream_capturing() is True
        y = x * 2 + 1
    assert cuda.is_current_stream_capturing() is False
    x.copy_(ember.tensor([1., 2., 3.], device='cuda'))
    g.replay()
    assert y.cpu().tolist() == [3., 5., 7.]
    x.fill_(10.)
    g.replay()
    assert y.cpu().tolist() == [21., 21., 21.]


def test_a_module_forward_is_replayed_on_new_static_input():
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2)).cuda()
    static_in = ember.zeros(5, 4, device='cuda')
    g = cuda.CUDAGraph()
    with ember.no_grad():
        model(static_in)   # warm up outside the graph, as PyTorch programs do
        with cuda.graph(g):
            static_out = model(static_in)
        for seed in (1, 2):
            ember.manual_seed(seed)
            batch = ember.randn(5, 4, device='cuda')
            static_in.copy_(batch)
            g.replay()
            assert ember.allclose(static_out.cpu(), model(batch).cpu())


def test_memory_of_a_capture_comes_from_the_graphs_pool_and_can_be_shared():
    x = ember.ones(256, device='cuda')
    handle = cuda.graph_pool_handle()
    assert isinstance(handle, tuple) and len(handle) == 2
    g1, g2 = cuda.CUDAGraph(), cuda.CUDAGraph()
    with cuda.graph(g1, pool=handle):
        y = x + 1
    assert g1.pool() == handle
    with cuda.graph(g2, pool=g1.pool()):
        z = y * 3
    assert g2.pool() == handle
    x.fill_(2.)
    g1.replay()
    g2.replay()
    assert z.cpu().tolist() == [9.] * 256
    assert cuda.MemPool.__name__ == 'MemPool' and cuda.graphs.graph is cuda.graph


def test_capture_refuses_what_cuda_refuses():
    g = cuda.CUDAGraph()
    with pytest.raises(RuntimeError, match=r'^Called CUDAGraph::replay without a preceding successful capture.$'):
        g.replay()
    with pytest.raises(RuntimeError, match=r'^CUDA graphs must be captured on a non-default stream. \(However, after '
                                           r'capture, it\'s ok to replay them on the default stream.\)$'):
        g.capture_begin()                               # the current stream is the default one
    with pytest.raises(RuntimeError, match='^Unknown capture error mode. Expected `global`, `thread_local`, or '
                                           '`relaxed`, got strict$'):
        cuda.graph(g, capture_error_mode='strict').__enter__()
    x = ember.ones(2, device='cuda')
    with pytest.raises(Exception, match='operation not permitted when stream is capturing'):
        with cuda.graph(g):
            (x * 2).sum().item()                         # the host cannot wait for recorded work
    assert cuda.is_current_stream_capturing() is False
    g.reset()
    with pytest.raises(RuntimeError, match='without a preceding successful capture'):
        g.pool()


def test_make_graphed_callables_replays_forward_and_backward():
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 1)).cuda()
    reference = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 1)).cuda()
    reference.load_state_dict(model.state_dict())
    sample = ember.randn(6, 4, device='cuda', requires_grad=True)
    graphed = cuda.make_graphed_callables(model, (sample,))
    assert graphed is model
    for seed in (1, 2):
        ember.manual_seed(seed)
        x = ember.randn(6, 4, device='cuda', requires_grad=True)
        xr = x.detach().clone().requires_grad_()
        model.zero_grad()
        reference.zero_grad()
        out = graphed(x)
        (out ** 2).sum().backward()
        want = reference(xr)
        (want ** 2).sum().backward()
        assert ember.allclose(out.cpu(), want.cpu(), atol=1e-6)
        assert ember.allclose(x.grad.cpu(), xr.grad.cpu(), atol=1e-6)
        for p, q in zip(model.parameters(), reference.parameters()):
            assert ember.allclose(p.grad.cpu(), q.grad.cpu(), atol=1e-6)


def test_make_graphed_callables_on_a_function_and_its_checks():
    w = ember.full((3,), 2., device='cuda', requires_grad=True)
    fn = cuda.make_graphed_callables(lambda a: a * a + 1, (ember.zeros(3, device='cuda', requires_grad=True),))
    a = ember.tensor([1., 2., 3.], device='cuda', requires_grad=True)
    y = fn(a)
    y.backward(w.detach())
    assert y.cpu().tolist() == [2., 5., 10.] and a.grad.cpu().tolist() == [4., 8., 12.]
    m = ember.nn.Linear(2, 2).cuda()
    m.register_forward_hook(lambda *args: None)
    with pytest.raises(AssertionError, match='^Modules must not have hooks registered at the time they are passed'):
        cuda.make_graphed_callables(m, (ember.ones(1, 2, device='cuda'),))
    with pytest.raises(AssertionError, match='sample_args for each callable must contain only Tensors'):
        cuda.make_graphed_callables(lambda a: a, (1.0,))
