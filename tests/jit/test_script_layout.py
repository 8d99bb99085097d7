"""Scripted ``.code`` laid out as PyTorch's printer lays it out, for bodies whose ``if``s and ``for ... in
range(...)`` loops have straight bodies and give (carry) at most one variable, computations nobody uses dropped: reads of
``self``'s attributes named after them, reassigned variables renamed (``x0``), unused results assigned to ``_0``,
values used once written where they are used, long expressions split out; tensor indexing written as the
``torch.select``/``torch.slice`` calls it is. PyTorch's ``.code`` of the programs of
tests/jit/layout_models.py is in tests/fixtures/jit/script_layout.json (tests/fixtures/jit/record_script_layout.py).

Two programs differ in what is not layout: PyTorch's GRU has two ``forward`` overloads (``forward__0``), and
PyTorch leaves out trailing arguments equal to their defaults (``torch.cat(acc)`` for ``torch.cat(acc, 0)``)."""
import json
import os

import pytest

import ember
from tests.jit import layout_models

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
ORACLE = json.load(open(os.path.join(HERE, 'script_layout.json')))
pytestmark = pytest.mark.filterwarnings('ignore:`ember.jit.script` is deprecated:DeprecationWarning')
EXACT = ('Net', 'Affine', 'reassigned', 'long_expression', 'used_twice', 'indexed', 'printed', 'branch', 'Halved', 'doubled',
         'accumulated')
PROGRAMS = layout_models.make(ember)


def _scripted(name):
    program = PROGRAMS[name]
    return ember.jit.script(program() if isinstance(program, type) else program)


@pytest.mark.parametrize('name', EXACT)
def test_code_is_pytorchs_text(name):
    assert _scripted(name).code == ORACLE[name]


def test_the_rest_differs_only_where_the_docstring_says():
    assert _scripted('Recurrent').code == ORACLE['Recurrent'].replace('forward__0(', 'forward(')
    assert _scripted('collected').code == ORACLE['collected'].replace('torch.cat(acc)', 'torch.cat(acc, 0)')


def test_laid_out_programs_compute_what_they_computed():
    x, y = ember.randn(3, 4), ember.randn(3, 4)
    for name in ('reassigned', 'long_expression', 'used_twice', 'collected'):
        fn = PROGRAMS[name]
        args = (x, y) if name in ('reassigned', 'long_expression') else (x,)
        got, want = _scripted(name)(*args), fn(*args)
        for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            assert ember.allclose(g, w)
    cube = ember.arange(24.).reshape(2, 3, 4)
    for g, w in zip(_scripted('indexed')(cube, 1), PROGRAMS['indexed'](cube, 1)):      # select/slice as indexing
        assert ember.equal(g, w)
    assert ember.equal(_scripted('doubled')(x, 3), x * 8)
    assert ember.allclose(_scripted('accumulated')(x, 3), PROGRAMS['accumulated'](x, 3))
    for flag in (True, False):
        assert ember.allclose(_scripted('branch')(x, flag), PROGRAMS['branch'](x, flag))
    halved = PROGRAMS['Halved']()
    for mode in (True, False):
        halved.train(mode)
        assert ember.allclose(ember.jit.script(halved)(x), halved(x))
    module = PROGRAMS['Net']()
    assert ember.allclose(ember.jit.script(module)(x), module(x))


def test_item_assignment_to_a_tensor_still_assigns():
    def assigns(x):
        y = x.clone()
        y[0] = 5.0
        y[:, 1] = x[:, 2]
        return y
    x = ember.arange(6.).reshape(2, 3)
    assert ember.equal(ember.jit.script(assigns)(x), ember.tensor([[5., 2., 5.], [3., 5., 5.]]))
