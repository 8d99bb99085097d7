"""``ember.library.opcheck``: checks that a custom operator's registrations tell the truth about it, as
PyTorch's ``torch.library.opcheck`` does, with the same test names, verdicts and messages.

- ``test_schema``: the arguments the kernel writes to are the ones the schema declares mutable.
- ``test_autograd_registration``: with inputs that require grad, an operator that is neither made by
  ``custom_op`` nor given a formula (``register_autograd``) or an autograd-level implementation must not
  return outputs that require grad through its kernel's own operations (their gradients would bypass the
  operator).
- ``test_faketensor``: a fake (meta) implementation is registered and gives outputs of the real outputs'
  shapes, dtypes and strides.
- ``test_aot_dispatch_static`` / ``test_aot_dispatch_dynamic``: what PyTorch's compilers need of the operator:
  a fake implementation that runs, the same outputs from repeated calls and, with inputs that require grad,
  a backward that runs and gives the same gradients. ember has no compiler: both run this one check.
"""
import copy

from ember._tensor import Tensor

__all__ = ['opcheck', 'OpCheckError', 'MetadataMismatchError', 'UnsupportedOperatorException']

DEFAULT_TEST_UTILS = ('test_schema', 'test_autograd_registration', 'test_faketensor', 'test_aot_dispatch_dynamic')
_ALL_TEST_UTILS = ('test_schema', 'test_autograd_registration', 'test_faketensor', 'test_aot_dispatch_static',
                   'test_aot_dispatch_dynamic')


class OpCheckError(Exception):
    """What :func:`opcheck` raises when a check fails (with ``raise_exception=True``)."""


class MetadataMismatchError(Exception):
    """A fake implementation's outputs differ from the real outputs in shape, dtype or strides."""


class UnsupportedOperatorException(RuntimeError):
    """An operator defined with ``Library.define`` has no fake implementation."""


def _tensors(value):
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _copied(args, kwargs):
    """Fresh copies of the arguments' tensors (leaves keep requires_grad), so checks never touch the caller's."""
    def copy_one(value):
        if isinstance(value, Tensor):
            out = value.detach().clone()
            return out.requires_grad_() if value.requires_grad else out
        if isinstance(value, (list, tuple)):
            return type(value)(copy_one(v) for v in value)
        if isinstance(value, dict):
            return {k: copy_one(v) for k, v in value.items()}
        return copy.deepcopy(value)
    return copy_one(tuple(args)), copy_one(dict(kwargs))


def _opdef(op):
    from ember.library import CustomOpDef
    from ember.library._ops import OpOverload, OpOverloadPacket
    if isinstance(op, CustomOpDef):
        return op._opdef
    if isinstance(op, (OpOverload, OpOverloadPacket)):
        return op._op
    raise ValueError(f"opcheck(op, ...): op must be instance of torch._ops.OpOverload, e.g. torch.ops.aten.sin."
                     f"default, got {type(op)}")


def _is_meta(args, kwargs):
    return any(t.device.type == 'meta' for t in _tensors((args, kwargs)))


def _as_outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


# ---------------------------------------------------------------------------------------------- the checks
def _schema_check(opdef, args, kwargs, rtol, atol):
    import numpy as np
    if _is_meta(args, kwargs):
        return
    args, kwargs = _copied(args, kwargs)
    pos, kw = opdef.bind(args, kwargs)
    names = [a[0] for a in opdef.schema.args]
    values = dict(zip([a[0] for a in opdef.schema.args if not a[3]], pos), **kw)
    before = {n: [(t, t.detach().numpy().copy(), tuple(t.shape)) for t in _tensors(values[n])]
              for n in names if n in values}
    opdef(*args, **kwargs)
    mutable = set(opdef.schema.mutated())
    for name in names:
        for t, data, shape in before.get(name, ()):
            after = t.detach().numpy()
            changed = tuple(t.shape) != shape or not np.array_equal(after, data, equal_nan=True)
            if changed and name not in mutable:
                raise RuntimeError(f"Argument {name} is not defined as mutable but was mutated")


