"""Backward engine: accumulation, retain_graph, create_graph, inputs=, hooks, errors."""
import warnings

import numpy as np
import pytest

import ember
from ember import autograd


def leaf(values, dtype=ember.float64):
    return ember.tensor(values, dtype=dtype, requires_grad=True)


def test_grad_accumulates_across_backward_calls():
    w = leaf([1.])
    for expected in (5., 10., 15.):
        ((w + 2) * (w + 1)).backward()
        assert w.grad.item() == expected


def test_backward_twice_through_saved_tensors_raises():
    a, b = leaf([1.]), leaf([2.])
    y = a * b
    y.backward()
    with pytest.raises(RuntimeError, match='Trying to backward through the graph a second time'):
        y.backward()


def test_backward_twice_without_saved_tensors_is_allowed():
    # like PyTorch: AddBackward0 saves nothing, so a second pass has nothing freed to miss
    a = leaf([1.])
    y = a + 1
    y.backward()
    y.backward()
    assert a.grad.item() == 2.


def test_retain_graph_allows_second_backward():
    a = leaf([3.])
    y = a * a
    y.backward(retain_graph=True)
    y.backward()
    assert a.grad.item() == 12.


def test_implicit_grad_requires_scalar():
    a = leaf([1., 2.])
    with pytest.raises(RuntimeError, match='^grad can be implicitly created only for scalar outputs$'):
        (a * 2).backward()


def test_backward_of_tensor_without_grad():
    with pytest.raises(RuntimeError, match='^element 0 of tensors does not require grad and does not have a grad_fn$'):
        ember.ones(2).sum().backward()


def test_gradient_argument_weights_outputs():
    a = leaf([2., 3.])
    (a ** 2).backward(gradient=ember.tensor([1., 2.], dtype=ember.float64))
    assert a.grad.tolist() == [4., 12.]


def test_gradient_shape_mismatch():
    a = leaf([2., 3.])
    with pytest.raises(RuntimeError, match=r'Mismatch in shape: grad_output\[0\] has a shape of ember.Size\(\[3\]\) '
                                           r'and output\[0\] has a shape of ember.Size\(\[2\]\)'):
        (a * 2).backward(ember.ones(3))


def test_autograd_grad_does_not_touch_dot_grad():
    x = leaf([3.])
    g, = autograd.grad(x ** 2, x)
    assert g.item() == 6. and x.grad is None


def test_autograd_grad_errors():
    x = leaf([1., 2.])
    y = ember.tensor([1., 2.])
    with pytest.raises(RuntimeError, match='^One of the differentiated Tensors does not require grad$'):
        autograd.grad((x * 2).sum(), y)
    z = leaf([1.])
    with pytest.raises(RuntimeError, match='^The differentiated Tensor at index 0 appears to not have been used'):
        autograd.grad((x * 2).sum(), z)
    gx, gz = autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.tolist() == [2., 2.]
    gz, = autograd.grad((x * 2).sum(), [z], materialize_grads=True)
    assert gz.tolist() == [0.]


def test_grad_of_several_outputs_of_one_node():
    # captum differentiates every row at once: autograd.grad(torch.unbind(out), inputs)
    x = leaf([1., 2., 3.])
    s = ember.cat([x, x * 2])
    g, = autograd.grad(ember.unbind(s * 3), x)
    assert g.tolist() == [9., 9., 9.]
    s = ember.cat([x, x * 2])
    g, = autograd.grad(list(ember.unbind(s * 3))[1:5], s)
    assert g.tolist() == [0., 3., 3., 3., 3., 0.]
    s = ember.cat([x, x * 2])
    ember.autograd.backward(ember.unbind(s * s))
    assert x.grad.tolist() == [10., 20., 30.]


def test_create_graph_gradient_is_a_tensor_of_its_own():
    # Adahessian detaches p.grad in place after backward(create_graph=True): it must be no view
    ember.manual_seed(0)    # (float32 sums of the Hessian-vector product cancel: fixed inputs, a tolerance to match)
    w = ember.randn(1, 5, requires_grad=True)
    x = ember.randn(4, 5)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ((x @ w.t()) ** 2).mean().backward(create_graph=True)
    g = w.grad
    assert g._base is None and g.grad_fn is not None
    hv, = autograd.grad(g, w, grad_outputs=ember.ones(1, 5), retain_graph=True)
    np.testing.assert_allclose(hv.numpy(), (ember.ones(1, 5) @ (x.t() @ x) / 2).numpy(), rtol=1e-5, atol=1e-5)
    g.detach_()
    assert g.grad_fn is None and not g.requires_grad


