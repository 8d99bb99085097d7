"""What gradcheck, gradgradcheck and autograd.grad do with each of their options, run the same way against
ember and PyTorch (``module`` is either): tests/autograd/record_gradcheck.py records PyTorch's outcomes,
tests/autograd/test_gradcheck_options.py checks ember's against them.

Each outcome is ``repr(result)`` or ``'<ExceptionType>: <message>'`` with "torch" spelled "ember".
"""
import warnings


def _functions(torch):
    Function = torch.autograd.Function

    class WrongGrad(Function):  # backward off by a constant: a Jacobian mismatch, nonzero for zero grad_output
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * 2 * a + 0.01

    class Noisy(Function):  # backward differs a little from run to run
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 + torch.rand(g.shape, dtype=g.dtype) * 1e-8

    class NoisyScaled(Function):  # nondeterministic, but zero for a zero grad_output
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * (2 + torch.rand(g.shape, dtype=g.dtype) * 1e-8)

    class TwoOut(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class FailsOnUndefined(Function):  # cannot take an undefined gradient for its second output
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            if g1 is None or g2 is None:
                raise RuntimeError("undefined gradient")
            return g1 * 2 + g2 * 3

    class FailsOnUndefinedRaw(FailsOnUndefined):
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 2, a * 3

    class Float32Grad(Function):  # returns a float32 gradient for a float64 input
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).float()

    return dict(WrongGrad=WrongGrad, Noisy=Noisy, NoisyScaled=NoisyScaled, TwoOut=TwoOut,
                FailsOnUndefinedRaw=FailsOnUndefinedRaw, Float32Grad=Float32Grad)


def _x(torch, *vals):
    return torch.tensor(vals, dtype=torch.float64, requires_grad=True)


# the functions checked: (name, uses a custom Function (so forward mode is not checked), build(torch, fns))
GRADCHECK_CASES = {
    'square': (False, lambda t, f: (lambda a: a * a, (_x(t, 1., 2., 3.),))),
    'two_inputs': (False, lambda t, f: (lambda a, b: (a * b.sin(), a.sum() + b), (_x(t, 1., 2.), _x(t, .5, -1.)))),
    'complex_output': (False, lambda t, f: (lambda a: a * (1 + 2j), (_x(t, 1., 2.),))),
    'complex_input': (False, lambda t, f: (lambda a: (a * a.conj()).real,
                                           (t.tensor([1 + 1j, 2 - 1j], dtype=t.complex128, requires_grad=True),))),
    'no_differentiable_output': (False, lambda t, f: (lambda a: a.detach() * 2, (_x(t, 1., 2.),))),
    'detached_sum': (False, lambda t, f: (lambda a: (a * 2, a.detach().sum()), (_x(t, 1., 2.),))),
    'wrong_grad': (True, lambda t, f: (f['WrongGrad'].apply, (_x(t, 1., 2., 3.),))),
    'noisy': (True, lambda t, f: (f['Noisy'].apply, (_x(t, 1., 2.),))),
    'noisy_scaled': (True, lambda t, f: (f['NoisyScaled'].apply, (_x(t, 1., 2.),))),
    'two_outputs': (True, lambda t, f: (f['TwoOut'].apply, (_x(t, 1., 2.),))),
    'fails_on_undefined': (True, lambda t, f: (f['FailsOnUndefinedRaw'].apply, (_x(t, 1., 2.),))),
    'float32_grad': (True, lambda t, f: (f['Float32Grad'].apply, (_x(t, 1., 2.),))),
    'stride_zero': (False, lambda t, f: (lambda a: a * 2,
                                         (t.tensor([1.], dtype=t.float64).expand(3).requires_grad_(),))),
}

GRADCHECK_MODES = {
    'default': {},
    'fast': dict(fast_mode=True),
    'forward': dict(check_forward_ad=True),
    'forward_only': dict(check_forward_ad=True, check_backward_ad=False),
    'fast_forward': dict(fast_mode=True, check_forward_ad=True),
    'nondet_tol': dict(nondet_tol=1e-6),
    'grad_dtypes': dict(check_grad_dtypes=True),
    'no_undefined_check': dict(check_undefined_grad=False),
    'batched': dict(check_batched_grad=True),
    'batched_forward': dict(check_forward_ad=True, check_batched_forward_grad=True),
    'masked': dict(masked=True),
    'no_raise': dict(raise_exception=False),
    'neither_mode': dict(check_backward_ad=False),
    'batched_without_backward': dict(check_batched_grad=True, check_backward_ad=False, check_forward_ad=True),
    'batched_forward_without_forward': dict(check_batched_forward_grad=True),
}
FORWARD_MODES = {'forward', 'forward_only', 'fast_forward', 'batched_forward', 'batched_without_backward'}

GRADGRADCHECK_CASES = {
    'cube': (False, lambda t, f: (lambda a: a ** 3, (_x(t, 1., 2.),))),
    'two_inputs': (False, lambda t, f: (lambda a, b: a.sin() * b * b, (_x(t, 1., 2.), _x(t, .5, -1.)))),
    'wrong_grad': (True, lambda t, f: (f['WrongGrad'].apply, (_x(t, 1., 2.),))),
}

