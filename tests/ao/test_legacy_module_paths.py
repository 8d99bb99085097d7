"""PyTorch's older quantization module paths (torch.nn.quantized, torch.nn.intrinsic, torch.nn.qat,
torch.nn.quantizable, torch.quantization and every submodule, recorded in
tests/fixtures/quantized/legacy_paths.json) import in ember and give the very objects of ember.ao's modules.
What ember does not have yet is listed in legacy_paths_not_yet.txt: a module or name missing from ember
and not listed there fails the test."""
import importlib
import json
import os
import pathlib
import subprocess
import sys
import warnings

import pytest

import ember
from ember._legacy_module_paths import home_of

FIXTURES = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized'
RECORDED = json.loads((FIXTURES / 'legacy_paths.json').read_text())
NOT_YET = {line.strip() for line in (FIXTURES / 'legacy_paths_not_yet.txt').read_text().splitlines()
           if line.strip() and not line.startswith('#')}


def _ember_name(torch_name):
    return 'ember' + torch_name[len('torch'):]


@pytest.mark.parametrize('torch_name', sorted(RECORDED))
def test_older_path_gives_ember_ao_objects(torch_name):
    name = _ember_name(torch_name)
    if name in NOT_YET:
        with pytest.raises(ImportError):
            importlib.import_module(name)
        return
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        module = importlib.import_module(name)
    home = importlib.import_module(home_of(name))
    missing = [a for a in RECORDED[torch_name] if not hasattr(module, a) and f'{name}.{a}' not in NOT_YET]
    assert missing == []
    for attr in RECORDED[torch_name]:
        if hasattr(module, attr) and hasattr(home, attr):
            assert getattr(module, attr) is getattr(home, attr), attr


def test_submodules_are_the_ember_ao_modules():
    from ember.ao.nn.quantized.modules import conv
    import ember.nn.quantized.modules.conv as old_conv
    assert old_conv is conv and ember.nn.quantized.modules.conv is conv
    assert importlib.import_module('ember.quantization.observer') is ember.ao.quantization.observer
    from ember.nn.quantized.dynamic.modules.rnn import LSTM
    assert LSTM is ember.ao.nn.quantized.dynamic.LSTM
    assert importlib.import_module('ember.quantization.quant_type').QuantType.QAT == 2
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module('ember.nn.quantized.no_such_module')


def test_through_the_torch_alias():
    # in a fresh interpreter: the torch alias cannot be installed where real PyTorch is loaded
    code = ("import ember, ember.compat\n"
            "ember.compat.install()\n"
            "import torch.nn.quantized.modules.linear as linear, torch.quantization.fake_quantize as fq\n"
            "assert linear.Linear is ember.ao.nn.quantized.Linear\n"
            "assert fq is ember.ao.quantization.fake_quantize\n"
            "print('ok')\n")
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, 'PYTHONPATH': str(pathlib.Path(ember.__file__).parents[1])})
    assert done.stdout.strip() == 'ok', done.stderr
