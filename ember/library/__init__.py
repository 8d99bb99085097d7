"""ember.library: define your own operators (PyTorch's ``torch.library``).

``custom_op`` turns a Python function into an operator with a schema, per-device kernels, an
autograd formula and an autocast policy; ``Library``/``define``/``impl`` do the same from a schema
string. Operators are reachable as ``ember.ops.<namespace>.<name>`` (``torch.ops...`` under
``ember run``), and ``ember.ops.aten.<name>`` reaches ember's own.

Example::

    >>> @ember.library.custom_op('mylib::scaled', mutates_args=())
    ... def scaled(x: ember.Tensor, k: float) -> ember.Tensor:
    ...     return x * k
    >>> scaled.register_autograd(lambda ctx, g: (g * ctx.k, None),
    ...                          setup_context=lambda ctx, inputs, output: setattr(ctx, 'k', inputs[1]))
    >>> x = ember.ones(2, requires_grad=True)
    >>> ember.ops.mylib.scaled(x, 3.0).sum().backward()
    >>> x.grad
    tensor([3., 3.])
"""
from ember._tags import Tag, tag_list
from ember.library._ops import OPS, OpDef, OpOverloadPacket
from ember.library._schema import infer_schema, parse_schema
from ember.library._opcheck import opcheck

__all__ = ['Library', 'custom_op', 'define', 'fallthrough_kernel', 'impl', 'impl_abstract', 'infer_schema', 'opcheck',
           'register_autocast', 'register_autograd', 'register_fake', 'register_kernel', 'CustomOpDef']

_DEVICE_KEYS = {'cpu': 'cpu', 'cuda': 'cuda', 'meta': 'meta'}


def _device_types(device_types):
    if device_types is None:
        return [None]
    if isinstance(device_types, str):
        device_types = [device_types]
    out = []
    for d in device_types:
        d = str(d)
        if d not in _DEVICE_KEYS:
            raise ValueError(f"Unknown device type '{d}': ember runs kernels for 'cpu' and 'cuda'")
        out.append(d)
    return out


def _op(qualname):
    if isinstance(qualname, CustomOpDef):
        return qualname._opdef
    if isinstance(qualname, OpOverloadPacket):
        return qualname._op
    if hasattr(qualname, '_op') and isinstance(qualname._op, OpDef):
        return qualname._op
    if qualname not in OPS:
        raise ValueError(f"Operator '{qualname}' does not exist: define it first (custom_op or define)")
    return OPS[qualname]


def _check_qualname(qualname):
    if not isinstance(qualname, str) or qualname.count('::') != 1 or not all(qualname.split('::')):
        raise ValueError(f"Expected a qualified operator name 'namespace::name', got {qualname!r}")
    return qualname


