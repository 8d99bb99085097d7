"""What the code inside a TorchScript archive calls, run on ember.

An archive's methods are written in TorchScript's Python-syntax form: ``torch.<name>(...)`` is the ATen
operator ``aten::<name>`` with its arguments in schema order (so ``torch.add(i, 2)`` adds two ints,
``torch.to(x, 6, False, False, None)`` converts to float32 — dtypes are ScalarType codes), and
``ops.prim.<name>``/``ops.aten.<name>`` are the interpreter's own primitives. ``torch`` and ``ops`` here
resolve those names: numbers, lists, strings and dicts get TorchScript's builtin meaning, tensors ember's
op of the same name (a function of ``ember``, else the Tensor method, else the ATen kernel).
"""
import inspect
import math
import warnings

import ember
from ember.jit import _dtype_codes

_TENSOR_TYPES = (ember.Tensor,)


def _has_tensor(args):
    for a in args:
        if isinstance(a, _TENSOR_TYPES):
            return True
        if type(a) in (list, tuple) and any(isinstance(b, _TENSOR_TYPES) for b in a):
            return True
    return False


def _format(fmt, *args):
    # TorchScript's format fills each {} in turn with str() of the value
    return fmt.format(*[str(a) if not isinstance(a, str) else a for a in args])


def _slice_list(seq, start=None, end=None, step=1):
    return seq[start:end:step]


def _append(seq, value):
    seq.append(value)
    return seq


def _set_item(container, key, value):
    container[key] = value
    return container


