"""FX graph mode quantization of torchvision's ResNet-18 (64x64 inputs): prepare_fx, one calibration
pass through the observed model, convert_fx, and the quantized model's forward.

    python benchmarks/bench_quantize_fx.py
"""
import copy
import importlib
import warnings

from _common import best, import_lib, side_by_side


def bench(lib_name):
    warnings.simplefilter('ignore')
    lib = import_lib(lib_name)
    models = importlib.import_module('torchvision.models' if lib_name == 'torch' else 'ember.vision.models')
    qfx = importlib.import_module(f'{lib_name}.ao.quantization.quantize_fx')
    mapping = lib.ao.quantization.get_default_qconfig_mapping('x86')
    lib.manual_seed(0)
    model = models.resnet18().eval()
    x = lib.randn(1, 3, 64, 64)
    res = {}
    res['prepare_fx_ms'] = best(lambda: qfx.prepare_fx(model, mapping, (x,)), 1, repeat=3) * 1e3
    prepared = qfx.prepare_fx(model, mapping, (x,))
    with lib.no_grad():
        res['calibration_pass_ms'] = best(lambda: prepared(x), 1, repeat=3) * 1e3
    res['convert_fx_ms'] = best(lambda: qfx.convert_fx(copy.deepcopy(prepared)), 1, repeat=3) * 1e3
    quantized = qfx.convert_fx(prepared)
    res['quantized_forward_ms'] = best(lambda: quantized(x), 1, repeat=5) * 1e3
    with lib.no_grad():
        res['float_forward_ms'] = best(lambda: model(x), 1, repeat=5) * 1e3
    return res


def main():
    side_by_side(__file__, bench)


if __name__ == '__main__':
    main()
