"""Custom autograd.Function: ctx, saved tensors, needs_input_grad, non-differentiable outputs."""
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck, once_differentiable


class Cube(Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x ** 2 * ctx.scale, None


def test_custom_function_forward_backward_and_name():
    x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == 'CubeBackward'
    assert y.tolist() == [2., 16.]
    y.sum().backward()
    assert x.grad.tolist() == [6., 24.]


def test_custom_function_double_backward_and_gradchecks():
    x = ember.tensor([0.5, -1.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: Cube.apply(t, 1.5), (x,))
    assert gradgradcheck(lambda t: Cube.apply(t, 1.5), (x,))


def test_forward_runs_without_recording():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen['grad_enabled'] = ember.is_grad_enabled()
            seen['needs'] = ctx.needs_input_grad
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = ember.ones(2, requires_grad=True)
    Probe.apply(x)
    assert seen == {'grad_enabled': False, 'needs': (True,)}


def test_mark_non_differentiable():
    class SortWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            idx, = ctx.saved_tensors
            return ember.zeros_like(g).scatter(0, idx, g)
    x = ember.tensor([3., 1., 2.], requires_grad=True)
    v, i = SortWithIndex.apply(x)
    assert v.requires_grad and not i.requires_grad
    (v * ember.tensor([1., 2., 3.])).sum().backward()
    assert x.grad.tolist() == [3., 1., 2.]


def test_wrong_number_of_gradients():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)
    x = ember.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match=r'returned an incorrect number of gradients \(expected 2, got 1\)'):
        Bad.apply(x, x).backward()


def test_saved_tensor_version_check_in_custom_function():
    x = ember.ones(2, requires_grad=True)
    y = x * 1
    z = Cube.apply(y, 1.0)
    y.add_(1)
    with pytest.raises(RuntimeError, match='modified by an inplace operation'):
        z.sum().backward()


def test_once_differentiable_backward_runs_without_graph():
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            assert not ember.is_grad_enabled()
            return 2 * x * g
    x = ember.tensor([3.], requires_grad=True)
    Square.apply(x).backward(create_graph=True)
    assert x.grad.item() == 6.


class _Square(ember.autograd.Function):
    """PyTorch 2's style: forward without ctx, setup_context saves what backward needs."""

    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * x * g

    @staticmethod
    def vmap(info, in_dims, x):
        _Square.calls.append((info.batch_size, in_dims))
        return _Square.apply(x), in_dims[0]


_Square.calls = []


def test_setup_context_style_functions_and_transforms():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = _Square.apply(x)
    assert type(y.grad_fn).__name__ == '_SquareBackward' and y.tolist() == [1., 4.]
    y.sum().backward()
    assert x.grad.tolist() == [2., 4.]
    assert ember.func.grad(lambda v: _Square.apply(v).sum())(ember.tensor([1., 3.])).tolist() == [2., 6.]
    _Square.calls.clear()
    assert ember.vmap(_Square.apply, in_dims=1)(ember.ones(2, 3) * 2).tolist() == [[4.] * 2] * 3
    assert _Square.calls == [(3, (1,))]           # the Function's own vmap rule ran, once, on the whole batch

    class Generated(_Square):
        generate_vmap_rule = True

        @staticmethod
        def vmap(info, in_dims, x):
            raise AssertionError('generate_vmap_rule=True runs forward on the batched tensors instead')
    assert ember.vmap(Generated.apply)(ember.ones(3, 2)).tolist() == [[1., 1.]] * 3


def test_transforms_refuse_functions_pytorch_refuses():
    class Old(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class NoVmap(ember.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

    assert Old.apply(ember.ones(1)).tolist() == [2.]      # outside a transform, the classic style works
    with pytest.raises(RuntimeError, match='must override the setup_context staticmethod'):
        ember.func.grad(lambda v: Old.apply(v).sum())(ember.ones(2))
    with pytest.raises(RuntimeError, match='must override the setup_context staticmethod'):
        ember.vmap(Old.apply)(ember.ones(2, 2))
    with pytest.raises(RuntimeError, match='^You tried to vmap over NoVmap, but it does not have vmap support. Please '
                                           'override and implement the vmap staticmethod or set '
                                           'generate_vmap_rule=True. For more details, please see '
                                           'https://pytorch.org/docs/main/notes/extending.func.html$'):
        ember.vmap(NoVmap.apply)(ember.ones(2, 2))
    assert ember.func.grad(lambda v: NoVmap.apply(v).sum())(ember.ones(2)).tolist() == [2., 2.]


class _Cube(Function):
    # the "Extending torch.func" note's MyCube: its backward also takes the gradient of the dx output
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x ** 3, 3 * x ** 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0], output[1])

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x


