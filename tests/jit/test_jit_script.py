"""ember.jit.script compiles functions and module trees to TorchScript: the program runs (control flow on data
honoured), ``.code`` has PyTorch's signatures and operators, archives load in ember and in PyTorch.

PyTorch's side (its ``.code``, its errors, what its ``torch.jit.load`` computes from ember's archives) is in
tests/fixtures/jit/script_oracle.json (tests/fixtures/jit/record_script.py)."""
import io
import json
import os
import re
import warnings

import numpy as np
import pytest

import ember
import ember.vision
from tests.jit import scripted_models
from tests.jit.scripted_models import REFUSED_FUNCTIONS, cases, example_input, loop_and_branch

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
ORACLE = json.load(open(os.path.join(HERE, 'script_oracle.json')))
pytestmark = [pytest.mark.filterwarnings('ignore:`ember.jit.script` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.trace` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.freeze` is deprecated:DeprecationWarning')]


@pytest.fixture(scope='module')
def models():
    return cases(ember, ember.vision)


def _arrays(out):
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in _arrays(o)]
    return [out if isinstance(out, int) else out.detach().numpy()]


def _close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-4, atol=1e-5)


# F.<name> whose operator has another name (ember writes the operator; PyTorch calls its scripted F function)
_F_OPERATORS = {'cross_entropy': ['cross_entropy_loss'], 'normalize': ['norm', 'clamp_min', 'expand_as', 'div']}


def _operators(code):
    """The operators a program's text calls (F.* calls PyTorch writes through its scripted functional module,
    their aliases resolved; Python indexing, which PyTorch writes as select/slice, left out) and how many
    submodule forwards it calls."""
    aliases = dict(re.findall(r'(_\d+) = (__torch__\.[\w.]+)\n', code))
    names = set()
    for name in re.findall(r'(?<![\w.])((?:torch|__torch__\.[\w.]+)\.\w+|_\d+)\(', code):
        name = aliases.get(name, name)
        if name.startswith('__torch__.torch.nn.functional.') and name.rsplit('.', 1)[-1] in _F_OPERATORS:
            names.update(_F_OPERATORS[name.rsplit('.', 1)[-1]])     # PyTorch's scripted F.<name>: its operators
            continue
        name = name.rsplit('.', 1)[-1]
        # ember writes ``is None`` tests as Python's (PyTorch: torch.__is__), indexing too (torch.select/slice)
        if name not in ('select', 'slice', '__is__', '__isnot__') and not name[1:].isdigit():
            names.add(name.lstrip('_'))
    return names, len(re.findall(r'\)\.forward\w*\(', code))


def _header(code):
    return code[:code.index(':\n') + 2]


def test_scripted_function_follows_the_data_at_each_call():
    with pytest.warns(DeprecationWarning, match='`ember.jit.script` is deprecated'):     # as PyTorch 2.13 warns
        f = ember.jit.script(loop_and_branch)
    assert isinstance(f, ember.jit.ScriptFunction)
    assert 'if bool(torch.gt(torch.sum(x), 0)):' in f.code and 'for i in range(n):' in f.code
    assert f(ember.tensor([1., 2.]), 2).tolist() == [4., 8.]           # the loop ran twice, the branch kept x
    assert f(ember.tensor([-1., -2.]), 1).tolist() == [2., 4.]         # once, then the other branch negated
    assert f(ember.tensor([1.]), 0).tolist() == [1.]
    with pytest.raises(RuntimeError, match='IR graphs'):
        f.graph


def test_function_archive_runs_in_ember(tmp_path):
    f = ember.jit.script(loop_and_branch)
    path = tmp_path / 'f.pt'
    ember.jit.save(f, path)
    loaded = ember.jit.load(path)
    assert loaded(ember.tensor([-3.]), 2).tolist() == [12.]
    assert loaded.code.startswith('def forward(self,\n    x: Tensor,\n    n: int) -> Tensor:')


FUNCTIONS = dict(scripted_models.make_functions(ember), loop_and_branch=loop_and_branch)


@pytest.mark.parametrize('name', sorted(ORACLE['code']))
def test_code_has_pytorchs_signature_and_operators(models, name):
    scripted = _scripted(models, name)
    want = ORACLE['code'][name]
    assert _header(scripted.code) == _header(want)
    assert _operators(scripted.code) == _operators(want)


