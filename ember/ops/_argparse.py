"""PyTorch's argument parser, consulted only after a call has failed.

PyTorch checks every call of a built-in function against the function's signatures (its overloads)
before running it, and a call that fits none gets one of a few ``TypeError`` texts: the argument of
the wrong type (``add(): argument 'other' (position 2) must be Tensor, not str``), the list of
overloads when several could have been meant, a missing or unexpected argument. ember's ops check
nothing up front (a check would cost every call); instead, when an op fails with an error of
Python's own making, :func:`explain` replays PyTorch's parser on the call's arguments and, when
PyTorch would have refused them, that refusal is the error the user sees.

The signatures are PyTorch's own, recorded in ``_signatures.json`` by
``scripts/record_op_signatures.py``; they are read the first time a call fails.
"""
import os
import re

import numpy as np

# Tensor parameters of these functions take Python numbers too (PyTorch's parser wraps them)
_NUMBERS_AS_TENSORS = frozenset(
    [n + s for n in ('add', 'sub', 'mul', 'div', 'true_divide', 'floor_divide', 'multiply', 'divide',
                     'subtract') for s in ('', '_')] + ['copy_'])

# the name each parameter type has in PyTorch's messages
_TYPE_NAMES = {
    'Tensor': 'Tensor', 'Scalar': 'Number', 'int64_t': 'int', 'SymInt': 'int', 'DeviceIndex': 'int',
    'double': 'float', 'bool': 'bool', 'TensorList': 'tuple of Tensors',
    'c10::List<::std::optional<Tensor>>': 'tuple of Tensors', 'IntArrayRef': 'tuple of ints',
    'SymIntArrayRef': 'tuple of ints', 'ArrayRef<double>': 'tuple of floats', 'ScalarList': 'tuple of Scalars',
    'ScalarType': 'ember.dtype', 'Layout': 'ember.layout', 'Device': 'ember.device',
    'MemoryFormat': 'ember.memory_format', 'Generator': 'ember.Generator', 'c10::string_view': 'str',
    'Stream': 'ember.Stream',
}


# the keyword names PyTorch's parser also takes for these parameters, as NumPy spells them (tried in
# this order when the parameter's own name is not given)
NUMPY_NAMES = {'dim': ('axis',), 'keepdim': ('keepdims',), 'input': ('x', 'a', 'x1'), 'other': ('x2',)}
_NUMPY_KEYWORDS = frozenset(n for names in NUMPY_NAMES.values() for n in names)


class _Param:
    __slots__ = ('name', 'kind', 'size', 'allow_none', 'optional', 'default', 'keyword_only', 'numpy_names')

    def __init__(self, text, keyword_only):
        decl, eq, default = text.partition('=')
        kind, _, self.name = decl.rpartition(' ')
        self.allow_none = kind.endswith('?')
        kind = kind.rstrip('?')
        size = re.search(r'\[(\d+)\]$', kind)
        self.size = int(size.group(1)) if size else 0
        self.kind = kind[:size.start()] if size else kind
        self.optional = bool(eq)
        self.default = default
        self.allow_none = self.allow_none or default == 'None'     # (a default of None takes None)
        self.keyword_only = keyword_only
        self.numpy_names = NUMPY_NAMES.get(self.name, ())

    @property
    def type_name(self):
        return _TYPE_NAMES.get(self.kind, self.kind)

    def __str__(self):
        return f"{self.type_name} {self.name}" + (f" = {self.default}" if self.optional else '')


class _Signature:
    __slots__ = ('name', 'params', 'hidden', 'min_args', 'max_args', 'max_pos_args', 'numbers_as_tensors')

    def __init__(self, text):
        text, _, flag = text.partition('|')
        self.hidden = bool(flag)        # deprecated overloads are taken but never offered
        self.name, _, body = text.partition('(')
        body = body[:body.rindex(')')]
        self.params = []
        keyword_only = False
        for part in re.split(r', (?![^\[<]*[\]>])', body) if body else ():
            if part == '*':
                keyword_only = True
            else:
                self.params.append(_Param(part, keyword_only))
        self.min_args = sum(not p.optional for p in self.params)
        self.max_args = len(self.params)
        self.max_pos_args = sum(not p.keyword_only for p in self.params)
        self.numbers_as_tensors = self.name in _NUMBERS_AS_TENSORS

    def __str__(self):
        parts, star = [], False
        for p in self.params:
            if p.keyword_only and not star:
                parts.append('*')
                star = True
            parts.append(str(p))
        return f"({', '.join(parts)})"


