"""Complex tensors against PyTorch's results recorded by tests/fixtures/complex/record.py."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import ember

EXPECTED = json.loads((Path(__file__).parent / 'fixtures' / 'complex' / 'expected.json').read_text())

Z0 = [1 + 2j, 3 - 1j, 0.5j]
W = [0.5 - 1j, 2 + 0.25j, -1j]
A = [[1 + 1j, 2 - 1j], [0.5j, 3 + 0j]]
B = [[1 - 2j, 1j], [2 + 0j, -1 + 1j]]


def _c(values):
    return ember.tensor(values, dtype=ember.complex128)


def _grad_of(fn, values):
    z = _c(values).requires_grad_(True)
    fn(z).backward()
    return [[v.real, v.imag] for v in z.grad.flatten().tolist()]


GRADS = {
    'imag': (lambda z: z.imag.sum(), Z0),
    'real': (lambda z: z.real.sum(), Z0),
    'angle': (lambda z: z.angle().sum(), Z0),
    'abs': (lambda z: z.abs().sum(), Z0),
    'conj_imag': (lambda z: z.conj().imag.sum(), Z0),
    'mul_abs': (lambda z: (z * _c(W)).abs().sum(), Z0),
    'mul_real': (lambda z: (z * _c(W)).real.sum(), Z0),
    'sum_abs': (lambda z: (z * _c(W)).sum().abs(), Z0),
    'matmul_abs': (lambda a: (a @ _c(B)).abs().sum(), A),
    'matmul_right': (lambda b: (_c(A) @ b).imag.sum(), B),
    'mv': (lambda a: (a @ _c(W[:2])).abs().sum(), A),
    'div': (lambda z: (z / _c(W)).abs().sum(), Z0),
    'rdiv': (lambda z: (_c(W) / z).abs().sum(), Z0),
    'exp': (lambda z: z.exp().abs().sum(), Z0),
    'sin': (lambda z: z.sin().real.sum(), Z0),
    'log': (lambda z: z.log().imag.sum(), Z0),
    'sqrt': (lambda z: z.sqrt().abs().sum(), Z0),
    'tanh_sq': (lambda z: (z * z).tanh().abs().sum(), Z0),
    'dot_left': (lambda z: ember.dot(z, _c(W)).abs(), Z0),
    'dot_right': (lambda z: ember.dot(_c(W), z).imag, Z0),
    'vdot_left': (lambda z: ember.vdot(z, _c(W)).abs(), Z0),
    'vdot_right': (lambda z: ember.vdot(_c(W), z).imag, Z0),
}


@pytest.mark.parametrize('name', sorted(GRADS))
def test_gradients_follow_pytorchs_convention(name):
    fn, values = GRADS[name]
    np.testing.assert_allclose(_grad_of(fn, values), EXPECTED['grads'][name], rtol=1e-12, atol=1e-15)


def test_real_and_imag_are_writable_views():
    z = ember.tensor([1 + 2j, 3 - 1j])
    assert list(z.real.stride()) == EXPECTED['strides']['real']
    assert z.imag.storage_offset() == EXPECTED['strides']['imag_offset']
    z.real[0] = 7
    z.imag.mul_(2)
    assert z.tolist() == [7 + 4j, 3 - 2j]
    z.real = ember.tensor([0., 1.])
    assert z.tolist() == [4j, 1 - 2j]
    x = ember.tensor([1., -2.])
    assert ember.real(x) is x and x.real is x


def test_view_as_real_and_view_as_complex_share_memory():
    a = _c(A)
    r = ember.view_as_real(a[:, :1])
    assert list(r.stride()) == EXPECTED['strides']['view_as_real'] and r.dtype is ember.float64
    r[1, 0, 1] = -9
    assert a[1, 0].item() == -9j
    x = ember.arange(8.).reshape(2, 2, 2)
    c = ember.view_as_complex(x)
    assert c.dtype is ember.complex64 and c.shape == (2, 2) and c.tolist() == [[1j, 2 + 3j], [4 + 5j, 6 + 7j]]
    c[0, 0] = 5j
    assert x[0, 0].tolist() == [0., 5.]


def test_graph_nodes_are_named_as_pytorchs():
    z = _c(Z0).requires_grad_()
    got = {'real': z.real, 'conj': z.conj(), 'view_as_real': ember.view_as_real(z), 'angle': z.angle()}
    assert {k: type(v.grad_fn).__name__ for k, v in got.items()} == EXPECTED['grad_fn']


def test_conj_angle_polar_and_conversions():
    z = ember.tensor([1 + 2j, 3 - 1j])
    assert z.conj().tolist() == [1 - 2j, 3 + 1j] and z.conj_physical().tolist() == [1 - 2j, 3 + 1j]
    assert not z.conj().is_conj() and not z.is_neg() and z.resolve_conj() is z and z.resolve_neg() is z
    x = ember.tensor([1., -2.])
    assert x.conj() is x
    with pytest.raises(TypeError, match=r"is_conj\(\): argument 'input' \(position 1\) must be Tensor, not int"):
        ember.is_conj(3)
    got = ember.tensor([1., -2., 0., math.nan]).angle().tolist()
    np.testing.assert_allclose(got, EXPECTED['angle_real'], rtol=1e-7)
    p = ember.polar(ember.tensor([1., 2.], dtype=ember.float64), ember.tensor([0.5, 3.], dtype=ember.float64))
    assert p.dtype is ember.complex128
    np.testing.assert_allclose([[v.real, v.imag] for v in p.tolist()], EXPECTED['polar'], rtol=1e-14)
    r = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    t = ember.tensor([0.5, 3.], dtype=ember.float64, requires_grad=True)
    (ember.polar(r, t) * _c(W[:2])).real.sum().backward()
    np.testing.assert_allclose([r.grad.tolist(), t.grad.tolist()], EXPECTED['polar_grads'], rtol=1e-12)
    assert ember.ones(2).cfloat().dtype is ember.complex64 and ember.ones(2).cdouble().dtype is ember.complex128
    assert ember.tensor([3 + 4j]).abs().tolist() == [5.0] and ember.tensor([3 + 4j]).abs().dtype is ember.float32


def test_out_arguments():
    o = ember.empty(2)
    assert ember.angle(ember.tensor([-1., 2.]), out=o) is o and o.tolist() == [np.float32(math.pi), 0.0]
    o = ember.empty(2, dtype=ember.complex128)
    ember.polar(ember.ones(2, dtype=ember.float64), ember.zeros(2, dtype=ember.float64), out=o)
    assert o.tolist() == [1 + 0j, 1 + 0j]
    o = ember.empty(1, dtype=ember.complex64)
    assert ember.conj_physical(ember.tensor([1 + 1j]), out=o) is o and o.tolist() == [1 - 1j]


ERRORS = {
    'imag_real': lambda: ember.ones(2).imag,
    'view_as_real_real': lambda: ember.view_as_real(ember.ones(2)),
    'vac_size': lambda: ember.view_as_complex(ember.ones(3)),
    'vac_int': lambda: ember.view_as_complex(ember.ones(3, 2, dtype=ember.int32)),
    'vac_stride': lambda: ember.view_as_complex(ember.ones(2, 2).t()),
    'polar_mixed': lambda: ember.polar(ember.ones(1), ember.ones(1, dtype=ember.float64)),
    'polar_int': lambda: ember.polar(ember.ones(1, dtype=ember.int64), ember.ones(1)),
}


@pytest.mark.parametrize('name', sorted(ERRORS))
def test_errors_match_pytorch(name):
    with pytest.raises(RuntimeError) as e:
        ERRORS[name]()
    assert str(e.value) == EXPECTED['errors'][name]


def test_conj_makes_new_values_rather_than_a_lazy_view():
    """ember has no lazy conjugate bit (docs/DESIGN.md says what it would take): conj() gives the
    conjugated values and gradients PyTorch gives, as a tensor of its own."""
    z = ember.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    c = z.conj()
    assert not c.is_conj() and c.grad_fn.name() == 'ConjBackward0' and c.tolist() == [1 - 2j, 3 + 1j]
    (c * ember.tensor([1j, 2.])).real.sum().backward()
    assert z.grad.tolist() == [1j, 2]       # PyTorch's (recorded from it)
    w = z.detach().clone()
    v = w.conj()
    v[0] = 5 + 5j
    assert w.tolist() == [1 + 2j, 3 - 1j]   # (PyTorch's view would have written 5 - 5j into w)


def test_complex32_where_pytorch_gives_it_named_as_dtype_refused_as_tensor():
    # PyTorch 2.13 makes complex32 (ComplexHalf) tensors from float16 with complex numbers; ember has no
    # NumPy type for them. dtype questions get PyTorch's answers; ops whose result would be one refuse.
    f16, c32 = ember.float16, ember.complex32
    assert f16.to_complex() is c32 and ember.bfloat16.to_complex() is ember.complex64
    assert c32.to_complex() is c32 and ember.float32.to_complex() is ember.complex64
    with pytest.raises(RuntimeError, match='^Unknown Complex ScalarType for Long$'):
        ember.int64.to_complex()
    others = [ember.bool, ember.uint8, ember.int64, f16, ember.bfloat16, ember.float32, ember.float64, c32,
              ember.complex64, ember.complex128]
    assert [ember.promote_types(d, c32).name for d in others] == [
        'complex32', 'complex32', 'complex32', 'complex32', 'complex64', 'complex64', 'complex128', 'complex32',
        'complex64', 'complex128']
    assert ember.promote_types(f16, ember.complex64) is ember.complex64
    assert [ember.can_cast(c32, d) for d in others] == [False] * 7 + [True] * 3
    assert all(ember.can_cast(d, c32) for d in others)
    assert ember.finfo(c32).eps == ember.finfo(f16).eps and ember.finfo(c32).dtype == 'float16'
    h = ember.tensor([1., 2.], dtype=f16)
    assert ember.result_type(h, 1j) is c32 and ember.result_type(h, ember.tensor(1j)) is c32
    assert ember.result_type(h.bfloat16(), 1j) is ember.complex64
    refused = [lambda: h * 1j, lambda: h.add(1j), lambda: h + ember.tensor(1j, dtype=ember.complex128),
               lambda: ember.where(h > 1, h, 1j), lambda: ember.complex(h, h), lambda: h.chalf(),
               lambda: h.to(c32), lambda: ember.view_as_complex(ember.ones(2, 2, dtype=f16)),
               lambda: ember.zeros(2, dtype=c32)]
    for make in refused:
        with pytest.raises(RuntimeError, match='^ember cannot make complex32 tensors: NumPy has no such element type$'):
            make()
    assert (h + ember.tensor([1j], dtype=ember.complex64)).dtype is ember.complex64     # a complex tensor decides


def test_variance_and_norms_of_complex_tensors_are_real():
    # PyTorch 2.13: var/std (and their _mean forms) and vector norms of complex tensors are real
    # (float32 for complex64); values and gradients (conjugate Wirtinger) recorded from it
    expected = {
        'std': (1.64342, [0.0304 - 0.0507j, 0.1825 - 0.431j, -0.213 + 0.4817j]),
        'var': (2.70083, [0.1 - 0.1667j, 0.6 - 1.4167j, -0.7 + 1.5833j]),
        'norm': (2.53032, [0.1976 + 0.0988j, 0.3952 - 0.3952j, -0.1186 + 0.7904j]),
        'vnorm1': (3.99561, [0.8944 + 0.4472j, 0.7071 - 0.7071j, -0.1483 + 0.9889j]),
        'vnorm3': (2.24234, [0.0556 + 0.0278j, 0.2813 - 0.2813j, -0.1207 + 0.8044j]),
        'var_mean': (2.70083, [0.1 - 0.1667j, 0.6 - 1.4167j, -0.7 + 1.5833j]),
        'std_mean': (1.64342, [0.0304 - 0.0507j, 0.1825 - 0.431j, -0.213 + 0.4817j]),
    }
    ops = {'std': ember.std, 'var': ember.var, 'norm': ember.norm, 'vnorm1': lambda t: ember.linalg.vector_norm(t, 1),
           'vnorm3': lambda t: ember.linalg.vector_norm(t, 3), 'var_mean': lambda t: ember.var_mean(t)[0],
           'std_mean': lambda t: ember.std_mean(t)[0]}
    for name, (value, grad) in expected.items():
        c = ember.tensor([0.5 + 0.25j, 1 - 1j, -0.3 + 2j], requires_grad=True)
        r = ops[name](c)
        assert r.dtype == ember.float32, name
        assert r.item() == pytest.approx(value, abs=1e-5), name
        g, = ember.autograd.grad(r, c)
        assert np.allclose(g.detach().numpy(), grad, atol=1e-4), name
    assert ember.var_mean(ember.tensor([1j, 2.]))[1].dtype == ember.complex64
    assert ember.var(ember.ones(2, dtype=ember.complex128)).dtype == ember.float64


# PyTorch 2.13 on the CPU: no half-precision FFT (cuFFT's float16 gives complex32), and a complex value with an
# imaginary part does not convert to a real type
HALF_PRECISION_REFUSALS = [
    (lambda: ember.fft.fft(ember.randn(8).half()), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.rfft(ember.randn(8).half()), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.irfft(ember.randn(8).half()), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.hfft(ember.randn(8).half()), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.ihfft(ember.randn(8).half()), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.fft2(ember.randn(4, 4).half(), norm='bad'), RuntimeError, 'Unsupported dtype Half'),
    (lambda: ember.fft.fft(ember.randn(8).bfloat16()), RuntimeError, 'Unsupported dtype BFloat16'),
    (lambda: ember.stft(ember.randn(64).half(), 16, window=ember.hann_window(16).half(), return_complex=True),
     RuntimeError, "MKL FFT doesn't support tensors of type: Half"),
    (lambda: ember.full((2,), 1j, dtype=ember.float16), RuntimeError,
     'value cannot be converted to type c10::Half without overflow'),
    (lambda: ember.full((2,), 1 + 1j, dtype=ember.float32), RuntimeError,
     'value cannot be converted to type float without overflow'),
    (lambda: ember.full((2,), 1j, dtype=ember.int64), RuntimeError,
     'value cannot be converted to type int64_t without overflow'),
    (lambda: ember.zeros(2, dtype=ember.bfloat16).fill_(1j), RuntimeError,
     'value cannot be converted to type c10::BFloat16 without overflow'),
    (lambda: ember.tensor([1.0, 1j], dtype=ember.float16), TypeError, 'must be real number, not complex'),
    (lambda: ember.tensor([1 + 0j], dtype=ember.float32), TypeError, 'must be real number, not complex'),
    (lambda: ember.tensor([1j], dtype=ember.int64), TypeError, "'complex' object cannot be interpreted as an integer"),
]


@pytest.mark.parametrize('call,exc,message', HALF_PRECISION_REFUSALS,
                         ids=[str(i) for i in range(len(HALF_PRECISION_REFUSALS))])
def test_half_precision_fft_and_complex_fill_refusals(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value) == message


def test_complex_fill_with_no_imaginary_part_and_into_bool():
    assert ember.full((2,), 2 + 0j, dtype=ember.float16).tolist() == [2.0, 2.0]
    assert ember.full((2,), 1j, dtype=ember.bool).tolist() == [True, True]
    assert ember.zeros(2).fill_(3 + 0j).tolist() == [3.0, 3.0]


def test_polar_node_and_gradients_are_pytorchs():
    # recorded from PyTorch 2.13: the node keeps the result only; a negative magnitude's gradient is the
    # other sign's (sgn of the result), a zero one's 0
    r = ember.tensor([1.5, -2.0, 0.0], dtype=ember.float64, requires_grad=True)
    t = ember.tensor([0.3, 1.0, -0.7], dtype=ember.float64, requires_grad=True)
    z = ember.polar(r, t)
    assert z.grad_fn.name() == 'PolarBackward0' and z.grad_fn._saved_result.shape == (3,)
    (z * ember.tensor([1 + 2j, -0.5 + 1j, 2 - 1j], dtype=ember.complex128)).real.sum().backward()
    np.testing.assert_allclose(r.grad.numpy(), [0.364296075802927, 1.1116221377419664, 0.0])
    np.testing.assert_allclose(t.grad.numpy(), [-3.3092897773688277, 0.23913362692838303, 0.0])


def test_sgn_differentiates_complex_inputs_and_sign_refuses_them():
    # recorded from PyTorch 2.13: sgn's node keeps self and result; the gradient turns z's direction (0 at 0)
    z = ember.tensor([3 + 4j, 0j, -1 + 2j], dtype=ember.complex128, requires_grad=True)
    y = ember.sgn(z)
    assert y.grad_fn.name() == 'SgnBackward0' and y.grad_fn._saved_self.shape == (3,)
    (y * ember.tensor([1 + 1j, 2 - 1j, 0.5j], dtype=ember.complex128)).real.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [0.224 - 0.168j, 0, -0.08944271909999159 - 0.044721359549995794j])
    x = ember.tensor([1.5, 0.0, -2.0], requires_grad=True)
    assert ember.sgn(x).grad_fn.name() == 'SgnBackward0' and ember.sign(x).grad_fn.name() == 'SignBackward0'
    message = ('^Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn '
               'instead.$')
    with pytest.raises(NotImplementedError, match=message):
        ember.sign(ember.tensor([1j]))
    with pytest.raises(NotImplementedError, match=message):
        ember.tensor([1j]).sign_()


def test_conj_real_and_resolve_hand_a_real_tensor_back_itself():
    # as PyTorch: no copy and no node, so the graph has nothing to show for them
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for fn in (ember.conj, ember.conj_physical, ember.real, ember.resolve_conj, ember.resolve_neg,
               ember.Tensor.contiguous):
        assert fn(x) is x
    assert x.t().contiguous().grad_fn.name() == 'CloneBackward0'


# Recorded from PyTorch 2.13 (two levels of next_functions, tests/_grad_fn_edges.edge_tree) for the complex
# paths of the op-table rows whose grad_fn tests call the public function on the real sample
COMPLEX_TREES = {
    'conj': ["ConjBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
    'conj_physical': ["ConjPhysicalBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
    'real': ["SelectBackward0", [["ViewAsRealBackward0", [["MulBackward0", 2]]]]],
    'imag': ["SelectBackward0", [["ViewAsRealBackward0", [["MulBackward0", 2]]]]],
    'resolve_neg': ["MulBackward0", [["ViewAsComplexBackward0", [["ember::autograd::AccumulateGrad", 0]]], None]],
    'angle': ["AngleBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
    'sgn': ["SgnBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
    'renorm': ["RenormBackward0", [["ExpandBackward0", [["UnsqueezeBackward0", 1]]]]],
    'view_as_real': ["ViewAsRealBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
    'abs': ["AbsBackward0", [["MulBackward0", [["ViewAsComplexBackward0", 1], None]]]],
}
_COMPLEX_CALLS = {
    'conj': ember.conj, 'conj_physical': ember.conj_physical, 'real': ember.real, 'imag': ember.imag,
    'resolve_neg': ember.resolve_neg, 'angle': ember.angle, 'sgn': ember.sgn,
    'renorm': lambda z: ember.renorm(z.unsqueeze(0).expand(2, 3), 1.0, 0, 1.0), 'view_as_real': ember.view_as_real,
    'abs': ember.abs}


@pytest.mark.parametrize('name', sorted(COMPLEX_TREES))
def test_complex_graphs_are_pytorchs(name):
    from tests._grad_fn_edges import edge_tree
    x = ember.tensor([[0.3, -1.2], [2.0, 0.5], [-0.7, 1.1]], dtype=ember.float64, requires_grad=True)
    z = ember.view_as_complex(x) * ember.tensor([0.5 - 1j, 2 + 0.25j, -1.5j])
    assert edge_tree(_COMPLEX_CALLS[name](z).grad_fn, 2) == COMPLEX_TREES[name]
