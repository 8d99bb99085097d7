"""Record the ATen calls a logging ``TorchDispatchMode`` sees in PyTorch for a set of ops and modules,
forward and backward, and for a few training steps (with FlopCounterMode's counts of each), into
tests/fixtures/dispatch_sequences.json.

Run with real PyTorch: ``python scripts/record_dispatch_sequences.py``. Each case is source text run
the same way on ember (``tests/test_dispatch_sequences.py``), with ``torch`` bound to the framework.
"""
import json
import os

# name -> (setup, forward expression, whether backward runs inside the mode too)
CASES = {
    'linear_2d_bias': ("x = torch.randn(3, 4, requires_grad=True); w = torch.randn(5, 4); b = torch.randn(5)",
                       "F.linear(x, w, b)", True),
    'linear_2d': ("x = torch.randn(3, 4, requires_grad=True); w = torch.randn(5, 4)", "F.linear(x, w)", True),
    'linear_3d_bias': ("x = torch.randn(2, 3, 4); w = torch.randn(5, 4); b = torch.randn(5)",
                       "F.linear(x, w, b)", False),
    'linear_3d': ("x = torch.randn(2, 3, 4); w = torch.randn(5, 4)", "F.linear(x, w)", False),
    'linear_1d_bias': ("x = torch.randn(4); w = torch.randn(5, 4); b = torch.randn(5)", "F.linear(x, w, b)", False),
    'mlp_module': ("torch.manual_seed(0); m = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Linear(32, 4)); "
                   "x = torch.randn(2, 16)", "m(x)", True),
    'relu': ("x = torch.randn(3, 4)", "F.relu(x)", False),
    'gelu': ("x = torch.randn(3, 4)", "F.gelu(x)", False),
    'silu': ("x = torch.randn(3, 4)", "F.silu(x)", False),
    'softmax': ("x = torch.randn(3, 4)", "F.softmax(x, dim=-1)", False),
    'log_softmax': ("x = torch.randn(3, 4)", "F.log_softmax(x, dim=-1)", False),
    'sum': ("x = torch.randn(3, 4)", "x.sum()", False),
    'mean_dim': ("x = torch.randn(3, 4)", "x.mean(1)", False),
    'mm': ("a = torch.randn(3, 4); b = torch.randn(4, 5)", "torch.mm(a, b)", False),
    'matmul_2d': ("a = torch.randn(3, 4); b = torch.randn(4, 5)", "a @ b", False),
    'matmul_batched': ("a = torch.randn(2, 3, 4); b = torch.randn(2, 4, 5)", "a @ b", False),
    'matmul_1d': ("a = torch.randn(4); b = torch.randn(4)", "a @ b", False),
    'add_': ("x = torch.randn(3); y = torch.randn(3)", "x.add_(y)", False),
    'to_double': ("x = torch.randn(3)", "x.to(torch.float64)", False),
    'view': ("x = torch.randn(3, 4)", "x.view(12)", False),
    'flatten': ("x = torch.randn(2, 3, 4)", "torch.flatten(x, 1)", False),
    'reshape': ("x = torch.randn(3, 4)", "x.reshape(4, 3)", False),
    'conv2d': ("x = torch.randn(1, 2, 5, 5); w = torch.randn(3, 2, 3, 3)", "F.conv2d(x, w)", False),
    'layer_norm': ("x = torch.randn(2, 4)", "F.layer_norm(x, (4,))", False),
    'dropout_eval': ("x = torch.randn(3, 4)", "F.dropout(x, 0.5, training=False)", False),
    'mse_loss': ("x = torch.randn(3); y = torch.randn(3)", "F.mse_loss(x, y)", False),
    'cross_entropy': ("x = torch.randn(3, 4); t = torch.tensor([0, 2, 1])", "F.cross_entropy(x, t)", False),
    'embedding': ("w = torch.randn(10, 3); i = torch.tensor([1, 4])", "F.embedding(i, w)", False),
    'einsum': ("a = torch.randn(3, 4); b = torch.randn(4, 5)", "torch.einsum('ij,jk->ik', a, b)", False),
    'max_pool2d': ("x = torch.randn(1, 1, 4, 4)", "F.max_pool2d(x, 2)", False),
    'adaptive_avg_pool2d': ("x = torch.randn(1, 1, 4, 4)", "F.adaptive_avg_pool2d(x, 1)", False),
    'sdpa': ("q = torch.randn(1, 2, 3, 4)", "F.scaled_dot_product_attention(q, q, q)", False),
    'zeros': ("", "torch.zeros(3)", False),
    'index': ("x = torch.randn(4, 3)", "x[1]", False),
    'conv1d': ("x = torch.randn(1, 2, 5); w = torch.randn(3, 2, 3)", "F.conv1d(x, w)", False),
    'conv3d': ("x = torch.randn(1, 2, 4, 4, 4); w = torch.randn(3, 2, 3, 3, 3)", "F.conv3d(x, w)", False),
    'conv_transpose2d': ("x = torch.randn(1, 2, 4, 4); w = torch.randn(2, 3, 3, 3)", "F.conv_transpose2d(x, w)",
                         False),
    'group_norm': ("x = torch.randn(2, 4, 3)", "F.group_norm(x, 2)", False),
    'batch_norm_eval': ("x = torch.randn(2, 3); rm = torch.zeros(3); rv = torch.ones(3)",
                        "F.batch_norm(x, rm, rv)", False),
    'nll_loss': ("x = torch.randn(3, 4); t = torch.tensor([0, 2, 1])", "F.nll_loss(x, t)", False),
    'var': ("x = torch.randn(3, 4)", "x.var()", False),
    'norm': ("x = torch.randn(3, 4)", "x.norm()", False),
    'mul_': ("x = torch.randn(3)", "x.mul_(2)", False),
    'ones_like': ("x = torch.randn(3)", "torch.ones_like(x)", False),
    'arange': ("", "torch.arange(5)", False),
    'interpolate_nearest': ("x = torch.randn(1, 1, 2, 2)", "F.interpolate(x, scale_factor=2)", False),
    'matmul_backward': ("a = torch.randn(3, 4, requires_grad=True); b = torch.randn(4, 5, requires_grad=True)",
                        "a @ b", True),
    'relu_backward': ("x = torch.randn(3, 4, requires_grad=True)", "F.relu(x)", True),
    'gru': ("torch.manual_seed(0); m = nn.GRU(3, 4); x = torch.randn(2, 1, 3)", "m(x)[0]", False),
    'tensor': ("", "torch.tensor([1.0, 2.0])", False),
    'dropout_train': ("torch.manual_seed(0); x = torch.randn(3, 4)", "F.dropout(x, 0.25)", False),
    'dropout_train_edges': ("x = torch.randn(3, 4)", "F.dropout(F.dropout(x, 0.0), 1.0)", False),
    'bernoulli_': ("torch.manual_seed(0); x = torch.empty(3, 4)", "x.bernoulli_(0.3)", False),
    'reshape_copy': ("x = torch.randn(4, 3).t()", "x.reshape(12)", False),
    'reshape_strided_view': ("x = torch.randn(4, 3).t()", "x.reshape(3, 4, 1)", False),
    'einsum_attention': ("q = torch.randn(2, 3, 4, 5); k = torch.randn(2, 3, 6, 5)",
                         "torch.einsum('bhqd,bhkd->bhqk', q, k)", False),
    'einsum_implicit_ellipsis': ("a = torch.randn(2, 3, 4); b = torch.randn(2, 4, 5)",
                                 "torch.einsum('...ij,...jk', a, b)", False),
    'einsum_diagonal': ("a = torch.randn(3, 3, 4); b = torch.randn(4, 2)", "torch.einsum('iij,jk->ik', a, b)", False),
    'einsum_trace': ("a = torch.randn(3, 3)", "torch.einsum('ii', a)", False),
    'einsum_outer': ("a = torch.randn(2, 3); b = torch.randn(2, 4)", "torch.einsum('bi,bj->bij', a, b)", False),
    'einsum_broadcast_sum': ("a = torch.randn(3, 4); b = torch.randn(1, 4)", "torch.einsum('ij,kj->', a, b)", False),
    'einsum_three': ("a = torch.randn(3); b = torch.randn(3); c = torch.randn(3)", "torch.einsum('i,i,i->', a, b, c)",
                     False),
    'einsum_transpose': ("a = torch.randn(2, 3, 4)", "torch.einsum('ijk->kji', a)", False),
    'einsum_swapped': ("a = torch.randn(3, 4); b = torch.randn(4, 5)", "torch.einsum('ij,jk->ki', a, b)", False),
    'cross_entropy_weight': ("x = torch.randn(3, 4); t = torch.tensor([0, 2, 1]); w = torch.rand(4)",
                             "F.cross_entropy(x, t, weight=w, reduction='sum')", False),
    'cross_entropy_1d': ("x = torch.randn(4); t = torch.tensor(2)", "F.cross_entropy(x, t)", False),
    'sdpa_causal_scale': ("q = torch.randn(1, 2, 3, 4); k = torch.randn(1, 2, 5, 4)",
                          "F.scaled_dot_product_attention(q, k, k, is_causal=True, scale=0.5)", False),
    'sdpa_float_mask': ("q = torch.randn(2, 1, 3, 4); m = torch.randn(3, 3)",
                        "F.scaled_dot_product_attention(q, q, q, attn_mask=m)", False),
    'sdpa_bool_mask': ("q = torch.randn(1, 2, 3, 4); m = torch.ones(3, 3, dtype=torch.bool).tril()",
                       "F.scaled_dot_product_attention(q, q, q, attn_mask=m)", False),
    'interpolate_size': ("x = torch.randn(1, 1, 2, 3)", "F.interpolate(x, size=(3, 5))", False),
    'interpolate_bilinear': ("x = torch.randn(1, 2, 3, 3)",
                             "F.interpolate(x, scale_factor=1.5, mode='bilinear', align_corners=False)", False),
    'interpolate_linear_1d': ("x = torch.randn(1, 2, 3)", "F.interpolate(x, size=5, mode='linear', align_corners=True)",
                              False),
    'interpolate_area': ("x = torch.randn(1, 1, 4, 4)", "F.interpolate(x, size=(2, 2), mode='area')", False),
    'index_slice': ("x = torch.randn(4, 3)", "x[1:3, ::2]", False),
    'index_whole_slice': ("x = torch.randn(4, 3)", "x[:]", False),
    'index_tensor': ("x = torch.randn(4, 3); i = torch.tensor([0, 2])", "x[:, i]", False),
    'index_mask': ("x = torch.randn(4, 3)", "x[x > 0]", False),
    'index_list': ("x = torch.randn(4, 3)", "x[[3, 1]]", False),
    'index_none_ellipsis': ("x = torch.randn(2, 4, 3)", "x[None, ..., 1]", False),
    'index_mixed': ("x = torch.randn(2, 4, 3); i = torch.tensor([0, 2])", "x[1, 1:, i]", False),
    'setitem_number': ("x = torch.randn(4, 3)", "x.__setitem__(1, 2.0)", False),
    'setitem_mask': ("x = torch.randn(4, 3)", "x.__setitem__(x > 0, 0.0)", False),
    'setitem_tensor_index': ("x = torch.randn(4, 3); i = torch.tensor([0, 2])", "x.__setitem__(i, torch.ones(2, 3))",
                             False),
    'setitem_broadcast': ("x = torch.randn(4, 3); v = torch.randn(1, 3)", "x.__setitem__(slice(0, 2), v)", False),
    'index_put': ("x = torch.randn(4, 3); i = torch.tensor([0, 2])", "x.index_put((i,), torch.tensor(1.0))", False),
    'index_put_accumulate': ("x = torch.randn(4, 3); i = torch.tensor([0, 2, 0])",
                             "x.index_put_((i,), torch.ones(3, 3), accumulate=True)", False),
}