_TABLE = None
_PARSED = {}


def signatures_table():
    """The recorded table (read once, the first time a call fails)."""
    global _TABLE
    if _TABLE is None:
        import json      # (here: a failing call is the only one that needs it)
        with open(os.path.join(os.path.dirname(__file__), '_signatures.json'), encoding='utf-8') as f:
            _TABLE = json.load(f)
    return _TABLE


def signatures(namespace, name):
    """PyTorch's overloads of ``name`` in ``namespace`` ('torch', 'Tensor', 'nn', 'linalg', 'fft',
    'special'), or an empty list where PyTorch's parser does not handle it."""
    key = (namespace, name)
    found = _PARSED.get(key)
    if found is None:
        found = _PARSED[key] = [_Signature(s) for s in signatures_table().get(namespace, {}).get(name, ())]
    return found


# --- the type tests of PyTorch's parser ---------------------------------------------------------

def _tensor_class():
    from ember._tensor import Tensor
    return Tensor


def _is_int(obj):
    return (isinstance(obj, (int, np.integer)) and not isinstance(obj, bool)) or _is_0d(obj, 'iub')


def _is_0d(obj, kinds):
    Tensor = _tensor_class()
    return isinstance(obj, Tensor) and obj.dim() == 0 and not obj.requires_grad and obj.dtype.np_dtype.kind in kinds


def _is_number(obj):
    return isinstance(obj, (int, float, complex, np.number, np.bool_))


def _is_index(obj):
    if isinstance(obj, bool):
        return False
    if _is_int(obj):
        return True
    try:
        obj.__index__()
    except Exception:
        return False
    return True


def _int_list(obj, size):
    """(fits, index of the element that does not) for an int-list parameter: PyTorch looks only at
    the first element of a sequence; a single int fits where the list has a fixed size."""
    if isinstance(obj, (tuple, list)):
        first = obj[0] if obj else None
        if not obj or _is_index(first) or (isinstance(first, _tensor_class()) and first.numel() == 1 and
                                           first.dtype.np_dtype.kind in 'iub'):
            return True, None     # (a tensor element: one integer, as PyTorch's parser takes it)
        return False, 0
    return size > 0 and (_is_int(obj) or _is_one_int(obj)), None


def _is_one_int(obj):
    return isinstance(obj, _tensor_class()) and obj.numel() == 1 and obj.dtype.np_dtype.kind in 'iub'


def _fits(param, obj, sig):
    """(fits, failing element index) of ``obj`` for ``param``, by PyTorch's parser's rules."""
    kind = param.kind
    Tensor = _tensor_class()
    if kind == 'Tensor':
        return isinstance(obj, Tensor) or (sig.numbers_as_tensors and _is_number(obj)), None
    if kind in ('int64_t', 'SymInt', 'DeviceIndex'):
        return _is_int(obj), None
    if kind == 'bool':
        return isinstance(obj, (bool, np.bool_)), None
    if kind in ('double', 'Scalar'):
        if kind == 'Scalar' and isinstance(obj, (complex, np.complexfloating)):
            return True, None
        return isinstance(obj, (int, float, np.integer, np.floating, np.bool_)) or _is_0d(obj, 'biufc'), None
    if kind in ('IntArrayRef', 'SymIntArrayRef'):
        return _int_list(obj, param.size)
    if kind in ('TensorList', 'c10::List<::std::optional<Tensor>>'):
        return isinstance(obj, (tuple, list)), None     # the elements are checked when converted
    if kind == 'ArrayRef<double>':     # (of a sequence, PyTorch's parser reads the first element)
        if isinstance(obj, (tuple, list)):
            return not obj or isinstance(obj[0], (int, float, np.integer, np.floating)), None
        return param.size > 0 and isinstance(obj, (int, float)), None
    if kind == 'ScalarList':
        return isinstance(obj, (tuple, list)), None
    if kind == 'c10::string_view':
        return isinstance(obj, str), None
    if kind == 'ScalarType':
        from ember._dtype import dtype
        return isinstance(obj, dtype) or any(obj is t for t in (float, int, bool, complex)), None
    if kind == 'Layout':
        from ember._formats import layout
        return isinstance(obj, layout), None
    if kind == 'Device':
        from ember._device import device
        return isinstance(obj, (device, str)) or _is_int(obj), None
    if kind == 'Generator':
        from ember._random.generator import Generator
        return isinstance(obj, Generator), None
    if kind == 'MemoryFormat':
        from ember._formats import memory_format
        return isinstance(obj, memory_format), None
    return True, None           # a type ember does not tell apart: assume it fits


