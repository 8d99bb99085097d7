"""The performance targets in one table: each target workload, ember beside PyTorch, with the GEMM
health probes and each training step's peak memory.

    BENCH_THREADS=1 TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_targets.py

Every workload is the one its own benchmark script measures (imported from there). ember and PyTorch
each run in their own processes, alternating for ``BENCH_ROUNDS`` rounds (default 3); the table shows
medians. Times are the process's CPU time unless ``BENCH_TIMER`` says otherwise (this script sets
``BENCH_TIMER=process`` when it is unset: on a shared machine it counts the work, not the wait for a
core; meaningful with ``BENCH_THREADS=1``).

GEMM health probes: single-threaded float32 and float64 matrix products at the shapes these
workloads multiply, NumPy's BLAS (what ember calls) beside PyTorch's, in GFLOP/s. When a probe shows
NumPy's BLAS slower than PyTorch's at a workload's shapes, that part of the workload's ratio is the
BLAS, not ember.

The last column repeats ember's workloads with ``ember.numerics.pytorch_bits(False)`` (NumPy's own
formulas for softmax, cross-entropy, GELU, LayerNorm and batch norm): the price of PyTorch's bits.

Peak memory: how far the resident set rises above its level before training over five steps, each
step in a fresh process of its own (``_common.peak_rss_growth_mb``), for both libraries; for ember
also the peak of ``tracemalloc`` over two more steps (NumPy reports its array buffers to tracemalloc;
PyTorch's CPU allocator does not, so there is no such column for it).
"""
import os
import sys

import numpy as np

from _common import best, import_lib, interleaved_medians, peak_rss_growth_mb
from bench_attention import gpt_block_step, sdpa_fwd_bwd
from bench_conv import conv64, lenet_train_step
from bench_core import chain_1m, recorded_op_backward, two_ops_no_grad
from bench_import import best_import_ms, import_env
from bench_train import mlp_step

# (key, workload, unit, target ratio ember / PyTorch; for import: a target in ms)
ROWS = (
    ('op_no_grad', '4x4 a * b + a, per op, no grad', 'us', 1.3),
    ('mul_grad_bwd', '4x4 x * b recorded + backward', 'us', 1.5),
    ('lenet_step', 'LeNet train step, batch 64 (SGD+momentum)', 'ms', 1.3),
    ('conv64_fwd', 'Conv2d(64,64,3,p=1) 32x64x32x32 forward', 'ms', 1.3),
    ('conv64_bwd', 'the same, backward (fwd+bwd - recorded fwd)', 'ms', 1.5),
    ('gpt_step', 'GPT block train step (attention written out)', 'ms', 1.3),
    ('sdpa', 'SDPA fwd+bwd (B16 H4 T128 D32 causal)', 'ms', 1.2),
    ('mlp_step', 'MLP 784-512-512-10 step, batch 64 (SGD)', 'ms', 0.9),
    ('chain', 'elementwise chain, 1M, fwd+bwd', 'ms', 0.9),
    ('import', 'import ember / import torch', 'ms', None),
)
IMPORT_TARGET_MS = 150

# (name, batch, m, k, n, layout): the products of the workloads above; layout 'nt' multiplies by the
# right operand's transpose (a Linear layer's forward, x @ W.T) and 'tn' by the left one's (its weight
# gradient, g.T @ x), as both libraries call their BLAS for those
GEMMS = (
    ('MLP fc1 forward', 1, 64, 784, 512, 'nt'),
    ('MLP fc1 weight grad', 1, 512, 64, 784, 'tn'),
    ('MLP fc2 forward', 1, 64, 512, 512, 'nt'),
    ('MLP fc2 input grad', 1, 64, 512, 512, 'nn'),
    ('GPT qkv projection', 1, 1024, 128, 384, 'nt'),
    ('GPT MLP up', 1, 1024, 128, 512, 'nt'),
    ('GPT MLP down', 1, 1024, 512, 128, 'nt'),
    ('GPT MLP up weight grad', 1, 512, 1024, 128, 'tn'),
    ('GPT q @ k^T per head', 64, 64, 32, 64, 'nt'),
    ('SDPA q @ k^T per head', 64, 128, 32, 128, 'nt'),
    ('LeNet conv1 im2col', 64, 6, 75, 784, 'nn'),
    ('LeNet conv2 im2col', 64, 16, 150, 100, 'nn'),
    ('Conv64 Winograd F(2,3) tiles', 16, 64, 64, 2048, 'nn'),
    ('Conv64 as im2col GEMM', 1, 64, 576, 1024, 'nn'),
)

