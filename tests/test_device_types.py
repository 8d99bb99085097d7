"""Device objects of every type PyTorch names; tensors only on cpu (and cuda through CuPy)."""
import pytest

import ember


def test_every_pytorch_device_type_makes_a_device():
    assert str(ember.device('xpu')) == 'xpu' and repr(ember.device('mps:0')) == "device(type='mps', index=0)"
    assert ember.device('meta').type == 'meta'
    with pytest.raises(RuntimeError, match='device type at start of device string: foo$'):
        ember.device('foo')


@pytest.mark.parametrize('make', [lambda d: ember.empty(2, device=d), lambda d: ember.ones(2).to(d)])
def test_tensors_on_devices_ember_does_not_run_get_pytorchs_errors(make):
    with pytest.raises(AssertionError, match='^Torch not compiled with XPU enabled$'):
        make('xpu')
    with pytest.raises(RuntimeError, match='^PyTorch is not linked with support for mps devices$'):
        make('mps')
    with pytest.raises(RuntimeError, match="^ember runs tensors on 'cpu' and 'cuda' only, not on 'hpu'$"):
        make('hpu')
