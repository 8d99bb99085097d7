"""What ``ember.jit.script`` writes for calls: ``torch.nn.functional`` functions as the ATen operators they
run (arguments bound to the function's signature, defaults filled in), tensor methods and attributes as
``torch.<op>(self, ...)``, Python builtins as TorchScript's.

PyTorch writes a call of ``F.relu`` as a call of the scripted ``torch.nn.functional.relu``, whose
code in the archive calls ``torch.relu``; ember writes the operator call directly (the same program).
"""
import inspect

from ember.jit._script_types import Expr, literal


class CallUnsupported(Exception):
    pass


def _pair(expr, n):
    """An ``int or tuple`` argument as the ``int[n]`` list the operator takes."""
    if expr.is_const:
        value = expr.const
        if isinstance(value, int) and not isinstance(value, bool):
            return literal([value] * n)
        if isinstance(value, (tuple, list)):
            return literal(list(value))
    if expr.text.startswith('(') and expr.text.endswith(')'):
        return '[' + expr.text[1:-1].rstrip(',') + ']'
    return expr.text


def _static_bool(expr, what):
    if not expr.is_const or not isinstance(expr.const, bool):
        raise CallUnsupported(f"{what} must be a constant True or False")
    return expr.const


def _relu(a):
    return f'torch.relu_({a["input"].text})' if _static_bool(a['inplace'], 'inplace') else \
        f'torch.relu({a["input"].text})'


def _dropout(a):
    op = 'dropout_' if _static_bool(a['inplace'], 'inplace') else 'dropout'
    return f'torch.{op}({a["input"].text}, {a["p"].text}, {a["training"].text})'


def _softmax(op):
    def write(a):
        if a['dim'].is_const and a['dim'].const is None:
            raise CallUnsupported(f"{op} needs its dim given")
        extra = '' if a['dtype'].is_const and a['dtype'].const is None else f', {a["dtype"].text}'
        return f'torch.{op}({a["input"].text}, {a["dim"].text}{extra})'
    return write


def _conv(n):
    def write(a):
        padding = a['padding']
        pad = padding.text if padding.is_const and isinstance(padding.const, str) else _pair(padding, n)
        return (f'torch.conv{n}d({a["input"].text}, {a["weight"].text}, {a["bias"].text}, {_pair(a["stride"], n)}, '
                f'{pad}, {_pair(a["dilation"], n)}, {a["groups"].text})')
    return write


def _max_pool(n):
    def write(a):
        if a['return_indices'].is_const and a['return_indices'].const:
            raise CallUnsupported("return_indices=True is not supported")
        stride = '[]' if a['stride'].is_const and a['stride'].const is None else _pair(a['stride'], n)
        return (f'torch.max_pool{n}d({a["input"].text}, {_pair(a["kernel_size"], n)}, {stride}, '
                f'{_pair(a["padding"], n)}, {_pair(a["dilation"], n)}, {a["ceil_mode"].text})')
    return write


def _avg_pool2d(a):
    stride = '[]' if a['stride'].is_const and a['stride'].const is None else _pair(a['stride'], 2)
    return (f'torch.avg_pool2d({a["input"].text}, {_pair(a["kernel_size"], 2)}, {stride}, '
            f'{_pair(a["padding"], 2)}, {a["ceil_mode"].text}, {a["count_include_pad"].text}, '
            f'{a["divisor_override"].text})')


