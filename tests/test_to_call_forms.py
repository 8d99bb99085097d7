"""``Tensor.to`` and ``nn.Module.to`` read their calls as PyTorch's parser does, in one place: positional
``non_blocking``/``copy`` are honoured, mixed forms are refused with PyTorch's text (recorded from
PyTorch 2.13)."""
import pytest

import ember

_INVALID = r'^to\(\) received an invalid combination of arguments - got \({}\), but expected one of:'


def test_positional_copy_is_honoured_in_every_form():
    x = ember.ones(2)
    assert x.to(x.dtype, False, True) is not x
    assert x.to('cpu', ember.float32, False, True) is not x
    assert x.to(x, False, True) is not x
    assert x.to(x.dtype, False, False) is x
    y = x.to('cpu', ember.float32, False, True)
    y[0] = 5.0
    assert x[0].item() == 1.0                     # a real copy, not a view


def test_python_types_and_none_as_pytorch_reads_them():
    x = ember.ones(2)
    assert x.to(float).dtype is ember.float64
    assert x.to(int).dtype is ember.int64
    assert x.to(None) is x
    assert x.to(memory_format=None) is x


@pytest.mark.parametrize('call, got', [
    (lambda x: x.to(ember.float64, None), 'ember.dtype, NoneType'),
    (lambda x: x.to(x, dtype=ember.float64), 'Tensor, dtype=ember.dtype'),
    (lambda x: x.to(ember.float64, device='cpu'), 'ember.dtype, device=str'),
    (lambda x: x.to('cpu', device='cpu'), 'str, device=str'),
    (lambda x: x.to(ember.float64, copy=1), 'ember.dtype, copy=int'),
    (lambda x: x.to(ember.DoubleTensor), 'ember.tensortype'),
    (lambda x: ember.nn.Linear(1, 1).to(ember.DoubleTensor), 'ember.tensortype'),
])
def test_forms_pytorch_refuses(call, got):
    x = ember.ones(2)
    with pytest.raises(TypeError, match=_INVALID.format(got)):
        call(x)
    assert x.dtype is ember.float32


def test_parse_to_takes_positional_flags_and_refuses_copy():
    x = ember.ones(2)
    assert ember._C._nn._parse_to(ember.float64, True) == (None, ember.float64, True, None)
    assert ember._C._nn._parse_to(x, True) == (ember.device('cpu'), ember.float32, True, None)
    with pytest.raises(RuntimeError, match=r'^\.to\(\) does not accept copy argument$'):
        ember._C._nn._parse_to('cpu', ember.float64, True, True)


def test_module_to_reads_the_same_forms():
    m = ember.nn.Linear(1, 1)
    assert m.to(float).weight.dtype is ember.float64
    assert m.to(None).weight.dtype is ember.float64
    with pytest.raises(TypeError, match=r'^nn\.Module\.to only accepts floating point or complex dtypes, but got '
                                        r'desired dtype=ember\.int64$'):
        m.to(int)
    assert m.weight.dtype is ember.float64
