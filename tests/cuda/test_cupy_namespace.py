"""ember asks of CuPy only what CuPy has, and only ember/backend/ knows CuPy exists.

The names come from tests/fixtures/cupy_namespace.json, recorded from the CuPy package by
scripts/record_cupy_namespace.py, so these tests need no CuPy.
"""
import json
import pathlib
import re

from tests.cuda import strict_xp

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMES = json.loads((ROOT / 'tests' / 'fixtures' / 'cupy_namespace.json').read_text())['namespaces']
SUBMODULES = ('linalg', 'fft', 'random')
_USE = re.compile(r'\bxp\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?')


def _sources():
    return sorted((ROOT / 'ember').rglob('*.py'))


def xp_names_used():
    """Every ``xp.<name>`` (and ``xp.linalg.<name>``...) written in ember's sources, with where."""
    used = {}
    for path in _sources():
        for m in _USE.finditer(path.read_text()):
            head, tail = m.groups()
            name = f'{head}.{tail}' if head in SUBMODULES + ('lib',) and tail else head
            used.setdefault(name, path.relative_to(ROOT).as_posix())
    return used


def in_cupy(name):
    head, _, tail = name.partition('.')
    if not tail:
        return head in NAMES['cupy']
    if head == 'lib':
        return tail in ('stride_tricks',)
    return tail in NAMES[f'cupy.{head}']


def test_every_xp_name_ember_uses_exists_in_cupy():
    used = xp_names_used()
    assert len(used) > 100  # the scan sees ember's array code
    missing = {n: where for n, where in used.items() if not in_cupy(n)}
    assert not missing, f'not in CuPy {json.loads(json.dumps(missing))}'


def test_the_check_catches_a_numpy_only_name():
    assert in_cupy('matmul') and in_cupy('linalg.solve') and in_cupy('fft.rfft')
    assert not in_cupy('errstate') and not in_cupy('nanquantile') and not in_cupy('linalg.nonexistent')


def test_stand_in_exposes_only_cupy_names():
    public = {n for n in vars(strict_xp.xp) if not n.startswith('_')}
    extra = public - set(NAMES['cupy'])
    assert not extra, extra
    for sub in ('linalg', 'fft'):
        names = {n for n in vars(getattr(strict_xp.xp, sub)) if not n.startswith('_')}
        assert names <= set(NAMES[f'cupy.{sub}']), names - set(NAMES[f'cupy.{sub}'])
    assert not hasattr(strict_xp.xp, 'errstate')  # a NumPy name CuPy lacks stays absent


def test_only_backend_imports_cupy():
    pattern = re.compile(r'^\s*(import|from)\s+cupyx?\b|__import__\([\'"]cupyx?', re.M)
    offenders = [p.relative_to(ROOT).as_posix() for p in _sources()
                 if 'backend' not in p.relative_to(ROOT).parts and pattern.search(p.read_text())]
    assert not offenders, offenders