def test_higher_order_grads():
    x = leaf([2.])
    y = x ** 4
    g1, = autograd.grad(y, x, create_graph=True)
    g2, = autograd.grad(g1, x, create_graph=True)
    g3, = autograd.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (32., 48., 48.)
    assert g1.grad_fn is not None


def test_create_graph_backward_builds_differentiable_grad():
    x = leaf([1.5])
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    g2, = autograd.grad(x.grad, x)
    assert g2.item() == pytest.approx(9.0)


def test_backward_inputs_only_accumulates_into_given_tensors():
    a, b = leaf([1.]), leaf([2.])
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2. and b.grad is None
    with pytest.raises(RuntimeError, match='cannot be empty'):
        (a * b).backward(inputs=[])


def test_non_leaf_grad_warning_and_retain_grad():
    x = leaf([1.])
    y = x * 2
    with pytest.warns(UserWarning, match='is not a leaf Tensor is being accessed'):
        assert y.grad is None
    z = x * 2
    z.retain_grad()
    (z * 3).backward()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert z.grad.item() == 3. and z.retains_grad


def test_tensor_hooks_modify_gradient_and_run_in_order():
    x = leaf([1., 2.])
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(('y', g.tolist())))
    h = x.register_hook(lambda g: g * 10)
    (y * 3).sum().backward()
    assert seen == [('y', [3., 3.])]
    assert x.grad.tolist() == [60., 60.]
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1., 1.]


def test_hook_on_tensor_without_grad_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        ember.ones(1).register_hook(lambda g: g)


def test_grad_fn_graph_structure():
    a = ember.tensor([1., 2.], requires_grad=True)
    b = a * 2
    c = b.sum()
    assert c.grad_fn.name() == 'SumBackward0'
    (mul_node, nr), = c.grad_fn.next_functions
    assert mul_node.name() == 'MulBackward0' and nr == 0
    acc, none_edge = mul_node.next_functions
    assert acc[0].name() == 'ember::autograd::AccumulateGrad' and acc[0].variable is a
    assert none_edge == (None, 0)
    assert repr(c.grad_fn).startswith('<SumBackward0 object at 0x')


def test_inplace_on_leaf_requiring_grad_errors():
    w = leaf([1.])
    with pytest.raises(RuntimeError, match='^a leaf Variable that requires grad is being used in an in-place operation.$'):
        w.add_(1)
    with pytest.raises(RuntimeError, match='^a view of a leaf Variable that requires grad is being used in an in-place'):
        w[0] = 5.
    assert w.tolist() == [1.]
    with ember.no_grad():
        w.add_(1)
    assert w.tolist() == [2.]