STEPS = {   # the training steps whose peak memory is compared
    'lenet': lambda lib, rng: lenet_train_step(lib, rng),
    'gpt_block': lambda lib, rng: gpt_block_step(lib, False),
    'mlp': lambda lib, rng: mlp_step(lib, 512, 2, 'sgd', rng),
}


def _timings(lib, with_import=True):
    rng = np.random.default_rng(0)
    conv_fwd_no_grad, conv_fwd, conv_fwd_bwd, _, _ = conv64(lib, rng)
    res = {
        'op_no_grad': best(two_ops_no_grad(lib), 2000) * 1e6 / 2,
        'mul_grad_bwd': best(recorded_op_backward(lib, 'mul'), 500) * 1e6,
        'lenet_step': best(lenet_train_step(lib, rng), 3, repeat=25) * 1e3,
        'conv64_fwd': best(conv_fwd_no_grad, 2, repeat=7) * 1e3,
        'conv64_bwd': (best(conv_fwd_bwd, 2, repeat=7) - best(conv_fwd, 2, repeat=7)) * 1e3,
        'gpt_step': best(gpt_block_step(lib, False), 3, repeat=7) * 1e3,
        'sdpa': best(sdpa_fwd_bwd(lib, rng), 3, repeat=7) * 1e3,
        'mlp_step': best(mlp_step(lib, 512, 2, 'sgd', rng), 20, repeat=7) * 1e3,
        'chain': best(chain_1m(lib), 5) * 1e3,
    }
    if not with_import:
        return res
    name, runs = lib.__name__, int(os.environ.get('BENCH_IMPORTS', '7'))
    res['import'] = best_import_ms(f'import {name}', import_env(name), runs)
    res['import numpy'] = best_import_ms('import numpy', import_env(name), runs)   # the floor under ember's
    return res


def _gemm_probes(lib):
    """GFLOP/s of each GEMMS product in float32 and float64: NumPy's matmul in the ember process,
    PyTorch's in the torch process."""
    rng = np.random.default_rng(0)
    res = {}
    for name, batch, m, k, n, layout in GEMMS:
        for dtype, tag in ((np.float32, 's'), (np.float64, 'd')):
            lead = (batch,) if batch > 1 else ()
            a = rng.standard_normal(lead + ((k, m) if layout == 'tn' else (m, k))).astype(dtype)
            b = rng.standard_normal(lead + ((n, k) if layout == 'nt' else (k, n))).astype(dtype)
            if lib.__name__ == 'torch':
                a, b = lib.from_numpy(a), lib.from_numpy(b)
                mm = lib.matmul
            else:
                mm = np.matmul
            if layout == 'tn':
                a = a.transpose(-1, -2) if lib.__name__ == 'torch' else a.swapaxes(-1, -2)
            elif layout == 'nt':
                b = b.transpose(-1, -2) if lib.__name__ == 'torch' else b.swapaxes(-1, -2)
            flops = 2.0 * batch * m * k * n
            number = max(1, int(3e8 / flops))
            times = f'{batch} x ' if batch > 1 else ''
            seconds = best(lambda: mm(a, b), number, repeat=7)
            res[f'{tag}gemm {name}: {times}{m}x{k} @ {k}x{n}, {layout}'] = flops / seconds / 1e9
    return res


