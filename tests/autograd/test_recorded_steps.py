"""Ops that record PyTorch's steps over one computation (autograd/_recorded_steps.py: cross_entropy's
log_softmax and nll_loss nodes, matmul's views and products, repeat_interleave's and sum_to_size's steps)
behave as the chains of ops they stand for: hooks on each node see and change what flows there, double
backward differentiates each node, and the fused pass's gradient bits are kept."""
import contextlib

import numpy as np

import ember
import ember.nn.functional as F
from ember.ops import loss as L

X = np.random.default_rng(0).standard_normal((6, 5)).astype(np.float32)
T = np.array([0, 4, 2, 2, 1, 3])


def _leaf(dtype=ember.float32):
    return ember.tensor(X, dtype=dtype, requires_grad=True)


def test_the_nodes_are_log_softmax_under_nll_loss():
    y = F.cross_entropy(_leaf(), ember.tensor(T))
    below = y.grad_fn.next_functions[0][0]
    assert (y.grad_fn.name(), below.name()) == ('NllLossBackward0', 'LogSoftmaxBackward0')
    assert below._saved_dim == 1
    assert np.array_equal(y.grad_fn._saved_self.detach().numpy(), below._saved_result.detach().numpy())


def test_gradient_bits_are_the_fused_ops():
    x, fused = _leaf(), _leaf()
    F.cross_entropy(x, ember.tensor(T)).backward()
    L.CrossEntropy.apply(fused, ember.tensor(T), None, -100, 'mean', 0.0).backward()
    assert x.grad.numpy().tobytes() == fused.grad.numpy().tobytes()


def _composed_grad(scale_below=1.0):
    x = _leaf()
    logp = F.log_softmax(x, 1)
    logp.register_hook(lambda g: g * scale_below)
    F.nll_loss(logp, ember.tensor(T)).backward()
    return x.grad.numpy()


def test_a_pre_hook_on_the_log_softmax_node_changes_its_gradient():
    x = _leaf()
    y = F.cross_entropy(x, ember.tensor(T))
    y.grad_fn.next_functions[0][0].register_prehook(lambda grads: (grads[0] * 3,))
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), _composed_grad(3.0), rtol=1e-6, atol=1e-7)


def test_a_hook_changing_nll_loss_gradient_in_place_reaches_the_input():
    x = _leaf()
    y = F.cross_entropy(x, ember.tensor(T))

    def double_in_place(grad_inputs, grad_outputs):
        grad_inputs[0].mul_(2)

    y.grad_fn.register_hook(double_in_place)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), _composed_grad(2.0), rtol=1e-6, atol=1e-7)


def test_double_backward_through_the_steps():
    x = _leaf(ember.float64)
    target = ember.tensor(T)
    assert ember.autograd.gradgradcheck(lambda x: F.cross_entropy(x, target), (x,))
    w = ember.rand(5, dtype=ember.float64)
    assert ember.autograd.gradgradcheck(lambda x: F.cross_entropy(x, target, w, label_smoothing=0.2), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.nll_loss(x.reshape(2, 5, 3), target.reshape(2, 3)), (x,))


def test_saved_tensor_hooks_see_the_log_probabilities():
    seen = []
    with ember.autograd.graph.saved_tensors_hooks(lambda t: seen.append(t.shape) or t, lambda t: t):
        F.cross_entropy(_leaf(), ember.tensor(T)).backward()
    assert (6, 5) in seen