def _interpolate(a):
    # TorchScript's builtin torch.__interpolate takes F.interpolate's arguments (a size or scale as a number or
    # a list) and picks the operator by the input's rank when the program runs, as F.interpolate does
    def listed(expr):
        if expr.is_const and isinstance(expr.const, (tuple, list)):
            return literal(list(expr.const))
        return _pair(expr, 1) if expr.text.startswith('(') else expr.text
    scale = a['scale_factor']
    if scale.type == 'int' or scale.is_const and isinstance(scale.const, (tuple, list)) and \
            any(isinstance(v, int) for v in scale.const):
        # TorchScript types scale_factor float or List[float]: PyTorch refuses an int here too
        raise CallUnsupported("scale_factor must be a float or a list of floats (TorchScript has no int form)")
    if not a['mode'].is_const or a['mode'].const not in ('nearest', 'linear', 'bilinear', 'bicubic', 'trilinear',
                                                          'area'):
        raise CallUnsupported("mode must be a constant 'nearest', 'linear', 'bilinear', 'bicubic', 'trilinear' or "
                              "'area' (TorchScript's torch.__interpolate has no other)")
    if not (a['antialias'].is_const and a['antialias'].const is False):
        raise CallUnsupported("antialias=True is not supported")
    parts = [a['input'].text, listed(a['size']), listed(scale)] + \
        [a[k].text for k in ('mode', 'align_corners', 'recompute_scale_factor', 'antialias')]
    return f'torch.__interpolate({", ".join(parts)})'


def _simple(op, *names):
    return lambda a: f'torch.{op}(' + ', '.join(a[n].text for n in names) + ')'


# F.<name>: how its call is written
FUNCTIONAL = {
    'relu': _relu,
    'relu6': lambda a: f'torch.hardtanh({a["input"].text}, 0., 6.)',
    'leaky_relu': _simple('leaky_relu', 'input', 'negative_slope'),
    'gelu': lambda a: f'torch.gelu({a["input"].text}, approximate={a["approximate"].text})',
    'silu': _simple('silu', 'input'),
    'elu': _simple('elu', 'input', 'alpha'),
    'sigmoid': _simple('sigmoid', 'input'),
    'tanh': _simple('tanh', 'input'),
    'softmax': _softmax('softmax'),
    'log_softmax': _softmax('log_softmax'),
    'dropout': _dropout,
    'linear': _simple('linear', 'input', 'weight', 'bias'),
    'conv1d': _conv(1),
    'conv2d': _conv(2),
    'max_pool1d': _max_pool(1),
    'max_pool2d': _max_pool(2),
    'avg_pool2d': _avg_pool2d,
    'adaptive_avg_pool2d': lambda a: f'torch.adaptive_avg_pool2d({a["input"].text}, {_pair(a["output_size"], 2)})',
    'layer_norm': lambda a: (f'torch.layer_norm({a["input"].text}, {_pair(a["normalized_shape"], 1)}, '
                             f'{a["weight"].text}, {a["bias"].text}, {a["eps"].text}, True)'),
    'binary_cross_entropy_with_logits': lambda a: (
        f'torch.binary_cross_entropy_with_logits({a["input"].text}, {a["target"].text}, {a["weight"].text}, '
        f'{a["pos_weight"].text}, {_reduction(a)})'),
    'mse_loss': lambda a: f'torch.mse_loss({a["input"].text}, {a["target"].text}, {_reduction(a)})',
    'l1_loss': lambda a: f'torch.l1_loss({a["input"].text}, {a["target"].text}, {_reduction(a)})',
    'cross_entropy': lambda a: (f'torch.cross_entropy_loss({a["input"].text}, {a["target"].text}, '
                                f'{a["weight"].text}, {_reduction(a)}, {a["ignore_index"].text}, '
                                f'{a["label_smoothing"].text})'),
    'nll_loss': lambda a: (f'torch.nll_loss({a["input"].text}, {a["target"].text}, {a["weight"].text}, '
                           f'{_reduction(a)}, {a["ignore_index"].text})'),
    'softplus': _simple('softplus', 'input', 'beta', 'threshold'),
    'hardtanh': lambda a: f'torch.hardtanh{"_" if _static_bool(a["inplace"], "inplace") else ""}('
                          f'{a["input"].text}, {a["min_val"].text}, {a["max_val"].text})',
    'logsigmoid': _simple('log_sigmoid', 'input'),
    'hardsigmoid': lambda a: f'torch.hardsigmoid{"_" if _static_bool(a["inplace"], "inplace") else ""}('
                             f'{a["input"].text})',
    'hardswish': lambda a: f'torch.hardswish{"_" if _static_bool(a["inplace"], "inplace") else ""}('
                           f'{a["input"].text})',
    'glu': _simple('glu', 'input', 'dim'),
    'one_hot': _simple('one_hot', 'tensor', 'num_classes'),
    'embedding': lambda a: _embedding(a),
    'batch_norm': lambda a: (f'torch.batch_norm({a["input"].text}, {a["weight"].text}, {a["bias"].text}, '
                             f'{a["running_mean"].text}, {a["running_var"].text}, {a["training"].text}, '
                             f'{a["momentum"].text}, {a["eps"].text}, False)'),
    'group_norm': lambda a: (f'torch.group_norm({a["input"].text}, {a["num_groups"].text}, {a["weight"].text}, '
                             f'{a["bias"].text}, {a["eps"].text}, True)'),
    'conv_transpose2d': lambda a: (f'torch.conv_transpose2d({a["input"].text}, {a["weight"].text}, '
                                   f'{a["bias"].text}, {_pair(a["stride"], 2)}, {_pair(a["padding"], 2)}, '
                                   f'{_pair(a["output_padding"], 2)}, {a["groups"].text}, {_pair(a["dilation"], 2)})'),
    'normalize': lambda a: _normalize(a),
    'interpolate': _interpolate,
    'upsample': _interpolate,
    'pad': lambda a: f'torch.pad({a["input"].text}, {_pair(a["pad"], 1)}, {a["mode"].text}, {a["value"].text})',
}