def _peak(lib, step_name):
    """The peak memory of ``step_name``'s training step (this process does nothing else)."""
    step = STEPS[step_name](lib, np.random.default_rng(0))
    res = {'rss_mb': peak_rss_growth_mb(step)}
    if lib.__name__ == 'ember':
        import tracemalloc
        tracemalloc.start()
        for _ in range(2):
            step()
        res['tracemalloc_mb'] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
    return res


def _one(lib_name, args):
    lib = import_lib(lib_name)
    if args and args[0] == 'peak':
        return _peak(lib, args[1])
    res = _timings(lib)
    res.update(_gemm_probes(lib))
    if lib_name == 'ember':     # the price of PyTorch's float32 bits: the same workloads without them
        import ember.numerics
        with ember.numerics.pytorch_bits(False):
            res.update({f'{key} bits off': value for key, value in _timings(lib, with_import=False).items()})
    return res


def _ratio_row(label, ours, theirs, unit, target):
    ratio = ours / theirs
    if target is None:          # import: an absolute target
        verdict = 'met' if ours <= IMPORT_TARGET_MS else f'missed by {ours - IMPORT_TARGET_MS:.0f} ms'
        goal = f'<= {IMPORT_TARGET_MS} ms'
    else:
        verdict = 'met' if ratio <= target else f'missed by {ratio / target - 1:.0%}'
        goal = f'<= {target}'
    return f'| {label} | {ours:.2f} {unit} | {theirs:.2f} {unit} | {ratio:.2f} | {goal} | {verdict} |'


def main():
    os.environ.setdefault('BENCH_TIMER', 'process')
    script = os.path.abspath(__file__)
    ours, theirs = interleaved_medians(script)
    if theirs is None:
        sys.exit('bench_targets.py compares with PyTorch: set TORCH_PYTHON to a Python that has torch')
    print(f"threads {os.environ.get('BENCH_THREADS', 'all cores')}, timer {os.environ['BENCH_TIMER']}, "
          f"{os.environ.get('BENCH_ROUNDS', '3')} interleaved rounds, medians\n")
    print('| workload | ember | PyTorch | ratio | target | | ember without PyTorch\'s float32 bits (ratio) |\n'
          '|---|---|---|---|---|---|---|')
    for key, label, unit, target in ROWS:
        off = ours.get(f'{key} bits off')
        print(_ratio_row(label, ours[key], theirs[key], unit, target) +
              (f' {off:.2f} {unit} ({off / theirs[key]:.2f}) |' if off is not None else ' |'))

    print(f"\n(NumPy alone imports in {ours['import numpy']:.1f} ms of CPU time here, "
          f"{theirs['import numpy']:.1f} ms in PyTorch's processes.)")
    print('\n| training step peak memory (RSS rise over 5 steps) | ember MB | PyTorch MB | ratio | target | '
          '| ember tracemalloc MB |\n|---|---|---|---|---|---|---|')
    for step in STEPS:
        mine, other = interleaved_medians(script, extra=('peak', step))
        ratio = mine['rss_mb'] / other['rss_mb'] if other['rss_mb'] > 0 else float('inf')
        verdict = 'met' if ratio <= 1 else f'missed by {ratio - 1:.0%}'
        print(f"| {step} | {mine['rss_mb']:.1f} | {other['rss_mb']:.1f} | {ratio:.2f} | <= 1 | {verdict} "
              f"| {mine['tracemalloc_mb']:.1f} |")

    print('\n| GEMM health probe, one thread | NumPy GFLOP/s | PyTorch GFLOP/s | NumPy / PyTorch |\n|---|---|---|---|')
    for key in ours:
        if 'gemm ' in key:
            print(f'| {key} | {ours[key]:.1f} | {theirs[key]:.1f} | {ours[key] / theirs[key]:.2f} |')


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--one':
        print(repr(_one(sys.argv[2], sys.argv[3:])))
    else:
        main()