def test_matmul_steps_differentiate_twice_and_reach_hooks():
    rng = np.random.default_rng(1)
    a = ember.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    b = ember.tensor(rng.standard_normal((2, 4, 5)), requires_grad=True)
    m = ember.tensor(rng.standard_normal((4, 5)), requires_grad=True)
    v = ember.tensor(rng.standard_normal(4), requires_grad=True)
    for x, y in [(a, b), (a, m), (v, b), (a[:1], b), (b.mT, a.mT)]:
        assert ember.autograd.gradgradcheck(lambda p, q: p @ q, (x.detach().requires_grad_(), y.detach().requires_grad_()))
    # a hook on the bmm node's input view sees and changes the gradient on its way to the operand
    out = a @ b
    bmm = out.grad_fn.next_functions[0][0]
    assert bmm.name() == 'BmmBackward0'
    bmm.next_functions[0][0].register_prehook(lambda grads: (grads[0] * 2,))
    out.sum().backward()
    expected = np.ones((2, 3, 5)) @ b.detach().numpy().transpose(0, 2, 1) * 2
    np.testing.assert_allclose(a.grad.numpy(), expected)


def test_number_repeats_and_sum_to_size_differentiate_twice():
    x = ember.tensor(np.linspace(0.1, 1.2, 12).reshape(3, 4), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: t.repeat_interleave(3, 1) ** 2, (x,))
    assert ember.autograd.gradgradcheck(lambda t: t.repeat_interleave(2) ** 2, (x,))
    assert ember.autograd.gradgradcheck(lambda t: (t ** 2).reshape(2, 3, 2).sum_to_size(3, 1), (x,))


def test_a_recorded_linear_layer_is_applys_addmm_over_the_weights_t():
    # F.linear records TBackward0 and AddmmBackward0 without apply's argument scan: the nodes, edges, saved
    # tensors and their attributes, the transposed weight's view of the weight, values and gradients are
    # those of Addmm.apply(bias, x, weight.t()), whichever arguments require grad, under saved-tensor hooks too
    from ember.ops.linear import Addmm
    rng = np.random.default_rng(1)
    for dtype in (ember.float32, ember.float64):
        for x_grad, b_grad in ((True, True), (False, True), (True, False)):
            for hooked in (False, True):
                arrays = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
                x, w, b = _linear_args(arrays, dtype, x_grad, b_grad)
                x2, w2, b2 = _linear_args(arrays, dtype, x_grad, b_grad)
                packed = []
                with ember.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t) or t, lambda t: t) \
                        if hooked else contextlib.nullcontext():
                    y = F.linear(x, w, b)
                    y2 = Addmm.apply(b2, x2, w2.t())
                assert len(packed) == (2 * (1 + x_grad) if hooked else 0)   # (mat2 saved when x needs a gradient)
                node, node2 = y.grad_fn, y2.grad_fn
                assert node.name() == node2.name() == 'AddmmBackward0'
                assert [n.name() if n else None for n, _ in node.next_functions] == \
                    [n.name() if n else None for n, _ in node2.next_functions]
                assert node.needs_input_grad == node2.needs_input_grad
                assert node._saved_mat1_sym_sizes == node2._saved_mat1_sym_sizes
                assert node._saved_mat2_sym_strides == node2._saved_mat2_sym_strides
                assert (node._saved_mat1 is x) == (node2._saved_mat1 is x2)
                t_node = node.next_functions[2][0]
                assert t_node.next_functions == ((w._grad_accumulator(), 0),)
                wt = node._saved_mat2
                assert (wt is None) == (node2._saved_mat2 is None) == (not x_grad)
                assert wt is None or (wt._base is w and wt.grad_fn is t_node and wt._version == w._version)
                np.testing.assert_array_equal(y.detach().numpy(), y2.detach().numpy())
                (y * y).sum().backward()
                (y2 * y2).sum().backward()
                for t, t2 in ((x, x2), (w, w2), (b, b2)):
                    assert (t.grad is None) == (t2.grad is None)
                    if t.grad is not None:
                        np.testing.assert_array_equal(t.grad.numpy(), t2.grad.numpy())


def _linear_args(arrays, dtype, x_grad, b_grad):
    return (ember.tensor(arrays[0], dtype=dtype, requires_grad=x_grad),
            ember.nn.Parameter(ember.tensor(arrays[1], dtype=dtype)),
            ember.tensor(arrays[2], dtype=dtype, requires_grad=b_grad))
