"""The TorchScript classes ``ember.jit.script`` writes for ``torch.nn``'s own modules.

ember's layers are written for eager speed, not in TorchScript's subset, so their compiled form is
written here from each module's settings: its ``Final`` constants (as PyTorch declares them) and the
methods, calling the ATen operator the layer runs (``torch.linear``, ``torch.conv2d``,
``torch.batch_norm``, ``torch.lstm``, ...). Each writer returns a ``Builtin``.
"""
from ember import nn
from ember.jit._script_types import literal


class Builtin:
    """A built-in module's class: parameter types, ``Final`` constants, other attributes ({name: (type,
    value)}), and its methods ({name: (Signature, body lines)})."""

    def __init__(self, constants=None, attributes=None, param_types=None):
        self.constants = constants or {}
        self.attributes = attributes or {}
        self.param_types = param_types or {}
        self.methods = {}

    def method(self, name, params, returns, body):
        from ember.jit._script_frontend import Signature
        self.methods[name] = (Signature(params, returns), body)
        return self


_INPUT = [('input', 'Tensor', None)]


def _state_reads(m):
    # the parameters read into locals first, as PyTorch writes them
    return ['weight = self.weight'] + (['bias = self.bias'] if m.bias is not None else [])


def _linear(m):
    bias = 'bias' if m.bias is not None else 'None'
    return Builtin({'in_features': m.in_features, 'out_features': m.out_features}).method(
        'forward', _INPUT, 'Tensor', _state_reads(m) + [f'return torch.linear(input, weight, {bias})'])


def _conv(m):
    if m.padding_mode != 'zeros':
        raise RuntimeError(f"ember.jit.script cannot compile a {type(m).__name__} with padding_mode="
                           f"'{m.padding_mode}' yet")
    n = len(m.kernel_size)
    names = ('stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding', 'in_channels',
             'out_channels', 'kernel_size')
    padding = literal(m.padding) if isinstance(m.padding, str) else literal(list(m.padding))
    call = (f'torch.conv{n}d(input, weight, bias, {literal(list(m.stride))}, {padding}, '
            f'{literal(list(m.dilation))}, {m.groups})')
    built = Builtin({k: getattr(m, k) for k in names},
                    {'transposed': ('bool', m.transposed),
                     '_reversed_padding_repeated_twice': ('List[int]', list(m._reversed_padding_repeated_twice))},
                    {'bias': 'Optional[Tensor]'})
    bias = 'bias' if m.bias is not None else 'None'
    built.method('forward', _INPUT, 'Tensor', _state_reads(m) + [
        f'_0 = (self)._conv_forward(input, weight, {bias}, )', 'return _0'])
    return built.method('_conv_forward', _INPUT + [('weight', 'Tensor', None), ('bias', 'Optional[Tensor]', None)],
                        'Tensor', [f'_1 = {call}', 'return _1'])


def _activation(op, *settings):
    def write(m):
        # a setting named '*name' is a keyword-only argument of the operator (gelu's approximate)
        values = [f'{s[1:]}={literal(getattr(m, s[1:]))}' if s.startswith('*') else literal(getattr(m, s))
                  for s in settings]
        inplace = getattr(m, 'inplace', False)
        name = op + '_' if inplace else op
        return Builtin({'inplace': inplace} if hasattr(m, 'inplace') else {}).method(
            'forward', _INPUT, 'Tensor', [f'return torch.{name}(' + ', '.join(['input'] + values) + ')'])
    return write


def _softmax(op):
    def write(m):
        return Builtin({'dim': m.dim}).method('forward', _INPUT, 'Tensor', [f'return torch.{op}(input, {m.dim})'])
    return write


def _dropout(m):
    op = 'dropout_' if m.inplace else 'dropout'
    return Builtin({'p': float(m.p), 'inplace': m.inplace}).method(
        'forward', _INPUT, 'Tensor', [f'return torch.{op}(input, {literal(float(m.p))}, self.training)'])


def _pair(value, n):
    return list(value) if isinstance(value, (tuple, list)) else [value] * n


def _max_pool2d(m):
    if m.return_indices:
        raise RuntimeError("ember.jit.script cannot compile a MaxPool2d with return_indices=True yet")
    stride = m.stride if m.stride is not None else m.kernel_size
    names = ('kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode')
    return Builtin({k: getattr(m, k) for k in names}).method('forward', _INPUT, 'Tensor', [
        f'return torch.max_pool2d(input, {literal(_pair(m.kernel_size, 2))}, {literal(_pair(stride, 2))}, '
        f'{literal(_pair(m.padding, 2))}, {literal(_pair(m.dilation, 2))}, {literal(m.ceil_mode)})'])


