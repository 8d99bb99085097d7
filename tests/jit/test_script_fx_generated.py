"""ember.jit.script compiles the code torch.fx generates (e3nn scripts its fx-traced tensor products this way):
indexes written ``slice(a, b, c)`` and ``Ellipsis``, a tuple literal added to a size list, lists of tensors from
``broadcast_tensors``/``chunk``/``unbind`` indexed, and functions kept as module attributes. Each scripted program
must compute what the same Python computes eagerly (as PyTorch's does)."""
import pytest

import ember
from ember import nn

pytestmark = pytest.mark.filterwarnings('ignore:`ember.jit.script` is deprecated:DeprecationWarning')


def fx_style(x: ember.Tensor, y: ember.Tensor):
    shape = x.shape[slice(None, -1, None)] + (2,)
    first = x[(Ellipsis, slice(None, 1, None))]
    every_other = x[slice(None, None, 2), slice(1)]
    widened = ember.broadcast_tensors(first, y)[0]
    halves = x.chunk(2, -1)
    rows = ember.unbind(x, 0)
    return widened.new_zeros(shape) + widened.sum(), every_other, halves[1], rows[-1], (1,) + x.shape


def _double(x: ember.Tensor) -> ember.Tensor:
    return x * 2


class WithFunctionAttributes(nn.Module):
    def __init__(self):
        super().__init__()
        self.plain = _double                        # a Python function kept on the module
        self.scripted = ember.jit.script(_double)   # a scripted function kept on the module

    def forward(self, x):
        return self.plain(x) + self.scripted(x + 1)


def _assert_same(got, want):
    if isinstance(want, ember.Size):        # (a size the program computes is a List[int] there, as in PyTorch)
        assert isinstance(got, list) and got == list(want)
    elif isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _assert_same(g, w)
    elif isinstance(want, ember.Tensor):
        assert got.shape == want.shape and ember.equal(got, want)
    else:
        assert got == want


def test_fx_generated_indexing_and_size_arithmetic_compile_and_run():
    x, y = ember.arange(12.).reshape(3, 4), ember.ones(3, 1)
    scripted = ember.jit.script(fx_style)
    _assert_same(scripted(x, y), fx_style(x, y))
    assert scripted(x, y)[0].shape == (3, 2)


def test_functions_kept_as_module_attributes_are_compiled_in():
    m = WithFunctionAttributes()
    x = ember.arange(4.)
    scripted = ember.jit.script(m)
    assert scripted(x).tolist() == m(x).tolist() == [2., 6., 10., 14.]