def test_saved_tensor_modified_inplace_is_detected():
    a = ember.tensor([1., 2.], requires_grad=True)
    y = a.sigmoid()
    z = y * 2
    y.add_(1)
    with pytest.raises(RuntimeError) as e:
        z.sum().backward()
    assert str(e.value) == (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        "[ember.FloatTensor [2]], which is output 0 of Sigmoid, is at version 1; expected version 0 instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "ember.autograd.set_detect_anomaly(True, check_nan=False).")
    b = a * 1
    y = b * b
    b.add_(1)
    with pytest.raises(RuntimeError, match=r'\[ember.FloatTensor \[2\]\], which is output 0 of Add, is at version 1'):
        y.sum().backward()


def test_inplace_on_non_leaf_rebases_history():
    a = leaf([1., 2.])
    b = a * 3
    b.mul_(2)
    assert b.grad_fn.name() == 'MulBackward0'
    b.sum().backward()
    assert a.grad.tolist() == [6., 6.]


def test_inplace_through_view_flows_to_base():
    a = leaf([1., 2., 3.])
    b = a * 1
    v = b[1:]
    v.mul_(10)
    assert b.tolist() == [1., 20., 30.]
    assert b.grad_fn.name() == 'ember::autograd::CopySlices'
    b.sum().backward()
    assert a.grad.tolist() == [1., 10., 10.]


def test_setitem_with_grad_records_index_put():
    a = leaf([1., 2., 3.])
    v = leaf([5.])
    b = a.clone()
    b[1] = v[0] * 2
    b.sum().backward()
    assert a.grad.tolist() == [1., 0., 1.]
    assert v.grad.tolist() == [2.]


def test_version_counter_bumps_and_is_shared_by_views():
    a = ember.zeros(3)
    v = a[1:]
    assert a._version_counter.value == 0
    v.add_(1)
    assert a._version_counter.value == 1 and v._version_counter.value == 1
    a[0] = 2.
    assert v._version_counter.value == 2
    assert a.tolist() == [2., 1., 1.]


def test_detach_and_data_share_storage():
    a = leaf([1., 2.])
    d = a.detach()
    d[0] = 7.
    assert a.tolist() == [7., 2.] and not d.requires_grad
    a.data[1] = 9.
    assert a.tolist() == [7., 9.]
    a.data = ember.tensor([4., 4.], dtype=ember.float64)
    assert a.tolist() == [4., 4.] and a.requires_grad and a.is_leaf


def test_requires_grad_only_for_float():
    with pytest.raises(RuntimeError, match='^only Tensors of floating point dtype can require gradients$'):
        ember.ones(2, dtype=ember.long).requires_grad_()


def test_numpy_refuses_when_grad_required():
    with pytest.raises(RuntimeError, match=r"^Can't call numpy\(\) on Tensor that requires grad. Use "
                                           r"tensor.detach\(\).numpy\(\) instead.$"):
        leaf([1.]).numpy()


def test_grad_setter_validates():
    a = leaf([1., 2.])
    with pytest.raises(RuntimeError, match='assigned grad|attempting to assign a gradient'):
        a.grad = ember.ones(3, dtype=ember.float64)
    a.grad = ember.ones(2, dtype=ember.float64)
    assert a.grad.tolist() == [1., 1.]


def test_failed_op_leaves_inputs_unchanged():
    a = ember.ones(3)
    with pytest.raises(RuntimeError, match=r'The size of tensor a \(3\) must match the size of tensor b \(4\) '
                                           r'at non-singleton dimension 0'):
        a.add_(ember.ones(4))
    assert a.tolist() == [1., 1., 1.] and a._version_counter.value == 0
    with pytest.raises(RuntimeError, match=r"result type Float can't be cast to the desired output type Long"):
        x = ember.ones(2, dtype=ember.long)
        x *= 2.5
    assert x.tolist() == [1, 1]


def test_broadcast_gradients_sum_back_to_input_shape():
    a = leaf(np.ones((3, 1)))
    b = leaf(np.ones((1, 4)))
    (a * b).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[4.], [4.], [4.]]
    assert b.grad.tolist() == [[3.] * 4]


def test_mixed_dtype_gradients_take_input_dtype():
    a = ember.tensor([1., 2.], requires_grad=True)
    s = ember.tensor(3., dtype=ember.float64, requires_grad=True)
    y = a * s
    assert y.dtype == ember.float32
    y.sum().backward()
    assert a.grad.dtype == ember.float32 and s.grad.dtype == ember.float64
    assert s.grad.item() == 3.


def test_device_mismatch_error_text():
    from ember.autograd.function import _check_devices
    cpu = ember.ones(2)
    fake = ember.Tensor._make(np.ones(2, np.float32), ember.device('cuda:0'))
    with pytest.raises(RuntimeError, match=r'^Expected all tensors to be on the same device, but found at least '
                                           r'two devices, cuda:0 and cpu!$'):
        _check_devices([cpu, fake])


def test_cuda_unavailable():
    assert ember.cuda.is_available() in (True, False)
    if not ember.cuda.is_available():
        with pytest.raises(AssertionError, match='Torch not compiled with CUDA enabled|Found no NVIDIA driver'):
            ember.ones(2).cuda()


def test_float_of_tensor_requiring_grad_warns_like_pytorch():
    from ember import _warn_once
    x = leaf([1.5])
    for message in [m for m in _warn_once._WARNED if m.startswith('Converting a tensor with requires_grad')]:
        _warn_once._WARNED.discard(message)      # (an earlier test may have had it given already)
    with pytest.warns(UserWarning, match='Converting a tensor with requires_grad=True to a scalar'):
        assert float(x) == 1.5
    with warnings.catch_warnings():
        warnings.simplefilter('error')           # once per process, as PyTorch's, wherever it comes from
        assert float(x) == 1.5 and float(leaf([2.0])) == 2.0
        assert x.item() == 1.5 and int(x) == 1