@pytest.mark.parametrize('name', sorted(scripted_models.make_functions(ember)))
def test_scripted_function_archive_gives_what_pytorch_computes(name, tmp_path):
    fn = scripted_models.make_functions(ember)[name]
    args = scripted_models.function_args(ember, name)
    scripted = ember.jit.script(fn)
    if name != 'cat_all':           # the one that asks is_scripting(): eager and scripted differ by design
        _close(_arrays(scripted(*args)), _arrays(fn(*args)))
    ember.jit.save(scripted, tmp_path / 'f.pt')
    _close(_arrays(ember.jit.load(tmp_path / 'f.pt')(*args)), ORACLE['outputs'][name])


def test_function_calling_a_helper_saved_gives_what_pytorch_computes(tmp_path):
    combine = scripted_models.make_functions(ember)['combine']
    scripted = ember.jit.script(combine)
    assert '__torch__.tests.jit.scripted_models.scale(' in scripted.code
    x = ember.tensor(example_input('combine'))
    assert _arrays(scripted(x, None, 3))[1:] == [0, 1, 2]
    _close(_arrays(scripted(x, ember.ones(3))), _arrays(combine(x, ember.ones(3))))
    ember.jit.save(scripted, tmp_path / 'f.pt')
    _close(_arrays(ember.jit.load(tmp_path / 'f.pt')(x, None, 3)), ORACLE['outputs']['combine'])


MODULES = sorted(n for n in set(ORACLE['outputs']) - set(FUNCTIONS) if not n.startswith('freeze.'))
# programs whose .code ember writes exactly as PyTorch prints it (the others differ in names: see _operators)
EXACT = ('raises', 'resnet18', 'mobilenet_v2', 'mobilenet_v3_small', 'shufflenet_v2_x0_5', 'Net.conv1', 'Net.fc1',
         'LeNet', 'gelu', 'box_area', 'gated_tanh', 'HoldsTorchScript')


def _scripted(models, name):
    if name in FUNCTIONS:
        return ember.jit.script(FUNCTIONS[name])
    top, _, child = name.partition('.')
    scripted = ember.jit.script(models[top])
    return getattr(scripted, child) if child else scripted


@pytest.mark.parametrize('name', EXACT)
def test_code_is_pytorchs_text(models, name):
    assert _scripted(models, name).code == ORACLE['code'][name]


@pytest.mark.parametrize('name', MODULES)
def test_scripted_module_runs_as_eager_and_shares_state(models, name):
    module = models[name]
    scripted = ember.jit.script(module)
    assert isinstance(scripted, ember.jit.RecursiveScriptModule) and isinstance(scripted, ember.nn.Module)
    x = ember.tensor(example_input(name))
    _close(_arrays(scripted(x)), _arrays(module(x)))
    mine, theirs = dict(scripted.named_parameters()), dict(module.named_parameters())
    assert list(mine) == list(theirs) and all(mine[k] is theirs[k] for k in mine)   # shared, as in PyTorch
    assert list(scripted.state_dict()) == list(module.state_dict())
    assert repr(scripted).startswith(f'RecursiveScriptModule(\n  original_name={type(module).__name__}\n') or \
        repr(scripted) == f'RecursiveScriptModule(original_name={type(module).__name__})'


@pytest.mark.parametrize('name', MODULES)
def test_archive_loads_in_ember_giving_what_pytorch_computes_from_it(models, name, tmp_path):
    module = models[name]
    path = tmp_path / f'{name}.pt'
    ember.jit.script(module).save(path)
    loaded = ember.jit.load(path)
    x = ember.tensor(example_input(name))
    got = _arrays(loaded(x))
    _close(got, ORACLE['outputs'][name])
    _close(got, _arrays(module(x)))


def test_training_branch_follows_train_and_eval():
    module = cases(ember)['MLP']
    scripted = ember.jit.script(module)
    x = ember.tensor(example_input('MLP'))
    scripted.train()
    out, steps = scripted(x, 2)
    assert out.abs().sum().item() == 0 and steps == 4 and not module.training    # the original keeps its mode
    scripted.eval()
    assert scripted(x, 2)[0].abs().sum().item() > 0
    assert 'if self.training:' in scripted.code


