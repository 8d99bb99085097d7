"""TorchScript classes and interfaces: ``ember.jit.script`` on a class, classes used by scripted functions and
modules (compiled when met), ``ember.jit.interface`` for classes and modules, ``@unused`` functions called.

PyTorch's side (its ``.code``, its archives' code, its errors, what it computes, and what its ``torch.jit.load``
computes from ember's archives) is in tests/fixtures/jit/script_classes.json and classes_<module>.pt
(tests/fixtures/jit/record_script_classes.py)."""
import io
import json
import os
import re
import zipfile

import numpy as np
import pytest

import ember
from tests.fixtures.jit.record_script_classes import code_files, flat, normalized
from tests.jit import script_class_models as models

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
ORACLE = json.load(open(os.path.join(HERE, 'script_classes.json')))
pytestmark = [pytest.mark.filterwarnings('ignore:`ember.jit.script` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.interface` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning')]


@pytest.fixture(scope='module')
def programs():
    return models.make(ember)


def _close(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float), rtol=1e-5, atol=1e-6)


def _scripted(programs, name, weights=None):
    if name in models.FUNCTIONS:
        return ember.jit.script(programs[name])
    module = programs[name]()
    for p, w in zip(module.parameters(), weights or ()):
        p.data = ember.tensor(w)
    return ember.jit.script(module)


def _archive_code(scripted):
    buf = io.BytesIO()
    ember.jit.save(scripted, buf)
    return code_files(buf.getvalue())


def test_a_scripted_class_is_the_class_itself_and_runs_eagerly(programs):
    assert ember.jit.script(models.Pair) is models.Pair
    p = models.Pair(ember.ones(2), ember.full((2,), 2.))
    assert ember.equal(p.total(), ember.full((2,), 3.)) and p.calls == 1
    assert isinstance(p.scaled(2.), models.Pair)


@pytest.mark.parametrize('name', models.FUNCTIONS)
def test_functions_using_classes_compute_what_pytorch_computes(programs, name):
    _close(flat(ember.jit.script(programs[name])(*models.args(ember, name))), ORACLE['outputs'][name])


@pytest.mark.parametrize('name', models.FUNCTIONS + models.MODULES)
def test_pytorch_runs_embers_archives(programs, name):
    """PyTorch's torch.jit.load ran ember's archive of the program (module weights recorded alongside): ember's
    scripted program computes the same."""
    scripted = _scripted(programs, name, ORACLE['outputs'].get(f'ember.{name}.weights'))
    with ember.no_grad():
        _close(flat(scripted(*models.args(ember, name))), ORACLE['outputs'][f'ember.{name}'])


@pytest.mark.parametrize('name', models.MODULES)
def test_ember_runs_pytorchs_archives(name):
    loaded = ember.jit.load(os.path.join(HERE, f'classes_{name}.pt'))
    with ember.no_grad():
        _close(flat(loaded(*models.args(ember, name))), ORACLE['outputs'][name])


def _objects_made(code):
    return re.findall(r'^ *\w+ = (__torch__[\w.]+)\.__new__\(\1\)$', code, re.M)


def _methods_called(code):
    return sorted(re.findall(r'\)\.(\w+)\(', code))


@pytest.mark.parametrize('name', models.FUNCTIONS + models.MODULES)
def test_code_makes_objects_and_calls_methods_as_pytorchs(programs, name):
    code = _scripted(programs, name).code
    want = ORACLE['code'][name]
    assert code[:code.index(':\n')] == want[:want.index(':\n')]         # the signature
    assert _objects_made(code) == _objects_made(want)
    assert _methods_called(code) == _methods_called(want)


def _classes(files):
    """{class name: (its first line, its attribute lines, its method headers)} of an archive's code files;
    an interface's text whole."""
    found = {}
    for text in files.values():
        for block in re.split(r'\n(?=class |def )', text):
            if not block.startswith('class '):
                continue
            lines = block.rstrip('\n').split('\n')
            if lines[0].endswith('Interface):'):
                found[lines[0]] = block.rstrip('\n')
                continue
            attributes = [line for line in lines[1:] if re.match(r'  \w+ : ', line) and 'Final' not in line and
                          '_is_full_backward_hook' not in line]
            headers = re.findall(r'^  def (\w+\([^)]*\) -> [^:]+):$', block.replace(',\n    ', ', '), re.M)
            found[lines[0]] = (attributes, headers)
    return found


@pytest.mark.parametrize('name', models.MODULES)
def test_archives_declare_pytorchs_classes_and_interfaces(programs, name):
    """The classes an archive holds: attributes typed and methods declared as PyTorch's; interfaces written as
    PyTorch writes them. (PyTorch reads attributes into variables before using them, ``a = self.a``; ember
    uses them in place, so the method bodies are not compared.)"""
    got, want = _classes(_archive_code(_scripted(programs, name))), _classes(ORACLE['archive'][name])
    assert got == want


def test_objects_a_program_returns_are_objects_of_the_users_class(programs):
    made = ember.jit.script(programs['make_pair'])
    p = made(ember.ones(2))
    assert type(p) is models.Pair
    assert ember.equal(p.b, ember.full((2,), 4.)) and p.calls == 0
    assert ember.equal(p.total(), ember.full((2,), 5.))


@pytest.mark.parametrize('name', sorted(ORACLE['errors']))
def test_what_pytorch_refuses_ember_refuses_alike(name):
    models.make(ember)
    want = ORACLE['errors'][name]
    with pytest.raises(Exception) as info:
        models.refused(ember)[name]()
    assert [type(info.value).__name__, normalized(str(info.value))] == want


def test_a_call_of_an_unused_function_raises_when_reached():
    @ember.jit.unused
    def helper(x: ember.Tensor) -> ember.Tensor:
        return x + 1

    def calls(x, go: bool):
        if go:
            return helper(x)
        return x

    scripted = ember.jit.script(calls)
    assert ember.equal(scripted(ember.ones(1), False), ember.ones(1))
    with pytest.raises(RuntimeError, match='This Python function is annotated to be ignored and cannot be run'):
        scripted(ember.ones(1), True)
    assert ember.equal(helper(ember.ones(1)), ember.full((1,), 2.))       # eagerly it runs as written


def test_objects_are_not_made_where_only_some_paths_would_make_them():
    def in_condition(n: int):
        i = 0
        while models.Counter(i).count < n:
            i += 1
        return i

    with pytest.raises(RuntimeError, match="inside a while loop's condition"):
        ember.jit.script(in_condition)


def test_an_archive_with_classes_loads_back_into_ember(programs, tmp_path):
    scripted = _scripted(programs, 'PairModule')
    ember.jit.save(scripted, tmp_path / 'm.pt')
    loaded = ember.jit.load(tmp_path / 'm.pt')
    x = models.args(ember, 'PairModule')[0]
    with ember.no_grad():
        assert ember.allclose(loaded(x), scripted(x))
    names = zipfile.ZipFile(tmp_path / 'm.pt').namelist()
    assert any(n.endswith('code/__torch__/tests/jit/script_class_models.py') for n in names)


def test_a_module_class_is_refused_as_pytorch_refuses_it():
    with pytest.raises(RuntimeError) as info:
        ember.jit.script(ember.nn.Linear)
    assert str(info.value) == ("Type '<class 'ember.nn.modules.linear.Linear'>' cannot be compiled since it inherits "
                               "from nn.Module, pass an instance instead")
