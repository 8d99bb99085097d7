"""GradScaler (ember/amp/grad_scaler.py): scale trajectory with injected inf/NaN gradients against PyTorch
2.13's recorded run, unscale_/step/update rules, state dicts, the disabled and deprecated spellings."""
import pickle
import warnings

import pytest

import ember
from tests.amp import _cases as C
from tests.amp._recorded import RECORDED


def test_trajectory_with_injected_infs_matches_pytorch():
    got = C.grad_scaler_trajectory(ember)
    expected = RECORDED['grad_scaler']
    assert got[-1] == expected[-1]                      # the final state dict
    for g, e in zip(got[:-1], expected[:-1]):
        scale, tracker, params, stepped = e
        assert g[0] == scale and g[1] == tracker and g[3] == stepped
        assert g[2] == pytest.approx(params, rel=1e-6)


def _setup(**kwargs):
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.5)
    return w, opt, ember.amp.GradScaler('cpu', **kwargs)


def test_unscale_divides_the_gradients_and_step_does_not_unscale_again():
    w, opt, scaler = _setup(init_scale=8.0)
    scaler.scale((w * 3).sum()).backward()
    assert w.grad.tolist() == [24.0, 24.0]
    scaler.unscale_(opt)
    assert w.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match=r"^unscale_\(\) has already been called on this optimizer since the "
                                           r"last update\(\).$"):
        scaler.unscale_(opt)
    assert scaler.step(opt) is None
    assert w.tolist() == [-0.5, 0.5]
    with pytest.raises(RuntimeError, match=r"^unscale_\(\) is being called after step\(\).$"):
        scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match=r"^step\(\) has already been called since the last update\(\).$"):
        scaler.step(opt)
    scaler.update()
    assert scaler._get_growth_tracker() == 1 and scaler.get_scale() == 8.0


def test_non_finite_gradient_skips_the_step_and_backs_off():
    w, opt, scaler = _setup(init_scale=8.0)
    scaler.scale((w * 3).sum()).backward()
    w.grad[1] = float('nan')
    scaler.step(opt)
    assert w.tolist() == [1.0, 2.0]
    scaler.update()
    assert scaler.get_scale() == 4.0 and scaler._get_growth_tracker() == 0


def test_growth_stops_at_an_infinite_scale():
    w, opt, scaler = _setup(init_scale=2.0 ** 127, growth_factor=4.0, growth_interval=1)
    scaler.scale((w * 1e-30).sum()).backward()
    scaler.step(opt)
    scaler.update()
    assert scaler.get_scale() == 2.0 ** 127         # 2**129 overflows float32: the scale is kept


def test_update_with_a_new_scale_and_errors():
    w, opt, scaler = _setup()
    with pytest.raises(AssertionError, match=r"^Attempted step but _scale is None.  This may indicate your script "
                                             r"did not use scaler.scale\(loss or outputs\) earlier in the "
                                             r"iteration.$"):
        scaler.step(opt)
    scaler.scale(w.sum())
    with pytest.raises(AssertionError, match=r"^No inf checks were recorded prior to update.$"):
        scaler.update()
    scaler.update(new_scale=2.0)
    assert scaler.get_scale() == 2.0
    scaler.update(ember.tensor(3.0))
    assert scaler.get_scale() == 3.0
    with pytest.raises(AssertionError, match="new_scale should be a float or a 1-element"):
        scaler.update(ember.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match=r"^Closure use is not currently supported if GradScaler is enabled.$"):
        scaler.step(opt, closure=lambda: None)
    with pytest.raises(AssertionError, match=r"^The growth factor must be > 1.0.$"):
        ember.amp.GradScaler('cpu', growth_factor=1.0)
    with pytest.raises(AssertionError, match=r"^The backoff factor must be < 1.0.$"):
        ember.amp.GradScaler('cpu', backoff_factor=1.0)
    with pytest.raises(ValueError, match=r"^outputs must be a Tensor or an iterable of Tensors$"):
        scaler.scale([w, 3])


def test_fp16_gradients_are_refused_by_unscale():
    w = ember.tensor([1.0], dtype=ember.float16, requires_grad=True)
    opt = ember.optim.SGD([w], lr=0.1)
    scaler = ember.amp.GradScaler('cpu')
    scaler.scale(w.sum()).backward()
    with pytest.raises(ValueError, match=r"^Attempting to unscale FP16 gradients.$"):
        scaler.unscale_(opt)