def test_batch_norm_in_training_updates_the_shared_running_statistics():
    bn = ember.nn.BatchNorm2d(3)
    scripted = ember.jit.script(bn)
    x = ember.randn(4, 3, 2, 2) + 2
    out = scripted(x)
    assert bn.num_batches_tracked.item() == 1 and bn.running_mean.mean().item() > 0.1
    np.testing.assert_allclose(out.detach().numpy(), ember.nn.functional.batch_norm(
        x, None, None, bn.weight, bn.bias, True).detach().numpy(), atol=1e-5)
    with pytest.raises(ValueError, match=r'expected 4D input \(got 2D input\)'):
        scripted(ember.ones(2, 3))


@pytest.mark.parametrize('name', sorted(n for n in ORACLE['errors'] if not n.startswith(('call.', 'freeze.'))))
def test_refused_python_raises_pytorchs_error(name):
    refused = dict(REFUSED_FUNCTIONS, **scripted_models.refused_modules(ember))
    kind, text = ORACLE['errors'][name]
    with pytest.raises(getattr(ember.jit.frontend, kind)) as info:
        ember.jit.script(refused[name])
    assert str(info.value).replace(scripted_models.__file__, '<file>') == text


@pytest.mark.parametrize('name', sorted(scripted_models.call_cases(ember)))
def test_a_call_whose_arguments_do_not_fit_raises_pytorchs_error(name):
    checked = ember.jit.script(scripted_models.checked)
    args, kwargs = scripted_models.call_cases(ember)[name]
    kind, text = ORACLE['errors'][f'call.{name}']
    with pytest.raises(RuntimeError) as info:
        checked(*args, **kwargs)
    assert (type(info.value).__name__, str(info.value)) == (kind, text)
    assert checked(ember.ones(2), 2).tolist() == [4., 4.]       # ints are taken for floats, as PyTorch takes them


def test_a_scripted_modules_forward_checks_its_arguments(models):
    kind, text = ORACLE['errors']['call.module']
    with pytest.raises(RuntimeError) as info:
        ember.jit.script(models['Net'])(1)
    # (PyTorch's class name carries the mangling its process-wide count of scripted classes gave it)
    assert (type(info.value).__name__, str(info.value)) == (kind, re.sub(r'___torch_mangle_\d+\.', '', text))


def test_no_grad_block_runs_without_recording_and_loads_in_pytorch():
    fn = scripted_models.make_functions(ember)['no_grad_scale']
    scripted = ember.jit.script(fn)
    x, y = scripted_models.function_args(ember, 'no_grad_scale')
    x = x.clone().requires_grad_()
    out = scripted(x, y)
    assert ember.is_grad_enabled()          # restored after the block
    out.backward()                           # only (1 - x).sum() was recorded
    assert (x.grad == -1).all()
    assert 'with _0:' in scripted.code


def test_interpolate_forms_torchscript_lacks_are_refused():
    F = ember.nn.functional

    def int_scale(x):
        return F.interpolate(x, scale_factor=2)         # PyTorch refuses it too: scale_factor is float there

    def nearest_exact(x):
        return F.interpolate(x, size=4, mode='nearest-exact')
    with pytest.raises(RuntimeError, match='scale_factor must be a float or a list of floats'):
        ember.jit.script(int_scale)
    with pytest.raises(RuntimeError, match="mode must be a constant 'nearest'"):
        ember.jit.script(nearest_exact)


@pytest.mark.parametrize('name', sorted(n[7:] for n in ORACLE['outputs'] if n.startswith('freeze.')))
def test_frozen_module_folds_its_state_and_its_archive_gives_what_pytorch_computes(models, name):
    scripted = ember.jit.script(models[name])
    with pytest.warns(DeprecationWarning, match='`ember.jit.freeze` is deprecated'):
        frozen = ember.jit.freeze(scripted)
    # one class: submodules inlined, parameters and buffers folded into the program's constants
    assert type(frozen) is ember.jit.RecursiveScriptModule and frozen.original_name == scripted.original_name
    assert not list(frozen.parameters()) and not list(frozen.buffers()) and not frozen._modules
    assert 'CONSTANTS.c0' in frozen.code and '.forward(' not in frozen.code
    x = ember.tensor(example_input(name))
    _close(_arrays(frozen(x)), _arrays(scripted(x)))
    buf = io.BytesIO()
    ember.jit.save(frozen, buf)
    _close(_arrays(ember.jit.load(io.BytesIO(buf.getvalue()))(x)), ORACLE['outputs'][f'freeze.{name}'])