# --- matching a call ----------------------------------------------------------------------------

class _Refusal(Exception):
    """A signature's own reason for refusing a call (raised only while explaining one)."""


def _match(sig, args, kwargs, explain):
    """The ``(param, value)`` pairs of a call that fits ``sig``, else None; with ``explain``, raise
    :class:`_Refusal` with PyTorch's text instead of returning None."""
    name, nargs, params = sig.name, len(args), sig.params
    varargs = sig.max_pos_args == 1 and params[0].kind in ('IntArrayRef', 'SymIntArrayRef')
    if nargs > sig.max_pos_args and not varargs:
        if explain:
            raise _Refusal(_extra_args(sig, nargs))
        return None
    pos = 0
    remaining = len(kwargs)
    bound = []
    for i, param in enumerate(params):
        kwd = False
        if pos < nargs:
            if param.keyword_only:
                if explain:
                    raise _Refusal(_extra_args(sig, nargs))
                return None
            obj, present = args[pos], True
        else:
            present = param.name in kwargs
            obj = kwargs.get(param.name)
            if not present:
                for alias in param.numpy_names:
                    if alias in kwargs:
                        present, obj = True, kwargs[alias]
                        break
            kwd = True
        if (not present and param.optional) or (present and obj is None and param.allow_none):
            pass
        elif not present:
            if explain:
                missing = [f'"{p.name}"' for p in params[i:] if not p.optional]
                s = 's' if len(missing) == 1 else ''        # (sic: PyTorch's plural is the wrong way round)
                raise _Refusal(f"{name}() missing {len(missing)} required positional argument{s}: {', '.join(missing)}")
            return None
        else:
            fits, failed = _fits(param, obj, sig)
            if not fits and varargs and pos == 0 and not kwd:
                if _is_index(args[0]):          # expand(5, 3) as expand((5, 3))
                    bound.append((i, param, tuple(args)))
                    pos = nargs
                    continue
                if nargs > 1:
                    if explain:
                        raise _Refusal(_extra_args(sig, nargs))
                    return None
            if not fits:
                if not explain:
                    return None
                got = type_name(obj)
                if kwd:
                    raise _Refusal(f"{name}(): argument '{param.name}' must be {param.type_name}, not {got}")
                where = f"{name}(): argument '{param.name}' (position {pos + 1}) must be {param.type_name}"
                if failed is not None:
                    raise _Refusal(f"{where}, but found element of type {type(obj[failed]).__name__} at pos {failed}")
                raise _Refusal(f"{where}, not {got}")
            bound.append((i, param, obj))
        if not kwd:
            pos += 1
        elif present:
            remaining -= 1
    if remaining > 0:
        if explain:
            names = [p.name for p in params]
            for key in kwargs:
                if key not in names:
                    raise _Refusal(f"{name}() got an unexpected keyword argument '{key}'")
                if names.index(key) < nargs:
                    raise _Refusal(f"{name}() got multiple values for argument '{key}'")
        return None
    return bound


def _unpack_error(sig, bound):
    """PyTorch's error for a sequence the parser took (it looks at an int list's first element
    only, at a tensor list's type only) holding an element of the wrong type, found when PyTorch
    converts it; or None."""
    Tensor = _tensor_class()
    for index, param, obj in bound:
        if not isinstance(obj, (tuple, list)):
            continue
        if param.kind in ('IntArrayRef', 'SymIntArrayRef'):
            for j, item in enumerate(obj):
                if not (_is_index(item) or isinstance(item, Tensor)):
                    return TypeError(f"{sig.name}(): argument '{param.name}' failed to unpack the object at pos "
                                     f"{j + 1} with error \"type must be tuple of ints,but got {type(item).__name__}\"")
        elif param.kind in ('TensorList', 'c10::List<::std::optional<Tensor>>'):
            optional = param.kind != 'TensorList'
            for j, item in enumerate(obj):
                if not (isinstance(item, Tensor) or optional and item is None):
                    return TypeError(f"expected Tensor as element {j} in argument {index}, but got {type_name(item)}")
    return None


def _extra_args(sig, nargs):
    if sig.min_args != sig.max_pos_args:
        return (f"{sig.name}() takes from {sig.min_args} to {sig.max_pos_args} positional arguments "
                f"but {nargs} were given")
    s = '' if sig.max_pos_args == 1 else 's'
    return f"{sig.name}() takes {sig.max_pos_args} positional argument{s} but {nargs} {'was' if nargs == 1 else 'were'} given"


