"""PyTorch's note "Extending torch.func with autograd.Function" (docs/source/notes/extending.func.md):
NumpySort/NumpyTake calling into NumPy with forward/setup_context/backward and hand-written vmap rules,
MyCube with its gradient computed in the forward (second-order gradients through torch.func.grad), and
generate_vmap_rule=True; the note's sanity checks run and their values printed, seeded; then the
transforms composed over these Functions (jacrev, vmap of grad, jacfwd refused without a jvp)."""
import torch
import numpy as np

torch.manual_seed(0)


def to_numpy(tensor):
    return tensor.cpu().numpy()


class NumpySort(torch.autograd.Function):
    # Note that forward does not take ctx
    @staticmethod
    def forward(x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        # Any intermediates to be saved in backward must be returned as
        # outputs.
        return (
            # The desired output
            torch.tensor(result, device=device),
            # intermediate to save for backward
            torch.tensor(ind, device=device),
            # intermediate to save for backward
            torch.tensor(ind_inv, device=device),
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

    @staticmethod
    def vmap(info, in_dims, x, dim):
        x_bdim, _ = in_dims
        x = x.movedim(x_bdim, 0)
        # Handle negative dims correctly
        dim = dim if dim >= 0 else dim + x.dim() - 1
        return NumpySort.apply(x, dim + 1), (0, 0, 0)


class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(x, ind, ind_inv, dim):
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, ind, ind_inv, dim = inputs
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None

    @staticmethod
    def vmap(info, in_dims, x, ind, ind_inv, dim):
        x_bdim, ind_bdim, ind_inv_bdim, _ = in_dims

        # Handle negative dims by wrapping them to be positive
        logical_dim = x.dim() if x_bdim is None else x_bdim - 1
        dim = dim if dim >= 0 else dim + logical_dim

        def maybe_expand_bdim_at_front(x, x_bdim):
            if x_bdim is None:
                return x.expand(info.batch_size, *x.shape)
            return x.movedim(x_bdim, 0)

        x = maybe_expand_bdim_at_front(x, x_bdim)
        ind = maybe_expand_bdim_at_front(ind, ind_bdim)
        ind_inv = maybe_expand_bdim_at_front(ind_inv, ind_inv_bdim)

        return NumpyTake.apply(x, ind, ind_inv, dim + 1), 0


def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result


x = torch.randn(2, 3)
grad_x = torch.func.grad(lambda x: numpy_sort(x).sum())(x)
assert torch.allclose(grad_x, torch.ones_like(x))
print(x)
print(numpy_sort(x))
print(grad_x)

# the sort's gradient sends each output's gradient to where that value came from
w = torch.arange(3.)
print(torch.func.grad(lambda x: (numpy_sort(x) * w).sum())(x))
xr = x.clone().requires_grad_()
out, ind, ind_inv = NumpySort.apply(xr, 1)
print(out.grad_fn.name(), ind.requires_grad, ind_inv.requires_grad, ind.dtype)
(out * w).sum().backward()
print(xr.grad)


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        # In order for the autograd.Function to work with higher-order
        # gradients, we must add the gradient contribution of `dx`.
        result = grad_output * dx + grad_dx * 6 * x
        return result


def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


x = torch.randn([])
ggx = torch.func.grad(torch.func.grad(my_cube))(x)
assert torch.allclose(ggx, 6 * x)
print(x, ggx)
print(torch.func.grad(my_cube)(x), 3 * x ** 2)


class MyCubeVmap(torch.autograd.Function):
    # Set generate_vmap_rule to True to ask PyTorch to automatically generate
    # a vmap rule.
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


def my_cube_vmap(x):
    result, dx = MyCubeVmap.apply(x)
    return result


x = torch.randn(3)
result = torch.vmap(my_cube_vmap)(x)
assert torch.allclose(result, x ** 3)
print(result)
print(torch.vmap(torch.func.grad(my_cube_vmap))(x))
print(torch.func.jacrev(my_cube_vmap)(x))
try:   # hessian is jacfwd over jacrev: forward mode needs a jvp staticmethod
    torch.func.hessian(lambda v: my_cube_vmap(v).sum())(x)
except NotImplementedError as e:
    print(type(e).__name__, e)

x = torch.randn(2, 3)
result = torch.vmap(numpy_sort)(x)
assert torch.allclose(result, numpy_sort(result, 1))
print(result)
print(torch.vmap(numpy_sort, in_dims=1, out_dims=1)(x))
print(torch.func.jacrev(numpy_sort)(x[0]))

# without a vmap rule, vmap refuses; without a jvp, forward mode refuses
try:
    torch.vmap(my_cube)(torch.randn(3))
except RuntimeError as e:
    print(type(e).__name__, str(e).split(' For more details')[0])
try:
    torch.func.jvp(my_cube, (torch.randn(()),), (torch.ones(()),))
except NotImplementedError as e:
    print(type(e).__name__, str(e).split('\n')[0])
