"""``run_decompositions``: lower an exported graph to PyTorch's core ATen operators.

The graph is run again on its example values with the op tracer recording; each node whose overload
has a decomposition calls it instead, and the decomposition's own ATen calls are what gets recorded
(with the stack trace of the node they replace).
"""
import copy
import math

from ember.export import _aten


def _op(name, ov='default'):
    return _aten.overload(name, ov)


def _linear(x, weight, bias=None, transpose=None):
    wt = _op('permute')(weight, [1, 0]) if transpose is None else transpose(weight)
    if x.dim() == 2:
        return _op('mm')(x, wt) if bias is None else _op('addmm')(bias, x, wt)
    lead = list(x.shape[:-1])
    flat = _op('view')(x, [math.prod(lead), x.shape[-1]])
    out = _op('mm')(flat, wt) if bias is None else _op('addmm')(bias, flat, wt)
    return _op('view')(out, lead + [weight.shape[0]])


def _conv(n):
    def conv(input, weight, bias=None, stride=(1,), padding=(0,), dilation=(1,), groups=1):
        def expand(v):
            v = list(v) if isinstance(v, (list, tuple)) else [v]
            return v * n if len(v) == 1 else v
        return _op('convolution')(input, weight, bias, expand(stride), expand(padding), expand(dilation), False,
                                  [0] * n, groups)
    return conv


def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    if training:
        if running_mean is None:
            raise NotImplementedError('run_decompositions: batch_norm without running statistics is not '
                                      'supported by ember')
        from ember.export._retrace import note_mutation
        out, _, _, new_mean, new_var = _op('_native_batch_norm_legit_functional')(
            input, weight, bias, running_mean, running_var, True, momentum, eps)
        note_mutation(running_mean, new_mean)
        note_mutation(running_var, new_var)
        return out
    return _op('_native_batch_norm_legit_no_training')(input, weight, bias, running_mean, running_var, momentum,
                                                       eps)[0]