# training steps: name -> (setup, loss expression); the forward and ``loss.backward()`` run inside one mode
TRAINING = {
    'mlp_mse': ("torch.manual_seed(0); m = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2)); "
                "x = torch.randn(3, 4); y = torch.randn(3, 2)", "F.mse_loss(m(x), y)"),
    'cnn_cross_entropy': ("torch.manual_seed(0); m = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), "
                          "nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)); x = torch.randn(2, 1, 4, 4); "
                          "t = torch.tensor([0, 2])", "F.cross_entropy(m(x), t)"),
    'cross_entropy': ("torch.manual_seed(0); x = torch.randn(3, 5, requires_grad=True); t = torch.tensor([1, 0, 4])",
                      "F.cross_entropy(x, t)"),
    'layer_norm_gelu': ("torch.manual_seed(0); m = nn.Sequential(nn.Linear(4, 6), nn.LayerNorm(6), nn.GELU(), "
                        "nn.Linear(6, 2)); x = torch.randn(3, 4)", "m(x).sum()"),
    'embedding_linear': ("torch.manual_seed(0); m = nn.Embedding(10, 4); lin = nn.Linear(4, 3); "
                         "i = torch.tensor([[1, 2], [3, 1]])", "lin(m(i)).mean()"),
    'einsum_bilinear': ("torch.manual_seed(0); a = torch.randn(2, 3, requires_grad=True); w = torch.randn(3, 4, "
                        "requires_grad=True)", "torch.einsum('bi,ij->bj', a, w).sum()"),
    'mul_add_broadcast': ("torch.manual_seed(0); a = torch.randn(3, 4, requires_grad=True); "
                          "b = torch.randn(4, requires_grad=True)", "(a * b + b).sum()"),
    'residual': ("torch.manual_seed(0); x = torch.randn(3, 4, requires_grad=True); "
                 "w = torch.randn(4, 4, requires_grad=True)", "(x @ w + x).relu().sum()"),
    'attention_scores': ("torch.manual_seed(0); q = torch.randn(2, 3, 4, requires_grad=True)",
                         "torch.softmax(q @ q.transpose(1, 2), -1).sum()"),
    'accumulated_grads': ("torch.manual_seed(0); m = nn.Linear(3, 2); x = torch.randn(4, 3); m(x).sum().backward()",
                          "m(x).sum()"),
    'cross_entropy_probabilities': ("torch.manual_seed(0); x = torch.randn(3, 5, requires_grad=True); "
                                    "p = torch.softmax(torch.randn(3, 5), 1)", "F.cross_entropy(x, p)"),
    'cross_entropy_label_smoothing': ("torch.manual_seed(0); x = torch.randn(3, 5, requires_grad=True); "
                                      "t = torch.tensor([1, -100, 4])", "F.cross_entropy(x, t, label_smoothing=0.1)"),
    'cross_entropy_label_smoothing_none': ("torch.manual_seed(0); x = torch.randn(3, 5, requires_grad=True); "
                                           "t = torch.tensor([1, 0, 4])",
                                           "F.cross_entropy(x, t, label_smoothing=0.2, reduction='none').sum()"),
    'mlp_dropout': ("torch.manual_seed(0); m = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Dropout(0.3), "
                    "nn.Linear(6, 2)); x = torch.randn(5, 4)", "m(x).pow(2).mean()"),
    'attention': ("torch.manual_seed(0); q = torch.randn(1, 2, 3, 4, requires_grad=True); k = torch.randn(1, 2, 5, 4); "
                  "v = torch.randn(1, 2, 5, 4)", "F.scaled_dot_product_attention(q, k, v, scale=0.3).sum()"),
    'matmul_chain': ("torch.manual_seed(0); a = torch.randn(3, 4, requires_grad=True); "
                     "b = torch.randn(4, 5, requires_grad=True)", "(a @ b).relu().mean()"),
}