def _avg_pool2d(m):
    stride = m.stride if m.stride is not None else m.kernel_size
    names = ('kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override')
    return Builtin({k: getattr(m, k) for k in names}).method('forward', _INPUT, 'Tensor', [
        f'return torch.avg_pool2d(input, {literal(_pair(m.kernel_size, 2))}, {literal(_pair(stride, 2))}, '
        f'{literal(_pair(m.padding, 2))}, {literal(m.ceil_mode)}, {literal(m.count_include_pad)}, '
        f'{literal(m.divisor_override)})'])


def _adaptive_avg_pool2d(m):
    size = _pair(m.output_size, 2)
    if None in size:
        raise RuntimeError("ember.jit.script cannot compile an AdaptiveAvgPool2d with None in output_size yet")
    return Builtin({'output_size': m.output_size}).method(
        'forward', _INPUT, 'Tensor', [f'return torch.adaptive_avg_pool2d(input, {literal(size)})'])


def _batch_norm(dims):
    def write(m):
        expected = ' or '.join(f'{d}D' for d in dims)
        check = ' and '.join(f'torch.ne(torch.dim(input), {d})' for d in dims)
        body = [f'if {check}:',
                f'  ops.prim.RaiseException(torch.format("expected {expected} input (got {{}}D input)", '
                'torch.dim(input)), "builtins.ValueError")']
        factor = 0.0 if m.momentum is None else float(m.momentum)
        body.append(f'exponential_average_factor = {literal(factor)}')
        if m.track_running_stats:
            body += ['if self.training:',
                     '  num_batches_tracked = self.num_batches_tracked',
                     '  _0 = torch.add_(num_batches_tracked, 1)']
            if m.momentum is None:
                body.append('  exponential_average_factor = torch.div(1., float(self.num_batches_tracked))')
            stats = 'self.running_mean, self.running_var'
            use_batch = 'self.training'
        else:
            stats = 'None, None'
            use_batch = 'True'
        weight = 'self.weight' if m.weight is not None else 'None'
        bias = 'self.bias' if m.bias is not None else 'None'
        body.append(f'return torch.batch_norm(input, {weight}, {bias}, {stats}, {use_batch}, '
                    f'exponential_average_factor, {literal(float(m.eps))}, False)')
        constants = {'num_features': m.num_features, 'eps': float(m.eps), 'affine': m.affine,
                     'track_running_stats': m.track_running_stats}
        attributes = {'momentum': ('Optional[float]', m.momentum)}
        return Builtin(constants, attributes).method('forward', _INPUT, 'Tensor', body)
    return write


def _layer_norm(m):
    weight = 'self.weight' if m.weight is not None else 'None'
    bias = 'self.bias' if getattr(m, 'bias', None) is not None else 'None'
    return Builtin({'normalized_shape': tuple(m.normalized_shape), 'eps': float(m.eps),
                    'elementwise_affine': m.elementwise_affine}).method('forward', _INPUT, 'Tensor', [
        f'return torch.layer_norm(input, {literal(list(m.normalized_shape))}, {weight}, {bias}, '
        f'{literal(float(m.eps))}, True)'])


def _flatten(m):
    return Builtin({'start_dim': m.start_dim, 'end_dim': m.end_dim}).method(
        'forward', _INPUT, 'Tensor', [f'return torch.flatten(input, {m.start_dim}, {m.end_dim})'])


def _identity(m):
    return Builtin().method('forward', _INPUT, 'Tensor', ['return input'])


def _embedding(m):
    if m.max_norm is not None:
        raise RuntimeError("ember.jit.script cannot compile an Embedding with max_norm yet")
    padding = -1 if m.padding_idx is None else m.padding_idx
    names = ('num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq',
             'sparse')
    return Builtin({k: getattr(m, k) for k in names}).method('forward', _INPUT, 'Tensor', [
        f'return torch.embedding(self.weight, input, {padding}, {literal(m.scale_grad_by_freq)}, '
        f'{literal(m.sparse)})'])


def _group_norm(m):
    weight = 'self.weight' if m.weight is not None else 'None'
    bias = 'self.bias' if m.bias is not None else 'None'
    return Builtin({'num_groups': m.num_groups, 'num_channels': m.num_channels, 'eps': float(m.eps),
                    'affine': m.affine}).method('forward', _INPUT, 'Tensor', [
        f'return torch.group_norm(input, {m.num_groups}, {weight}, {bias}, {literal(float(m.eps))}, True)'])