class CustomOpDef:
    """What :func:`custom_op` returns: calls the operator, and registers its kernels and formulas."""

    def __init__(self, opdef, fn):
        self._opdef = opdef
        self._init_fn = fn
        self.__name__ = opdef.name
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        return self._opdef(*args, **kwargs)

    def __repr__(self):
        return f'<CustomOpDef({self._opdef.qualname})>'

    def register_kernel(self, device_types, fn=None, /):
        """Use ``fn`` instead of the op's own function for inputs on ``device_types`` ('cpu', 'cuda')."""
        return register_kernel(self, device_types, fn)

    def register_fake(self, fn, /):
        """``fn`` computes only the outputs' shapes and dtypes: ember runs it for 'meta' tensors."""
        return register_fake(self, fn)

    def register_autograd(self, backward, /, *, setup_context=None):
        """Make the op differentiable: ``setup_context(ctx, inputs, output)`` saves what ``backward(ctx,
        *grads)`` needs; backward returns one gradient per positional input (None for non-tensors)."""
        register_autograd(self, backward, setup_context=setup_context)

    def register_autocast(self, device_type, cast_inputs):
        """Under autocast on ``device_type``, cast floating inputs to ``cast_inputs`` before the kernel runs."""
        register_autocast(self, device_type, cast_inputs)


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Turn ``fn`` into the operator ``name`` ('namespace::name'), callable as itself and as
    ``ember.ops.<namespace>.<name>``.

    Its kernel runs below autograd: outputs get gradients only through :meth:`CustomOpDef.register_autograd`
    (backward without it raises). Outputs may not alias inputs (return a clone).

    Args:
        name (str): 'namespace::name'.
        fn (callable): the implementation, with type annotations on every parameter and the return.
        mutates_args (iterable of str or 'unknown'): the arguments the function writes to.
        device_types (str or sequence of str, optional): the devices ``fn`` serves (all when ``None``).
        schema (str, optional): the schema, instead of inferring it from the annotations.
        tags (Tag or sequence of Tag, optional): the operator's tags (``op.tags``), after PyTorch's
            ``pt2_compliant_tag``, which every custom_op carries.
    """
    tag_values = tag_list(tags, 'custom_op')

    def wrap(func):
        qualname = _check_qualname(name)
        text = schema if schema is not None else infer_schema(func, mutates_args=mutates_args)
        opdef = OpDef(qualname, parse_schema(qualname, text))
        opdef.from_custom_op = True
        opdef.tags = [Tag.pt2_compliant_tag] + tag_values
        for d in _device_types(device_types):
            opdef.kernels[d] = func
        OPS[qualname] = opdef
        return CustomOpDef(opdef, func)
    return wrap if fn is None else wrap(fn)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    """Register ``func`` as the kernel of ``op`` for ``device_types`` (a decorator when ``func`` is omitted)."""
    opdef = _op(op)

    def register(f):
        for d in _device_types(device_types):
            opdef.kernels[d] = f
        return f
    return register if func is None else register(func)


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1):
    """Register the shape-and-dtype-only implementation of ``op`` (a decorator when ``func`` is omitted);
    ember runs it for inputs on the 'meta' device."""
    opdef = _op(op)

    def register(f):
        opdef.fake = f
        return f
    return register if func is None else register(func)


impl_abstract = register_fake


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    """Make ``op`` differentiable (see :meth:`CustomOpDef.register_autograd`)."""
    opdef = _op(op)
    if any(a[1].startswith('Tensor') and '[]' in a[1] for a in opdef.schema.args):
        raise NotImplementedError(f"{opdef.qualname}: register_autograd with a Tensor[] argument is not supported "
                                  "by ember; pass the tensors as separate arguments")
    opdef.backward = backward
    opdef.setup_context = setup_context


def register_autocast(op, device_type, cast_inputs, /, *, lib=None):
    """Under autocast on ``device_type`` ('cpu' or 'cuda'), cast ``op``'s floating inputs to ``cast_inputs``."""
    opdef = _op(op)
    if device_type not in ('cpu', 'cuda'):
        raise ValueError(f"Unknown device type: {device_type}")
    opdef.autocast[device_type] = cast_inputs


def fallthrough_kernel():
    """A placeholder PyTorch's dispatcher skips over. ember has no dispatch keys to fall through, so
    registering it with :meth:`Library.impl` is refused there."""
    raise NotImplementedError("fallthrough_kernel should never be called")


