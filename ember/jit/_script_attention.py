"""The TorchScript classes ``ember.jit.script`` writes for ``nn.MultiheadAttention`` and
``nn.TransformerEncoderLayer``: F.multi_head_attention_forward's steps as ATen calls (the projections,
the heads folded into the batch, the masks made additive and merged, the scaled scores, softmax, dropout
while training, the output projection), branches on the module's settings decided when writing, those on
the inputs (rank, masks, need_weights) when the program runs."""
import math

from ember import nn
from ember.jit._script_modules import Builtin, WRITERS
from ember.jit._script_types import literal

_MHA_PARAMS = [('query', 'Tensor', None), ('key', 'Tensor', None), ('value', 'Tensor', None),
               ('key_padding_mask', 'Optional[Tensor]', 'None'), ('need_weights', 'bool', 'True'),
               ('attn_mask', 'Optional[Tensor]', 'None'), ('average_attn_weights', 'bool', 'True'),
               ('is_causal', 'bool', 'False')]
_BOOL = 11          # torch.bool's ScalarType code


def _additive(name, source):
    """Lines making the mask ``source`` (a refined Optional) the float mask ``name``: True where masked
    is -inf, as F.multi_head_attention_forward makes it."""
    return [f'{name} = {source}',
            f'if torch.eq(ops.prim.dtype({name}), {_BOOL}):',
            f'  {name} = torch.masked_fill(torch.zeros_like({name}, dtype=ops.prim.dtype(q)), {name}, -inf)',
            'else:', '  pass']


def _multihead_attention(m):
    if m.bias_k is not None or m.add_zero_attn:
        raise RuntimeError("ember.jit.script cannot compile a MultiheadAttention with add_bias_kv=True or "
                           "add_zero_attn=True yet")
    heads, head_dim, embed = m.num_heads, m.head_dim, m.embed_dim
    body = ['if is_causal:',
            '  if attn_mask is None:',
            '    ops.prim.RaiseException("Need attn_mask if specifying the is_causal hint. You may use the '
            'Transformer module method `generate_square_subsequent_mask` to create this mask.", '
            '"builtins.RuntimeError")',
            '  else:', '    pass',
            'else:', '  pass',
            'is_batched = torch.eq(torch.dim(query), 3)',
            'kpm = key_padding_mask',
            'if is_batched:']
    body += ['  query, key, value = torch.transpose(query, 1, 0), torch.transpose(key, 1, 0), '
             'torch.transpose(value, 1, 0)'] if m.batch_first else ['  pass']
    body += ['else:',
             '  query, key, value = torch.unsqueeze(query, 1), torch.unsqueeze(key, 1), torch.unsqueeze(value, 1)',
             '  if kpm is not None:', '    kpm = torch.unsqueeze(kpm, 0)', '  else:', '    pass',
             'tgt_len = torch.size(query, 0)', 'bsz = torch.size(query, 1)', 'src_len = torch.size(key, 0)']
    if m._qkv_same_embed_dim:
        body += ['weights = torch.chunk(self.in_proj_weight, 3)',
                 'w_q, w_k, w_v = weights[0], weights[1], weights[2]']
    else:
        body += ['w_q, w_k, w_v = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight']
    if m.in_proj_bias is not None:
        body += ['biases = torch.chunk(self.in_proj_bias, 3)', 'b_q, b_k, b_v = biases[0], biases[1], biases[2]']
    else:
        body += ['b_q = annotate(Optional[Tensor], None)', 'b_k = annotate(Optional[Tensor], None)',
                 'b_v = annotate(Optional[Tensor], None)']
    folded = f'torch.mul(bsz, {heads})'
    body += ['q = torch.linear(query, w_q, b_q)', 'k = torch.linear(key, w_k, b_k)',
             'v = torch.linear(value, w_v, b_v)',
             f'q = torch.transpose(torch.reshape(q, [tgt_len, {folded}, {head_dim}]), 0, 1)',
             f'k = torch.transpose(torch.reshape(k, [src_len, {folded}, {head_dim}]), 0, 1)',
             f'v = torch.transpose(torch.reshape(v, [src_len, {folded}, {head_dim}]), 0, 1)',
             'mask = annotate(Optional[Tensor], None)',
             'if attn_mask is not None:']
    body += ['  ' + line for line in _additive('given', 'attn_mask')]
    body += ['  if torch.eq(torch.dim(given), 2):', '    given = torch.unsqueeze(given, 0)', '  else:', '    pass',
             '  mask = given',
             'else:', '  pass',
             'if kpm is not None:']
    body += ['  ' + line for line in _additive('padding', 'kpm')]
    body += [f'  padding = torch.reshape(torch.expand(torch.reshape(padding, [bsz, 1, 1, src_len]), '
             f'[bsz, {heads}, 1, src_len]), [{folded}, 1, src_len])',
             '  merged = mask',
             '  if merged is None:', '    mask = padding', '  else:', '    mask = torch.add(merged, padding)',
             'else:', '  pass',
             f'q = torch.mul(q, {literal(math.sqrt(1.0 / float(head_dim)))})',
             'scores_mask = mask',
             'if scores_mask is None:',
             '  scores = torch.bmm(q, torch.transpose(k, -2, -1))',
             'else:',
             f'  scores = torch.baddbmm(torch.expand(scores_mask, [{folded}, tgt_len, src_len]), q, '
             'torch.transpose(k, -2, -1))',
             'attn = torch.softmax(scores, -1)']
    if m.dropout > 0:
        body += ['if self.training:', f'  attn = torch.dropout(attn, {literal(float(m.dropout))}, True)',
                 'else:', '  pass']
    out_bias = 'out_proj.bias' if m.out_proj.bias is not None else 'None'
    body += ['out = torch.reshape(torch.transpose(torch.bmm(attn, v), 0, 1), [torch.mul(tgt_len, bsz), '
             f'{embed}])',
             'out_proj = self.out_proj',
             f'out = torch.linear(out, out_proj.weight, {out_bias})',
             'out = torch.reshape(out, [tgt_len, bsz, torch.size(out, 1)])',
             'averaged = annotate(Optional[Tensor], None)',
             'if need_weights:',
             f'  per_head = torch.reshape(attn, [bsz, {heads}, tgt_len, src_len])',
             '  if average_attn_weights:', '    per_head = torch.mean(per_head, [1])', '  else:', '    pass',
             '  if is_batched:', '    pass', '  else:', '    per_head = torch.squeeze(per_head, 0)',
             '  averaged = per_head',
             'else:', '  pass',
             'if is_batched:']
    body += ['  out = torch.transpose(out, 1, 0)'] if m.batch_first else ['  pass']
    body += ['else:', '  out = torch.squeeze(out, 1)',
             'return (out, averaged)']
    constants = {'batch_first': m.batch_first, 'embed_dim': embed, 'num_heads': heads, 'head_dim': head_dim,
                 'dropout': float(m.dropout), '_qkv_same_embed_dim': m._qkv_same_embed_dim,
                 'kdim': m.kdim, 'vdim': m.vdim, 'add_zero_attn': m.add_zero_attn}
    attributes = {'bias_k': ('Optional[Tensor]', None), 'bias_v': ('Optional[Tensor]', None)}
    param_types = {'in_proj_bias': 'Optional[Tensor]'} if m.in_proj_bias is None else {}
    return Builtin(constants, attributes, param_types).method('forward', _MHA_PARAMS, 'Tuple[Tensor, Optional[Tensor]]',
                                                              body)