def _conv_transpose2d(m):
    if m.padding_mode != 'zeros':
        raise RuntimeError("ember.jit.script cannot compile a ConvTranspose2d with padding_mode other than 'zeros'")
    names = ('stride', 'padding', 'dilation', 'groups', 'padding_mode', 'output_padding', 'in_channels',
             'out_channels', 'kernel_size')
    bias = 'self.bias' if m.bias is not None else 'None'
    return Builtin({k: getattr(m, k) for k in names}).method('forward', _INPUT, 'Tensor', [
        f'return torch.conv_transpose2d(input, self.weight, {bias}, {literal(list(m.stride))}, '
        f'{literal(list(m.padding))}, {literal(list(m.output_padding))}, {m.groups}, {literal(list(m.dilation))})'])


def _upsample(m):
    if m.size is not None or m.mode not in ('nearest', 'bilinear'):
        raise RuntimeError("ember.jit.script compiles Upsample with a scale_factor and mode 'nearest' or "
                           "'bilinear' only, yet")
    scales = literal([float(v) for v in _pair(m.scale_factor, 2)])
    call = (f'torch.upsample_nearest2d(input, None, {scales})' if m.mode == 'nearest' else
            f'torch.upsample_bilinear2d(input, None, {literal(bool(m.align_corners))}, {scales})')
    return Builtin({'mode': m.mode}, {'align_corners': ('Optional[bool]', m.align_corners)}).method(
        'forward', _INPUT, 'Tensor', [
            'if torch.ne(torch.dim(input), 4):',
            '  ops.prim.RaiseException("ember.jit.script writes Upsample for 4-D input only", '
            '"builtins.NotImplementedError")',
            'else:', '  pass', f'return {call}'])


def _pixel_shuffle(m):
    return Builtin({'upscale_factor': m.upscale_factor}).method(
        'forward', _INPUT, 'Tensor', [f'return torch.pixel_shuffle(input, {m.upscale_factor})'])


def _gru(m):
    directions = 2 if m.bidirectional else 1
    weights = '[' + ', '.join(f'self.{n}' for n in m._flat_weights_names) + ']'
    batch_dim = 0 if m.batch_first else 1
    body = [
        'is_batched = torch.eq(torch.dim(input), 3)',
        'if torch.__not__(is_batched):',
        f'  input = torch.unsqueeze(input, {batch_dim})',
        'else:', '  pass',
        f'max_batch_size = torch.size(input, {batch_dim})',
        'if hx is None:',
        f'  hx0 = torch.zeros([{m.num_layers * directions}, max_batch_size, {m.hidden_size}], '
        'dtype=ops.prim.dtype(input), device=ops.prim.device(input))',
        'else:',
        '  hx1 = unchecked_cast(Tensor, hx)',
        '  hx0 = hx1 if is_batched else torch.unsqueeze(hx1, 1)',
        f'output, hidden = torch.gru(input, hx0, {weights}, {literal(m.bias)}, {m.num_layers}, '
        f'{literal(float(m.dropout))}, self.training, {literal(m.bidirectional)}, {literal(m.batch_first)})',
        'if torch.__not__(is_batched):',
        f'  output = torch.squeeze(output, {batch_dim})',
        '  hidden = torch.squeeze(hidden, 1)',
        'else:', '  pass',
        'return (output, hidden)']
    constants = {k: getattr(m, k) for k in ('mode', 'input_size', 'hidden_size', 'num_layers', 'bias',
                                            'batch_first', 'bidirectional')}
    constants['dropout'] = float(m.dropout)
    return Builtin(constants, {'_flat_weights_names': ('List[str]', list(m._flat_weights_names))}).method(
        'forward', _INPUT + [('hx', 'Optional[Tensor]', 'None')], 'Tuple[Tensor, Tensor]', body)


