"""Record the schemas of the ATen operators ember.export names in its graphs, from PyTorch itself.

Run under PyTorch: ``python scripts/record_aten_schemas.py > ember/export/_aten_schemas.json``.
The operators graphs use most are listed; every operator named like a function of PyTorch's Python
API is added. Each op maps to its overloads in PyTorch's own order (out= and Dimname variants left out), each as
``[overload name, argument text, return text]``.
"""
import json
import re

import torch

OPS = '''linear pad argsort linalg_vector_norm relu relu_ conv1d conv2d conv3d conv_transpose1d conv_transpose2d convolution batch_norm
_native_batch_norm_legit_no_training layer_norm native_layer_norm group_norm max_pool1d max_pool2d
max_pool2d_with_indices avg_pool1d avg_pool2d adaptive_avg_pool1d adaptive_avg_pool2d _adaptive_avg_pool2d
flatten view reshape _unsafe_view permute transpose t contiguous unsqueeze squeeze cat stack add add_ sub sub_
mul mul_ div div_ rsub neg pow matmul mm bmm addmm sum mean amax amin softmax _softmax log_softmax _log_softmax
gelu gelu_ silu silu_ sigmoid tanh exp log sqrt rsqrt abs hardtanh hardtanh_ leaky_relu elu softplus dropout
native_dropout embedding select slice index clone expand expand_as split chunk unbind max min argmax argmin
clamp clamp_min clamp_max where eq ne gt lt ge le scaled_dot_product_attention cumsum alias detach
copy_ fill_ zero_ full zeros ones arange masked_fill var std floor ceil round reciprocal sin cos
maximum minimum logical_not bitwise_not norm to _to_copy type_as repeat narrow split_with_sizes
unflatten _assert_tensor_metadata sym_size _native_batch_norm_legit_functional upsample_nearest2d hardswish hardsigmoid mish tril triu einsum baddbmm square erf lt
upsample_nearest1d upsample_nearest3d _upsample_nearest_exact1d _upsample_nearest_exact2d _upsample_nearest_exact3d
upsample_linear1d upsample_bilinear2d upsample_bicubic2d upsample_trilinear3d
l1_loss cross_entropy_loss nll_loss_nd kl_div multilabel_margin_loss cosine_embedding_loss poisson_nll_loss
triplet_margin_loss log_sigmoid lstm_cell gru_cell rnn_tanh_cell rnn_relu_cell numpy_T mT mH matrix_H
bilinear conv_transpose3d col2im im2col instance_norm rms_norm feature_dropout feature_alpha_dropout
cosine_similarity adaptive_avg_pool3d max_pool3d avg_pool3d max_pool1d_with_indices adaptive_max_pool1d
rrelu rrelu_ embedding_bag hardswish_ hardsigmoid_ mish_ dropout_ feature_dropout_ alpha_dropout_ feature_alpha_dropout_
lift_fresh nll_loss_forward nll_loss_backward mse_loss_backward threshold_backward gelu_backward native_layer_norm_backward
native_batch_norm_backward _native_batch_norm_legit max_pool2d_with_indices_backward _log_softmax_backward_data
_softmax_backward_data embedding_dense_backward convolution_backward _scaled_dot_product_flash_attention_for_cpu_backward'''.split()
# operators whose only Generator argument is optional: graphs record it as None
_GENERATOR_NONE = {'rrelu', 'rrelu_', 'bernoulli_'}

# and every ATen operator named like a function of PyTorch's Python API (torch.*, Tensor.*, F.*)
_API = {n for n in dir(torch) + dir(torch.Tensor) + dir(torch.nn.functional) if not n.startswith('__')}
OPS += sorted(n for n in dir(torch.ops.aten) if not n.startswith('__') and (n in _API or n.lstrip('_') in _API))

out = {}
for name in dict.fromkeys(OPS):
    packet = getattr(torch.ops.aten, name)
    if not hasattr(packet, 'overloads'):
        continue
    rows = []
    for overload in packet.overloads():
        schema = str(getattr(packet, overload)._schema)
        if overload.endswith('out') or 'Dimname' in schema or 'Tensor(a!) out' in schema \
                or overload.startswith('names') or overload == 'grad_input' or ('Generator' in schema and name not in _GENERATOR_NONE) \
                or 'Tensor' not in schema:
            continue
        m = re.match(r'^[\w:.]+\((.*)\) -> (.+)$', schema)
        rows.append([overload, m.group(1), m.group(2)])
    out[name] = rows
print(json.dumps(out, indent=0, sort_keys=False))