def _reduction(a):
    for key in ('size_average', 'reduce'):
        if key in a and not (a[key].is_const and a[key].const is None):
            raise CallUnsupported(f"{key} (deprecated) is not supported; use reduction=")
    if not a['reduction'].is_const or a['reduction'].const not in ('none', 'mean', 'sum'):
        raise CallUnsupported("reduction must be the constant 'none', 'mean' or 'sum'")
    return {'none': 0, 'mean': 1, 'sum': 2}[a['reduction'].const]


def _normalize(a):
    if not (a['out'].is_const and a['out'].const is None):
        raise CallUnsupported("out= is not supported")
    x = a['input'].text
    return (f'torch.div({x}, torch.expand_as(torch.clamp_min(torch.norm({x}, {a["p"].text}, [{a["dim"].text}], True), '
            f'{a["eps"].text}), {x}))')


def _embedding(a):
    if not (a['max_norm'].is_const and a['max_norm'].const is None):
        raise CallUnsupported("max_norm is not supported")
    padding = a['padding_idx']
    padding = '-1' if padding.is_const and padding.const is None else padding.text
    return (f'torch.embedding({a["weight"].text}, {a["input"].text}, {padding}, {a["scale_grad_by_freq"].text}, '
            f'{a["sparse"].text})')


def functional_call(fn, name, args, kwargs):
    """The text of ``F.<name>(*args, **kwargs)`` (``Expr`` arguments) and its type."""
    write = FUNCTIONAL.get(name)
    if write is None:
        raise CallUnsupported(f"torch.nn.functional.{name} is not supported by ember.jit.script yet")
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    values = {}
    for key, value in bound.arguments.items():
        if not isinstance(value, Expr):
            value = Expr(literal(value), None, value)
        values[key] = value
    return write(values), 'Tensor'


# tensor methods taking sizes either as one list or as separate ints
_SIZE_VARARGS = {'view', 'reshape', 'permute', 'repeat', 'expand', 'new_zeros', 'new_ones', 'new_empty', 'tile'}
_METHOD_TYPES = {'dim': 'int', 'numel': 'int', 'item': 'float', 'is_contiguous': 'bool', 'element_size': 'int',
                 'is_floating_point': 'bool', 'tolist': 'List[float]', 'get_device': 'int', 'ndimension': 'int',
                 'nelement': 'int', **dict.fromkeys(('split', 'chunk', 'unbind', 'tensor_split', 'split_with_sizes'),
                                                   'List[Tensor]')}
