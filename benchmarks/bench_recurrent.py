"""Recurrent layers, attention and bilinear upsampling at the sizes char-RNN / seq2seq tutorials,
transformers and segmentation nets use, forward without grad and a training step's forward + backward,
side by side with PyTorch.

    BENCH_THREADS=1 BENCH_TIMER=process TORCH_PYTHON=/path/to/python-with-torch python benchmarks/bench_recurrent.py

Inputs: a (16, 64, 64) batch-first sequence into ``nn.LSTM/GRU/RNN(64, 128)``; self-attention of
``nn.MultiheadAttention(128, 4, batch_first=True)`` on (16, 64, 128); ``F.interpolate(bilinear, x2)`` of
(32, 64, 16, 16). ``*_train``: the output's sum backpropagated to the input and the parameters. Times in
milliseconds, best of five runs each.
"""
from _common import best, import_lib, side_by_side


def _cases(lib):
    nn, F = lib.nn, lib.nn.functional
    lib.manual_seed(0)
    seq, act = lib.randn(16, 64, 64), lib.randn(32, 64, 16, 16)
    emb = lib.randn(16, 64, 128)
    layers = {name: getattr(nn, name)(64, 128, batch_first=True) for name in ('LSTM', 'GRU', 'RNN')}
    mha = nn.MultiheadAttention(128, 4, batch_first=True)
    runs = {name.lower(): (lambda m: lambda x: m(x)[0])(m) for name, m in layers.items()}
    runs['mha'] = lambda x: mha(x, x, x)[0]
    runs['bilinear'] = lambda x: F.interpolate(x, scale_factor=2, mode='bilinear')
    inputs = {'lstm': seq, 'gru': seq, 'rnn': seq, 'mha': emb, 'bilinear': act}
    return runs, inputs


def bench(lib_name):
    lib = import_lib(lib_name)
    runs, inputs = _cases(lib)
    res = {}
    for name, run in runs.items():
        x = inputs[name]
        with lib.no_grad():
            res[f'{name}_ms'] = best(lambda: run(x), 3) * 1e3
        xg = x.clone().requires_grad_()
        res[f'{name}_train_ms'] = best(lambda: run(xg).sum().backward(), 2) * 1e3
    return res


if __name__ == '__main__':
    side_by_side(__file__, bench, header='step', width=20, digits=2)