class Library:
    """A namespace of operators: ``kind`` 'DEF' (creates it), 'IMPL' (adds kernels) or 'FRAGMENT' (both).

    Example::

        >>> lib = ember.library.Library('demo_lib', 'DEF')
        >>> lib.define('twice(Tensor x) -> Tensor')
        'twice'
        >>> lib.impl('twice', lambda x: x * 2, 'CompositeImplicitAutograd')
        >>> ember.ops.demo_lib.twice(ember.ones(2))
        tensor([2., 2.])
    """

    def __init__(self, ns, kind, dispatch_key=''):
        if kind not in ('IMPL', 'DEF', 'FRAGMENT'):
            raise ValueError(f"Unsupported kind: {kind}")
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key
        self._defined = []

    def __repr__(self):
        return f'Library(kind={self.kind}, ns={self.ns}, dispatch_key={self.dispatch_key})>'

    def define(self, schema, alias_analysis='', *, tags=()):
        """Declare an operator from its schema, ``'name(Tensor x, float k=1.0) -> Tensor'``."""
        if self.kind == 'IMPL':
            raise RuntimeError("define is not supported for a Library of kind 'IMPL'")
        if alias_analysis not in ('', 'FROM_SCHEMA', 'CONSERVATIVE'):
            # (ember runs no alias analysis: the two kinds PyTorch takes make no difference here)
            raise RuntimeError(f"Invalid alias_analysis type {alias_analysis}")
        tag_values = tag_list(tags, 'define')
        name = schema[:schema.index('(')].strip()
        qualname = f'{self.ns}::{name}'
        OPS[qualname] = OpDef(qualname, parse_schema(qualname, schema[schema.index('('):]))
        OPS[qualname].tags = tag_values
        self._defined.append(qualname)
        return name

    def impl(self, op_name, fn, dispatch_key='', *, with_keyset=False):
        """Give ``op_name`` the kernel ``fn`` for ``dispatch_key``: 'CPU', 'CUDA', 'Meta',
        'CompositeExplicitAutograd' (every device, below autograd) or 'CompositeImplicitAutograd'
        (every device, differentiated through the ember ops it calls; also ''), 'Autograd' (a kernel
        that handles gradients itself)."""
        if with_keyset:
            raise NotImplementedError("Library.impl(with_keyset=True): ember has no dispatch key sets to pass")
        if fn is fallthrough_kernel:
            raise NotImplementedError("ember has no dispatch keys to fall through: register a kernel instead")
        name = op_name if isinstance(op_name, str) else op_name.name().split('::')[1]
        opdef = _op(f'{self.ns}::{name}')
        key = dispatch_key or self.dispatch_key or 'CompositeImplicitAutograd'
        if key in ('CompositeImplicitAutograd', 'Autograd', 'AutogradCPU', 'AutogradCUDA'):
            opdef.composite = fn
        elif key == 'CompositeExplicitAutograd':
            opdef.kernels[None] = fn
        elif key in ('CPU', 'CUDA'):
            opdef.kernels[key.lower()] = fn
        elif key == 'Meta':
            opdef.fake = fn
        else:
            raise ValueError(f"ember.library: unsupported dispatch key '{key}'")

    def _destroy(self):
        for q in self._defined:
            OPS.pop(q, None)


_KEY_OF_DEVICE = {'cpu': 'CPU', 'cuda': 'CUDA', 'meta': 'Meta', None: 'CompositeExplicitAutograd'}


def define(qualname, schema, *, lib=None, tags=()):
    """Declare the operator ``qualname`` ('namespace::name') with ``schema`` ('(Tensor x) -> Tensor')."""
    ns, name = _check_qualname(qualname).split('::')
    (lib or Library(ns, 'FRAGMENT')).define(name + schema, tags=tags)


def impl(qualname, types, func=None, *, lib=None):
    """Register a kernel: ``impl('ns::name', 'cpu')`` (device types) or ``impl(lib, 'name', 'CPU')``
    (a Library and a dispatch key); a decorator when ``func`` is omitted."""
    if isinstance(qualname, Library):
        library, name, key = qualname, types, func if isinstance(func, str) else ''

        def register_key(f):
            library.impl(name, f, key)
            return f
        return register_key if not callable(func) else register_key(func)
    ns, name = _check_qualname(qualname).split('::')
    library = lib or Library(ns, 'FRAGMENT')
    keys = ['CompositeExplicitAutograd'] if types in ('default', None) else \
        [_KEY_OF_DEVICE[d] for d in _device_types(types)]

    def register(f):
        for key in keys:
            library.impl(name, f, key)
        return f
    return register if func is None else register(func)


def _ops_namespace(name):
    """``ember.ops.<name>``: the operators defined in that namespace (``aten``: ember's own)."""
    from ember.library._namespaces import namespace
    return namespace(name)

