"""Higher-level differentiation: jacobian, hessian, vjp, jvp, hvp, vhp (``torch.autograd.functional``).

All are built on ``autograd.grad`` with ``create_graph`` where a second derivative is needed.
"""
from ember._tensor import Tensor
from ember.autograd.engine import grad as _grad
from ember.autograd.grad_mode import enable_grad


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prep(inputs, create_graph):
    """Fresh leaves that require grad, so differentiation never touches the caller's tensors."""
    out = []
    for t in inputs:
        d = t if (create_graph and t.requires_grad) else t.detach()
        out.append(d.requires_grad_(True) if not d.requires_grad else d)
    return tuple(out)


def _zeros_for(grads, refs):
    from ember.ops.creation import zeros_like
    return tuple(g if g is not None else zeros_like(r) for g, r in zip(grads, refs))


def _finish(x, create_graph):
    return x if create_graph else x.detach()


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    single = isinstance(inputs, Tensor)
    with enable_grad():
        inp = _prep(_as_tuple(inputs), create_graph)
        out = func(*inp)
        outs = _as_tuple(out)
        vs = _as_tuple(v) if v is not None else (None,) * len(outs)
        grads = _grad(outs, inp, vs, create_graph=create_graph, allow_unused=True, retain_graph=True)
    grads = tuple(_finish(g, create_graph) for g in _zeros_for(grads, inp))
    out_d = tuple(_finish(o, create_graph) for o in outs)
    return (out_d[0] if isinstance(out, Tensor) else out_d), (grads[0] if single else grads)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Forward-mode product through the double-backward trick: J v = d/du (u^T J) v."""
    from ember.ops.creation import zeros_like
    single = isinstance(inputs, Tensor)
    with enable_grad():
        inp = _prep(_as_tuple(inputs), create_graph)
        out = func(*inp)
        outs = _as_tuple(out)
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        g = _grad(outs, inp, us, create_graph=True, allow_unused=True)
        g = _zeros_for(g, inp)
        vs = _as_tuple(v) if v is not None else tuple(zeros_like(i) + 1 for i in inp)
        jv = _grad(g, us, vs, create_graph=create_graph, allow_unused=True)
    jv = tuple(_finish(x, create_graph) for x in _zeros_for(jv, outs))
    out_d = tuple(_finish(o, create_graph) for o in outs)
    return (out_d[0] if isinstance(out, Tensor) else out_d), (jv[0] if isinstance(out, Tensor) else jv)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'):
    from ember.ops.shape import stack
    single_in = isinstance(inputs, Tensor)
    with enable_grad():
        inp = _prep(_as_tuple(inputs), create_graph)
        out = func(*inp)
        single_out = isinstance(out, Tensor)
        outs = _as_tuple(out)
        result = []
        for o in outs:
            flat = o.reshape(-1)
            rows = [[] for _ in inp]
            for k in range(flat.shape[0]):
                gs = _grad(flat[k], inp, retain_graph=True, create_graph=create_graph, allow_unused=True)
                for j, g in enumerate(_zeros_for(gs, inp)):
                    rows[j].append(g)
            per_input = []
            for j, i in enumerate(inp):
                if rows[j]:
                    jac = stack(rows[j]).reshape(tuple(o.shape) + tuple(i.shape))
                else:
                    from ember.ops.creation import zeros
                    jac = zeros(*(tuple(o.shape) + tuple(i.shape)), dtype=o.dtype)
                per_input.append(_finish(jac, create_graph))
            result.append(per_input[0] if single_in else tuple(per_input))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy='reverse-mode'):
    single_in = isinstance(inputs, Tensor)

    def grad_fn(*inp):
        with enable_grad():
            out = func(*inp)
            if out.numel() != 1:
                raise RuntimeError("The function given to hessian should return a single element Tensor")
            g = _grad(out, inp, create_graph=True, allow_unused=True)
            return tuple(_zeros_for(g, inp)) if not single_in else _zeros_for(g, inp)[0]
    return jacobian(grad_fn, inputs, create_graph=create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    single = isinstance(inputs, Tensor)
    with enable_grad():
        inp = _prep(_as_tuple(inputs), create_graph)
        out = func(*inp)
        g = _zeros_for(_grad(out, inp, create_graph=True, allow_unused=True), inp)
        vs = _as_tuple(v)
        hv = _grad(g, inp, vs, create_graph=create_graph, allow_unused=True)
    hv = tuple(_finish(x, create_graph) for x in _zeros_for(hv, inp))
    return _finish(out, create_graph), (hv[0] if single else hv)


hvp = vhp  # the Hessian of a scalar function is symmetric, so v^T H == H v
