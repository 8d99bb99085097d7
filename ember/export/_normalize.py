"""Turn a call of ember's Python API (``F.conv2d(x, w, b, (1, 1), (1, 1), (1, 1), 1)``) into the ATen
overload call PyTorch records for it (``aten.conv2d.default(x, w, b, [1, 1], [1, 1])``).

The call is bound to the Python function's signature, its values are matched by name to each
overload's schema in PyTorch's order, and the first overload whose types fit wins. As PyTorch
records them, positional arguments equal to their defaults are dropped from the end, keyword-only
ones when equal to their defaults, and sequences become lists.
"""
import inspect
import numbers

from ember.export import _aten
from ember.ops._numpy_keywords import NOT_GIVEN

# Python spellings that are another ATen op: (name seen, how reached) -> ATen name
_RENAMED = {
    'truediv': 'div', 'floordiv': 'floor_divide', 'mod': 'remainder', 'and': 'bitwise_and', 'or': 'bitwise_or',
    'xor': 'bitwise_xor', 'invert': 'bitwise_not', 'abs': 'abs', 'lshift': 'bitwise_left_shift',
    'rshift': 'bitwise_right_shift', 'iadd': 'add_', 'isub': 'sub_', 'imul': 'mul_', 'itruediv': 'div_',
}
# functions PyTorch's API names otherwise than their ATen operator
_RENAMED_FUNCTIONS = {'logsigmoid': 'log_sigmoid'}
# the binary ops whose Tensor operand also takes a Python number (``x + 2`` is ``add.Tensor(x, 2)``)
_NUMBER_AS_TENSOR = {'add', 'sub', 'mul', 'div', 'add_', 'sub_', 'mul_', 'div_'}
_REFLECTED = {'radd': 'add', 'rmul': 'mul', 'rsub': 'rsub', 'rtruediv': 'rtruediv', 'rpow': 'rpow',
              'rmatmul': 'matmul', 'rand': 'bitwise_and', 'ror': 'bitwise_or', 'rxor': 'bitwise_xor'}
# Python argument names that the schema spells otherwise
_ALIASES = {'input': ('self', 'input'), 'self': ('self', 'input'), 'shape': ('size', 'shape', 'dims'),
            'sizes': ('size', 'repeats', 'dims'),
            'dims': ('dims', 'dim'), 'size': ('size',), 'dim0': ('dim0',), 'other': ('other', 'exponent')}


class Unsupported(RuntimeError):
    """A call that has no ATen overload ember.export knows."""


def _is_tensor(v):
    from ember._tensor import Tensor
    return isinstance(v, Tensor)


def _fits(arg, value, number_ok):
    import ember
    base, optional, is_list = arg.base(), arg.type.endswith('?'), arg.is_list()
    if value is None:
        return optional
    if is_list:
        if base in ('int', 'SymInt'):
            if isinstance(value, bool):
                return False
            if isinstance(value, numbers.Integral):
                return True
            return isinstance(value, (list, tuple)) and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                                             for v in value)
        if base == 'Tensor':
            return isinstance(value, (list, tuple)) and all(v is None or _is_tensor(v) for v in value)
        if base in ('float', 'bool'):
            return isinstance(value, (list, tuple))
        return False
    if base == 'Tensor':
        return _is_tensor(value) or (number_ok and isinstance(value, numbers.Number))
    if _is_tensor(value):
        return False
    if base in ('int', 'SymInt'):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if base in ('float', 'SymFloat'):
        return isinstance(value, numbers.Real) and not isinstance(value, bool)
    if base == 'bool':
        return isinstance(value, bool)
    if base == 'Scalar':
        return isinstance(value, numbers.Number)
    if base == 'str':
        return isinstance(value, str)
    if base == 'ScalarType':
        return isinstance(value, ember.dtype)
    if base == 'Device':
        return isinstance(value, (ember.device, str, int))
    if base == 'Layout':
        return isinstance(value, ember.layout)
    if base == 'MemoryFormat':
        return isinstance(value, ember.memory_format)
    return False


