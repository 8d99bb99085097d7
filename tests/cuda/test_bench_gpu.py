"""benchmarks/bench_gpu.py runs end to end on the 'cuda' device (tiny sizes, one timing each), so
the GPU check's benchmark step is known to work before it meets a GPU."""
import pathlib
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / 'benchmarks'


@pytest.fixture
def bench_gpu(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_gpu
    monkeypatch.setattr(bench_gpu, 'SIZES', {'matmul_n': 64, 'mlp_batch': 4, 'lenet_batch': 2, 'resnet_batch': 2,
                                             'gpt_batch': 1})
    calls = []

    def once(fn, number, repeat=5):
        fn()
        calls.append(number)
        return 1e-3
    monkeypatch.setattr(bench_gpu, 'best', once)
    monkeypatch.setattr(bench_gpu, 'import_lib', lambda name: sys.modules['ember'])
    yield bench_gpu
    assert len(calls) == 5


def test_every_gpu_benchmark_runs_on_the_device(bench_gpu):
    res = bench_gpu.bench('ember')
    assert sorted(res) == ['gpt_block_train_step_ms', 'lenet_train_step_ms', 'matmul_4096_tflops',
                           'mlp_train_step_ms', 'resnet18_cifar_train_step_ms']
    assert res['matmul_4096_tflops'] == pytest.approx(2 * 64 ** 3 / 1e-3 / 1e12)