def test_scale_of_lists_and_tuples():
    scaler = ember.amp.GradScaler('cpu', init_scale=4.0)
    a, b = ember.ones(2), ember.ones(1)
    out = scaler.scale([a, (b, a)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert out[0].tolist() == [4.0, 4.0] and out[1][0].tolist() == [4.0]


def test_state_dict_round_trip_and_pickling():
    w, opt, scaler = _setup(init_scale=16.0, growth_interval=5)
    scaler.scale(w.sum()).backward()
    scaler.step(opt)
    scaler.update()
    sd = scaler.state_dict()
    assert sd == {'scale': 16.0, 'growth_factor': 2.0, 'backoff_factor': 0.5, 'growth_interval': 5,
                  '_growth_tracker': 1}
    other = ember.amp.GradScaler('cpu')
    other.load_state_dict(sd)
    assert other.state_dict() == sd
    clone = pickle.loads(pickle.dumps(scaler))
    assert clone.state_dict() == sd and clone._scale is None
    with pytest.raises(RuntimeError, match="^The source state dict is empty"):
        other.load_state_dict({})


def test_state_dict_loads_from_and_into_pytorch(tmp_path):
    torch = pytest.importorskip('torch')
    if not hasattr(torch, '_C'):
        pytest.skip('needs the real PyTorch')
    t_scaler = torch.amp.GradScaler('cpu', init_scale=32.0, growth_interval=7)
    torch.save(t_scaler.state_dict(), tmp_path / 't.pt')
    scaler = ember.amp.GradScaler('cpu')
    scaler.load_state_dict(ember.load(tmp_path / 't.pt'))
    assert scaler.state_dict() == t_scaler.state_dict()
    ember.save(scaler.state_dict(), tmp_path / 'e.pt')
    back = torch.amp.GradScaler('cpu')
    back.load_state_dict(torch.load(tmp_path / 'e.pt'))
    assert back.state_dict() == scaler.state_dict()


def test_disabled_scaler_passes_through():
    w, opt, _ = _setup()
    scaler = ember.amp.GradScaler('cpu', enabled=False)
    loss = w.sum()
    assert scaler.scale(loss) is loss and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    loss.backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == [0.5, 1.5]


@pytest.mark.skipif(ember.cuda.is_available(), reason='checks the behaviour without a GPU')
def test_cuda_scaler_without_a_gpu_is_disabled():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        scaler = ember.cuda.amp.GradScaler()
        default = ember.amp.GradScaler()
    assert not scaler.is_enabled() and not default.is_enabled()
    assert [str(w.message) for w in caught] == [
        "`ember.cuda.amp.GradScaler(args...)` is deprecated. Please use `ember.amp.GradScaler('cuda', args...)` "
        "instead.",
        "ember.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
        "ember.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."]


def test_cpu_amp_grad_scaler_and_top_level_name():
    with pytest.warns(FutureWarning, match=r"ember.cpu.amp.GradScaler\(args...\)` is deprecated"):
        scaler = ember.cpu.amp.GradScaler(init_scale=2.0)
    assert scaler.is_enabled() and scaler.get_scale() == 2.0
    assert ember.GradScaler is ember.amp.GradScaler


class _SelfUnscaling(ember.optim.SGD):
    """An optimizer that unscales itself: GradScaler hands it grad_scale and found_inf."""
    _step_supports_amp_scaling = True

    def step(self, closure=None):
        self.seen = (self.grad_scale.item(), self.found_inf.item())
        for group in self.param_groups:
            for p in group['params']:
                p.grad.div_(self.grad_scale)
        return super().step(closure)


def test_optimizer_that_unscales_itself_gets_grad_scale_and_found_inf():
    w = ember.tensor([1.0], requires_grad=True)
    opt = _SelfUnscaling([w], lr=1.0)
    scaler = ember.amp.GradScaler('cpu', init_scale=4.0)
    scaler.scale(w.sum() * 2).backward()
    scaler.step(opt)
    scaler.update()
    assert opt.seen == (4.0, 0.0) and w.tolist() == [-1.0]
    assert not hasattr(opt, 'grad_scale') and not hasattr(opt, 'found_inf')