def _normal(arg, value):
    import ember
    if arg.is_list() and value is not None:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return [value] * (arg.size or 1)
        return list(value)
    if arg.base() == 'Device' and isinstance(value, (str, int)):
        return ember.device(value)
    return value


def _same(a, b):
    # PyTorch drops an argument equal to its default, by type too: hardtanh's -1.0 is not the default -1
    return type(a) is type(b) and a == b


def _bind(schema, values, provided, number_ok):
    """The schema's arguments from ``values`` (name -> value), or None when they do not fit."""
    used, out = set(), []
    for i, arg in enumerate(schema.args):
        found = _NO = object()
        for name, v in values.items():
            if name == arg.name or arg.name in _ALIASES.get(name, ()):
                if v is None and name not in provided and arg.default is _aten._NO_DEFAULT:
                    continue     # a None the caller did not pass does not fill a required argument
                found = v
                used.add(name)
                break
        if found is _NO:
            if arg.default is _aten._NO_DEFAULT:
                return None
            found = arg.default
        elif found is None and not arg.type.endswith('?') and arg.default is not _aten._NO_DEFAULT:
            found = arg.default      # Python's None for an argument ATen defaults otherwise (stride=None)
        if not _fits(arg, found, number_ok and i > 0):
            return None
        out.append(_normal(arg, found))
    if any(name not in used for name in provided):
        return None
    return out


def _emit(schema, values):
    pos = [(a, v) for a, v in zip(schema.args, values) if not a.kw_only]
    kw = {a.name: v for a, v in zip(schema.args, values) if a.kw_only
          and (a.default is _aten._NO_DEFAULT or not _same(v, a.default))}
    while pos and pos[-1][0].default is not _aten._NO_DEFAULT and _same(pos[-1][1], pos[-1][0].default):
        pos.pop()
    return tuple(v for _, v in pos), kw


def bind_call(fn, args, kwargs):
    """``(values, provided)``: every parameter of ``fn`` with its value (defaults filled in), and the
    names the caller passed."""
    sig = _signature(fn)
    if sig is None:
        raise Unsupported(f'cannot read the signature of {fn}')
    bound = sig.bind(*args, **kwargs)
    provided = set(bound.arguments)
    bound.apply_defaults()
    values = {}
    for name, v in bound.arguments.items():
        p = sig.parameters[name]
        if p.kind is p.VAR_POSITIONAL:
            if not v:
                provided.discard(name)
                continue
            v = v[0] if len(v) == 1 and isinstance(v[0], (list, tuple)) else list(v)
        elif p.kind is p.VAR_KEYWORD:
            provided.discard(name)
            provided.update(v)
            values.update(v)
            continue
        if v is NOT_GIVEN:      # omitted (an op that tells omitted from given): the operator's own default
            continue
        values[name] = v
    provided.discard('out')
    values.pop('out', None)
    return values, provided


_SIGS = {}


def _signature(fn):
    key = id(fn)
    if key not in _SIGS:
        try:
            _SIGS[key] = (fn, inspect.signature(fn))
        except (TypeError, ValueError):
            _SIGS[key] = (fn, None)
    return _SIGS[key][1]


def to_aten(name, fn, args, kwargs):
    """``(overload, args, kwargs)`` of the ATen call PyTorch records for ``fn(*args, **kwargs)``, where
    ``name`` is the name ``fn`` is reached by (``relu``, ``__add__``)."""
    special = _SPECIAL.get(name)
    if special is not None:
        return special(fn, args, kwargs)
    dunder = name.startswith('__') and name.endswith('__')
    if dunder:
        bare = name[2:-2]
        if bare in _REFLECTED:
            aten_name = _REFLECTED[bare]
            if aten_name in ('add', 'mul'):           # commutative: recorded as the plain op
                return _choose(aten_name, *_values_for(fn, args, kwargs))
            if aten_name == 'rtruediv':
                if args[1] != 1:
                    raise Unsupported('a number divided by a tensor')
                return _choose('reciprocal', {'self': args[0]}, {'self'})
            if aten_name == 'rpow':
                return _choose('pow', {'self': args[1], 'exponent': args[0]}, {'self', 'exponent'})
            if aten_name == 'matmul':
                return _choose('matmul', {'self': args[1], 'other': args[0]}, {'self', 'other'})
            return _choose(aten_name, {'self': args[0], 'other': args[1]}, {'self', 'other'})
        aten_name = _RENAMED.get(bare, bare)
    else:
        aten_name = _RENAMED_FUNCTIONS.get(name, name)
    return _choose(aten_name, *_values_for(fn, args, kwargs))