_EMBER_TYPES = {'dtype': 'ember.dtype', 'device': 'ember.device', 'layout': 'ember.layout',
                'memory_format': 'ember.memory_format', 'finfo': 'ember.finfo', 'iinfo': 'ember.iinfo',
                '_LegacyMeta': 'ember.tensortype'}     # (ember.FloatTensor and the other legacy tensor types)


def type_name(obj):
    """The name PyTorch's messages give ``obj``'s type: a C type's full name
    (``numpy.dtypes.Float32DType``), a Python class's own name (``list``, ``Tensor``); ember's
    classes that are C types in PyTorch as ``ember.dtype``, ``ember.device``..."""
    t = type(obj)
    if t.__module__.startswith('ember.') and t.__name__ in _EMBER_TYPES:
        return _EMBER_TYPES[t.__name__]
    if t.__module__ in ('builtins', '__main__') or t.__flags__ & (1 << 9):     # Py_TPFLAGS_HEAPTYPE
        return t.__name__
    return f'{t.__module__}.{t.__qualname__}'


def _given(args, kwargs):
    """The arguments of a call rebuilt from an op's parameters without those the caller left out
    (a parameter PyTorch requires defaults to ``NOT_GIVEN`` so that leaving it out fails in the op,
    where it is explained, instead of in Python's binding)."""
    from ember.ops._numpy_keywords import NOT_GIVEN
    args = list(args)
    while args and args[-1] is NOT_GIVEN:
        args.pop()
    if any(v is NOT_GIVEN for v in kwargs.values()):
        kwargs = {k: v for k, v in kwargs.items() if v is not NOT_GIVEN}
    return args, kwargs


def explain(namespace, name, args, kwargs):
    """PyTorch's ``TypeError`` for calling ``name`` of ``namespace`` with ``args``/``kwargs`` (for a
    method, without the tensor itself), or None when PyTorch's parser would take the call."""
    sigs = signatures(namespace, name)
    if not sigs:
        return None
    args, kwargs = _given(args, kwargs)
    if namespace == 'Tensor' and len(sigs) == 1 and not sigs[0].params and (args or kwargs):
        # a method without parameters is bound as taking no arguments at all: Python's text for it
        if kwargs:
            return TypeError(f"TensorBase.{name}() takes no keyword arguments")
        return TypeError(f"TensorBase.{name}() takes no arguments ({len(args)} given)")
    for sig in sigs:
        bound = _match(sig, args, kwargs, False)
        if bound is not None:
            return _unpack_error(sig, bound)
    n = len(args) + len(kwargs)
    plausible = sigs if len(sigs) == 1 else [s for s in sigs if s.min_args <= n <= s.max_args and not s.hidden]
    if len(plausible) == 1:
        try:
            _match(plausible[0], args, kwargs, True)
        except _Refusal as refusal:
            return TypeError(str(refusal))
    from ember.ops._invalid_args import invalid_combination
    return TypeError(invalid_combination(name, [str(s) for s in sigs if not s.hidden], args, kwargs))


# --- after a failed call ------------------------------------------------------------------------

# the errors a call of the wrong types ends in inside ember (Python's own, mostly)
FAILURES = (TypeError, AttributeError, ValueError, IndexError, RuntimeError)

# what NumPy would read as an array where PyTorch takes only a tensor or a number: an op that meets
# one replays the call through PyTorch's parser before computing anything with it
NOT_OPERANDS = frozenset((list, tuple, str, dict, set))

