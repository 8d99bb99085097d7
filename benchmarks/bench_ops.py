"""Single ops at the sizes real models use, forward without grad: where a program spends its time
op by op, beside PyTorch. The workloads with targets (bench_targets.py) are whole steps; this table
shows which ops make them up and which are far from PyTorch's speed.

Tensors: activations (32, 64, 16, 16), matrices (256, 512) and (512, 512), a sequence batch
(16, 64, 128), attention scores (16, 4, 64, 64). Times in microseconds, best of five runs each.

    BENCH_THREADS=1 BENCH_TIMER=process TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_ops.py

With ``--no-bits`` as last argument ember runs with ``ember.numerics.set_pytorch_bits(False)``: its
float32 results then need not be PyTorch's bits, which shows what exactness costs op by op.
"""
import sys

from _common import best, import_lib, side_by_side


def _cases(lib):
    F = lib.nn.functional
    lib.manual_seed(0)
    act, mat, sq = lib.randn(32, 64, 16, 16), lib.randn(256, 512), lib.randn(512, 512)
    seq, scores = lib.randn(16, 64, 128), lib.randn(16, 4, 64, 64)
    rows = lib.randint(0, 256, (4096,))
    classes = lib.randint(0, 512, (256,))
    tokens = lib.randint(0, 1000, (16, 64))
    cols = lib.randint(0, 512, (256, 4))
    nn = lib.nn
    conv, bn, ln = nn.Conv2d(64, 64, 3, padding=1), nn.BatchNorm2d(64), nn.LayerNorm(128)
    gn, emb, lin = nn.GroupNorm(8, 64), nn.Embedding(1000, 128), nn.Linear(128, 512)
    lstm, mha = nn.LSTM(64, 128, batch_first=True), nn.MultiheadAttention(128, 4, batch_first=True)
    bn_eval = nn.BatchNorm2d(64).eval()
    seq64 = seq[:, :, :64].contiguous()
    return {
        # elementwise
        'add': lambda: act + act, 'mul_scalar': lambda: act * 2.0, 'relu': lambda: F.relu(act),
        'gelu': lambda: F.gelu(mat), 'gelu_tanh': lambda: F.gelu(mat, approximate='tanh'),
        'silu': lambda: F.silu(act), 'sigmoid': lambda: lib.sigmoid(act), 'tanh': lambda: lib.tanh(act),
        'exp': lambda: lib.exp(act), 'log': lambda: lib.log(act.abs()), 'clamp': lambda: act.clamp(-1, 1),
        'where': lambda: lib.where(act > 0, act, 0.0), 'masked_fill': lambda: scores.masked_fill(scores > 0, float('-inf')),
        'outer': lambda: lib.outer(mat[0], mat[1]), 'triu': lambda: lib.triu(sq),
        # reductions
        'sum': lambda: act.sum(), 'sum_hw': lambda: act.sum(dim=(2, 3)), 'mean_rows': lambda: mat.mean(1),
        'var_rows': lambda: mat.var(1), 'std_mean_nhw': lambda: lib.std_mean(act, dim=(0, 2, 3)),
        'norm_rows': lambda: mat.norm(dim=1), 'max_rows': lambda: mat.max(dim=1), 'argmax_rows': lambda: mat.argmax(1),
        'cumsum_rows': lambda: mat.cumsum(1), 'topk_rows': lambda: mat.topk(5, 1), 'sort_rows': lambda: mat.sort(1),
        # normalisations, softmax, losses
        'softmax_last': lambda: scores.softmax(-1), 'softmax_dim0': lambda: mat.softmax(0),
        'log_softmax': lambda: F.log_softmax(mat, 1), 'cross_entropy': lambda: F.cross_entropy(mat, classes),
        'mse_loss': lambda: F.mse_loss(mat, mat * 0.5), 'normalize': lambda: F.normalize(mat, dim=1),
        'layer_norm': lambda: ln(seq), 'group_norm': lambda: gn(act), 'batch_norm_eval': lambda: bn_eval(act),
        'batch_norm_train': lambda: bn(act),
        # products
        'matmul': lambda: mat @ sq, 'bmm_scores': lambda: scores @ scores, 'linear': lambda: lin(seq),
        'einsum_scores': lambda: lib.einsum('bhid,bhjd->bhij', scores, scores), 'conv3x3': lambda: conv(act),
        'sdpa_causal': lambda: F.scaled_dot_product_attention(scores, scores, scores, is_causal=True),
        'mha': lambda: mha(seq, seq, seq), 'lstm': lambda: lstm(seq64),
        # data movement
        'cat': lambda: lib.cat([act, act], 1), 'transpose_copy': lambda: act.transpose(1, 3).contiguous(),
        'pad': lambda: F.pad(act, (1, 1, 1, 1)), 'index_rows': lambda: mat[rows % 256], 'gather': lambda: mat.gather(1, cols),
        'embedding': lambda: emb(tokens), 'unfold': lambda: F.unfold(act, 3),
        'interpolate_bilinear': lambda: F.interpolate(act, scale_factor=2, mode='bilinear'),
        'interpolate_nearest': lambda: F.interpolate(act, scale_factor=2), 'max_pool': lambda: F.max_pool2d(act, 2),
        'avg_pool': lambda: F.avg_pool2d(act, 2), 'adaptive_avg_pool': lambda: F.adaptive_avg_pool2d(act, 1),
        # random
        'randn': lambda: lib.randn(32, 64, 16, 16), 'dropout': lambda: F.dropout(act, 0.1),
    }


def bench(lib_name):
    lib = import_lib(lib_name)
    if lib_name == 'ember' and sys.argv[-1] == '--no-bits':
        lib.numerics.set_pytorch_bits(False)
    res = {}
    with lib.no_grad():
        for name, fn in _cases(lib).items():
            fn()
            # about 20 ms per measurement: enough calls for the small ops, few for the big ones
            once = best(fn, 1, repeat=1)
            res[name + '_us'] = best(fn, max(1, min(500, int(0.02 / max(once, 1e-7)))), repeat=5) * 1e6
    return res


if __name__ == '__main__':
    if sys.argv[-1] == '--no-bits' and '--one' not in sys.argv:
        from _common import interleaved_medians
        ours, theirs = interleaved_medians(__file__, extra=('--no-bits',))
        print(f"{'op (ember without PyTorch bits)':<32}{'ember':>12}{'torch':>12}{'ratio':>8}")
        for k, v in ours.items():
            t = theirs.get(k) if theirs else None
            print(f"{k:<32}{v:>12.1f}{(t or float('nan')):>12.1f}{(f'{v / t:.2f}' if t else '-'):>8}")
    else:
        side_by_side(__file__, bench, header='op', width=24, digits=1)