GRADGRADCHECK_MODES = {
    'default': {},
    'fast': dict(fast_mode=True),
    'fwd_over_rev': dict(check_fwd_over_rev=True),
    'fwd_over_rev_only': dict(check_fwd_over_rev=True, check_rev_over_rev=False, check_undefined_grad=False),
    'non_contiguous': dict(gen_non_contig_grad_outputs=True),
    'batched': dict(check_batched_grad=True),
    'nondet_tol': dict(nondet_tol=1e-6),
    'neither': dict(check_rev_over_rev=False),
    'undefined_without_rev': dict(check_fwd_over_rev=True, check_rev_over_rev=False),
    'batched_without_rev': dict(check_fwd_over_rev=True, check_rev_over_rev=False, check_undefined_grad=False,
                                check_batched_grad=True),
}
GRADGRAD_FORWARD_MODES = {'fwd_over_rev', 'fwd_over_rev_only', 'undefined_without_rev', 'batched_without_rev'}


# where PyTorch fails inside its own machinery (an internal assert; an IndexError) instead of checking
_PYTORCH_FAILURES = {('complex_input', 'batched_forward'), ('detached_sum', 'fast_forward')}


def _outcome(call):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            result = repr(call())
    except Exception as e:  # noqa: BLE001 - the outcome is what is recorded
        result = f'{type(e).__name__}: {e}'
    return result.replace('torch', 'ember')


def gradcheck_outcomes(torch, which='gradcheck'):
    """{'case/mode': outcome} for every case and mode that both libraries check the same way."""
    fns = _functions(torch)
    cases, modes, fwd = ((GRADCHECK_CASES, GRADCHECK_MODES, FORWARD_MODES) if which == 'gradcheck' else
                         (GRADGRADCHECK_CASES, GRADGRADCHECK_MODES, GRADGRAD_FORWARD_MODES))
    check = getattr(torch.autograd, which)
    out = {}
    for cname, (custom, build) in cases.items():
        for mname, kw in modes.items():
            if custom and mname in fwd:
                continue  # custom Functions: PyTorch needs a jvp, ember derives forward mode from backward
            if (cname, mname) in _PYTORCH_FAILURES:
                continue
            torch.manual_seed(0)

            def call():
                fn, inputs = build(torch, fns)
                return check(fn, inputs, **kw)
            out[f'{cname}/{mname}'] = _outcome(call)
    return out


def grad_outcomes(torch):
    """autograd.grad with is_grads_batched and only_inputs."""
    out = {}

    def x():
        return torch.tensor([1., 2., 3.], requires_grad=True)

    def batched(make_grads, **kw):
        def call():
            a = x()
            w = torch.ones(3, requires_grad=True)
            outputs, inputs = make_grads(a, w)
            g = torch.autograd.grad(outputs, inputs, is_grads_batched=True, **kw)
            return tuple(None if t is None else t.tolist() for t in g)
        return call

    out['batched_eye'] = _outcome(batched(lambda a, w: ((a * a,), (a,)), grad_outputs=torch.eye(3)))
    out['batched_two_outputs'] = _outcome(batched(lambda a, w: ((a * a, (a * w).sum()), (a, w)),
                                                  grad_outputs=(torch.ones(2, 3), torch.tensor([1., -1.]))))
    out['batched_unused'] = _outcome(batched(lambda a, w: ((a * a,), (a, w)), grad_outputs=torch.ones(2, 3),
                                             allow_unused=True))
    out['batched_materialize'] = _outcome(batched(lambda a, w: ((a * a,), (a, w)), grad_outputs=torch.ones(2, 3),
                                                  materialize_grads=True))
    out['batched_none_for_constant'] = _outcome(batched(lambda a, w: ((a * a, a.detach()), (a,)),
                                                        grad_outputs=(torch.ones(2, 3), None)))
    out['batched_bad_shape'] = _outcome(batched(lambda a, w: ((a * a,), (a,)), grad_outputs=torch.ones(2, 2)))
    out['batched_unbatched_grad'] = _outcome(batched(lambda a, w: ((a * a,), (a,)), grad_outputs=torch.ones(3)))
    out['batched_sizes_differ'] = _outcome(batched(lambda a, w: ((a * a, a.sum()), (a,)),
                                                   grad_outputs=(torch.ones(2, 3), torch.ones(3))))
    out['batched_scalar_grad'] = _outcome(batched(lambda a, w: ((a * a, a.sum()), (a,)),
                                                  grad_outputs=(torch.ones(2, 3), None)))

    def second_order():
        a = x()
        g, = torch.autograd.grad(a ** 3, a, torch.eye(3), is_grads_batched=True, create_graph=True)
        h, = torch.autograd.grad(g.sum(), a)
        return g.tolist(), h.tolist()
    out['batched_create_graph'] = _outcome(second_order)

    def only_inputs():
        a = x()
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter('always')
            g, = torch.autograd.grad((a * 2).sum(), a, only_inputs=False)
        return g.tolist(), [(w.category.__name__, str(w.message)) for w in seen]
    out['only_inputs_false'] = _outcome(only_inputs)
    return out
