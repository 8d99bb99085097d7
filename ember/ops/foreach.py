"""``torch._foreach_*``: one op applied across a list of tensors (``_foreach_mul_(params, 0.9)``).

PyTorch fuses these into multi-tensor kernels; third-party optimizers and EMA helpers (timm's
``ModelEmaV3``, Lion, LAMB, ...) call them directly. Here each applies ember's own op tensor by
tensor, so results, type promotion, errors and autograd are those of the single-tensor op.
Out-of-place forms return a tuple, in-place forms return the list they updated, as PyTorch's do.
"""
import numbers

from ember._tensor import Tensor

UNARY = ('abs', 'acos', 'asin', 'atan', 'ceil', 'cos', 'cosh', 'erf', 'erfc', 'exp', 'expm1', 'floor', 'frac',
         'lgamma', 'log', 'log10', 'log1p', 'log2', 'neg', 'reciprocal', 'round', 'rsqrt', 'sigmoid', 'sign', 'sin',
         'sinh', 'sqrt', 'tan', 'tanh', 'trunc')
# binary ops: name -> (name of the second parameter in the tensor-list form, takes alpha, takes one tensor)
BINARY = {'add': ('other', True, True), 'sub': ('other', True, False), 'mul': ('other', False, True),
          'div': ('other', False, True), 'clamp_max': ('other', False, False),
          'clamp_min': ('other', False, False), 'maximum': ('other', False, False),
          'minimum': ('other', False, False), 'pow': ('exponent', False, False)}


def _ember():
    import ember
    return ember


def _tensors(tensors):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"expected a list or tuple of Tensors, got {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return tensors


def _same_length(first, other):
    if len(other) != len(first):
        raise RuntimeError(f"Tensor lists must have the same number of tensors, got {len(first)} and {len(other)}")
    return other


def _per_tensor(tensors, value):
    """``value`` spread over ``tensors``: a scalar for each, a list of scalars, a list of tensors, or
    (where the op takes one) a single tensor for all."""
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Tensor) for v in value):
            return _same_length(tensors, value)
        if len(value) != len(tensors):
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return value
    return [value] * len(tensors)


def _scalar_tensor(value):
    if value.dim() != 0:
        raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {value.dim()} dimensions and "
                           f"{value.numel()} elements.")
    return value


def _unary(name):
    def forward(self):
        op = getattr(_ember(), name)
        return tuple(op(t) for t in _tensors(self))

    def inplace(self):
        for t in _tensors(self):
            getattr(t, name + '_')()
        return self
    return forward, inplace


def _binary(name, param, alpha, one_tensor):
    def values(self, other, scalar, scalars):
        given = [v for v in (other, scalar, scalars) if v is not None]
        if len(given) != 1:
            raise TypeError(f"_foreach_{name}() takes the tensors and one of '{param}', 'scalar' or 'scalars'")
        value = given[0]
        if isinstance(value, Tensor):
            if not one_tensor:
                raise TypeError(f"_foreach_{name}() takes a list of tensors, a list of scalars or a scalar, "
                                "not a single Tensor")
            value = _scalar_tensor(value)
        return _per_tensor(_tensors(self), value)

    def check_alpha(a):
        if a != 1 and not alpha:
            raise TypeError(f"_foreach_{name}() got an unexpected keyword argument 'alpha'")

    def apply(t, v, a):
        ember = _ember()
        if name in ('add', 'sub'):
            return getattr(ember, name)(t, v, alpha=a) if a != 1 else getattr(ember, name)(t, v)
        if name in ('maximum', 'minimum') and not isinstance(v, Tensor):
            return (ember.clamp_min if name == 'maximum' else ember.clamp_max)(t, v)
        return getattr(ember, name)(t, v)

    def forward(self, other=None, *, scalar=None, scalars=None, alpha=1, **named):
        other = named.pop(param, other) if param != 'other' else other
        if named:
            raise TypeError(f"_foreach_{name}() got an unexpected keyword argument '{next(iter(named))}'")
        check_alpha(alpha)
        if name == 'pow' and isinstance(self, numbers.Number):        # _foreach_pow(2, exponents)
            return tuple(_ember().pow(self, e) for e in _tensors(other))
        return tuple(apply(t, v, alpha) for t, v in zip(self, values(self, other, scalar, scalars)))

    def inplace(self, other=None, *, scalar=None, scalars=None, alpha=1, **named):
        other = named.pop(param, other) if param != 'other' else other
        if named:
            raise TypeError(f"_foreach_{name}_() got an unexpected keyword argument '{next(iter(named))}'")
        check_alpha(alpha)
        vals = values(self, other, scalar, scalars)
        for t, v in zip(self, vals):
            if name in ('add', 'sub', 'mul', 'div', 'clamp_max', 'clamp_min', 'pow'):
                method = getattr(t, name + '_')
                method(v, alpha=alpha) if alpha != 1 else method(v)
            else:
                t.copy_(apply(t, v, alpha))
        return self
    return forward, inplace