_CONVERSIONS = {'float': 6, 'double': 7, 'half': 5, 'long': 4, 'int': 3, 'bool': 11, 'short': 2, 'byte': 0,
                'char': 1, 'bfloat16': 15}


# reductions whose ``dim`` the operator takes as a list (``x.sum(0)`` is ``torch.sum(x, [0])``)
_LIST_DIM = {'sum', 'mean', 'amax', 'amin', 'std', 'var', 'logsumexp', 'nansum', 'std_mean', 'var_mean'}


def dims_as_list(name, args, kwargs):
    """``args`` (after the tensor) and ``kwargs`` with an int ``dim`` of a reduction made a list."""
    if name not in _LIST_DIM:
        return args, kwargs
    if args and args[0].type == 'int':
        args = [Expr(f'[{args[0].text}]', 'List[int]')] + list(args[1:])
    if 'dim' in kwargs and kwargs['dim'].type == 'int':
        kwargs = dict(kwargs, dim=Expr(f'[{kwargs["dim"].text}]', 'List[int]'))
    return args, kwargs


def tensor_method(receiver, name, args, kwargs):
    """``receiver.<name>(...)`` of a tensor: text and type."""
    if name in _CONVERSIONS and not args and not kwargs:
        return f'torch.to({receiver.text}, {_CONVERSIONS[name]})', 'Tensor'
    if name == 'size':
        return f'torch.size({", ".join([receiver.text] + [a.text for a in args])})', 'int' if args else 'List[int]'
    if name in _SIZE_VARARGS and len(args) > 1 or name in _SIZE_VARARGS and args and args[0].type == 'int':
        args = [Expr('[' + ', '.join(a.text for a in args) + ']', 'List[int]')]
    args, kwargs = dims_as_list(name, args, kwargs)
    parts = [receiver.text] + [a.text for a in args] + [f'{k}={v.text}' for k, v in kwargs.items()]
    return f'torch.{name}({", ".join(parts)})', _METHOD_TYPES.get(name, 'Tensor')


# tensor attributes
TENSOR_ATTRIBUTES = {
    'shape': ('torch.size({})', 'List[int]'), 'dtype': ('ops.prim.dtype({})', 'int'),
    'device': ('ops.prim.device({})', 'Device'), 'T': ('torch.numpy_T({})', 'Tensor'),
    'is_cuda': ('ops.prim.is_cuda({})', 'bool'), 'requires_grad': ('ops.prim.requires_grad({})', 'bool'),
    'data': ('ops.prim.data({})', 'Tensor'), 'ndim': ('torch.dim({})', 'int'), 'grad': ('ops.prim.grad({})',
                                                                                     'Optional[Tensor]'),
}

# methods of lists, dicts and strings (TorchScript writes them as torch.<name>(receiver, ...))
CONTAINER_METHODS = {'append': 'NoneType', 'extend': 'NoneType', 'insert': 'NoneType', 'pop': None,
                     'clear': 'NoneType', 'copy': None, 'reverse': 'NoneType', 'count': 'int', 'index': 'int',
                     'keys': 'List[str]', 'values': None, 'items': None, 'format': 'str', 'join': 'str',
                     'lower': 'str', 'upper': 'str', 'split': 'List[str]', 'strip': 'str', 'startswith': 'bool',
                     'endswith': 'bool'}

# functions of ``torch`` (ember) whose result is not a tensor
TORCH_FUNCTION_TYPES = {'is_tensor': 'bool', 'numel': 'int', 'is_floating_point': 'bool', 'is_grad_enabled': 'bool',
                        # (a list of tensors: ``broadcast_tensors(a, b)[0]`` indexes the list, not a tensor)
                        **dict.fromkeys(('broadcast_tensors', 'split', 'chunk', 'unbind', 'meshgrid', 'tensor_split',
                                         'split_with_sizes'), 'List[Tensor]')}
