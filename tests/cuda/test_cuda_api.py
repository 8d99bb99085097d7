"""ember.cuda as torch.cuda, on the 'cuda' device (the strict stand-in in CI: two devices)."""
import io

import numpy as np
import pytest

import ember
from ember import cuda


def test_queries():
    assert cuda.is_available() and cuda.is_initialized()
    assert cuda.device_count() >= 1 and cuda.current_device() == 0
    props = cuda.get_device_properties(0)
    assert props.name == cuda.get_device_name() == cuda.get_device_name('cuda:0')
    assert props.total_memory > 0 and props.multi_processor_count > 0
    assert cuda.get_device_capability() == (props.major, props.minor)
    assert repr(props).startswith(f"_CudaDeviceProperties(name='{props.name}', major={props.major}")
    with pytest.raises(AssertionError, match='Invalid device id'):
        cuda.get_device_properties(cuda.device_count())
    cuda.synchronize()
    cuda.synchronize('cuda:0')
    with pytest.raises(ValueError, match='^Expected a cuda device, but got: cpu$'):
        cuda.synchronize(ember.device('cpu'))


def test_tensors_move_to_the_device_and_back():
    x = ember.arange(6.).reshape(2, 3)
    for y in (x.cuda(), x.to('cuda'), x.to('cuda:0'), x.to(ember.device('cuda', 0)), x.to('cuda', non_blocking=True),
              ember.tensor([[0., 1, 2], [3, 4, 5]], device='cuda')):
        assert y.device == ember.device('cuda:0') and y.is_cuda and y.get_device() == 0
        assert y.cpu().tolist() == x.tolist()
    assert x.device.type == 'cpu' and x.get_device() == -1
    assert repr(x.cuda()) == "tensor([[0., 1., 2.],\n        [3., 4., 5.]], device='cuda:0')"
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu"):
        x.cuda().numpy()


def test_mixing_devices_raises_pytorchs_error():
    a, b = ember.ones(2, device='cuda'), ember.ones(2)
    with pytest.raises(RuntimeError) as e:
        a + b
    assert str(e.value) == ("Expected all tensors to be on the same device, but found at least two devices, "
                            "cuda:0 and cpu!")
    assert (a + ember.tensor(2.)).device.type == 'cuda'  # 0-dim CPU tensors mix, as in PyTorch


def test_set_device_and_device_context():
    if cuda.device_count() < 2:
        pytest.skip('needs two devices')
    with cuda.device(1):
        assert cuda.current_device() == 1
        t = ember.zeros(2, device='cuda')
        assert t.device == ember.device('cuda:1')
    assert cuda.current_device() == 0
    cuda.set_device('cuda:1')
    try:
        assert ember.ones(1, device='cuda').device.index == 1
    finally:
        cuda.set_device(0)
    with cuda.device_of(t):
        assert cuda.current_device() == 1
    with pytest.raises(RuntimeError) as e:
        t + ember.zeros(2, device='cuda:0')
    assert 'cuda:1 and cuda:0' in str(e.value)
    moved = t.to('cuda:0')
    assert moved.device.index == 0 and moved._data.device.id == 0  # a real copy onto the other device


def test_work_on_another_device_runs_there():
    """Tensors on cuda:1 while cuda:0 is current: their ops, gradients and optimizer steps all run
    on device 1 (the stand-in, like CuPy without peer access, refuses kernels on another device's arrays)."""
    if cuda.device_count() < 2:
        pytest.skip('needs two devices')
    assert cuda.current_device() == 0
    model = ember.nn.Linear(3, 2).to('cuda:1')
    opt = ember.optim.Adam(model.parameters(), lr=0.1)
    x = ember.randn(4, 3, device='cuda:1')
    assert x._data.device.id == 1 and ember.zeros(2, device='cuda:1')._data.device.id == 1
    loss = model(x).relu().sum()
    loss.backward()
    opt.step()
    for p in model.parameters():
        assert p.device == ember.device('cuda:1') and p._data.device.id == 1 and p.grad._data.device.id == 1
    assert cuda.current_device() == 0
    y = ember.ones(2, device='cuda') + 1  # 'cuda' still means the current device
    assert y.device == ember.device('cuda:0') and y._data.device.id == 0


def test_streams_and_events():
    s = cuda.Stream()
    assert cuda.current_stream() == cuda.default_stream() != s
    with cuda.stream(s):
        assert cuda.current_stream() == s
        y = ember.ones(3, device='cuda') * 2
    assert cuda.current_stream() == cuda.default_stream()
    start, end = cuda.Event(enable_timing=True), cuda.Event(enable_timing=True)
    start.record()
    y = y + 1
    end.record()
    end.synchronize()
    assert end.query() and s.query() and start.elapsed_time(end) >= 0
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        cuda.Event().elapsed_time(end)
    s.wait_stream(cuda.current_stream())
    s.wait_event(end)
    s.synchronize()
    assert y.cpu().tolist() == [3., 3., 3.]