def _range_length(lo, hi, step):
    if step == 0:
        raise RuntimeError("range() arg 3 must not be zero")
    return max(0, -((lo - hi) // step)) if step > 0 else max(0, -((hi - lo) // -step))


def _div(a, b):
    return a / b


def _floordiv(a, b):
    return a // b


def _size(t, dim=None):
    return list(t.shape) if dim is None else t.shape[dim]


def _set_grad_enabled(mode):
    ember.set_grad_enabled(mode)        # takes effect at once, as the plain call does


# TorchScript builtins on numbers, lists, strings and dicts (used when no tensor takes part)
_SCALAR = {
    'add': lambda a, b: a + b, 'sub': lambda a, b: a - b, 'mul': lambda a, b: a * b, 'div': _div,
    'floordiv': _floordiv, 'remainder': lambda a, b: a % b, 'fmod': math.fmod, 'neg': lambda a: -a,
    'pow': lambda a, b: a ** b, 'eq': lambda a, b: a == b, 'ne': lambda a, b: a != b, 'lt': lambda a, b: a < b,
    'le': lambda a, b: a <= b, 'gt': lambda a, b: a > b, 'ge': lambda a, b: a >= b, 'len': len,
    'format': _format, 'append': _append, 'slice': _slice_list, 'list': list, 'str': str,
    'abs': abs, 'floor': math.floor, 'ceil': math.ceil, 'sqrt': math.sqrt, 'exp': math.exp, 'log': math.log,
    'sin': math.sin, 'cos': math.cos, 'tanh': math.tanh, 'min': min, 'max': max, 'round': round,
    '__is__': lambda a, b: a is b, '__isnot__': lambda a, b: a is not b, '__not__': lambda a: not a,
    '__and__': lambda a, b: a and b, '__or__': lambda a, b: a or b, '__contains__': lambda c, v: v in c,
    'keys': lambda d: list(d.keys()), 'values': lambda d: list(d.values()), 'items': lambda d: list(d.items()),
    'extend': lambda seq, other: seq.extend(other), 'insert': lambda seq, i, v: seq.insert(i, v),
    'pop': lambda seq, *i: seq.pop(*i), 'clear': lambda seq: seq.clear(), 'copy': lambda c: c.copy(),
    'reverse': lambda seq: seq.reverse(), 'count': lambda seq, v: seq.count(v), 'index': lambda seq, v: seq.index(v),
    'join': lambda sep, parts: sep.join(parts), 'lower': str.lower, 'upper': str.upper, 'split': str.split,
    'strip': str.strip, 'startswith': str.startswith, 'endswith': str.endswith, '_set_item': _set_item,
    '__range_length': _range_length, '__derive_index': lambda index, start, step: start + index * step,
    'warn': lambda message, stacklevel=2: warnings.warn(message, stacklevel=3),
    'device': lambda spec: ember.device(spec), 'dict': dict, 'isfinite': math.isfinite,
    'isnan': math.isnan, 'isinf': math.isinf, 'ord': ord, 'chr': chr, 'hash': hash,
    'all': all, 'any': any, 'sum': sum, 'sorted': sorted, 'bin': bin, 'divmod': divmod,
    'set_grad_enabled': _set_grad_enabled,
}
# the same builtins are needed on tensors' shapes (lists of ints) even though a name exists in ember
_ALWAYS_SCALAR_FIRST = ('len', 'format', 'append', 'list', 'str', '__is__', '__isnot__', '__not__', 'keys',
                        'values', 'items', '_set_item', '__range_length', '__derive_index', 'warn', 'dict',
                        '__contains__', 'extend', 'insert', 'pop', 'clear', 'copy', 'join')


def _tensor_builtin(name):
    """Tensor-level ops whose ATen meaning differs from ember's function of that name."""
    if name == 'size':
        return _size
    if name == 'dim':
        return lambda t: t.dim()
    if name == 'numel':
        return lambda t: t.numel()
    if name == '__interpolate':     # TorchScript's builtin form of F.interpolate: the same arguments
        import ember.nn.functional as F
        return F.interpolate
    if name == '_convolution':     # traces record the 13-argument form; the last four pick cuDNN/TF32 kernels
        from ember.export._aten import _convolution
        return lambda *args: _convolution(*args[:9])
    return None


def _convert_codes(args, kwargs):
    for key, convert in (('dtype', _dtype_codes.dtype_of), ('layout', _dtype_codes.layout_of),
                         ('memory_format', _dtype_codes.memory_format_of)):
        if key in kwargs and isinstance(kwargs[key], int) and not isinstance(kwargs[key], bool):
            kwargs[key] = convert(kwargs[key])
    return args, kwargs


def _aten_call(name, args, kwargs):
    """``aten::<name>`` on ember: schema-aware where ember's ATen table knows the operator."""
    from ember.export import _aten
    packet = _aten.packet(name)
    if packet is not None:
        overload = _matching_overload(packet, args, kwargs)
        if overload is not None:
            args, kwargs = _schema_codes(overload._schema, args, kwargs)
            if (name, overload._overloadname) in _aten._KERNELS or name in _aten._KERNELS:
                return overload._run(args, kwargs)
    args, kwargs = _convert_codes(args, dict(kwargs))
    fn = getattr(ember, name, None)
    if callable(fn) and not isinstance(fn, type):
        return fn(*args, **kwargs)
    if args and isinstance(args[0], _TENSOR_TYPES) and hasattr(args[0], name):
        return getattr(args[0], name)(*args[1:], **kwargs)
    import ember.nn.functional as F
    fn = getattr(F, name, None)
    if callable(fn):
        return fn(*args, **kwargs)
    fn = getattr(F, name[:-1], None) if name.endswith('_') else None
    if callable(fn) and 'inplace' in inspect.signature(fn).parameters:     # relu_, silu_, hardswish_, ...
        return fn(*args, inplace=True, **kwargs)
    raise RuntimeError(f"ember.jit: the archive calls aten::{name}, which ember cannot run")


def _accepts(arg_type, value):
    base = arg_type.replace('?', '')
    if value is None:
        return arg_type.endswith('?') or arg_type.startswith('Tensor?')
    if base.startswith('Tensor') and '[' not in base:
        return isinstance(value, _TENSOR_TYPES)
    if base in ('ScalarType', 'Layout', 'MemoryFormat'):
        return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, ember.dtype)
    if base == 'Device':
        return isinstance(value, (str, ember.device))
    if base in ('int', 'SymInt'):
        return isinstance(value, int) and not isinstance(value, bool)
    if base == 'bool':
        return isinstance(value, bool)
    if base == 'float':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base == 'Scalar':
        return isinstance(value, (int, float, complex, bool))
    if base == 'str':
        return isinstance(value, str)
    if '[' in base:
        return isinstance(value, (list, tuple))
    return True


def _matching_overload(packet, args, kwargs):
    for name in packet.overloads():
        overload = getattr(packet, name)
        params = overload._schema.args
        if len(args) > len(params) or any(k not in {p.name for p in params} for k in kwargs):
            continue
        if all(_accepts(p.type, a) for p, a in zip(params, args)) and \
                all(_accepts(p.type, kwargs[p.name]) for p in params if p.name in kwargs):
            return overload
    return None


def _schema_codes(schema, args, kwargs):
    """ScalarType/Layout/MemoryFormat codes in the positions the schema types them, as ember objects."""
    convert = {'ScalarType': _dtype_codes.dtype_of, 'Layout': _dtype_codes.layout_of,
               'MemoryFormat': _dtype_codes.memory_format_of}
    args = list(args)
    kwargs = dict(kwargs)
    for i, param in enumerate(schema.args):
        fn = convert.get(param.type.replace('?', ''))
        if fn is None:
            continue
        if i < len(args):
            args[i] = fn(args[i])
        elif param.name in kwargs:
            kwargs[param.name] = fn(kwargs[param.name])
    return args, kwargs


class _TorchNamespace:
    """``torch`` inside archive code."""

    def __getattr__(self, name):
        if name.startswith('_') and '__' in name[1:] and not name.startswith('__'):
            name = name[name.index('__', 1):]       # Python mangled torch.__name inside a class body: undo it
        scalar = _SCALAR.get(name)
        tensor_builtin = _tensor_builtin(name)

        def call(*args, **kwargs):
            if scalar is not None and (name in _ALWAYS_SCALAR_FIRST or not _has_tensor(args)):
                return scalar(*args, **kwargs)
            if tensor_builtin is not None:
                return tensor_builtin(*args, **kwargs)
            return _aten_call(name, args, kwargs)
        call.__name__ = name
        setattr(self, name, call)
        return call


def _raise_exception(message, qualified_name=None):
    import builtins
    cls = RuntimeError
    if qualified_name and qualified_name.startswith('builtins.'):
        cls = getattr(builtins, qualified_name.split('.', 1)[1], RuntimeError)
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            cls = RuntimeError
    raise cls(message)


_PRIM = {
    'RaiseException': _raise_exception,
    'unchecked_cast': lambda value: value,
    'NumToTensor': lambda value: ember.tensor(value),
    'dtype': lambda t: _dtype_codes.code_of(t.dtype),
    'device': lambda t: t.device,
    'layout': lambda t: 0,
    'is_cuda': lambda t: t.is_cuda,
    'is_nested': lambda t: t.is_nested,
    'type': lambda device: device.type,          # prim::type of a Device: its type's name
    'is_sparse': lambda t: t.is_sparse,
    'is_quantized': lambda t: t.is_quantized,
    'is_meta': lambda t: t.is_meta,
    'data': lambda t: t.detach(),
    'min': min, 'max': max,
    'TupleIndex': lambda tup, i: tup[i],
    'TupleUnpack': lambda tup: tup,
    'ListConstruct': lambda *items: list(items),
    'TupleConstruct': lambda *items: tuple(items),
    'isinstance': isinstance,
    'shape': lambda t: list(t.shape),
    'requires_grad': lambda t: t.requires_grad,
    'grad': lambda t: t.grad,
    'id': id,
}


def _aten_scalar(name):
    return {'Int': int, 'Float': float, 'Bool': bool, 'ScalarImplicit': lambda t: t.item(),
            'item': lambda t: t.item(), 'IntImplicit': lambda t: int(t.item()),
            'FloatImplicit': lambda t: float(t.item())}.get(name)


class _OpsPrim:
    def __getattr__(self, name):
        fn = _PRIM.get(name)
        if fn is None:
            raise RuntimeError(f"ember.jit: the archive calls prim::{name}, which ember cannot run")
        return fn


class _OpsAten:
    def __getattr__(self, name):
        fn = _aten_scalar(name)
        if fn is not None:
            return fn
        return getattr(_TorchNamespace(), name)


class _Ops:
    """``ops`` inside archive code (``ops.prim.RaiseException``, ``ops.aten.Int``, ...)."""

    def __init__(self):
        self.prim = _OpsPrim()
        self.aten = _OpsAten()

    def __getattr__(self, namespace):
        raise RuntimeError(f"ember.jit: the archive calls operators of the '{namespace}' namespace, which ember "
                           "cannot run")
