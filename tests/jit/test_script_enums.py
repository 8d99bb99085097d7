"""Python Enum classes in ``ember.jit.script``: Enum-typed arguments and defaults, Enum attributes of modules,
``.name``/``.value``, comparisons, ``isinstance`` and Enum results, against what PyTorch's scripted programs
compute and print, and archives with Enum attributes written and read as PyTorch's are
(tests/fixtures/jit/script_enums.json, enums_<module>.pt, tests/fixtures/jit/record_script_enums.py)."""
import json
import os

import numpy as np
import pytest

import ember
from tests.fixtures.jit.record_script_enums import plain, scripted
from tests.jit import script_enum_models as models

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
ORACLE = json.load(open(os.path.join(HERE, 'script_enums.json')))
pytestmark = [pytest.mark.filterwarnings('ignore:`ember.jit.script` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore:`ember.jit.save` is deprecated:DeprecationWarning')]

# programs whose .code ember prints as PyTorch does (opposite's returns from both branches of an if,
# checked's isinstance, which PyTorch refines with an unchecked_cast, and color_names's list of members, which
# PyTorch makes before the statements above the loop, are laid out differently)
SAME_CODE = ('weighted', 'describe', 'scaled', 'resample', 'Resizer', 'Painter', 'through_colors', 'Leveled')


@pytest.fixture(scope='module')
def programs():
    return models.make(ember)


def _same(got, want):
    if isinstance(want, list) and want and isinstance(want[0], list):
        np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-6)
    else:
        assert got == want


@pytest.mark.parametrize('name', list(models.CALLS))
def test_results_are_pytorchs(programs, name):
    program = scripted(ember, programs, name)
    x = ember.tensor([[0.25, 1.5], [-2.0, 3.75]])
    for call, want in zip(models.CALLS[name], ORACLE['outputs'][name]):
        _same(plain(program(*[models.argument(a, x) for a in call])), want)


@pytest.mark.parametrize('name', SAME_CODE)
def test_code_is_pytorchs(programs, name):
    assert scripted(ember, programs, name).code == ORACLE['code'][name]


def test_enum_types_and_defaults_are_written_as_pytorch_writes_them(programs):
    # the signature lines (Enum-typed parameters with their defaults) of every program, modules included
    for name in models.CALLS:
        got, want = scripted(ember, programs, name).code, ORACLE['code'][name]
        assert got.split(') -> ')[0] == want.split(') -> ')[0]


def test_results_are_the_users_own_members(programs):
    opposite = ember.jit.script(models.opposite)
    assert opposite(models.Color.RED) is models.Color.GREEN
    painter = ember.jit.script(programs['Painter']())
    assert painter.color is models.Color.GREEN
    assert models.Color.RED.value == 1 and not hasattr(models.Color, '_archive_source')


@pytest.mark.parametrize('name', ['resample', 'Resizer'])
def test_a_value_that_is_no_member_gets_pytorchs_error(programs, name):
    from tests.fixtures.jit.record_script_enums import error_text
    program = scripted(ember, programs, name)
    x = ember.ones(1)
    for bad, want in zip(models.BAD_ARGUMENTS, ORACLE['errors'][name]):
        assert error_text(program, x, bad) == want


def test_an_int_enum_attribute_is_an_int_as_pytorch_infers_it(programs):
    leveled = ember.jit.script(programs['Leveled']())
    assert type(leveled.level) is int and leveled.level == 3
    assert leveled(ember.ones(2)).dtype == ember.float32
    assert '  level : int\n' in leveled._script_archive.sources['__torch__.tests.jit.script_enum_models']


def test_an_enum_attribute_of_a_module_is_typed_by_its_class(programs):
    resizer = ember.jit.script(programs['Resizer']())
    text = resizer._script_archive.sources['__torch__.tests.jit.script_enum_models']
    assert '  mode : __torch__.tests.jit.script_enum_models.Mode\n' in text
    assert 'class Mode(Enum):\n  NEAREST = "nearest"\n  BILINEAR = "bilinear"\n' in text


class Mixed(__import__('enum').Enum):
    A = 1
    B = 'b'


def takes_mixed(x: ember.Tensor, m: Mixed) -> ember.Tensor:
    return x


def test_members_of_mixed_types_are_refused():
    with pytest.raises(RuntimeError, match=r'Could not unify type list since element 1 of type str did not '
                                           r'match the types before it \(int\)'):
        ember.jit.script(takes_mixed)


@pytest.mark.parametrize('name', [n for n in models.CALLS if n not in models.FUNCTIONS])
def test_pytorchs_archives_load_and_run_with_the_users_members(programs, name):
    loaded = ember.jit.load(os.path.join(HERE, f'enums_{name}.pt'))
    x = ember.tensor([[0.25, 1.5], [-2.0, 3.75]])
    for call, want in zip(models.CALLS[name], ORACLE['outputs'][name]):
        _same(plain(loaded(*[models.argument(a, x) for a in call])), want)
    if name == 'Painter':
        assert loaded.color is models.Color.GREEN and loaded.fallback is models.Color.BLUE


@pytest.mark.parametrize('name', [n for n in models.CALLS if n not in models.FUNCTIONS])
def test_embers_archives_round_trip_and_pytorch_ran_them(programs, name):
    import io
    buf = io.BytesIO()
    ember.jit.save(scripted(ember, programs, name), buf)
    buf.seek(0)
    loaded = ember.jit.load(buf)
    x = ember.tensor([[0.25, 1.5], [-2.0, 3.75]])
    for call, want in zip(models.CALLS[name], ORACLE['outputs'][name]):
        _same(plain(loaded(*[models.argument(a, x) for a in call])), want)
    # what PyTorch's torch.jit.load computed from ember's archive of the module, when recorded
    assert ORACLE['loaded'][name] == ORACLE['outputs'][name]
