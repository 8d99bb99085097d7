"""The private PyTorch names that widely used libraries (lightning, torchmetrics, timm, transformers) call,
with what PyTorch 2.13 returns for them."""
import pytest

import ember


def test_compiled_modules_share_one_class():
    from ember._dynamo import OptimizedModule
    a, b = ember.compile(ember.nn.Linear(2, 2)), ember.compile(ember.nn.ReLU())
    assert type(a) is type(b) is OptimizedModule and isinstance(a, ember.nn.Module)
    assert list(a.state_dict()) == ['_orig_mod.weight', '_orig_mod.bias']
    assert a.in_features == 2                      # the original module's attributes


def test_parse_to_reads_a_to_call_as_pytorch():
    parse = ember._C._nn._parse_to
    assert parse('cpu', ember.float64, non_blocking=True) == (ember.device('cpu'), ember.float64, True, None)
    assert parse(ember.float16) == (None, ember.float16, False, None)
    assert parse(ember.zeros(1, dtype=ember.int32)) == (ember.device('cpu'), ember.int32, False, None)
    assert parse(memory_format=ember.channels_last) == (None, None, False, ember.channels_last)
    with pytest.raises(RuntimeError, match=r'^\.to\(\) does not accept copy argument$'):
        parse('cpu', copy=True)


def test_small_private_names():
    assert isinstance(ember.Tensor, ember._C._TensorMeta)
    assert ember._C.TensorBase is ember.Tensor
    assert ember._C._log_api_usage_once('my_library.import') is None
    with pytest.raises(TypeError):
        ember._C._log_api_usage_once(3)
    assert ember.ScriptModule is ember.jit.ScriptModule and ember.ScriptFunction is ember.jit.ScriptFunction