def _values_for(fn, args, kwargs):
    try:
        return bind_call(fn, args, kwargs)
    except TypeError as e:
        raise Unsupported(str(e)) from None


def _choose(aten_name, values, provided, first=None):
    packet = _aten.packet(aten_name)
    if packet is None:
        raise Unsupported(f"ember.export does not know the ATen operator '{aten_name}'")
    number_ok = aten_name in _NUMBER_AS_TENSOR
    order = packet.overloads()
    if first in order:
        order = [first] + [ov for ov in order if ov != first]
    for ov in order:
        op = getattr(packet, ov)
        bound = _bind(op._schema, values, provided, number_ok)
        if bound is not None:
            a, k = _emit(op._schema, bound)
            return op, a, k
    raise Unsupported(f"no overload of aten.{aten_name} takes the arguments {sorted(provided)}")


# ---------------------------------------------------------------------------------- special cases
def _split(fn, args, kwargs):
    # PyTorch's Tensor.split (Python) calls split_with_sizes for a list of sizes, split.Tensor for one size
    values, provided = _values_for(fn, args, kwargs)
    sizes = next((values[k] for k in ('split_size_or_sections', 'split_size') if k in values), None)
    tensor = next(values[k] for k in ('self', 'tensor', 'input') if k in values)
    if isinstance(sizes, (list, tuple)):
        values = {'self': tensor, 'split_sizes': list(sizes), 'dim': values.get('dim', 0)}
        return _choose('split_with_sizes', values, set(values))
    values = {'self': tensor, 'split_size': sizes, 'dim': values.get('dim', 0)}
    return _choose('split', values, set(values))