def test_vmap_of_grad_through_a_generated_vmap_rule():
    # PyTorch's values: each example's gradient (3 x**2), and the second derivative (6 x) per example
    x = ember.tensor([1., 2., 3.])
    cube = lambda v: _Cube.apply(v)[0]
    assert ember.vmap(ember.func.grad(cube))(x).tolist() == [3., 12., 27.]
    assert ember.vmap(ember.func.grad(ember.func.grad(cube)))(x).tolist() == [6., 12., 18.]
    assert ember.vmap(cube)(x).tolist() == [1., 8., 27.]
    assert ember.func.jacrev(cube)(x).tolist() == [[3., 0., 0.], [0., 12., 0.], [0., 0., 27.]]


def test_forward_mode_transforms_need_a_jvp_staticmethod():
    # PyTorch: forward-mode AD through a custom Function calls its jvp; without one, NotImplementedError
    cube = lambda v: _Cube.apply(v)[0]
    text = '^You must implement the jvp function for custom autograd.Function to use it with forward mode AD.$'
    for call in (lambda: ember.func.jvp(cube, (ember.ones(2),), (ember.ones(2),)),
                 lambda: ember.func.jacfwd(cube)(ember.ones(2)),
                 lambda: ember.func.hessian(lambda v: cube(v).sum())(ember.ones(2)),
                 lambda: ember.func.linearize(cube, ember.ones(2))):
        with pytest.raises(NotImplementedError, match=text):
            call()
    # reverse mode is unaffected, and ember's own ops (Functions too) run under forward mode
    assert ember.func.grad(lambda v: cube(v).sum())(ember.ones(2)).tolist() == [3., 3.]
    assert ember.func.jvp(lambda v: v.sin() * 2, (ember.zeros(2),), (ember.ones(2),))[1].tolist() == [2., 2.]


def test_numpy_inside_a_function_forward_sees_no_grad_mode():
    # as PyTorch: numpy() refuses a tensor that requires grad only while grad mode is on
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert x.numpy().tolist() == [1., 1.]
    with pytest.raises(RuntimeError, match="^Can't call numpy"):
        x.numpy()

    class ViaNumpy(Function):
        @staticmethod
        def forward(ctx, t):
            return ember.tensor(t.numpy() * 2)

        @staticmethod
        def backward(ctx, g):
            return g * 2
    y = ViaNumpy.apply(x)
    y.sum().backward()
    assert y.tolist() == [2., 2.] and x.grad.tolist() == [2., 2.]


def test_calling_an_instance_is_pytorchs_legacy_function_error():
    # the pre-0.4 style (non-static forward, ``MyFunction()(x)``), as old tutorials wrote it
    class Legacy(ember.autograd.Function):
        def forward(self, x):
            return x * 2

    with pytest.raises(RuntimeError, match=r"^Legacy autograd function with non-static forward method is deprecated\. "
                                           r"Please use new-style autograd function with static forward method\. "
                                           r"\(Example: https://pytorch\.org/docs/stable/autograd\.html"
                                           r"#torch\.autograd\.Function\)$"):
        Legacy()(ember.ones(2, requires_grad=True))


def test_returned_inputs_are_views_not_modified_in_place():
    # PyTorch 2.13: a custom Function's output that is an input returned as-is is a view of it; one such output
    # may not be changed in place, several are refused as multiple views
    class Same(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Both(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x, y

        @staticmethod
        def backward(ctx, a, b):
            return a, b

    x = ember.ones(2, requires_grad=True) * 1
    y = Same.apply(x)
    assert y._base is x and y._is_view()
    with pytest.raises(RuntimeError, match=r"^Output 0 of Same is a view and is being modified inplace\. This view "
                                           r"was created inside a custom Function \(or because an input was "
                                           r"returned as-is\)"):
        y.add_(1)
    a, b = Both.apply(x, ember.ones(2, requires_grad=True) * 1)
    with pytest.raises(RuntimeError, match=r"^Output 1 of Both is a view and is being modified inplace\. This view "
                                           r"is the output of a function that returns multiple views\."):
        b.add_(1)
    (y * 3).sum().backward()        # the Function's own backward still runs
