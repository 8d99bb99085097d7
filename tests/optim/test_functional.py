"""The functional updates (_functional.py): direct calls, complex parameters, and (with PyTorch installed)
float32 agreement with PyTorch to rounding."""
import numpy as np
import pytest

import ember
from ember.optim import _functional as F


def test_sgd_function_fills_missing_momentum_buffers():
    p = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    g = ember.tensor([0.5, -1.], dtype=ember.float64)
    bufs = [None]
    F.sgd([p], [g], bufs, weight_decay=0.0, momentum=0.9, lr=0.1, dampening=0.0, nesterov=False, maximize=False)
    assert isinstance(bufs[0], ember.Tensor) and bufs[0].tolist() == [0.5, -1.]
    assert bufs[0]._data is not g._data   # a copy: the gradient is left alone
    assert p.tolist() == pytest.approx([0.95, 2.1])
    assert g.tolist() == [0.5, -1.]


def test_adam_function_updates_state_in_place():
    p = ember.tensor([1.], dtype=ember.float64, requires_grad=True)
    m, v, step = ember.zeros(1, dtype=ember.float64), ember.zeros(1, dtype=ember.float64), ember.tensor(0.)
    for _ in range(2):
        F.adam([p], [ember.tensor([2.], dtype=ember.float64)], [m], [v], [], [step], amsgrad=False, beta1=0.9,
               beta2=0.999, lr=0.1, weight_decay=0.0, eps=1e-8, maximize=False)
    assert step.item() == 2.0
    assert m.tolist() == pytest.approx([0.38]) and v.tolist() == pytest.approx([0.007996])
    assert p.tolist() == pytest.approx([0.8])


def test_grad_scaler_arguments_are_refused():
    p = ember.tensor([1.], requires_grad=True)
    with pytest.raises(AssertionError, match="Expected grad_scale and found_inf to be None"):
        F.sgd([p], [p], [None], grad_scale=ember.tensor(1.), weight_decay=0, momentum=0, lr=0.1, dampening=0,
              nesterov=False, maximize=False)


# PyTorch 2.13's values for complex128 parameters (updated as their real and imaginary parts)
COMPLEX_EXPECTED = {
    'Adam': [(0.7000000100000004 + 2.1572709282867044j), (-0.6572709435296256 - 0.04999999699999927j)],
    'AdamW': [(0.6973029089900038 + 2.151202512614869j), (-0.655698029348321 - 0.05044934725299831j)],
    'SGD': [(0.777516 + 1.9276579999999999j), (-0.8611895 - 0.32011525j)],
    'RMSprop': [(-2.4219405487591623 + 4.411007482977866j), (-2.9110092139145785 - 3.171941221632804j)],
    'Adagrad': [(0.7715542950234938 + 2.1894427189599917j), (-0.6894427190859915 + 0.021554294980715996j)],
    'Adadelta': [(0.9902930393180764 + 2.0071998864738716j), (-0.5072028578026154 + 0.24029253765324135j)],
}
COMPLEX_KWARGS = {'Adam': dict(lr=0.1, amsgrad=True), 'AdamW': dict(lr=0.1),
                  'SGD': dict(lr=0.1, momentum=0.9, weight_decay=0.1),
                  'RMSprop': dict(lr=0.1, centered=True, momentum=0.5), 'Adagrad': dict(lr=0.1),
                  'Adadelta': dict(lr=1.0)}


@pytest.mark.parametrize('name', sorted(COMPLEX_EXPECTED))
def test_complex_parameters(name):
    p = ember.tensor([1 + 2j, -0.5 + 0.25j], dtype=ember.complex128, requires_grad=True)
    opt = getattr(ember.optim, name)([p], **COMPLEX_KWARGS[name])
    for k in range(3):
        p.grad = ember.tensor([0.3 - 0.1j * k, 1j + k], dtype=ember.complex128)
        opt.step()
    np.testing.assert_allclose(np.array(p.tolist()), np.array(COMPLEX_EXPECTED[name]), rtol=0, atol=1e-12)


ORACLE_CONFIGS = [
    ('SGD', dict(lr=0.01, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    ('SGD', dict(lr=0.01, momentum=0.9, nesterov=True, maximize=True)),
    ('Adam', dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ('AdamW', dict(lr=0.01, betas=(0.5, 0.9))),
    ('RMSprop', dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    ('Adagrad', dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.1)),
    ('Adadelta', dict(rho=0.5, lr=0.5, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize('name, kwargs', ORACLE_CONFIGS, ids=[c[0] for c in ORACLE_CONFIGS])
def test_float32_agrees_with_pytorch_to_rounding(name, kwargs):
    """PyTorch fuses ``a + alpha * b`` into one FMA; NumPy rounds twice, so float32 results may differ in
    the last bits (never more), while float64 agrees to ~1e-16."""
    torch = pytest.importorskip('torch')
    rng = np.random.default_rng(0)
    for dtype, tol in (('float32', 3e-7), ('float64', 1e-14)):
        p0 = rng.standard_normal(1000).astype(dtype)
        grads = [rng.standard_normal(1000).astype(dtype) for _ in range(6)]
        results = []
        for lib in (torch, ember):
            p = lib.tensor(p0.copy(), requires_grad=True)
            opt = getattr(lib.optim, name)([p], **kwargs)
            for g in grads:
                p.grad = lib.tensor(g)
                opt.step()
            results.append(p.detach().numpy().copy())
        assert results[1].dtype == np.dtype(dtype)
        np.testing.assert_allclose(results[1], results[0], rtol=tol, atol=tol)


BLOCK_CONFIGS = [
    ('SGD', dict(lr=0.01, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    ('SGD', dict(lr=0.01, momentum=0.9, nesterov=True, maximize=True)),
    ('SGD', dict(lr=0.01)),
    ('Adam', dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ('AdamW', dict(lr=0.01, maximize=True)),
    ('RMSprop', dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ('RMSprop', dict(lr=0.01)),
    ('Adagrad', dict(lr=0.1, lr_decay=0.1)),
    ('Adadelta', dict(weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize('name, kwargs', BLOCK_CONFIGS, ids=[c[0] for c in BLOCK_CONFIGS])
def test_large_parameters_updated_block_by_block_give_the_same_bits(name, kwargs, monkeypatch):
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal((300, 250)).astype(np.float32)   # 75000 elements: more than 2 blocks
    grads = [rng.standard_normal((300, 250)).astype(np.float32) for _ in range(3)]
    small = ember.tensor(rng.standard_normal(5).astype(np.float32))

    def run():
        p = ember.tensor(p0.copy(), requires_grad=True)
        q = ember.tensor(small._data.copy(), requires_grad=True)
        opt = getattr(ember.optim, name)([p, q], **kwargs)
        for g in grads:
            p.grad = ember.tensor(g)
            q.grad = small
            opt.step()
        # a non-contiguous gradient takes the whole-array path
        p.grad = ember.tensor(np.ascontiguousarray(grads[0].T)).t()
        opt.step()
        return p._data.copy(), {k: v._data.copy() for k, v in opt.state[p].items()}
    blocked = run()
    monkeypatch.setattr(F, '_BLOCK', 10 ** 9)
    whole = run()
    assert np.array_equal(blocked[0], whole[0])
    for key in whole[1]:
        assert np.array_equal(blocked[1][key], whole[1][key]), key