def _relu_functional(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    inplace = values.pop('inplace', False)
    provided.discard('inplace')
    return _choose('relu_' if inplace else 'relu', values, provided)


def _inplace_flag(aten_name):
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        inplace = values.pop('inplace', False)
        provided.discard('inplace')
        return _choose(aten_name + ('_' if inplace else ''), values, provided)
    return handler


def _ctc_loss(fn, args, kwargs):
    # PyTorch's export refuses it: the loss's buffers are sized by the target lengths' values
    from ember._subclasses.fake_tensor import DynamicOutputShapeException
    values, _ = _values_for(fn, args, kwargs)
    lengths = values.get('input_lengths')
    raise DynamicOutputShapeException(f"aten._ctc_loss.{'Tensor' if hasattr(lengths, 'dtype') else 'default'}")


def _batch_norm(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    # ATen's batch_norm has no defaults: F.batch_norm's fill the arguments the call left out
    for name, default in (('weight', None), ('bias', None), ('training', False), ('momentum', 0.1), ('eps', 1e-05)):
        values.setdefault(name, default)
    values['cudnn_enabled'] = False
    return _choose('batch_norm', values, set(values))


def _max_pool(aten_name):
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        with_indices = values.pop('return_indices', False)
        provided.discard('return_indices')
        if values.get('stride') is None:
            values['stride'] = []
        return _choose(aten_name + ('_with_indices' if with_indices else ''), values, provided)
    return handler


def _dropout(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    inplace = values.pop('inplace', False)
    values['train'] = values.pop('training', True)
    return _choose('dropout_' if inplace else 'dropout', values, {'input', 'p', 'train'})


def _feature_dropout(aten_name, dims=None):
    # F's dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout: (input, p, training, inplace) -> (input, p, train)
    def handler(fn, args, kwargs):
        values, _ = _values_for(fn, args, kwargs)
        inplace = values.pop('inplace', False)
        if dims is not None and values['input'].dim() != dims + 2:
            raise Unsupported(f'{aten_name} of an input without a batch dimension')
        return _choose(aten_name + ('_' if inplace else ''),
                       {'input': values['input'], 'p': values['p'], 'train': values['training']},
                       {'input', 'p', 'train'})
    return handler


def _adaptive_max_pool(aten_name):
    # the ATen operator gives the indices too, whether F's call returns them or not
    def handler(fn, args, kwargs):
        values, _ = _values_for(fn, args, kwargs)
        return _choose(aten_name, {'self': values['input'], 'output_size': values['output_size']},
                       {'self', 'output_size'})
    return handler


def _max_unpool(dims):
    # F.max_unpool2d/3d work out the output size (PyTorch's Python does too) and call the ATen operator with it
    def handler(fn, args, kwargs):
        values, _ = _values_for(fn, args, kwargs)
        x = values['input']

        def per_dim(v, default=None):
            v = default if v is None else v
            return [v] * dims if isinstance(v, int) else list(v)
        kernel = per_dim(values['kernel_size'])
        stride, padding = per_dim(values.get('stride'), kernel), per_dim(values.get('padding', 0))
        size = values.get('output_size')
        if size is None:
            size = [(x.shape[x.dim() - dims + i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(dims)]
        else:
            size = list(size)[-dims:]
        chosen = {'self': x, 'indices': values['indices'], 'output_size': size}
        if dims == 3:
            chosen.update(stride=stride, padding=padding)
        return _choose(f'max_unpool{dims}d', chosen, set(chosen))
    return handler


def _instance_norm(fn, args, kwargs):
    # F.instance_norm passes every argument on, and cuDNN's flag is off on CPU
    values, _ = _values_for(fn, args, kwargs)
    values['cudnn_enabled'] = False
    return _choose('instance_norm', values, set(values))


def _unfold(fn, args, kwargs):
    # F.unfold (im2col) and Tensor.unfold share the name
    values, provided = _values_for(fn, args, kwargs)
    if 'kernel_size' not in values:
        return _choose('unfold', values, provided)
    return _choose('im2col', values, {'input', 'kernel_size', 'dilation', 'padding', 'stride'})


def _fold(fn, args, kwargs):
    values, _ = _values_for(fn, args, kwargs)
    return _choose('col2im', values, {'input', 'output_size', 'kernel_size', 'dilation', 'padding', 'stride'})


def _softmax(aten_name):
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        values.pop('_stacklevel', None)
        provided.discard('_stacklevel')
        if values.get('dim') is None:
            raise Unsupported(f'{aten_name} without dim')
        return _choose(aten_name, values, provided | {'dim'})
    return handler


def _to(fn, args, kwargs):
    import ember
    self, rest = args[0], list(args[1:])
    dtype = kwargs.get('dtype')
    device = kwargs.get('device')
    for a in rest:
        if isinstance(a, ember.dtype):
            dtype = a
        elif isinstance(a, (ember.device, str)):
            device = ember.device(a)
        elif _is_tensor(a):
            dtype, device = a.dtype, a.device
    if device is not None and ember.device(device) != self.device:
        raise Unsupported('.to() another device')
    return _to_dtype(self, dtype if dtype is not None else self.dtype, kwargs)


def _to_dtype(self, dtype, kwargs=None):
    op = _aten.overload('to', 'dtype')
    extra = {k: v for k, v in (kwargs or {}).items() if k in ('non_blocking', 'copy') and v}
    args = (self, dtype) + ((extra.get('non_blocking', False), extra['copy']) if 'copy' in extra else
                            (True,) if extra.get('non_blocking') else ())
    return op, args, {}


def _cast(dtype_name):
    def handler(fn, args, kwargs):
        import ember
        return _to_dtype(args[0], getattr(ember, dtype_name))
    return handler


def _factory(aten_name):
    def handler(fn, args, kwargs):
        import ember
        values, provided = _values_for(fn, args, kwargs)
        for name in ('requires_grad', 'generator', 'memory_format'):
            if name in ('requires_grad',) and values.get(name):
                raise Unsupported('a factory call with requires_grad=True')
            if name == 'generator' and values.get(name) is not None:
                # (the recorded overloads take no generator: dropping it would draw other numbers)
                raise Unsupported('a random factory call with a generator')
            values.pop(name, None)
            provided.discard(name)
        if aten_name == 'arange' and values.get('end') is None:
            values['end'], values['start'] = values['start'], None
            provided.discard('start')
        values['device'] = ember.device(values['device']) if values.get('device') is not None else ember.device('cpu')
        values['pin_memory'] = bool(values.get('pin_memory'))
        provided |= {'device', 'pin_memory'}
        return _choose(aten_name, {k: v for k, v in values.items() if v is not None or k in provided}, provided)
    return handler


def _embedding(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    if values.get('max_norm') is not None:
        raise Unsupported('embedding with max_norm (it renormalises the weight in place)')
    padding = values.get('padding_idx')
    values = {'weight': values['weight'], 'indices': values['input'],
              'padding_idx': -1 if padding is None else padding,
              'scale_grad_by_freq': values.get('scale_grad_by_freq', False), 'sparse': values.get('sparse', False)}
    return _choose('embedding', values, {'weight', 'indices'})


def _layer_norm(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    values['cudnn_enable'] = False        # what PyTorch records on CPU
    return _choose('layer_norm', values, provided | {'cudnn_enable'})


def _group_norm(fn, args, kwargs):
    # F.group_norm passes every argument on, and cuDNN's flag is off on CPU
    values, _ = _values_for(fn, args, kwargs)
    values['cudnn_enabled'] = False
    return _choose('group_norm', values, {'input', 'num_groups', 'weight', 'bias', 'eps', 'cudnn_enabled'})


def _norm(fn, args, kwargs):
    values, provided = _values_for(fn, args, kwargs)
    p = values.get('p', 'fro')
    if not (p == 'fro' or isinstance(p, numbers.Number)):
        raise Unsupported(f'norm with p={p!r}')
    out = {'self': values['input'], 'ord': 2 if p == 'fro' else p, 'dim': values.get('dim'),
           'keepdim': values.get('keepdim', False), 'dtype': values.get('dtype')}
    if isinstance(out['dim'], int):
        out['dim'] = [out['dim']]
    return _choose('linalg_vector_norm', out, {k for k in ('self', 'ord', 'dim', 'keepdim', 'dtype')
                                               if k == 'self' or ({'ord': 'p'}.get(k, k) in provided)})


def _schema_defaults(aten_name, names):
    # arguments whose ember default differs in type from the one PyTorch's binding passes: when the
    # caller leaves them out, the schema's own default applies
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        for name in names:
            if name not in provided:
                values.pop(name, None)
        return _choose(aten_name, values, provided)
    return handler


def _variance(aten_name):
    # without dim or unbiased, PyTorch's binding calls the ``correction`` overload
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        first = 'correction' if not provided & {'dim', 'unbiased'} else None
        return _choose(aten_name, values, provided, first)
    return handler


# F.interpolate's modes as PyTorch's ATen operators ({dims} filled with the input's spatial dimensions)
_UPSAMPLE = {'nearest': 'upsample_nearest{dims}d', 'nearest-exact': '_upsample_nearest_exact{dims}d',
             'linear': 'upsample_linear1d', 'bilinear': 'upsample_bilinear2d', 'bicubic': 'upsample_bicubic2d',
             'trilinear': 'upsample_trilinear3d'}


def _interpolate(fn, args, kwargs):
    import math
    values, _ = _values_for(fn, args, kwargs)
    x, mode = values['input'], values.get('mode', 'nearest')
    dims = x.dim() - 2
    if values.get('antialias') or mode not in _UPSAMPLE:
        raise Unsupported(f"interpolate with mode={mode!r}" + (' and antialias' if values.get('antialias') else ''))
    size, scale = values.get('size'), values.get('scale_factor')
    if size is not None:
        output_size, scales = (list(size) if isinstance(size, (list, tuple)) else [size] * dims), None
    else:
        scales = [float(s) for s in scale] if isinstance(scale, (list, tuple)) else [float(scale)] * dims
        output_size = None
        if values.get('recompute_scale_factor'):
            output_size = [math.floor(x.shape[i + 2] * scales[i]) for i in range(dims)]
            scales = None
    op = getattr(_aten.packet(_UPSAMPLE[mode].format(dims=dims)), 'vec')
    if mode.startswith('nearest'):
        return op, (x, output_size, scales), {}
    return op, (x, output_size, bool(values.get('align_corners')), scales), {}


def _einsum(fn, args, kwargs):
    values, _ = _values_for(fn, args, kwargs)
    operands = list(values.get('operands', ()))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    return _choose('einsum', {'equation': values['equation'], 'tensors': operands}, {'equation', 'tensors'})


_REDUCTIONS = {'none': 0, 'mean': 1, 'sum': 2}


def _loss(aten_name):
    # F's losses name their reduction (or take the legacy size_average/reduce); ATen numbers it
    def handler(fn, args, kwargs):
        values, provided = _values_for(fn, args, kwargs)
        size_average, reduce = values.pop('size_average', None), values.pop('reduce', None)
        provided -= {'size_average', 'reduce'}
        reduction = values.get('reduction', 'mean')
        if size_average is not None or reduce is not None:
            from ember.ops.loss import legacy_get_string
            reduction = legacy_get_string(size_average, reduce)
        if reduction not in _REDUCTIONS:
            raise Unsupported(f'{aten_name} with reduction={reduction!r}')
        values['reduction'] = _REDUCTIONS[reduction]
        provided.add('reduction')
        return _choose(aten_name, values, provided)
    return handler


def _getitem(fn, args, kwargs):
    raise Unsupported('indexing')       # recorded as several ATen calls by the tracer itself


_SPECIAL = {
    'relu': _relu_functional, 'split': _split, 'rrelu': _inplace_flag('rrelu'), 'ctc_loss': _ctc_loss, 'batch_norm': _batch_norm, 'max_pool2d': _max_pool('max_pool2d'),
    'max_pool1d': _max_pool('max_pool1d'), 'max_pool3d': _max_pool('max_pool3d'), 'instance_norm': _instance_norm,
    'dropout1d': _feature_dropout('feature_dropout', 1), 'dropout2d': _feature_dropout('feature_dropout', 2),
    'dropout3d': _feature_dropout('feature_dropout', 3), 'alpha_dropout': _feature_dropout('alpha_dropout'),
    'feature_alpha_dropout': _feature_dropout('feature_alpha_dropout'), 'unfold': _unfold, 'fold': _fold,
    'max_unpool2d': _max_unpool(2), 'max_unpool3d': _max_unpool(3),
    **{f'adaptive_max_pool{d}d': _adaptive_max_pool(f'adaptive_max_pool{d}d') for d in (1, 2, 3)},
    'dropout': _dropout, 'softmax': _softmax('softmax'), 'log_softmax': _softmax('log_softmax'),
    'to': _to, 'float': _cast('float32'), 'double': _cast('float64'), 'half': _cast('float16'),
    'long': _cast('int64'), 'int': _cast('int32'), 'bool': _cast('bool'), 'bfloat16': _cast('bfloat16'),
    'hardtanh': _inplace_flag('hardtanh'), 'silu': _inplace_flag('silu'), 'leaky_relu': _inplace_flag('leaky_relu'),
    'elu': _inplace_flag('elu'), 'hardswish': _inplace_flag('hardswish'), 'hardsigmoid': _inplace_flag('hardsigmoid'),
    'mish': _inplace_flag('mish'), '__getitem__': _getitem, 'embedding': _embedding, 'layer_norm': _layer_norm,
    'group_norm': _group_norm,
    'interpolate': _interpolate, 'einsum': _einsum,
    'celu': _inplace_flag('celu'), 'selu': _inplace_flag('selu'), 'threshold': _inplace_flag('threshold'),
    'norm': _norm, 'std': _variance('std'), 'var': _variance('var'),
    'softplus': _schema_defaults('softplus', ('beta', 'threshold')),
}
_SPECIAL.update({name: _loss(aten_name) for name, aten_name in _aten.LOSSES.items()})
# factories take no tensor: the tracer reaches them through ember's namespace, patched while it runs
FACTORIES = ('ones', 'zeros', 'full', 'empty', 'arange', 'eye', 'rand', 'randn')
_SPECIAL.update({name: _factory(name) for name in FACTORIES})