# functional ops whose PyTorch function hands on only its leading tensors as given (the options
# converted first: grid_sample's mode string becomes an int): native name, how many
_NATIVE_TENSORS = {'grid_sample': ('grid_sampler', 2)}
# ... and those that hand their arguments on by position, in another order or to another function:
# namespace, native name, the functional's parameters in the native's order, trailing constants
_POOLING = ('input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode')
_NATIVE_POSITIONS = {
    'batch_norm': ('torch', 'batch_norm', ('input', 'weight', 'bias', 'running_mean', 'running_var', 'training',
                                           'momentum', 'eps'), (False,)),
    'glu': ('nn', 'glu', ('input', 'dim'), ()),
    'normalize': ('linalg', 'linalg_vector_norm', ('input', 'p', 'dim', True), ()),     # (input.norm(p, dim, True))
    'max_pool1d': ('torch', 'max_pool1d', _POOLING, ()), 'max_pool2d': ('torch', 'max_pool2d', _POOLING, ()),
    'max_pool3d': ('torch', 'max_pool3d', _POOLING, ()),
    'pad': ('nn', 'pad', ('input', 'pad', 'mode', 'value'), ()),
    # (output_size as a list, None standing for the input's size there)
    'adaptive_avg_pool2d': ('nn', 'adaptive_avg_pool2d', ('input', 'output_size'), ()),
    'adaptive_avg_pool3d': ('nn', 'adaptive_avg_pool3d', ('input', 'output_size'), ()),
    'adaptive_max_pool2d': ('nn', 'adaptive_max_pool2d', ('input', 'output_size'), ()),
    'adaptive_max_pool3d': ('nn', 'adaptive_max_pool3d', ('input', 'output_size'), ()),
    # (each size as a pair: a number n as (n, n))
    'unfold': ('nn', 'im2col', ('input', 'kernel_size', 'dilation', 'padding', 'stride'), ()),
    'fold': ('nn', 'col2im', ('input', 'output_size', 'kernel_size', 'dilation', 'padding', 'stride'), ()),
    # (the reduction handed on as its enum: 1 stands for any)
    'nll_loss': ('nn', 'nll_loss_nd', ('input', 'target', 'weight', 1, 'ignore_index'), ()),
    'cross_entropy': ('nn', 'cross_entropy_loss', ('input', 'target', 'weight', 1, 'ignore_index', 'label_smoothing'),
                      ()),
}
# functional losses whose PyTorch function first compares target.size() with input.size()
_SIZES_COMPARED = frozenset(('l1_loss', 'mse_loss', 'smooth_l1_loss', 'huber_loss', 'binary_cross_entropy',
                             'binary_cross_entropy_with_logits'))
# functional ops whose PyTorch function calls the tensor's method with the other arguments
_VIA_METHOD = frozenset(('softmax', 'log_softmax'))

_OPS = {}           # code object -> [(op function, its name, its exports)]
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def _ops_by_code():
    """Every registered op function (the one its wrappers wrap), and every other function of
    ember's and of its Tensor's that PyTorch binds in C (``Tensor.to``), by code object: ops made by
    one factory (the comparisons) share a code object."""
    if not _OPS:
        from ember.ops._registry import REGISTRY
        for entry in REGISTRY:
            f = entry.fn
            while getattr(f, '__wrapped__', None) is not None:     # under autocast's and others' wrappers
                f = f.__wrapped__
            code = getattr(f, '__code__', None)
            if code is not None:
                found = _OPS.setdefault(code, [])
                if all(g is not f for g, _, _ in found):
                    found.append((f, entry.name, entry.exports))
        import types
        import ember
        table = signatures_table()
        for owner, namespace, export in ((ember.Tensor.__dict__, 'Tensor', 'Tensor'), (vars(ember), 'torch', 'ember')):
            for name, f in list(owner.items()):
                while getattr(f, '__wrapped__', None) is not None:
                    f = f.__wrapped__
                if isinstance(f, types.FunctionType) and name in table[namespace]:
                    found = _OPS.setdefault(f.__code__, [])
                    if all(g is not f for g, _, _ in found):     # (new_ones and new_zeros share a code)
                        found.append((f, name, {export: [name]}))
    return _OPS


def _find(fn):
    """``(name, exports)`` of the registered op ``fn`` is (or wraps), or None."""
    for candidate in _ops_by_code().get(getattr(fn, '__code__', None), ()):
        if candidate[0] is fn:
            return candidate[1:]
    wrapped = getattr(fn, '__wrapped__', None)
    return _find(wrapped) if wrapped is not None else None


def _callee(frame, names):
    """``(name, receiver)`` of the call ``frame`` is making now, read from its bytecode (done only
    for a call that has already failed): the last of ``names`` it loaded, and what it was read off:
    a module, ``'tensor'`` for a method call, or None for a plain name."""
    import dis
    import types
    instructions = [i for i in dis.get_instructions(frame.f_code) if i.offset <= frame.f_lasti]
    loads = ('LOAD_ATTR', 'LOAD_METHOD', 'LOAD_GLOBAL', 'LOAD_NAME', 'LOAD_FAST', 'LOAD_DEREF')
    for k in range(len(instructions) - 1, -1, -1):
        ins = instructions[k]
        if ins.opname in loads and ins.argval in names:
            break
    else:
        return None, None
    if ins.opname not in ('LOAD_ATTR', 'LOAD_METHOD'):
        return ins.argval, None
    chain = []
    j = k - 1
    while j >= 0 and instructions[j].opname in ('LOAD_ATTR', 'LOAD_METHOD'):
        chain.append(instructions[j].argval)
        j -= 1
    base = instructions[j] if j >= 0 else None
    if base is None or base.opname not in loads[2:]:
        return ins.argval, 'tensor'     # read off the result of an expression: a tensor
    scopes = (frame.f_locals, frame.f_globals, frame.f_builtins)
    obj = next((scope[base.argval] for scope in scopes if base.argval in scope), None)
    for attr in reversed(chain):
        if not isinstance(obj, types.ModuleType):
            break
        obj = getattr(obj, attr, None)
    return ins.argval, obj if isinstance(obj, (types.ModuleType, type)) else 'tensor'