def _pointwise(name):
    # addcmul / addcdiv: self + value * tensor1 (*|/) tensor2, value a scalar, one per tensor, or a 1-D tensor
    def values(self, tensor1, tensor2, value, scalars):
        _tensors(self)
        _same_length(self, tensor1)
        _same_length(self, tensor2)
        value = scalars if scalars is not None else value
        if isinstance(value, Tensor):
            if value.dim() != 1 or value.numel() != len(self):
                raise RuntimeError(f"Expected length of scalars to match input of length {len(self)} but got "
                                   f"{value.numel()} instead.")
            value = value.tolist()
        return _per_tensor(self, value)

    def forward(self, tensor1, tensor2, value=1, *, scalars=None):
        op = getattr(_ember(), name)
        return tuple(op(t, a, b, value=v) for t, a, b, v in zip(self, tensor1, tensor2,
                                                                 values(self, tensor1, tensor2, value, scalars)))

    def inplace(self, tensor1, tensor2, value=1, *, scalars=None):
        for t, a, b, v in zip(self, tensor1, tensor2, values(self, tensor1, tensor2, value, scalars)):
            getattr(t, name + '_')(a, b, value=v)
        return self
    return forward, inplace


def _lerp():
    def spread(self, tensors1, weight, weights):
        _same_length(_tensors(self), tensors1)
        return _per_tensor(self, weights if weights is not None else weight)

    def forward(self, tensors1, weight=None, *, weights=None):
        lerp = _ember().lerp
        return tuple(lerp(t, e, w) for t, e, w in zip(self, tensors1, spread(self, tensors1, weight, weights)))

    def inplace(self, tensors1, weight=None, *, weights=None):
        for t, e, w in zip(self, tensors1, spread(self, tensors1, weight, weights)):
            t.lerp_(e, w)
        return self
    return forward, inplace


def _foreach_norm(self, ord=2, dtype=None):
    norm = _ember().linalg.vector_norm
    return tuple(norm(t, ord, dtype=dtype) for t in _tensors(self))


def _foreach_powsum(self, ord=2, dtype=None):
    ember = _ember()
    return tuple(ember.sum(ember.abs(t if dtype is None else t.to(dtype)) ** ord) for t in _tensors(self))


def _foreach_max(self):
    return tuple(t.max() for t in _tensors(self))


def _foreach_mm(self, mat2):
    return tuple(_ember().mm(a, b) for a, b in zip(_tensors(self), _same_length(self, mat2)))


def _foreach_clone(self, *, memory_format=None):
    kwargs = {} if memory_format is None else {'memory_format': memory_format}
    return tuple(t.clone(**kwargs) for t in _tensors(self))


def _foreach_copy_(self, src, non_blocking=False):
    for t, s in zip(_tensors(self), _same_length(self, src)):
        t.copy_(s, non_blocking=non_blocking)
    return self


def _foreach_zero_(self):
    for t in _tensors(self):
        t.zero_()
    return self


def _named(fn, name):
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = 'ember'             # found by pickle as ember.<name>, where ember binds it
    fn.__doc__ = f"``{name}``: see :mod:`ember.ops.foreach`."
    return fn


def functions():
    """Every ``_foreach_*`` function, by name."""
    found = {}
    pairs = [(n, _unary(n)) for n in UNARY]
    pairs += [(n, _binary(n, *spec)) for n, spec in BINARY.items()]
    pairs += [(n, _pointwise(n)) for n in ('addcmul', 'addcdiv')]
    pairs.append(('lerp', _lerp()))
    for n, (forward, inplace) in pairs:
        found[f'_foreach_{n}'] = _named(forward, f'_foreach_{n}')
        found[f'_foreach_{n}_'] = _named(inplace, f'_foreach_{n}_')
    for fn in (_foreach_norm, _foreach_powsum, _foreach_max, _foreach_mm, _foreach_clone, _foreach_copy_,
               _foreach_zero_):
        found[fn.__name__] = _named(fn, fn.__name__)
    return found