def _activation_call(m, value):
    """The encoder layer's activation on ``value``: relu or gelu as their operators, a module as its forward."""
    import ember.nn.functional as F
    if isinstance(m.activation, nn.Module):
        return f'(self.activation).forward({value}, )'
    if m.activation is F.relu:
        return f'torch.relu({value})'
    if m.activation is F.gelu:
        return f'torch.gelu({value})'
    raise RuntimeError("ember.jit.script compiles a TransformerEncoderLayer whose activation is relu, gelu or a "
                       "module only, yet")


def _transformer_encoder_layer(m):
    params = [('src', 'Tensor', None), ('src_mask', 'Optional[Tensor]', 'None'),
              ('src_key_padding_mask', 'Optional[Tensor]', 'None'), ('is_causal', 'bool', 'False')]
    attend = ('(self.self_attn).forward({0}, {0}, {0}, src_key_padding_mask, False, src_mask, True, is_causal, )')
    body = ['x = src']
    if m.norm_first:
        body += ['_0 = (self.norm1).forward(x, )',
                 f'_1 = {attend.format("_0")}',
                 'x = torch.add(x, (self.dropout1).forward(_1[0], ))',
                 '_2 = (self.norm2).forward(x, )']
        ff_input, ff_then = '_2', 'x = torch.add(x, {})'
    else:
        body += [f'_1 = {attend.format("x")}',
                 'x = (self.norm1).forward(torch.add(x, (self.dropout1).forward(_1[0], )), )']
        ff_input, ff_then = 'x', 'x = (self.norm2).forward(torch.add(x, {}), )'
    ff = (f'(self.dropout2).forward((self.linear2).forward((self.dropout).forward('
          f'{_activation_call(m, f"(self.linear1).forward({ff_input}, )")}, ), ), )')
    body += [ff_then.format(ff), 'return x']
    return Builtin({'norm_first': m.norm_first}).method('forward', params, 'Tensor', body)


WRITERS[nn.MultiheadAttention] = _multihead_attention
WRITERS[nn.TransformerEncoderLayer] = _transformer_encoder_layer
WRITERS[nn.modules.linear.NonDynamicallyQuantizableLinear] = WRITERS[nn.Linear]