def _native(name, exports, receiver, args):
    """``(namespace, name, args)`` as PyTorch's parser sees the call, by where the op was read (a
    method's arguments without the tensor itself); None for a function PyTorch writes in Python."""
    module = getattr(receiver, '__name__', '')
    if receiver == 'tensor' and 'Tensor' in exports:
        return 'Tensor', name, args[1:]
    if module == 'ember.nn.functional' or (not module and 'F' in exports and 'ember' not in exports):
        builtin = signatures_table().get('F', {}).get(name)
        return None if builtin is None else (builtin[0], builtin[1], args)    # (F.conv2d is torch.conv2d)
    for namespace in ('linalg', 'fft', 'special'):
        if module == f'ember.{namespace}' or (not module and namespace in exports and 'ember' not in exports):
            return namespace, f'{namespace}_{name}', args
    if 'ember' in exports:
        return 'torch', name, args
    return None


def numpy_renamed(namespace, name, args, kwargs):
    """``kwargs`` with NumPy's keyword names (``axis``, ``keepdims``, ``x``, ``a``, ``x1``, ``x2``)
    renamed to the parameters PyTorch's parser binds them to, when it takes the call with them (the
    first of its overloads that fits, as the parser picks it); None otherwise."""
    for sig in signatures(namespace, name):
        if _match(sig, args, kwargs, False) is not None:
            renamed = dict(kwargs)
            for param in sig.params:
                if param.name not in kwargs:
                    alias = next((a for a in param.numpy_names if a in kwargs), None)
                    if alias is not None:
                        renamed[param.name] = renamed.pop(alias)
            return renamed if renamed.keys() != kwargs.keys() else None
    return None


def _error_for(name, exports, receiver, args, kwargs):
    """PyTorch's error for the call (None where its parser takes it), by where the op was read."""
    module = getattr(receiver, '__name__', '')
    if receiver == 'tensor' and 'Tensor' in exports:
        return explain('Tensor', name, args[1:], kwargs)
    if module == 'ember.nn.functional' or (not module and 'F' in exports and 'ember' not in exports):
        if name in _VIA_METHOD:
            return explain('Tensor', name, args[1:], kwargs)
        builtin = signatures_table().get('F', {}).get(name)
        if builtin is not None:      # PyTorch's F.conv2d is torch.conv2d itself
            return explain(builtin[0], builtin[1], args, kwargs)
        if name in _SIZES_COMPARED:
            Tensor = _tensor_class()
            given = dict(zip(('input', 'target'), args), **kwargs)
            for key in ('target', 'input'):
                if key in given and not isinstance(given[key], Tensor):
                    return AttributeError(f"'{type(given[key]).__name__}' object has no attribute 'size'")
        # a Python function in PyTorch, which may convert options (reduction='mean' to an enum)
        # before the native op sees them: only an argument of the wrong type is reported, as given
        native = name
        kwargs = {k: v for k, v in kwargs.items() if k not in ('reduction', 'size_average', 'reduce')}
        namespace = None
        if name in _NATIVE_TENSORS:
            native, leading = _NATIVE_TENSORS[name]
            args, kwargs = args[:leading], {}
        elif name in _NATIVE_POSITIONS:
            namespace, native, order, constants = _NATIVE_POSITIONS[name]
            if order is _POOLING and _in_order(name, args, kwargs, ('return_indices',))[0]:
                native = f"{name}_with_indices"
                namespace = 'nn' if signatures('nn', native) else 'torch'
            args, kwargs = _in_order(name, args, kwargs, order) + list(constants), {}
            if name in ('unfold', 'fold'):
                args = args[:1] + [tuple(a) if isinstance(a, (tuple, list)) else (a, a) for a in args[1:]]
            elif name.startswith('adaptive_') and not isinstance(args[1], int) and hasattr(args[1], '__len__'):
                given = list(args[1])
                sizes = list(getattr(args[0], 'shape', ()))[-len(given):] if given else []
                if len(sizes) == len(given):
                    given = [d if v is None else v for v, d in zip(given, sizes)]
                args[1] = given
            if name == 'normalize' and isinstance(args[1], str):
                return None     # (a string p takes PyTorch's norm to matrix_norm, whose own error stands)
        err = explain(namespace or ('nn' if signatures('nn', native) else 'torch'), native, args, kwargs)
        return err if err is not None and "(): argument '" in str(err) else None
    for namespace in ('linalg', 'fft', 'special'):
        if module == f'ember.{namespace}' or (not module and namespace in exports and 'ember' not in exports):
            return explain(namespace, f'{namespace}_{name}', args, kwargs)
    if 'ember' in exports:
        return explain('torch', name, args, kwargs)
    return None