def record_training(torch, F, nn, TorchDispatchMode, FlopCounterMode, names=None):
    """``{case: {'forward': [...], 'backward': [...], 'flops': {op: count}}}``: the ATen names a logging mode
    sees in a training step's forward and backward, and what FlopCounterMode counts for the step."""
    class Logging(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.seen = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.seen.append(str(func))
            return func(*args, **(kwargs or {}))

    out = {}
    for name in names or TRAINING:
        setup, expr = TRAINING[name]
        scope = {'torch': torch, 'F': F, 'nn': nn}
        exec(setup, scope)
        with Logging() as mode:
            loss = eval(expr, scope)
            forward = len(mode.seen)
            loss.backward()
        exec(setup, scope)
        with FlopCounterMode(display=False) as counter:
            eval(expr, scope).backward()
        flops = {str(op): n for op, n in counter.get_flop_counts().get('Global', {}).items()}
        out[name] = {'forward': mode.seen[:forward], 'backward': mode.seen[forward:], 'flops': flops}
    return out


def record(torch, F, nn, TorchDispatchMode, names=None):
    """``{case: {'forward': [...], 'backward': [...]}}`` of the ATen names the mode sees."""
    class Logging(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.seen = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.seen.append(str(func))
            return func(*args, **(kwargs or {}))

    out = {}
    for name in names or CASES:
        setup, expr, backward = CASES[name]
        scope = {'torch': torch, 'F': F, 'nn': nn}
        exec(setup, scope)
        with Logging() as mode:
            result = eval(expr, scope)
        entry = {'forward': mode.seen}
        if backward:
            with Logging() as mode:
                result.sum().backward()
            entry['backward'] = mode.seen
        out[name] = entry
    return out


if __name__ == '__main__':
    import torch
    from torch import nn
    import torch.nn.functional as F
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils.flop_counter import FlopCounterMode
    path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'dispatch_sequences.json')
    with open(path, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': record(torch, F, nn, TorchDispatchMode),
                   'training': record_training(torch, F, nn, TorchDispatchMode, FlopCounterMode)}, f, indent=1)
        f.write('\n')
