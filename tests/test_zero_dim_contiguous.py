"""0-d tensors through the places that make arrays C-contiguous. NumPy's ``ascontiguousarray`` turns a
0-d array into a 1-element 1-d one; these calls reached such sites with 0-d arrays (found by calling
every registered op on 0-d inputs and comparing shapes with PyTorch 2.13). Shapes and seeded values
below are PyTorch's."""
import io

import numpy as np
import pytest

import ember


def test_roll_keeps_a_0d_tensor_0d():
    x = ember.tensor(3.5, requires_grad=True)
    y = ember.roll(x, 1)
    assert y.shape == () and y.item() == 3.5 and x.roll(-1).shape == ()
    y.backward()
    assert x.grad.shape == ()
    assert ember.roll(ember.tensor(1), ember.tensor(1)).shape == ()
    with pytest.raises(IndexError, match='^Dimension specified as 0 but tensor has no dimensions$'):
        ember.roll(x, 1, 0)


def test_gamma_draws_of_a_0d_concentration_are_0d():
    ember.manual_seed(0)
    draw = ember._standard_gamma(ember.tensor(2.))
    assert draw.shape == () and draw.item() == 4.5526227951049805     # PyTorch's value for seed 0
    ember.manual_seed(0)
    assert ember.distributions.Gamma(ember.tensor(2.), ember.tensor(1.)).sample().item() == 4.5526227951049805
    ember.manual_seed(0)
    assert ember.distributions.StudentT(ember.tensor(3.)).sample().item() == 2.0146913528442383
    assert ember.distributions.Gamma(ember.tensor(2.), ember.tensor(1.)).rsample().shape == ()
    assert ember.distributions.Chi2(ember.tensor(2.)).sample().shape == ()
    assert ember._sample_dirichlet(ember.tensor(2.)).shape == ()


def test_a_saved_0d_quantized_tensor_loads_0d():
    q = ember.quantize_per_tensor(ember.tensor(3.5), 0.1, 0, ember.quint8)
    buf = io.BytesIO()
    ember.save(q, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert back.shape == () and back.dequantize().item() == pytest.approx(3.5)


def test_onnx_export_keeps_0d_initializers_and_constants_0d(tmp_path):
    onnx = pytest.importorskip('onnx')

    class Scale(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer('s', ember.tensor(2.))

        def forward(self, x):
            return x * self.s + ember.tensor(1.)
    path = str(tmp_path / 'scale.onnx')
    ember.onnx.export(Scale(), (ember.ones(2),), path, dynamo=False)
    model = onnx.load(path)
    # PyTorch's exporter gives the buffer and the constant dims [] (one as an initializer, one as a Constant)
    dims = [list(i.dims) for i in model.graph.initializer]
    dims += [list(a.t.dims) for n in model.graph.node if n.op_type == 'Constant' for a in n.attribute if a.type == 4]
    assert dims == [[], []]


@pytest.mark.parametrize('make', [
    lambda x: ember.nn.functional.gelu(x), lambda x: ember.softmax(x, 0), lambda x: ember.log_softmax(x, 0),
    lambda x: ember.bernoulli(x.detach().clamp(0, 1)), lambda x: ember.poisson(x.detach()),
    lambda x: ember.cumsum(x, 0), lambda x: ember.flip(x, [0]), lambda x: ember.nn.functional.gumbel_softmax(x),
])
def test_ops_reaching_a_contiguous_copy_keep_0d(make):
    # these sites are reached with 0-d arrays too and reshape afterwards: pinned so they stay so
    x = ember.tensor(0.7, requires_grad=True)
    assert make(x).shape == ()


def test_a_saved_0d_tensor_loads_0d():
    buf = io.BytesIO()
    ember.save({'a': ember.tensor(3.5), 'n': ember.nn.BatchNorm1d(2).num_batches_tracked}, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert back['a'].shape == () and back['n'].shape == () and np.asarray(back['a']).shape == ()
