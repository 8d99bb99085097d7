"""``import ember`` loads the tensor, its ops and autograd; the subsystems load on first use.

Each check runs in a fresh interpreter, since this one has long since imported everything.
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# subsystems a script that never touches them does not pay for at ``import ember``
LAZY = ['ember.nn', 'ember.optim', 'ember.utils.data', 'ember.utils.checkpoint', 'ember.distributed',
        'ember.func', 'ember.profiler', 'ember.masked', 'ember.nested', 'ember.testing', 'ember.quasirandom',
        'ember.signal', 'ember.return_types', 'ember.distributions', 'ember.onnx', 'ember.vision',
        'ember.serialization', 'ember.hub', 'ember.nn.attention',
        'ember.utils.tensorboard', 'ember.autograd.gradcheck', 'ember.autograd.profiler', 'ember.autograd.functional',
        'ember.multiprocessing', 'multiprocessing', 'uuid', 'tempfile',
        'ember.backends', 'ember.cuda', 'ember.accelerator', 'ember.cpu', 'ember._trace', 'traceback', 'string',
        'ember.jit', 'ember.compiler', 'ember.functional', 'ember.types', 'ember.torch_version', 'ember._tags',
        'ember._compile', 'ember._sym', 'glob']


def _run(code, **env):
    env = {**os.environ, 'PYTHONPATH': ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''), **env}
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_no_subsystem():
    loaded = _run("import sys, json, ember\n"
                  "ember.randn(3).mul(2).sum()\n"
                  f"print(json.dumps([m for m in {LAZY!r} if m in sys.modules]))")
    assert loaded == []


def test_import_defers_numpy_random_and_helpers_of_rare_paths():
    # NumPy's random module (the generators' bit generator is made on first draw), opt_einsum (einsum of
    # three or more operands), fractions/decimal (exact checks of uniform ranges, libm tables), dataclasses
    loaded = _run("import sys, json, ember\n"
                  "print(json.dumps([m for m in ['numpy.random', 'opt_einsum', 'fractions', 'decimal', 'dataclasses']\n"
                  "                  if m in sys.modules]))")
    assert loaded == []


def test_generator_started_on_first_use_draws_the_default_stream():
    result = _run("import json, ember\n"
                  "state = ember.get_rng_state().tolist()\n"         # (starts the default generator)
                  "first = ember.rand(3).tolist()\n"
                  "seven = ember.rand(3, generator=ember.Generator().manual_seed(7)).tolist()\n"  # seeded unstarted
                  "ember.manual_seed(ember.initial_seed())\n"
                  "reseeded = ember.get_rng_state().tolist()\n"
                  "again = ember.rand(3).tolist()\n"
                  "ember.manual_seed(7)\n"
                  "print(json.dumps([first == again, state == reseeded, seven == ember.rand(3).tolist(),\n"
                  "                  ember.initial_seed()]))")
    assert result == [True, True, True, 7]


def test_subsystems_resolve_on_first_use():
    result = _run("import json, ember\n"
                  "names = ['nn', 'optim', 'utils', 'distributed', 'func', 'profiler', 'masked', 'nested', 'testing',\n"
                  "         'quasirandom', 'signal', 'return_types', 'distributions', 'serialization', 'hub',\n"
                  "         'backends', 'cuda', 'accelerator', 'cpu', 'jit', 'compiler', 'functional', 'types']\n"
                  "listed = all(n in dir(ember) for n in names + ['vmap', 'save', 'from_dlpack', 'compile', 'Tag', 'SymInt'])\n"
                  "present = all(hasattr(ember, n) for n in names)\n"
                  "lin = ember.nn.Linear(3, 2)\n"
                  "opt = ember.optim.SGD(lin.parameters(), lr=0.1)\n"
                  "loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(ember.ones(4, 3)), batch_size=2)\n"
                  "batches = len(list(loader))\n"
                  "g = ember.vmap(ember.sin)(ember.zeros(2))\n"
                  "print(json.dumps([listed, present, ember.nn.__name__, type(opt).__name__, batches,\n"
                  "                  g.tolist(), ember.vmap is ember.func.vmap, 'vision' in dir(ember)]))")
    assert result == [True, True, 'ember.nn', 'SGD', 2, [0.0, 0.0], True, False]


@pytest.mark.parametrize('name', ['nested', 'masked', 'distributions'])
def test_each_subsystem_loads_when_it_is_the_first_one_used(name):
    # (ember.nested, used before ember.nn, once found itself half-loaded: ember.nn's Transformer imported from it)
    assert _run(f"import json, ember\nprint(json.dumps(ember.{name}.__name__))") == f'ember.{name}'


def test_unknown_attribute_still_raises():
    result = _run("import json, ember\n"
                  "try:\n"
                  "    ember.no_such_thing\n"
                  "except AttributeError as e:\n"
                  "    print(json.dumps(str(e)))")
    assert result == "module 'ember' has no attribute 'no_such_thing'"


def test_torch_alias_imports_lazy_subsystems():
    result = _run("import json, ember.compat\n"
                  "ember.compat.install()\n"
                  "import torch\n"
                  "import torch.nn as nn\n"
                  "from torch.utils.data import DataLoader\n"
                  "import torch.distributed as dist\n"
                  "print(json.dumps([nn.__name__, DataLoader.__module__, dist.__name__, torch.nn is nn]))")
    assert result == ['ember.nn', 'ember.utils.data.dataloader', 'ember.distributed', True]


@pytest.mark.parametrize('launcher', [{'OMPI_COMM_WORLD_RANK': '1', 'OMPI_COMM_WORLD_SIZE': '2'},
                                      {'PMI_RANK': '1', 'PMI_SIZE': '2'}])
def test_launcher_ranks_exported_at_import(launcher):
    # torchrun-style scripts read RANK right after ``import torch``, before touching torch.distributed
    clean = {k: '' for k in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'MASTER_PORT', 'MASTER_ADDR')}
    code = ("import os, json\n"
            f"for k in {list(clean)!r}: os.environ.pop(k, None)\n"
            "import ember\n"
            "print(json.dumps([os.environ.get(k) for k in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK')]))")
    assert _run(code, **launcher) == ['1', '2', '1']


def test_parameters_share_memory_once_nn_loads():
    result = _run("import json, ember\n"
                  "from multiprocessing.reduction import ForkingPickler\n"
                  "before = ember.Tensor in ForkingPickler._extra_reducers\n"
                  "p = ember.nn.Parameter(ember.ones(2))\n"
                  "print(json.dumps([before, type(p) in ForkingPickler._extra_reducers]))")
    assert result == [True, True]


def test_unpickling_loads_what_it_needs():
    # a module pickled by one interpreter unpickles in a fresh one that has only run ``import ember``
    data = _run("import json, pickle, ember\n"
                "ember.manual_seed(0)\n"
                "print(json.dumps(pickle.dumps(ember.nn.Linear(2, 1)).hex()))")
    result = _run("import json, pickle, sys, ember\n"
                  "before = 'ember.nn' in sys.modules\n"
                  f"lin = pickle.loads(bytes.fromhex({data!r}))\n"
                  "print(json.dumps([before, type(lin).__name__, list(lin.weight.shape)]))")
    assert result == [False, 'Linear', [1, 2]]


def test_tensor_rules_registered_whichever_of_multiprocessing_and_ember_comes_first():
    for first, second in (('multiprocessing', 'ember'), ('ember', 'multiprocessing')):
        result = _run(f"import json, sys, {first}, {second}\n"
                      "import ember, multiprocessing.reduction as r\n"
                      "rules = r.ForkingPickler._extra_reducers\n"
                      "print(json.dumps([ember.Tensor in rules, ember.UntypedStorage in rules,\n"
                      "                  'ember.multiprocessing' in sys.modules, type(multiprocessing.__loader__).__name__]))")
        assert result == [True, True, True, 'SourceFileLoader'], first


def test_import_pauses_the_garbage_collector_and_restores_it():
    # no collection runs while ember's modules execute (a hundred would: each walks every object NumPy and
    # ember have made); the collector's state afterwards is the one the script had (off if it turned it off)
    result = _run("import gc, json, os, sys\n"
                  "package = os.sep + 'ember' + os.sep\n"
                  "during = []\n"
                  "def watch(phase, info):\n"
                  "    frame = sys._getframe(1)\n"
                  "    while phase == 'start' and frame is not None:\n"
                  "        name = frame.f_code.co_filename\n"
                  "        if package in name and not name.endswith(package + '__init__.py'):\n"
                  "            during.append(name)\n"
                  "            break\n"
                  "        frame = frame.f_back\n"
                  "gc.callbacks.append(watch)\n"
                  "import ember\n"
                  "gc.callbacks.remove(watch)\n"
                  "print(json.dumps([during, gc.isenabled()]))")
    assert result == [[], True]
    result = _run("import gc, json\n"
                  "gc.disable()\n"
                  "import ember\n"
                  "print(json.dumps(gc.isenabled()))")
    assert result is False


def test_node_classes_made_on_first_recorded_call():
    # each op's Function makes its graph node's class when a call first records one, not at import
    result = _run("import json, ember\n"
                  "from ember.autograd import function\n"
                  "before = sorted(function._node_classes)\n"
                  "x = ember.ones(2, requires_grad=True)\n"
                  "y = x.exp().sum()\n"
                  "again = type(x.exp().grad_fn) is type(y.grad_fn.next_functions[0][0])\n"
                  "print(json.dumps([before, sorted(function._node_classes), type(y.grad_fn).__name__,\n"
                  "                  type(y.grad_fn)._guard_saved, again]))")
    before, after, name, guarded, same = result
    # (a node class named by hand at import, CopySlices, may be made before: not the hundreds of ops')
    assert len(before) < 10 and 'ExpBackward0' not in before and 'SumBackward0' not in before
    assert set(after) == set(before) | {'ExpBackward0', 'SumBackward0'}
    assert name == 'SumBackward0' and guarded is True and same is True


def test_inplace_docstrings_write_the_call_form_inspect_writes():
    # the in-place variants' docstrings are made at import without inspect: the same text as inspect's
    import inspect
    import ember  # noqa: F401  (registers every op)
    from ember.ops import _registry

    def by_inspect(fn):
        params = list(inspect.signature(fn).parameters.values())[1:]
        return str(inspect.Signature([p for p in params if p.name != 'out']))

    def sample(a, b, /, c, *args, d, e=2, out=None, **kw):
        pass

    def keywords(a, *, out=None, x=1.5):
        pass
    assert _registry._call_form(sample) == by_inspect(sample) == '(b, /, c, *args, d, e=2, **kw)'
    assert _registry._call_form(keywords) == by_inspect(keywords) == '(*, x=1.5)'
    entries = [e for e in _registry.REGISTRY if e.inplace]
    assert len(entries) > 100
    for entry in entries:
        assert _registry._call_form(entry.fn) == by_inspect(entry.fn), entry.name
    assert ember.Tensor.add_.__doc__.startswith('\n``add_(other, *, alpha=1) -> Tensor``')


def test_lazy_names_resolve_to_their_modules_objects():
    result = _run("import json, sys, ember\n"
                  "from ember import compile, solve, SymInt\n"
                  "from ember._compile import compile as c\n"
                  "from ember._removed import solve as s\n"
                  "from ember._sym import SymInt as si\n"
                  "from ember.jit._tensor_type import TensorType\n"
                  "print(json.dumps([compile is c, solve is s, SymInt is si, ember.TensorType is TensorType,\n"
                  "                  ember.fork is ember.jit.fork, ember.Tag is sys.modules['ember._tags'].Tag, ember.cuda.amp.__name__,\n"
                  "                  ember.backends.cuda.flash_sdp_enabled()]))")
    assert result == [True, True, True, True, True, True, 'ember.cuda.amp', True]