def test_freeze_refuses_eager_and_training_modules_with_pytorchs_errors(models):
    for case, module in (('eager', models['Net']), ('training', ember.jit.script(cases(ember)['Net'].train()))):
        kind, text = ORACLE['errors'][f'freeze.{case}']
        with pytest.raises(RuntimeError) as info:
            ember.jit.freeze(module)
        assert str(info.value) == text.replace('torch.jit', 'ember.jit')


def test_freeze_keeps_preserved_and_assigned_attributes():
    class Counter(ember.nn.Module):       # PyTorch's freezing example
        def __init__(self):
            super().__init__()
            self.modified_tensor = ember.tensor(10.)
            self.version = 1

        def forward(self, input):
            self.modified_tensor += 1
            return input + self.modified_tensor
    frozen = ember.jit.freeze(ember.jit.script(Counter().eval()), preserved_attrs=['version'])
    assert frozen.version == 1
    frozen.version = 2
    assert frozen(ember.tensor(1)).item() == 12 and frozen(ember.tensor(1)).item() == 13
    assert 'self.modified_tensor' in frozen.code       # assigned by the program: an attribute still


class _Helpers(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = ember.nn.Linear(2, 2)

    @ember.jit.ignore
    def left_to_python(self, x):
        return x * 3

    @ember.jit.unused
    def never_run(self, x):
        return x + 100

    @ember.jit.export
    def bump(self, n: int) -> int:
        return n + 1

    def forward(self, x):
        if self.training:
            return self.never_run(x)
        return self.left_to_python(self.lin(x))


def test_ignore_unused_and_export(tmp_path):
    module = _Helpers().eval()
    scripted = ember.jit.script(module)
    x = ember.ones(1, 2)
    np.testing.assert_allclose(scripted(x).detach().numpy(), (module.lin(x) * 3).detach().numpy())
    assert scripted.bump(3) == 4
    scripted.train()
    with pytest.raises(RuntimeError, match='annotated to be ignored and cannot be run'):
        scripted(x)
    with pytest.raises(RuntimeError, match="Could not export Python function call 'left_to_python'"):
        scripted.save(tmp_path / 'm.pt')


def test_scripting_twice_returns_the_object_and_module_classes_are_refused():
    scripted = ember.jit.script(ember.nn.Linear(2, 2))
    assert ember.jit.script(scripted) is scripted
    with pytest.raises(RuntimeError, match='inherits from nn.Module, pass an instance instead'):    # as PyTorch
        ember.jit.script(_Helpers)
    with pytest.raises(TypeError, match='not a int'):
        ember.jit.script(5)


def test_archive_runs_in_pytorch(models, tmp_path):
    torch = pytest.importorskip('torch')
    warnings.simplefilter('ignore', DeprecationWarning)
    for name in ('Net', 'MLP', 'LSTMModel', 'Gate'):
        buf = io.BytesIO()
        ember.jit.script(models[name]).save(buf)
        loaded = torch.jit.load(io.BytesIO(buf.getvalue()))
        with torch.no_grad():
            got = loaded(torch.from_numpy(example_input(name)))
        _close(_torch_flat(got), _arrays(models[name](ember.tensor(example_input(name)))))


def _torch_flat(out):
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in _torch_flat(o)]
    return [out if isinstance(out, int) else out.numpy()]


def test_a_scripted_function_calls_another_and_unsupported_code_says_what():
    inner = ember.jit.script(scripted_models.make_functions(ember)['gelu'])

    def outer(x):
        return inner(x) * 2
    scripted = ember.jit.script(outer)
    x = ember.tensor([0.5, -1.])
    np.testing.assert_allclose(scripted(x).numpy(), (inner(x) * 2).numpy(), rtol=1e-6)
    # PyTorch's text: the long function name is a constant named at the top
    assert scripted.code == ('def outer(x: Tensor) -> Tensor:\n  _0 = __torch__.tests.jit.scripted_models.gelu\n'
                             '  return torch.mul(_0(x, ), 2)\n')

    def enable_grad_block(x):
        with ember.enable_grad():         # PyTorch refuses it too (TorchScript has no enable_grad)
            return x * 2
    with pytest.raises(RuntimeError, match=r'with statements of torch.no_grad\(\) only'):
        ember.jit.script(enable_grad_block)
    module = ember.jit.script(ember.nn.Linear(2, 2))
    with pytest.raises(AttributeError, match='does not build TorchScript IR graphs'):
        module.graph
    holder = ember.jit.script(ember.nn.Sequential(module))      # a scripted submodule is kept, as PyTorch keeps it
    assert holder._modules['0'] is module
    np.testing.assert_allclose(holder(ember.ones(1, 2)).detach().numpy(), module(ember.ones(1, 2)).detach().numpy())


