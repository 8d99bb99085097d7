"""Functions on nested tensors: ``nn.Linear``, ``nn.LayerNorm``, ``F.gelu``/``silu``/``softmax``/``dropout``,
scaled dot-product attention and ``cat`` run per component as in PyTorch (values recorded from PyTorch 2.13)."""
import warnings

import pytest

import ember
import ember.nn.functional as F


@pytest.fixture
def nt():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return ember.nested.nested_tensor([ember.arange(6.).view(2, 3), ember.arange(3.).view(1, 3) / 2])


def components(r):
    assert r.is_nested
    return [c.tolist() for c in r.unbind()]


def close(got, want):
    flat = lambda xs: [v for x in xs for v in (flat(x) if isinstance(x, list) else [x])]  # noqa: E731
    assert flat(got) == pytest.approx(flat(want), rel=1e-6, abs=1e-6)


def test_linear_module_and_function(nt):
    lin = ember.nn.Linear(3, 2)
    with ember.no_grad():
        lin.weight.copy_(ember.tensor([[1., 0., -1.], [0.5, 0.5, 0.5]]))
        lin.bias.fill_(0.25)
    want = [[[-1.75, 1.75], [-1.75, 6.25]], [[-0.75, 1.0]]]
    assert components(lin(nt)) == want
    assert components(F.linear(nt, lin.weight, lin.bias)) == want


def test_activations_and_normalisation(nt):
    close(components(F.gelu(nt)), [[[0.0, 0.8413447141647339, 1.9544997215270996],
                                    [2.9959497451782227, 3.999873638153076, 4.999999046325684]],
                                   [[0.0, 0.3457312285900116, 0.8413447141647339]]])
    close(components(F.silu(nt)), [[[0.0, 0.7310585975646973, 1.7615940570831299],
                                    [2.857722520828247, 3.9280550479888916, 4.966535568237305]],
                                   [[0.0, 0.3112296760082245, 0.7310585975646973]]])
    assert components(F.relu(nt - 1)) == [[[0.0, 0.0, 1.0], [2.0, 3.0, 4.0]], [[0.0, 0.0, 0.0]]]
    close(components(ember.nn.LayerNorm(3)(nt)), [[[-1.2247356, 0.0, 1.2247356]] * 2, [[-1.2247081, 0.0, 1.2247081]]])
    with pytest.raises(ValueError, match="NestedTensor layer_norm requires weight and bias"):
        F.layer_norm(nt, (3,))
    close(components(F.softmax(nt, -1)), [[[0.09003057, 0.24472847, 0.66524094]] * 2,
                                          [[0.18632373, 0.30719590, 0.50648039]]])
    assert components(F.dropout(nt, 0.5, training=False)) == components(nt)


def test_attention_matmul_and_cat(nt):
    q = nt.unsqueeze(1)
    close(components(F.scaled_dot_product_attention(q, q, q)),
          [[[[2.98347806930542, 3.983477830886841, 4.983477592468262], [3.0, 4.0, 5.0]]], [[[0.0, 0.5, 1.0]]]])
    assert components(ember.matmul(nt, nt.transpose(1, 2))) == [[[5.0, 14.0], [14.0, 50.0]], [[1.25]]]
    assert components(ember.cat([nt, nt])) == components(nt) * 2
    assert components(ember.add(nt, 1)) == [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 1.5, 2.0]]]


def test_gradients_reach_the_components():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        a, b = ember.ones(2, 3, requires_grad=True), ember.ones(1, 3, requires_grad=True)
        nt = ember.nested.as_nested_tensor([a, b])
    lin = ember.nn.Linear(3, 1)
    out = lin(nt)
    sum(c.sum() for c in out.unbind()).backward()
    assert lin.weight.grad.tolist() == [[3.0, 3.0, 3.0]]
    assert a.grad.shape == (2, 3) and b.grad.shape == (1, 3)


@pytest.mark.parametrize("fn", [ember.exp, ember.sigmoid, ember.sum])
def test_unsupported_functions_raise_not_implemented(nt, fn):
    with pytest.raises(NotImplementedError):
        fn(nt)