def _lstm(m):
    if m.proj_size:
        raise RuntimeError("ember.jit.script cannot compile an LSTM with proj_size yet")
    directions = 2 if m.bidirectional else 1
    weights = '[' + ', '.join(f'self.{n}' for n in m._flat_weights_names) + ']'
    batch_dim = 0 if m.batch_first else 1
    state = 'Tuple[Tensor, Tensor]'
    body = [
        'is_batched = torch.eq(torch.dim(input), 3)',
        f'batch_dim = {batch_dim} if is_batched else 1',
        'if torch.__not__(is_batched):',
        f'  input = torch.unsqueeze(input, {batch_dim})',
        'max_batch_size = torch.size(input, batch_dim)',
        'if torch.__is__(hx, None):',
        f'  zeros = torch.zeros([{m.num_layers * directions}, max_batch_size, {m.hidden_size}], '
        'dtype=ops.prim.dtype(input), device=ops.prim.device(input))',
        '  hx0 = (zeros, zeros)',
        'else:',
        f'  hx1 = unchecked_cast({state}, hx)',
        '  if torch.__not__(is_batched):',
        '    hx0 = (torch.unsqueeze(hx1[0], 1), torch.unsqueeze(hx1[1], 1))',
        '  else:',
        '    hx0 = hx1',
        f'_0 = torch.lstm(input, [hx0[0], hx0[1]], {weights}, {literal(m.bias)}, {m.num_layers}, '
        f'{literal(float(m.dropout))}, self.training, {literal(m.bidirectional)}, {literal(m.batch_first)})',
        'output, hidden_h, hidden_c = _0',
        'if torch.__not__(is_batched):',
        f'  output0 = torch.squeeze(output, {batch_dim})',
        '  hidden = (torch.squeeze(hidden_h, 1), torch.squeeze(hidden_c, 1))',
        'else:',
        '  output0 = output',
        '  hidden = (hidden_h, hidden_c)',
        'return (output0, hidden)']
    constants = {k: getattr(m, k) for k in ('mode', 'input_size', 'hidden_size', 'num_layers', 'bias',
                                            'batch_first', 'bidirectional', 'proj_size')}
    constants['dropout'] = float(m.dropout)
    return Builtin(constants, {'_flat_weights_names': ('List[str]', list(m._flat_weights_names))}).method(
        'forward', _INPUT + [('hx', f'Optional[{state}]', 'None')], f'Tuple[Tensor, {state}]', body)


WRITERS = {
    nn.Linear: _linear, nn.Conv1d: _conv, nn.Conv2d: _conv, nn.Conv3d: _conv, nn.ReLU: _activation('relu'),
    nn.Tanh: _activation('tanh'), nn.Sigmoid: _activation('sigmoid'), nn.GELU: _activation('gelu', '*approximate'),
    nn.SiLU: _activation('silu'), nn.LeakyReLU: _activation('leaky_relu', 'negative_slope'),
    nn.Softmax: _softmax('softmax'), nn.LogSoftmax: _softmax('log_softmax'), nn.Dropout: _dropout,
    nn.MaxPool2d: _max_pool2d, nn.AvgPool2d: _avg_pool2d, nn.AdaptiveAvgPool2d: _adaptive_avg_pool2d,
    nn.BatchNorm1d: _batch_norm((2, 3)), nn.BatchNorm2d: _batch_norm((4,)), nn.LayerNorm: _layer_norm,
    nn.Flatten: _flatten, nn.Identity: _identity, nn.LSTM: _lstm, nn.Embedding: _embedding, nn.GRU: _gru,
    nn.GroupNorm: _group_norm, nn.ConvTranspose2d: _conv_transpose2d, nn.Upsample: _upsample,
    nn.PixelShuffle: _pixel_shuffle,
    nn.ELU: _activation('elu', 'alpha'), nn.Hardtanh: _activation('hardtanh', 'min_val', 'max_val'),
    nn.ReLU6: _activation('hardtanh', 'min_val', 'max_val'), nn.Softplus: _activation('softplus', 'beta', 'threshold'),
    nn.Mish: _activation('mish'), nn.Hardswish: _activation('hardswish'), nn.Hardsigmoid: _activation('hardsigmoid'),
}


def sequential_forward(m, child_signatures):
    """Sequential's forward: each child's forward in turn (``child_signatures``: [(key, Signature)])."""
    body, first = [], child_signatures[0][1].params[0][1] if child_signatures else 'Tensor'
    returns = first
    for key, signature in child_signatures:
        body.append(f'input = (getattr(self, "{key}")).forward(input, )')
        returns = signature.returns
    body.append('return input')
    return [('input', first, None)], returns, body


def writer_for(module):
    """The writer of ``module``'s class when it is one of ``torch.nn``'s own (None for user modules);
    ``nn.Sequential``/``ModuleList``/``ModuleDict`` are the containers the compiler handles."""
    return WRITERS.get(type(module))