def _autograd_registration_check(opdef, args, kwargs, rtol, atol):
    from ember.autograd import grad_mode
    if _is_meta(args, kwargs):
        return
    args, kwargs = _copied(args, kwargs)
    inputs = list(_tensors((args, kwargs)))
    if not any(t.requires_grad for t in inputs):
        return
    devices = {t.device.type for t in inputs}
    if not devices <= {'cpu', 'cuda'}:
        raise NotImplementedError(f"autograd_registration_check: NYI devices other than CPU/CUDA/XPU, got "
                                  f"{devices}")
    if opdef.from_custom_op or opdef.backward is not None or opdef.composite is not None:
        return
    # PyTorch runs the kernel with no autograd kernel around it: outputs that require grad got it from the
    # kernel's own operations
    device = 'cuda' if 'cuda' in devices else 'cpu'
    kernel = opdef.kernels.get(device, opdef.kernels.get(None))
    if kernel is None:
        return
    pos, kw = opdef.bind(args, kwargs)
    with grad_mode.enable_grad():
        outs = kernel(*pos, **kw)
    ids = {id(t) for t in inputs}
    if any(t.requires_grad and id(t) not in ids for t in _tensors(outs)):
        raise AssertionError(
            f"{opdef.qualname}: at least one output of this operator has requires_grad=True but the operator "
            "does not have an autograd kernel defined at an autograd key (e.g. DispatchKey::Autograd). This could "
            "mean that you have incorrectly registered an autograd kernel to a non-Autograd DispatchKey, which may "
            "lead to silently incorrect results. If your operator consists of regular PyTorch operations, consider "
            "not using an operator at all or registering your operator as CompositeImplicitAutograd. If you have an "
            "autograd.Function registered to a backend (CPU/CUDA/XPU) key, the correct location for it is the "
            "Autograd key.")


def _returns_nothing(opdef):
    return not opdef.schema.returns


def _require_fake(opdef):
    # (an operator that only mutates its arguments needs none: it returns nothing to describe)
    if opdef.fake is not None or opdef.composite is not None or _returns_nothing(opdef):
        return
    if opdef.from_custom_op:
        raise RuntimeError(f"There was no fake impl registered for <CustomOpDef({opdef.qualname})>. This is "
                           "necessary for torch.compile/export/fx tracing to work. Please use "
                           f"`{opdef.name}.register_fake` to add an fake impl.")
    raise UnsupportedOperatorException(f'{opdef.namespace}.{opdef.name}.default')


def _on_meta(args, kwargs):
    def meta(value):
        if isinstance(value, Tensor):
            return value.detach().to('meta')
        if isinstance(value, (list, tuple)):
            return type(value)(meta(v) for v in value)
        return value
    return meta(args), {k: meta(v) for k, v in kwargs.items()}


def _run_fake(opdef, args, kwargs):
    _require_fake(opdef)
    meta_args, meta_kwargs = _on_meta(args, kwargs)
    if opdef.fake is None and _returns_nothing(opdef):
        return None
    if opdef.fake is None:                      # an autograd-level implementation runs on meta tensors itself
        return opdef.composite(*meta_args, **meta_kwargs)
    pos, kw = opdef.bind(meta_args, meta_kwargs)
    return opdef.fake(*pos, **kw)


def _fake_check(opdef, args, kwargs, rtol, atol):
    if _is_meta(args, kwargs):
        return
    args, kwargs = _copied(args, kwargs)
    fake = _as_outputs(_run_fake(opdef, args, kwargs))
    real = _as_outputs(opdef(*args, **kwargs))
    context = f"When comparing the output of {opdef.namespace}.{opdef.name}.default on FakeTensor and concrete " \
              "Tensors, found"
    if len(fake) != len(real):
        raise AssertionError(f"{context} mismatch in number of returns {len(fake)} != {len(real)}")
    for i, (f, r) in enumerate(zip(fake, real)):
        if isinstance(r, Tensor) != isinstance(f, Tensor):
            raise AssertionError(f"{context} mismatched number of tensor outputs")
        if not isinstance(r, Tensor):
            continue
        problem = _metadata_mismatch(r, f)
        if problem:
            where = ' mismatched tensor metadata: ' if len(real) == 1 else \
                f' mismatched tensor metadata for output[{i}]: '
            raise MetadataMismatchError(context + where + problem)


def _metadata_mismatch(real, fake):
    """What differs between a real output and its fake counterpart (sizes, dtype, the strides of dimensions
    longer than 1, storage offset), in PyTorch's words; None when nothing does."""
    if tuple(fake.shape) != tuple(real.shape):
        return f"Shapes {real.shape} and {fake.shape} are not equal!"
    if fake.dtype is not real.dtype:
        return f"Dtypes {real.dtype} and {fake.dtype} are not equal!"
    for idx, (n, a, b) in enumerate(zip(real.shape, real.stride(), fake.stride())):
        if n > 1 and a != b:
            return f"Stride mismatch! Strides are {real.stride()} and {fake.stride()} (mismatched at {idx})!"
    if real.storage_offset() != fake.storage_offset():
        return (f"Storage offset mismatch! Storage offsets are {real.storage_offset()} and "
                f"{fake.storage_offset()}!")
    return None