def _in_order(name, args, kwargs, order):
    """The arguments of the call of functional ``name`` (defaults filled in) in ``order``: parameter
    names, or constants given in their place."""
    import inspect
    import ember.nn.functional as F
    bound = inspect.signature(F.__dict__[name]).bind(*args, **kwargs)
    bound.apply_defaults()
    return [bound.arguments[p] if isinstance(p, str) else p for p in order]


# the wrappers an op may be called through (__torch_function__ dispatch, autocast, the uint checks,
# the argument guard): the user's call is the frame above them
_PASS_THROUGH = frozenset((('_torch_function.py', 'op'), ('_autocast.py', 'autocast_policy'),
                           ('_barebones.py', 'barebones_check'), ('_argparse.py', 'argument_guard')))


def guarded(fn):
    """``fn`` behind a guard that turns its failure on arguments PyTorch's parser refuses into
    PyTorch's error (``@op(..., guard=True)``); other failures, and every success, pass unchanged."""
    import functools

    @functools.wraps(fn)
    def argument_guard(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FAILURES:
            kwargs = refuse(fn, args, kwargs)
            if kwargs is None:
                raise
        return argument_guard(*args, **kwargs)      # once more, with NumPy's keyword names renamed
    return argument_guard


def _caller(frame):
    """The first frame from ``frame`` up that is not one of the op wrappers."""
    while frame is not None and (frame.f_code.co_filename.rpartition('/')[2], frame.f_code.co_name) in _PASS_THROUGH:
        frame = frame.f_back
    return frame


_C_NAMESPACES = frozenset(('ember', 'linalg', 'fft', 'special'))     # where PyTorch's functions are C functions


def refuse(fn, args, kwargs, depth=2):
    """Raise PyTorch's argument error for the failed call ``fn(*args, **kwargs)`` of an op (made
    ``depth`` frames up) when PyTorch's parser refuses those arguments. Return the keywords to
    call again with when the call used NumPy's keyword names (``axis=``, ``keepdims=``) where
    PyTorch's parser takes them (see :func:`numpy_renamed`); return None otherwise (the caller
    re-raises its own error)."""
    import sys
    found = _find(fn)
    if found is None:
        return None
    name, exports = found
    failure = sys.exc_info()[1]
    if _raised_by_python_read(failure) or getattr(failure, '_raised_by_python_check', False):
        return None     # PyTorch's function is Python code whose first read of its input failed: that error stands
    if failure is not None and failure.__traceback__.tb_next is None and not _C_NAMESPACES.intersection(exports):
        if name in _DISPATCHED_ON_INDICES and isinstance(failure, TypeError) and str(failure).startswith(f"{name}("):
            raise TypeError(_dispatched_name(name, args, kwargs) + str(failure)[len(name):]) from None
        return None     # Python's own error for the call (PyTorch's functional ops are Python functions too)
    names = {n for ns in exports.values() for n in ns}
    frame = _caller(sys._getframe(depth))
    if frame is None or not _is_call(frame):
        return None     # not a call (an operator, x ** [1, 2]): Python's own error stands, as in PyTorch
    if frame.f_code.co_filename.startswith(_EMBER_DIR):
        # called by another of ember's functions (x.new_zeros calls zeros): the error is that of the
        # call the user made, when PyTorch's parser refuses it
        try:
            err = _stack_error(frame)
        except Exception:       # (the diagnosis must never hide the failure it was asked about)
            err = None
        if err is not None:
            raise err from None
    called, receiver = _callee(frame, names)
    if frame.f_code.co_name in _VIA_METHOD and frame.f_code.co_filename.endswith('functional.py'):
        receiver = 'tensor'     # F.softmax(x, dim) calls x.softmax(dim), as PyTorch's does
    if not _NUMPY_KEYWORDS.isdisjoint(kwargs):
        native = _native(called or name, exports, receiver, args)
        renamed = native and numpy_renamed(native[0], native[1], native[2], kwargs)
        if renamed:
            return renamed
    err = _error_for(called or name, exports, receiver, args, kwargs)
    if err is not None:
        raise err from None
    return None


# PyTorch's functionals that hand the call on to one of two functions by their return_indices
# (at this position), so that Python's error for the call names that one
_DISPATCHED_ON_INDICES = {'max_pool1d': 6, 'max_pool2d': 6, 'max_pool3d': 6, 'adaptive_max_pool1d': 2,
                          'adaptive_max_pool2d': 2, 'adaptive_max_pool3d': 2, 'fractional_max_pool2d': 4,
                          'fractional_max_pool3d': 4}


def _dispatched_name(name, args, kwargs):
    """The name of the function PyTorch's ``name`` hands the call to: ``<name>_with_indices``
    when return_indices is true, ``_<name>`` otherwise."""
    position = _DISPATCHED_ON_INDICES[name]
    flag = kwargs['return_indices'] if 'return_indices' in kwargs else len(args) > position and args[position]
    return f"{name}_with_indices" if flag else f"_{name}"


def _raised_by_python_read(failure):
    """Whether ``failure`` is the AttributeError of ``_util.python_reads`` (what PyTorch's Python
    functionals raise for a non-tensor input), which no parser error replaces."""
    if not isinstance(failure, AttributeError):
        return False
    tb = failure.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_name == 'python_reads' and \
        tb.tb_frame.f_code.co_filename.endswith('_util.py')


def _is_call(frame):
    """Whether ``frame`` is calling a function now (not applying an operator)."""
    import dis
    last = [i for i in dis.get_instructions(frame.f_code) if i.offset <= frame.f_lasti]
    return bool(last) and last[-1].opname.startswith('CALL')


def _call_shape(frame):
    """(number of positional arguments, keyword names) of the call ``frame`` is making now, read
    from its bytecode; None for a call with ``*args``/``**kwargs`` or bytecode not understood."""
    import dis
    instructions = [i for i in dis.get_instructions(frame.f_code) if i.offset <= frame.f_lasti]
    call = instructions[-1] if instructions else None
    if call is None or call.opname not in ('CALL', 'CALL_KW', 'CALL_FUNCTION', 'CALL_METHOD', 'CALL_FUNCTION_KW'):
        return None
    names = ()
    for ins in reversed(instructions[-4:-1]):
        if ins.opname == 'KW_NAMES' or (call.opname in ('CALL_KW', 'CALL_FUNCTION_KW') and ins.opname == 'LOAD_CONST'):
            names = tuple(frame.f_code.co_consts[ins.arg])
            break
    return call.arg - len(names), names


def refuse_from_stack():
    """From inside an op that failed, find the op the user called (the outermost op among the
    ember frames above), rebuild the call from that op's arguments and the caller's bytecode, and
    raise PyTorch's argument error for it when PyTorch's parser refuses it; return otherwise."""
    import sys
    try:
        err = _stack_error(sys._getframe(1))
    except Exception:       # (the diagnosis must never hide the failure it was asked about)
        err = None
    if err is not None:
        raise err from None


def _stack_error(frame):
    import inspect
    ops = _ops_by_code()
    op_frame = None
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        if frame.f_code in ops:
            op_frame = frame
        frame = frame.f_back
    if op_frame is None or frame is None or _caller(op_frame.f_back) is not frame:
        return None
    shape = _call_shape(frame)
    if shape is None:
        return None
    candidates = ops[op_frame.f_code]
    names = {n for _, _, exports in candidates for ns in exports.values() for n in ns}
    called, receiver = _callee(frame, names)
    fn, name, exports = next((c for c in candidates if any(called in ns for ns in c[2].values())), candidates[0])
    npos, keywords = shape
    method = receiver == 'tensor'
    local = op_frame.f_locals
    args, extra = [], {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            args.extend(local.get(p.name, ()))
        elif p.kind is p.VAR_KEYWORD:
            extra = local.get(p.name, {})
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in keywords:
            args.append(local.get(p.name))
    args = args[:npos + method]
    if any(k not in local and k not in extra for k in keywords):
        return None         # a keyword the op has consumed: the call cannot be rebuilt
    kwargs = {k: local[k] if k in local else extra[k] for k in keywords}
    return _error_for(called or name, exports, receiver, args, kwargs)
