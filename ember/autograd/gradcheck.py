"""gradcheck / gradgradcheck: analytical gradients against central finite differences."""
import numpy as np

from ember.backend import to_numpy as _host
from ember._tensor import Tensor
from ember.autograd.engine import grad as _grad
from ember.autograd.grad_mode import no_grad, enable_grad


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _diff_inputs(inputs):
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _numerical_jacobian(fn, inputs, idx, eps):
    """d(outputs)/d(inputs[idx]) by central differences, one column per input element."""
    t = inputs[idx]
    data = t._data
    flat_view = data.reshape(-1) if data.flags.c_contiguous else None
    cols = []
    with no_grad():
        for k in range(data.size):
            pos = np.unravel_index(k, data.shape) if data.ndim else ()
            orig = data[pos].copy()
            data[pos] = orig + eps
            plus = [_host(o.detach()._data).copy().reshape(-1) for o in _as_tuple(fn(*inputs))]
            data[pos] = orig - eps
            minus = [_host(o.detach()._data).copy().reshape(-1) for o in _as_tuple(fn(*inputs))]
            data[pos] = orig
            cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    del flat_view
    n_out = len(cols[0]) if cols else len(_as_tuple(fn(*inputs)))
    return [np.stack([c[o] for c in cols], axis=1) if cols else None for o in range(n_out)]


def _analytical_jacobian(outputs, inputs, idx):
    """Rows of d(output)/d(input) by one reverse pass per output element."""
    jacs = []
    t = inputs[idx]
    for o in outputs:
        if not o.requires_grad or not o.dtype.is_floating_point:
            jacs.append(np.zeros((o.numel(), t.numel())))
            continue
        flat = o.reshape(-1)
        rows = []
        for k in range(flat.shape[0]):
            g, = _grad(flat[k], [t], retain_graph=True, allow_unused=True)
            rows.append(np.zeros(t.numel()) if g is None else _host(g._data).reshape(-1).astype(np.float64))
        jacs.append(np.stack(rows) if rows else np.zeros((0, t.numel())))
    return jacs


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """True when ``func``'s analytical Jacobian matches finite differences for every input."""
    inputs = _as_tuple(inputs)
    diff = _diff_inputs(inputs)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name not in ('float64', 'complex128'):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=2)
    with enable_grad():
        outputs = _as_tuple(func(*inputs))
    for i in diff:
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(outputs, inputs, i)
        for o, (n, a) in enumerate(zip(numerical, analytical)):
            if n is None:
                continue
            if n.shape != a.shape or not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {o} with respect to input {i},\n"
                                     f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n")
    return True


def _fmt(a):
    from ember.ops.creation import tensor
    return repr(tensor(a, dtype=np.float64))


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """gradcheck of the first derivative: checks that backward is itself correctly differentiable."""
    inputs = _as_tuple(inputs)
    with enable_grad():
        outputs = _as_tuple(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        from ember.ops.creation import tensor
        grad_outputs = tuple(tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype, device=o.device,
                                    requires_grad=True)
                             for o in outputs if o.requires_grad)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff = _diff_inputs(inputs)

    def first_derivative(*args):
        ins, gos = args[:n_in], args[n_in:]
        with enable_grad():  # also when the numerical pass evaluates this under no_grad
            outs = [o for o in _as_tuple(func(*ins)) if o.requires_grad]
            diff_in = [ins[i] for i in diff]
            gs = _grad(outs, diff_in, gos, create_graph=True, allow_unused=True)
        from ember.ops.creation import zeros_like
        return tuple(g if g is not None else zeros_like(x) for g, x in zip(gs, diff_in))

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