def _aot_check(opdef, args, kwargs, rtol, atol):
    import ember
    from ember.testing import assert_close
    if _is_meta(args, kwargs):
        return
    # (a custom_op's missing backward is met before its fake implementation, as in PyTorch's tracing)
    if not opdef.from_custom_op:
        _run_fake(opdef, *_copied(args, kwargs))
    runs = []
    for _ in range(2):
        call_args, call_kwargs = _copied(args, kwargs)
        outs = [o for o in _as_outputs(opdef(*call_args, **call_kwargs)) if isinstance(o, Tensor)]
        wanting = [t for t in _tensors((call_args, call_kwargs)) if t.requires_grad]
        grads = []
        differentiable = [o for o in outs if o.requires_grad]
        if wanting and differentiable:
            grads = ember.autograd.grad(differentiable, wanting, [ember.ones_like(o) for o in differentiable],
                                        allow_unused=True)
        runs.append(([o.detach() for o in outs], [g for g in grads if g is not None]))
    if opdef.from_custom_op:
        _run_fake(opdef, *_copied(args, kwargs))
    (outs_a, grads_a), (outs_b, grads_b) = runs
    assert_close(outs_b, outs_a, rtol=rtol, atol=atol)
    assert_close(grads_b, grads_a, rtol=rtol, atol=atol)


_CHECKS = {'test_schema': _schema_check, 'test_autograd_registration': _autograd_registration_check,
           'test_faketensor': _fake_check, 'test_aot_dispatch_static': _aot_check,
           'test_aot_dispatch_dynamic': _aot_check}


def opcheck(op, args, kwargs=None, *, test_utils=DEFAULT_TEST_UTILS, raise_exception=True, atol=None, rtol=None):
    """Checks that the custom operator ``op`` is registered correctly on sample arguments: its schema's
    mutability (``test_schema``), where its autograd support is registered (``test_autograd_registration``),
    its fake implementation against real outputs (``test_faketensor``), and what compilers need of it
    (``test_aot_dispatch_dynamic``; ember has no compiler, so this checks a fake implementation exists and
    runs, and that outputs and gradients repeat). Call it with several representative inputs, some requiring
    grad.

    Args:
        op: a :func:`custom_op` operator, or ``ember.ops.<namespace>.<name>`` (or its ``.default``).
        args (tuple), kwargs (dict, optional): the sample arguments (copied: ``op`` never changes them).
        test_utils (str or sequence of str): which checks to run; the four above by default, ``'ALL'`` adds
            ``test_aot_dispatch_static``.
        raise_exception (bool): raise :class:`OpCheckError` on the first failure; otherwise each failure's
            exception is returned in its place.
        atol, rtol (float, optional): tolerances of the repeated-outputs comparison (give both or neither).

    Returns:
        dict: each check's name and ``'SUCCESS'`` (or the exception it failed with).

    Example::

        >>> @ember.library.custom_op('demo::double', mutates_args=())
        ... def double(x: ember.Tensor) -> ember.Tensor:
        ...     return x * 2
        >>> _ = double.register_fake(lambda x: ember.empty_like(x))
        >>> ember.library.opcheck(double, (ember.randn(3),))['test_faketensor']
        'SUCCESS'
    """
    if (rtol is None) != (atol is None):
        raise ValueError("opcheck(op, ...): if you specify one of rtol/atol, you must specify both")
    kwargs = {} if kwargs is None else kwargs
    opdef = _opdef(op)
    if test_utils == 'ALL':
        test_utils = _ALL_TEST_UTILS
    if isinstance(test_utils, str):
        test_utils = (test_utils,)
    if not isinstance(test_utils, (tuple, list)) or not set(test_utils) <= set(_ALL_TEST_UTILS):
        raise ValueError(f"opcheck(op, ..., test_utils={test_utils}), expected test_utils to be subset of "
                         f"{_ALL_TEST_UTILS} but it was not")
    results = {}
    for name in test_utils:
        try:
            _CHECKS[name](opdef, args, kwargs, rtol, atol)
            results[name] = 'SUCCESS'
        except Exception as error:
            if raise_exception:
                raise OpCheckError(f"opcheck(op, ...): {name} failed with {error} (scroll up for stack trace)") \
                    from error
            results[name] = error
    return results