def _max_pool2d(self, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    args = [self, list(kernel_size)]
    rest = [list(stride), _pair(padding), _pair(dilation), ceil_mode]
    defaults = [[], [0, 0], [1, 1], False]
    while rest and rest[-1] == defaults[len(rest) - 1]:
        rest.pop()
    return _op('max_pool2d_with_indices')(*args, *rest)[0]


def _pair(v):
    v = list(v) if isinstance(v, (list, tuple)) else [v]
    return v * 2 if len(v) == 1 else v


def _flatten(self, start_dim=0, end_dim=-1):
    if self.dim() == 0:
        return _op('view')(self, [1])
    start, end = start_dim % self.dim(), end_dim % self.dim()
    shape = list(self.shape)
    return _op('view')(self, shape[:start] + [math.prod(shape[start:end + 1])] + shape[end + 1:])


def _reshape(self, shape):
    # a view where the strides allow one (an expanded tensor's broadcast dims fold), else a copy viewed
    from ember.backend.meta_array import _view_strides
    shape = list(shape)
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        shape[shape.index(-1)] = self.numel() // known if known else 0
    if self.is_contiguous() or _view_strides(tuple(self.shape), tuple(self.stride()), tuple(shape)) is not None:
        return _op('view')(self, shape)
    return _op('view')(_op('clone')(self, memory_format=_contiguous()), shape)


def _contiguous():
    import ember
    return ember.contiguous_format


def _t(self):
    return _op('permute')(self, [1, 0]) if self.dim() == 2 else _op('alias')(self)


def _transpose(self, dim0, dim1):
    perm = list(range(self.dim()))
    perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
    return _op('permute')(self, perm)


def _softmax(name):
    def fn(self, dim, dtype=None):
        return _op('_' + name)(self, dim, False)
    return fn


def _dropout(input, p, train):
    if train:
        return _op('native_dropout')(input, p, train)[0]
    return _op('clone')(input)


def _to_dtype(self, dtype, non_blocking=False, copy=False, memory_format=None):
    if self.dtype == dtype and not copy:
        return _op('alias')(self)
    return _op('_to_copy')(self, dtype=dtype)


def _layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _op('native_layer_norm')(input, list(normalized_shape), weight, bias, eps)[0]


def _adaptive_avg_pool2d(self, output_size):
    if all(o == 1 for o in output_size):      # a global average: a mean over the last two dimensions
        return _op('mean', 'dim')(self, [-1, -2], True)
    return _op('_adaptive_avg_pool2d')(self, list(output_size))


def _matmul(self, other):
    # PyTorch's lowering: dot/mv/mm for vectors and matrices; a stack of matrices times a matrix or a
    # vector folds the stack into the rows of one mm (mv); otherwise both broadcast to one batch and bmm
    a, b = self.dim(), other.dim()
    if a == 1 and b == 1:
        return _dot(self, other)
    if a == 2 and b == 1:
        return _mv(self, other)
    if a == 1 and b == 2:
        return _op('squeeze', 'dims')(_op('mm')(_op('unsqueeze')(self, 0), other), [0])
    if a == 2 and b == 2:
        return _op('mm')(self, other)
    if _folds(self, other):
        return _folded_matmul(self, other)
    if a == 3 and b == 3 and self.shape[0] != other.shape[0]:
        # a batch of one that requires grad is dropped rather than broadcast (its gradient stays one matrix)
        if self.shape[0] == 1 and self.requires_grad:
            return _matmul(_op('squeeze', 'dims')(self, [0]), other)
        if other.shape[0] == 1 and other.requires_grad:
            return _matmul(self, _op('squeeze', 'dims')(other, [0]))
    return _batched_matmul(self, other)


def _dot(x, y):
    return _op('sum', 'dim_IntList')(_op('mul', 'Tensor')(x, y), [])


def _mv(matrix, vector):
    return _op('sum', 'dim_IntList')(_op('mul', 'Tensor')(matrix, vector), [1])


def _folds(self, other):
    """Whether a matmul of a stack of matrices (3-d or more) with a matrix or vector becomes one mm:
    when the stack's rows lie one after another in memory (a view can fold them), or when the small
    operand requires grad (its gradient is then one mm too)."""
    big, small = (self, other) if self.dim() >= other.dim() else (other, self)
    if big.dim() < 3 or small.dim() > 2:
        return False
    if small.requires_grad:
        return True
    if self.dim() == 2:
        return False
    if big.numel() == 0:
        return True
    stride, expected = big.stride(), 1
    for d in reversed(range(big.dim())):
        if big.shape[d] != 1 and stride[d] != expected:
            return False
        expected *= big.shape[d]
    return True


def _folded_matmul(self, other):
    transpose = other.dim() > self.dim()      # matrix/vector @ stack: computed as (stack^T @ it^T)^T
    if transpose:
        stack = _transpose(other, -2, -1)
        small = _op('permute')(self, [1, 0]) if self.dim() == 2 else self
    else:
        stack, small = self, other
    lead = list(stack.shape[:-1])
    rows = _reshape(stack, [math.prod(lead), stack.shape[-1]])
    if small.dim() == 1:
        return _op('view')(_mv(rows, small), lead)
    out = _op('view')(_op('mm')(rows, small), lead + [small.shape[1]])
    return _op('clone')(_transpose(out, -2, -1), memory_format=_contiguous()) if transpose else out


def _batched_matmul(self, other):
    import ember
    a, b = self.dim(), other.dim()
    n, m1 = (self.shape[-2] if a > 1 else 1), self.shape[-1]
    m2, p = (other.shape[-2], other.shape[-1]) if b > 1 else (other.shape[-1], 1)
    batch = list(ember.broadcast_shapes(tuple(self.shape[:-2]), tuple(other.shape[:-2])))
    count = math.prod(batch)
    left = _reshape(_op('expand')(self, batch + [n, m1]), [count, n, m1])
    if b == 1:
        right = _op('unsqueeze')(_reshape(_op('expand')(other, batch + [m2]), [count, m2]), 2)
    else:
        right = _reshape(_op('expand')(other, batch + [m2, p]), [count, m2, p])
    out = _op('bmm')(left, right)
    if b == 1:
        out = _op('squeeze', 'dims')(out, [-1])
    return _op('view')(out, batch + ([n] if a > 1 else []) + ([p] if b > 1 else []))


def _group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    n, c = input.shape[0], input.shape[1]
    return _op('native_group_norm')(input, weight, bias, n, c, math.prod(input.shape[2:]), num_groups, eps)[0]


def _chunk(self, chunks, dim=0):
    size = self.shape[dim]
    step = -(-size // chunks)                 # ceil: every piece but the last has this many
    sizes = [step] * (size // step) + ([size % step] if size % step else []) if step else [0] * chunks
    return _op('split_with_sizes')(self, sizes, *([dim] if dim else []))


def _squeeze_dim(self, dim):
    return _op('squeeze', 'dims')(self, [dim])


def _relu_(self):
    return _op('relu')(self)


def _assert_metadata(*args, **kwargs):
    return None


def default_decompositions():
    """The decompositions ``run_decompositions()`` applies: overload -> function."""
    return {
        _op('linear'): _linear, _op('conv1d'): _conv(1), _op('conv2d'): _conv(2), _op('conv3d'): _conv(3),
        _op('batch_norm'): _batch_norm, _op('max_pool2d'): _max_pool2d, _op('flatten', 'using_ints'): _flatten,
        _op('reshape'): _reshape, _op('t'): _t, _op('transpose', 'int'): _transpose,
        _op('softmax', 'int'): _softmax('softmax'), _op('log_softmax', 'int'): _softmax('log_softmax'),
        _op('dropout'): _dropout, _op('to', 'dtype'): _to_dtype, _op('layer_norm'): _layer_norm,
        _op('adaptive_avg_pool2d'): _adaptive_avg_pool2d, _op('matmul'): _matmul,
        _op('squeeze', 'dim'): _squeeze_dim, _op('_assert_tensor_metadata'): _assert_metadata,
        _op('group_norm'): _group_norm, _op('chunk'): _chunk,
    }


def autograd_decompositions():
    """What PyTorch's autograd layer lowers before ``make_fx`` records (``aten.linear`` becomes
    ``aten.t`` and ``aten.addmm``; ``t`` and ``transpose`` stay)."""
    table = default_decompositions()
    for name, ov in (('t', 'default'), ('transpose', 'int'), ('squeeze', 'dim')):
        table.pop(_op(name, ov))
    table[_op('linear')] = lambda x, weight, bias=None: _linear(x, weight, bias, _op('t'))
    return table


def decompose(ep, decomp_table=None):
    """A new ExportedProgram with ``ep``'s graph lowered through ``decomp_table``."""
    from ember.export._export import _flat_with_names
    from ember.export._retrace import retrace
    from ember.export.exported_program import ExportedProgram
    from ember.export.graph_signature import InputKind, OutputKind, OutputSpec, TensorArgument
    table = default_decompositions() if decomp_table is None else decomp_table
    args, kwargs = ep.example_inputs or ((), {})
    user = iter([v for _, v in _flat_with_names(list(args), 'a') + _flat_with_names(dict(kwargs), 'k')])
    lifted = iter(ep._lifted_values())
    inputs = [next(user) if s.kind == InputKind.USER_INPUT else next(lifted) for s in ep.graph_signature.input_specs]
    renamed = {}
    graph, mutated = retrace(ep.graph, inputs, table, functionalize=True, renamed=renamed)
    dynamic = {n.name: n.meta['dynamic_symbols'] for n in ep.graph.nodes
               if n.op == 'placeholder' and n.meta.get('dynamic_symbols')}
    if dynamic:
        # the lowered graph's sizes that follow a dynamic dimension, from a second lowering on grown inputs
        from ember.export.dynamic_shapes import follow_dynamic_sizes
        import ember
        names = [n.name for n in ep.graph.nodes if n.op == 'placeholder']

        def grown_graph(grown):
            bigger = []
            for name, value in zip(names, inputs):
                for d in grown.get(name, ()):
                    value = ember.cat([value, value.narrow(d, value.shape[d] - 1, 1)], d)
                bigger.append(value)
            return retrace(ep.graph, bigger, table, functionalize=True)[0]
        follow_dynamic_sizes(graph, grown_graph)
    signature = copy.deepcopy(ep.graph_signature)
    out_nodes = [n for n in next(iter(reversed(graph.nodes))).args[0]]
    for spec, node in zip(signature.output_specs, out_nodes[len(mutated):]):
        if hasattr(node, 'name') and spec.arg.name:
            spec.arg.name = node.name
    mutation_specs = []
    by_name = {s.arg.name: s for s in signature.input_specs}
    for (placeholder, _), node in zip(mutated, out_nodes):
        spec = by_name[placeholder]
        kind = {InputKind.BUFFER: OutputKind.BUFFER_MUTATION, InputKind.PARAMETER: OutputKind.PARAMETER_MUTATION,
                InputKind.USER_INPUT: OutputKind.USER_INPUT_MUTATION}[spec.kind]
        target = spec.target if spec.kind != InputKind.USER_INPUT else placeholder
        mutation_specs.append(OutputSpec(kind, TensorArgument(node.name), target))
    signature.output_specs[:0] = mutation_specs
    return ExportedProgram(graph, signature, ep.state_dict, dict(ep.range_constraints),
                           _renamed_call_graph(ep.module_call_graph, renamed),
                           example_inputs=ep.example_inputs, constants=ep.constants, out_spec=ep._out_spec,
                           forward_arg_names=ep._forward_arg_names)


def _renamed_call_graph(entries, renamed):
    """The module call graph with its preserved signatures naming the lowered graph's values."""
    entries = copy.deepcopy(entries)
    for entry in entries[1:]:
        sig = entry.signature
        if sig is None:
            continue
        for arg in list(sig.inputs) + list(sig.outputs):
            if not hasattr(arg, 'value') and arg.name in renamed:
                arg.name = renamed[arg.name]
    return entries
