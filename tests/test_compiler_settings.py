"""PyTorch's compiler settings modules (torch._dynamo.config, torch._inductor.config) and TorchDynamo's
entry points, as programs use them; ember runs compiled code eagerly, so they change nothing else."""
import json
import pathlib
import subprocess
import sys

import pytest

import ember
import ember._dynamo as dynamo
import ember._inductor.config as inductor_config

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_settings_read_and_assign_by_pytorchs_names_and_defaults():
    assert dynamo.config.recompile_limit == 8 and dynamo.config.cache_size_limit == 8   # an old name of it
    assert inductor_config.triton.cudagraphs is False and inductor_config.coordinate_descent_tuning is False
    with dynamo.config.patch(cache_size_limit=64):
        assert dynamo.config.recompile_limit == 64
    assert dynamo.config.recompile_limit == 8
    assert inductor_config.triton.unique_kernel_names is True
    inductor_config.triton.unique_kernel_names = False
    try:
        assert ember._inductor.config.triton.unique_kernel_names is False
    finally:
        inductor_config.triton.unique_kernel_names = True

    @inductor_config.patch({'max_autotune': True})
    def tuned():
        return inductor_config.max_autotune
    assert tuned() is True and inductor_config.max_autotune is False
    copy = dynamo.config.get_config_copy()
    copy['recompile_limit'] = 1
    assert dynamo.config.recompile_limit == 8


def test_unknown_settings_raise_as_pytorch():
    with pytest.raises(AttributeError, match=r'^ember._dynamo.config.no_such_setting does not exist$'):
        dynamo.config.no_such_setting = 1
    with pytest.raises(AttributeError, match=r'^ember._inductor.config.triton.nope does not exist$'):
        inductor_config.triton.nope
    with pytest.raises(AttributeError):
        dynamo.config.patch(nope=1)


def test_recorded_defaults_are_pytorchs():
    torch = pytest.importorskip('torch')
    import torch._dynamo.config as theirs_dynamo
    import torch._inductor.config as theirs_inductor
    import os
    theirs_site = os.path.dirname(os.path.dirname(torch.__file__))
    our_site = os.path.dirname(os.path.dirname(ember.__file__))
    for ours, theirs in ((dynamo.config, theirs_dynamo), (inductor_config, theirs_inductor)):
        mine = ours.get_config_copy()
        for key, value in theirs.get_config_copy().items():
            if key == 'TYPE_CHECKING':
                continue
            if isinstance(value, str):      # installation paths: each framework's own
                value = value.replace(theirs_site, our_site)
            if isinstance(value, (set, frozenset)):
                assert mine[key] == {v if isinstance(v, str) else repr(v) for v in value}, key
            else:
                assert mine[key] == json.loads(json.dumps(value)), key
    assert torch is not None


def test_dynamo_entry_points_keep_eager_results():
    x = ember.ones(2, 3)

    @dynamo.optimize('inductor')
    def double(t):
        dynamo.graph_break()
        return t * 2
    assert double(x).tolist() == [[2.0] * 3] * 2
    dynamo.mark_dynamic(x, 0)
    dynamo.maybe_mark_dynamic(x, -1)
    assert x._dynamo_dynamic_indices == {0} and x._dynamo_weak_dynamic_indices == {1}
    with pytest.raises(IndexError):
        dynamo.mark_dynamic(x, 2)
    assert dynamo.is_compiling() is False and dynamo.is_dynamo_supported() and not dynamo.is_inductor_supported()
    dynamo.reset()

    @dynamo.register_backend
    def my_backend(gm, example_inputs):
        return gm.forward
    assert dynamo.lookup_backend('my_backend') is my_backend
    with pytest.raises(AssertionError, match='duplicate name: my_backend'):
        dynamo.register_backend(my_backend)
    with pytest.raises(RuntimeError, match="Invalid backend: 'nope'"):
        dynamo.lookup_backend('nope')


def test_a_pytorch_script_setting_compiler_options_runs_under_ember_run(tmp_path):
    script = tmp_path / 'tuned.py'
    script.write_text(
        "import torch\nimport torch._dynamo\nimport torch._inductor.config\n"
        "torch._dynamo.config.cache_size_limit = 64\n"
        "torch._inductor.config.coordinate_descent_tuning = True\n"
        "torch._inductor.config.triton.unique_kernel_names = True\n"
        "model = torch.compile(torch.nn.Linear(2, 1), mode='max-autotune')\n"
        "print(torch._dynamo.config.recompile_limit, model(torch.ones(1, 2)).shape)\n")
    out = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True,
                         env={'PYTHONPATH': str(ROOT), 'PATH': '/usr/bin:/bin'}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '64 ember.Size([1, 1])'


def test_wrap_numpy_hands_arrays_in_and_tensors_out():
    # PyTorch 2.13 (eager): tensors anywhere in the arguments become arrays, returned arrays become tensors
    import numpy as np

    @ember.compiler.wrap_numpy
    def f(x, y):
        return np.sum(x * y, axis=0) + 1
    r = f(ember.ones(2, 3), ember.arange(3.))
    assert type(r) is ember.Tensor and r.tolist() == [1., 3., 5.] and f.__name__ == 'f'

    @ember.compiler.wrap_numpy
    def g(x):
        return (x, [x.T], {'a': 3}, np.float64(2.0))
    out = g(ember.ones(2))
    assert type(out[0]) is ember.Tensor and type(out[1][0]) is ember.Tensor and out[2] == {'a': 3}
    assert type(out[3]) is np.float64
    assert f(np.ones((2, 3)), np.ones(3)).dtype == ember.float64
    with pytest.raises(RuntimeError, match=r"^Can't call numpy\(\) on Tensor that requires grad"):
        f(ember.ones(2, 3, requires_grad=True), ember.ones(3))