def test_a_module_holding_scripted_and_traced_modules_keeps_them():
    module = cases(ember)['HoldsTorchScript']
    scripted = ember.jit.script(module)
    assert scripted.gate is module.gate and scripted.cell is module.cell
    assert '(gate).forward(' in scripted.code and '(cell).forward(' in scripted.code     # read first, as PyTorch's
    # the children's classes are in the parent's program: its archive loads alone
    buf = io.BytesIO()
    scripted.save(buf)
    loaded = ember.jit.load(io.BytesIO(buf.getvalue()))
    x = ember.tensor(example_input('HoldsTorchScript'))
    _close(_arrays(loaded(x)), ORACLE['outputs']['HoldsTorchScript'])
    assert loaded.gate.code == module.gate.code


def test_isinstance_is_known_when_compiling():
    def pick(x, n: int):
        if isinstance(x, ember.Tensor) and not isinstance(n, float):
            return x * n
        return x

    scripted = ember.jit.script(pick)
    assert scripted(ember.tensor([1., 2.]), 3).tolist() == [3., 6.]
    assert 'isinstance' not in scripted.code


class _Towers(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.towers = ember.nn.ModuleDict({'a': ember.nn.Linear(3, 2), 'b': ember.nn.Linear(3, 2)})
        self.blocks = ember.nn.ModuleList([ember.nn.Linear(3, 3), ember.nn.Linear(3, 3)])

    def forward(self, x):
        for i in range(len(self.blocks)):
            x = x + 1
        x = self.blocks[-1](x)
        total = ember.zeros(1)
        for name, tower in self.towers.items():
            total = total + tower(x).sum()
        return total


def test_module_dict_and_module_list_length_and_index(tmp_path):
    module = _Towers()
    scripted = ember.jit.script(module)
    x = ember.ones(2, 3)
    np.testing.assert_allclose(scripted(x).detach().numpy(), module(x).detach().numpy(), rtol=1e-6)
    assert 'range(2)' in scripted.code and re.search(r'getattr\(towers\d*, "b"\)', scripted.code)
    scripted.save(tmp_path / 'm.pt')
    np.testing.assert_allclose(ember.jit.load(tmp_path / 'm.pt')(x).detach().numpy(), module(x).detach().numpy(),
                               rtol=1e-6)


def test_returns_at_branch_ends_become_one_return_and_raise_keeps_its_place():
    functions = scripted_models.make_functions(ember)
    nested = ember.jit.script(functions['nested_returns'])
    assert len(re.findall(r'^ *return ', nested.code, re.M)) == 1 and nested.code.endswith('  return _0\n')
    x = ember.ones(2)
    assert [nested(x, n).tolist() for n in (6, 3, 2, 0)] == [[4., 4.], [2., 2.], [2., 2.], [-1., -1.]]
    raises = ember.jit.script(functions['raises'])
    assert 'ops.prim.RaiseException("positive", "builtins.ValueError")' in raises.code
    with pytest.raises(ValueError, match='positive'):
        raises(x)
    assert raises(-x).tolist() == [-1., -1.]


class _ReusedActivation(ember.nn.Module):
    """A submodule called twice, the second time in the return (torchvision's BasicBlock does this with relu):
    its traced code names it once (``relu = self.relu``) and calls it through that name in the return."""
    def __init__(self):
        super().__init__()
        self.lin1 = ember.nn.Linear(3, 3)
        self.lin2 = ember.nn.Linear(3, 3)
        self.relu = ember.nn.ReLU()

    def forward(self, x):
        y = self.lin2(self.relu(self.lin1(x)))
        y += x
        return self.relu(y)


def test_freeze_inlines_a_submodule_the_return_calls_through_a_name():
    ember.manual_seed(0)
    outer = ember.nn.Sequential(_ReusedActivation(), _ReusedActivation()).eval()
    x = ember.randn(2, 3)
    traced = ember.jit.trace(outer, [x])
    assert 'return (relu).forward(' in getattr(traced, '0').code
    frozen = ember.jit.freeze(traced)
    assert '.forward(' not in frozen.code and not frozen._modules
    with ember.no_grad():
        np.testing.assert_allclose(frozen(x).numpy(), outer(x).numpy(), rtol=1e-6)