def test_memory_statistics_follow_tensors():
    cuda.empty_cache()
    cuda.reset_peak_memory_stats()
    base = cuda.memory_allocated()
    x = ember.zeros(1 << 16, device='cuda')  # 256 KiB
    assert cuda.memory_allocated() - base >= x.nbytes
    y = x + 1
    peak = cuda.max_memory_allocated()
    assert peak >= base + 2 * x.nbytes
    del x, y
    assert cuda.memory_allocated() == base
    assert cuda.max_memory_allocated() == peak  # the peak stays until reset
    assert cuda.memory_reserved() >= peak
    cuda.empty_cache()
    assert cuda.memory_reserved() == cuda.memory_allocated()
    cuda.reset_peak_memory_stats()
    assert cuda.max_memory_allocated() == base


def test_seeds_make_device_random_numbers_reproducible():
    cuda.manual_seed(3)
    a = ember.randn(5, device='cuda')
    cuda.manual_seed_all(3)
    b = ember.randn(5, device='cuda')
    assert a.device.type == 'cuda' and a.cpu().tolist() == b.cpu().tolist()
    ember.manual_seed(4)
    d1 = ember.nn.functional.dropout(ember.ones(100, device='cuda'), 0.5)
    ember.manual_seed(4)
    d2 = ember.nn.functional.dropout(ember.ones(100, device='cuda'), 0.5)
    assert d1.device.type == 'cuda' and d1.cpu().tolist() == d2.cpu().tolist()


def test_pinned_memory_and_non_blocking_copies():
    x = ember.arange(4.)
    assert not x.is_pinned()
    p = x.pin_memory()
    assert p.is_pinned() and p.device.type == 'cpu' and p.tolist() == x.tolist()
    assert p.pin_memory() is p
    y = p.to('cuda', non_blocking=True)
    cuda.current_stream().synchronize()
    assert y.cpu().tolist() == [0., 1., 2., 3.]
    with pytest.raises(RuntimeError, match="only dense CPU tensors can be pinned"):
        y.pin_memory()


def test_dataloader_pins_batches():
    from ember.utils.data import DataLoader, TensorDataset
    ds = TensorDataset(ember.arange(8.).reshape(4, 2), ember.arange(4))
    batches = list(DataLoader(ds, batch_size=2, pin_memory=True))
    assert all(t.is_pinned() for b in batches for t in b)
    assert not any(t.is_pinned() for b in DataLoader(ds, batch_size=2) for t in b)
    xb, yb = batches[1]
    assert xb.to('cuda', non_blocking=True).cpu().tolist() == [[4., 5.], [6., 7.]]


def test_save_and_load_cuda_tensors_with_map_location():
    t = ember.arange(3.).cuda()
    buf = io.BytesIO()
    ember.save({'w': t}, buf)
    for loc, want in ((None, 'cuda:0'), ('cpu', 'cpu'), ({'cuda:0': 'cpu'}, 'cpu'),
                      (lambda s, where: s, 'cpu'), (lambda s, where: s.cuda(), 'cuda:0'), (ember.device('cuda', 0), 'cuda:0')):
        buf.seek(0)
        w = ember.load(buf, map_location=loc)['w']
        assert str(w.device) == want and w.cpu().tolist() == [0., 1., 2.]
    buf = io.BytesIO()
    ember.save(ember.arange(2.), buf)
    buf.seek(0)
    assert ember.load(buf, map_location='cuda').device.type == 'cuda'


def test_host_only_conversions_refuse_device_arrays():
    """The stand-in's strictness itself: the checks the op table relies on."""
    from tests.cuda import strict_xp
    if not isinstance(ember.ones(1, device='cuda')._data, strict_xp.ndarray):
        pytest.skip('a real GPU is serving cuda')
    d = ember.ones(3, device='cuda')._data
    with pytest.raises(TypeError, match='^Implicit conversion to a NumPy array is not allowed'):
        np.asarray(d)
    with pytest.raises(TypeError, match='Unsupported type'):
        d + np.ones(3)
    with pytest.raises(TypeError):
        np.exp(d)
    assert type(d.sum()) is strict_xp.ndarray and float(d.sum()) == 3.0
    assert not hasattr(strict_xp.xp, 'errstate')


def test_special_functions_run_on_the_device():
    """SciPy's special functions that CuPy also has (cupyx.scipy.special) run there, not on host copies."""
    pytest.importorskip('scipy')
    from tests.cuda import strict_xp
    if not isinstance(ember.ones(1, device='cuda')._data, strict_xp.ndarray):
        pytest.skip("counts the stand-in device's copies to the host")
    x = ember.linspace(0.05, 0.95, 7, dtype=ember.float64, device='cuda')
    strict_xp._State.syncs.clear()
    results = {name: getattr(ember.special, name)(x) for name in
               ('i0e', 'i1', 'erfcx', 'log_ndtr', 'ndtri', 'bessel_j0', 'modified_bessel_k0', 'erfinv')}
    assert strict_xp._State.syncs == []
    for name, r in results.items():
        want = getattr(ember.special, name)(x.cpu())
        assert r.device.type == 'cuda'
        np.testing.assert_allclose(r.cpu().numpy(), want.numpy(), rtol=1e-12, err_msg=name)
