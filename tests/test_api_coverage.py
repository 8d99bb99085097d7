"""ember against PyTorch's public API list, as a ratchet towards 97 % of every namespace.

``tests/fixtures/torch_api.json`` (written by ``scripts/record_torch_api.py`` under real PyTorch) lists
every public function, method, property, class and submodule of PyTorch's namespaces with their
signatures. Each ``torch.X.name`` must exist as ``ember.X.name`` (``torch.Tensor`` -> ``ember.Tensor``)
unless ``tests/api_exclusions.py`` excludes it with a reason, and where both sides expose a
signature they must agree. ember is not complete yet, so ``tests/fixtures/api_not_yet_implemented.txt``
names every name still missing (``missing``) and every signature still differing (``signature``),
and records a coverage floor per namespace. The tests fail when

  (a) a name is missing that is neither excluded nor listed as not yet implemented;
  (b) a signature differs and is not listed;
  (c) a listed name now exists and agrees (take it off the list: the list only shrinks);
  (d) a namespace's coverage (names present with an agreeing signature, as a percentage of its
      non-excluded names) falls below its floor.

The target is 97 % of the non-excluded names of every namespace; a namespace that has reached it
keeps 97 % as its floor.

After adding ops, or after rebasing onto a main where others did, regenerate the list (one command,
no PyTorch needed) and commit it with your change. A rebase conflict in that file is resolved the
same way: run the command on the conflicted file (it skips the conflict markers), then ``git add`` it::

    python -m tests.test_api_coverage --update      # rewrites tests/fixtures/api_not_yet_implemented.txt
    python -m tests.test_api_coverage               # prints the coverage per namespace

``--update`` never lowers a floor; it refuses, naming the namespace, unless given ``--lower-floors``
(say why in the commit message).

Signature rules. PyTorch's signature may have several overloads (recorded from its type stubs,
checked against its argument parser, or from its docstrings); ember's
single Python signature must accept every call each overload accepts, and nothing PyTorch lacks:

* a positional parameter of PyTorch's sits at the same position in ember's signature and, unless
  PyTorch makes it positional-only, has the same name and is not positional-only there; where
  PyTorch's overloads name one position differently (``Tensor.max(dim)``, ``Tensor.max(other)``),
  ember's name there is one of those names;
* PyTorch's ``*args`` (``Tensor.view(*size)``) needs ember's ``*args`` (any name); an overload
  taking the same name as one sequence (``view(size)``) is then taken to be served by that
  ``*args`` too (PyTorch also accepts ``size=`` by keyword there; ember need not); PyTorch's
  ``**kwargs`` needs ember's ``**kwargs``; a PyTorch parameter beyond ember's positional ones is
  accepted by ember's ``*args`` only if PyTorch does not allow it by keyword either;
* a keyword-only parameter of PyTorch's may be keyword-only or positional-or-keyword in ember;
* where PyTorch gives a default, ember gives an equal one (literals compare by value,
  ``torch.strided`` compares to ``ember.strided``, ``...`` in PyTorch's stubs asks for any default),
  or ``NOT_GIVEN`` (``ember/ops/_numpy_keywords.py``), which tells an omitted argument from one given
  with the default's value where PyTorch's parser binds them to different overloads (``std(x)`` and
  ``std(x, unbiased=True)`` record different nodes) and behaves as the omitted argument;
  ember may give a default where PyTorch's overload has none (another overload usually makes it
  optional);
* ember's required positional parameters do not outnumber PyTorch's;
* every named parameter of ember's appears in some overload of PyTorch's, except names starting
  with ``_`` and, on ``Tensor`` methods, ``out`` (ember binds ``torch.name``'s function as the method);
  a keyword-only parameter may also carry NumPy's name for a parameter some overload has (``axis``
  for ``dim``, ``keepdims`` for ``keepdim``, ``x``/``a``/``x1`` for ``input``, ``x2`` for ``other``)
  where PyTorch's argument parser handles the function (it is in the parser's recorded table,
  ``ember/ops/_signatures.json``): that parser takes those names too;
* operator methods (``__add__``, ``__getitem__``) are reached through Python's syntax, so only
  their existence is checked;
* a default may equal the one of any overload naming that parameter (``conv2d``'s ``padding=0``
  and ``padding='valid'``);
* a ``Tensor`` method's first parameter (``self``, or ``input`` where ember binds the function) is
  not compared; a signature that is only ``(*args, **kwargs)`` on either side is not compared, nor is
  an overload of PyTorch's that is only that when others are documented.
"""
import ast
import fnmatch
import importlib
import inspect
import json
import math
import re
import sys
from functools import lru_cache
from pathlib import Path

from tests.api_exclusions import EXCLUDED

DATA = Path(__file__).resolve().parent / 'fixtures'
API_FILE = DATA / 'torch_api.json'
NOT_YET_FILE = DATA / 'api_not_yet_implemented.txt'
TARGET = 97.0

_ABSENT = object()

# NumPy's keyword names PyTorch's argument parser takes for a parameter whose own name is not given
NUMPY_NAMES = {'axis': 'dim', 'keepdims': 'keepdim', 'x': 'input', 'a': 'input', 'x1': 'input', 'x2': 'other'}


# ---------------------------------------------------------------- the recorded list and ember's side

@lru_cache(maxsize=None)
def _record():
    return json.loads(API_FILE.read_text())


def _namespace_of(path, namespaces):
    """The longest recorded namespace that ``path`` is a name of."""
    parent = path.rsplit('.', 1)[0]
    return parent if parent in namespaces else _namespace_of(parent, namespaces)


@lru_cache(maxsize=None)
def _parser_table():
    return json.loads((Path(__file__).resolve().parent.parent / 'ember' / 'ops' / '_signatures.json').read_text())


def _parsed_natively(path):
    """Whether PyTorch's argument parser handles ``path`` (a function or Tensor method written in C)."""
    parent, _, name = path.rpartition('.')
    namespace = {'torch': 'torch', 'torch.Tensor': 'Tensor'}.get(parent)
    if namespace is None and parent in ('torch.linalg', 'torch.fft', 'torch.special'):
        namespace, name = parent[6:], f'{parent[6:]}_{name}'
    return namespace is not None and name in _parser_table().get(namespace, {})


@lru_cache(maxsize=None)
def _exclusion_regexes():
    return [(re.compile(fnmatch.translate(pattern)), pattern) for pattern in EXCLUDED]


def _excluded(path):
    """The exclusion pattern covering ``path``, or None."""
    for regex, pattern in _exclusion_regexes():
        if regex.match(path):
            return pattern
    return None


@lru_cache(maxsize=None)
def _ember_namespace(torch_ns):
    """ember's object for a PyTorch namespace (``torch.nn.utils.rnn`` -> ``ember.nn.utils.rnn``), or None."""
    import ember
    if torch_ns == 'torch':
        return ember
    if torch_ns == 'torch.Tensor':
        return ember.Tensor
    name = 'ember' + torch_ns[len('torch'):]
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@lru_cache(maxsize=None)
def _sample_tensor():
    import ember
    return ember.tensor([1.0])


def _ember_object(torch_ns, name, kind):
    if kind == 'module':
        # imported, not looked up: whether a submodule is an attribute of its package depends on
        # what else has been imported, and the answer must not depend on which tests ran before
        module = _ember_namespace(f'{torch_ns}.{name}') if torch_ns != 'torch.Tensor' else None
        return _ABSENT if module is None else module
    ns = _ember_namespace(torch_ns)
    if ns is None:
        return _ABSENT
    if kind == 'property':
        # a property may be a class attribute or set per instance
        found = inspect.getattr_static(ns, name, _ABSENT)
        if found is _ABSENT:
            try:
                getattr(_sample_tensor(), name)
            except AttributeError:
                return _ABSENT
            except Exception:   # exists, but refuses this particular tensor
                return None
        return found
    try:
        return getattr(ns, name)
    except AttributeError:
        return _ABSENT
    except Exception:   # a lazily loaded submodule that raises: it exists
        return None


# ---------------------------------------------------------------- signatures

class _Param:
    __slots__ = ('name', 'kind', 'default')

    def __init__(self, name, kind, default):
        self.name, self.kind, self.default = name, kind, default   # kind: 'p' 'pk' 'k' '*' '**'

    @property
    def positional(self):
        return self.kind in ('p', 'pk')


def _torch_params(strings):
    """Parameters of a recorded overload (parameter strings in Python syntax)."""
    params, kind = [], 'pk'
    for s in strings:
        if s == '/':
            for p in params:
                p.kind = 'p'
        elif s == '*':
            kind = 'k'
        elif s.startswith('**'):
            params.append(_Param(s[2:], '**', None))
        elif s.startswith('*'):
            params.append(_Param(s[1:], '*', None))
            kind = 'k'
        else:
            name, eq, default = s.partition('=')
            params.append(_Param(name, kind, default if eq else None))
    return params


_KINDS = {inspect.Parameter.POSITIONAL_ONLY: 'p', inspect.Parameter.POSITIONAL_OR_KEYWORD: 'pk',
          inspect.Parameter.KEYWORD_ONLY: 'k', inspect.Parameter.VAR_POSITIONAL: '*',
          inspect.Parameter.VAR_KEYWORD: '**'}


def _ember_params(obj, is_method):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = [_Param(p.name, _KINDS[p.kind], _ABSENT if p.default is p.empty else p.default)
              for p in sig.parameters.values()]
    if is_method and params and params[0].positional and not isinstance(obj, type):
        unbound = inspect.getattr_static(obj, '__self__', None) is None
        if unbound:
            params = params[1:]
    return params


def _generic(params):
    return all(p.kind in ('*', '**') for p in params) and params


def _same_default(torch_text, ember_value):
    """Whether ember's default equals PyTorch's recorded one (source text or repr)."""
    if ember_value is _ABSENT:
        return False
    if torch_text == '...':   # PyTorch's stub does not show the value
        return True
    from ember.ops._numpy_keywords import NOT_GIVEN
    if ember_value is NOT_GIVEN:    # the op behaves as PyTorch's with the argument omitted
        return True
    try:
        expected = ast.literal_eval(torch_text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        if torch_text.startswith('torch.'):
            import ember
            target = ember
            for part in torch_text.split('.')[1:]:
                target = getattr(target, part, _ABSENT)
            if target is not _ABSENT:
                return target is ember_value or target == ember_value
            # not a plain dotted name (``torch.Size([])``): compare the reprs below
        shown = re.sub(r' at 0x[0-9a-f]+', '', repr(ember_value))   # the recorder drops addresses too
        if inspect.isfunction(ember_value):   # a public function may keep a private qualname for pickling
            shown = f'<function {ember_value.__name__}>'
        # PyTorch's C types (torch._C.Generator) are plain ember classes (ember.Generator)
        return torch_text.replace('torch._C.', 'ember.').replace('torch.', 'ember.') == shown.replace('torch.', 'ember.')
    if isinstance(expected, bool) or isinstance(ember_value, bool):
        return type(expected) is type(ember_value) and expected == ember_value
    if isinstance(expected, float) and isinstance(ember_value, (int, float)) and math.isnan(expected):
        return math.isnan(ember_value)
    try:
        return bool(expected == ember_value)
    except Exception:
        return False


def _check_overload(tparams, eparams, defaults, names_at):
    """Why ember's parameters cannot take every call PyTorch's overload takes (None if they can).
    ``defaults`` maps a parameter name to its defaults in all of PyTorch's overloads, ``names_at`` a
    position to the names PyTorch's overloads give it."""
    e_pos = [p for p in eparams if p.positional]
    e_by_name = {p.name: p for p in eparams if p.kind in ('pk', 'k')}
    e_var = any(p.kind == '*' for p in eparams)
    e_varkw = any(p.kind == '**' for p in eparams)
    t_pos = [p for p in tparams if p.positional]
    for i, t in enumerate(t_pos):
        if i < len(e_pos):
            e = e_pos[i]
            if t.kind == 'pk' and (e.name not in names_at.get(i, {t.name}) or e.kind == 'p'):
                return f"positional parameter {i + 1} is '{t.name}' in PyTorch, '{e.name}' ({e.kind}) in ember"
        elif not e_var:
            return f"ember takes {len(e_pos)} positional parameters, PyTorch's '{t.name}' is number {i + 1}"
        elif t.kind == 'pk' and t.name not in e_by_name and not e_varkw:
            return f"PyTorch's '{t.name}' can be passed by keyword, ember takes it only through *args"
    for t in tparams:
        if t.kind == '*' and not e_var:
            return f"PyTorch takes *{t.name}, ember has no *args"
        if t.kind == '**' and not e_varkw:
            return f"PyTorch takes **{t.name}, ember has no **kwargs"
        if t.kind == 'k' and t.name not in e_by_name and not e_varkw:
            return f"ember lacks keyword '{t.name}'"
    for t in tparams:
        if t.default is None or t.kind in ('*', '**'):
            continue
        e = e_by_name.get(t.name)
        if e is None and t.kind in ('p', 'pk'):
            index = t_pos.index(t)
            e = e_pos[index] if index < len(e_pos) else None
        if e is not None and not any(_same_default(d, e.default) for d in defaults.get(t.name, [t.default])):
            shown = 'no default' if e.default is _ABSENT else f'{e.default!r}'
            return f"default of '{t.name}' is {t.default} in PyTorch, {shown} in ember"
    required = [p for p in e_pos if p.default is _ABSENT]
    if len(required) > len(t_pos) and not any(t.kind == '*' for t in tparams):
        return f"ember requires {len(required)} positional parameters, PyTorch's overload has {len(t_pos)}"
    return None


def signature_difference(overloads, obj, kind, name='', numpy_names=False):
    """None when ember's ``obj`` agrees with PyTorch's recorded ``overloads``, else the reason
    (``numpy_names``: PyTorch's argument parser handles it, so NumPy's keyword names are allowed)."""
    if not overloads or kind not in ('function', 'method', 'class'):
        return None
    if kind == 'method' and name.startswith('__'):
        return None   # operators: Python's syntax calls them, never by keyword
    is_method = kind == 'method'
    eparams = _ember_params(obj, is_method)
    if eparams is None or _generic(eparams):
        return None
    parsed = [_torch_params(o) for o in overloads]
    specific = [p for p in parsed if not _generic(p)]
    if any(p.kind == '*' for p in eparams):
        # ``view(size)`` next to ``view(*size)``: ember's *args takes the sequence form too
        starred = {p.name for o in specific for p in o if p.kind == '*'}
        specific = [o for o in specific if not any(p.positional and p.name in starred for p in o)]
    if not specific:
        return None
    known = {p.name for o in specific for p in o}
    for e in eparams:
        if e.kind in ('pk', 'k') and e.name not in known and not e.name.startswith('_') \
                and not (is_method and e.name == 'out') \
                and not (numpy_names and e.kind == 'k' and NUMPY_NAMES.get(e.name) in known):
            return f"ember accepts '{e.name}', PyTorch does not"
    defaults = {}
    for o in specific:
        for p in o:
            if p.default is not None:
                defaults.setdefault(p.name, []).append(p.default)
    names_at = {}
    for o in specific:
        for i, p in enumerate(p for p in o if p.positional):
            names_at.setdefault(i, set()).add(p.name)
    for tparams in specific:
        reason = _check_overload(tparams, eparams, defaults, names_at)
        if reason:
            return reason if len(specific) == 1 else f'{reason} (overload {" ,".join(s for s in overloads[parsed.index(tparams)])})'
    return None


# ---------------------------------------------------------------- the survey

@lru_cache(maxsize=None)
def survey():
    """Every recorded name's state: ``excluded``, ``missing``, ``signature`` (differs) or ``ok``.

    Returns ``{path: (namespace, state, detail)}``."""
    record = _record()
    namespaces = set(record['namespaces'])
    result = {}
    for path, kind, overloads in record['entries']:
        ns = _namespace_of(path, namespaces)
        pattern = _excluded(path)
        if pattern:
            result[path] = (ns, 'excluded', EXCLUDED[pattern])
            continue
        obj = _ember_object(ns, path[len(ns) + 1:], kind)
        if obj is _ABSENT:
            result[path] = (ns, 'missing', '')
            continue
        reason = signature_difference(overloads, obj, kind, path.rsplit('.', 1)[1],
                                      _parsed_natively(path)) if obj is not None else None
        result[path] = (ns, 'signature', reason) if reason else (ns, 'ok', '')
    return result


def coverage():
    """``{namespace: (covered, counted)}``: names present with an agreeing signature, non-excluded names."""
    counts = {ns: [0, 0] for ns in _record()['namespaces']}
    for ns, state, _ in survey().values():
        if state != 'excluded':
            counts[ns][1] += 1
            counts[ns][0] += state == 'ok'
    return {ns: tuple(c) for ns, c in counts.items()}


def _percent(covered, counted):
    return 100.0 * covered / counted if counted else 100.0


def read_not_yet():
    """The not-yet-implemented file: ``({path: 'missing'|'signature'}, {namespace: floor})``."""
    listed, floors = {}, {}
    if not NOT_YET_FILE.exists():
        return listed, floors
    for line in NOT_YET_FILE.read_text().splitlines():
        words = line.split('#', 1)[0].split()
        if len(words) < 2 or words[0] not in ('floor', 'missing', 'signature'):
            continue   # blank, or a merge-conflict marker: --update rewrites the file from scratch
        word, name, *rest = words
        if word == 'floor':
            floors[name] = max(float(rest[0]), floors.get(name, 0.0))   # both sides of a conflict: the higher
        else:
            listed[name] = word
    return listed, floors


def coverage_table():
    lines = [f'{"namespace":32} {"covered":>8} {"of":>6} {"percent":>8}  (target {TARGET:g} %)']
    total = [0, 0]
    for ns, (covered, counted) in coverage().items():
        total[0] += covered
        total[1] += counted
        lines.append(f'{ns:32} {covered:8d} {counted:6d} {_percent(covered, counted):7.1f}%')
    lines.append(f'{"all":32} {total[0]:8d} {total[1]:6d} {_percent(*total):7.1f}%')
    return '\n'.join(lines)


# ---------------------------------------------------------------- the tests

def test_exclusions_have_reasons_and_match_recorded_names():
    used = {_excluded(path) for path, state in survey().items() if state[1] == 'excluded'}
    for pattern, reason in EXCLUDED.items():
        assert isinstance(reason, str) and len(reason.split()) >= 2, f'exclusion {pattern!r} needs a reason'
        assert pattern in used, f'exclusion {pattern!r} matches no recorded PyTorch name (or an earlier one covers it)'


def test_no_new_gaps():
    """(a) and (b): every gap is on the not-yet-implemented list."""
    listed, _ = read_not_yet()
    unlisted = [f'{state} {path}: {detail}' if detail else f'{state} {path}'
                for path, (_, state, detail) in sorted(survey().items())
                if state in ('missing', 'signature') and listed.get(path) != state]
    assert not unlisted, ('PyTorch names missing from ember or with a differing signature (implement them, '
                          'or run `python -m tests.test_api_coverage --update` if they are known gaps):\n'
                          + '\n'.join(unlisted))


def test_not_yet_list_only_shrinks():
    """(c): a listed gap that is closed comes off the list (and a stale line is an error too)."""
    listed, _ = read_not_yet()
    states = survey()
    closed = sorted(path for path, word in listed.items()
                    if path not in states or states[path][1] != word)
    assert not closed, ('these names are no longer gaps of that kind; run `python -m tests.test_api_coverage '
                        '--update` to take them off tests/fixtures/api_not_yet_implemented.txt:\n' + '\n'.join(closed))


def test_coverage_floors():
    """(d): no namespace falls below its recorded floor; printed with ``pytest -s``."""
    print('\n' + coverage_table())
    _, floors = read_not_yet()
    cov = coverage()
    assert set(floors) == set(cov), 'every namespace needs a floor: run `python -m tests.test_api_coverage --update`'
    below = [f'{ns}: {_percent(*cov[ns]):.1f} % < floor {floor} %' for ns, floor in floors.items()
             if _percent(*cov[ns]) + 1e-9 < floor]
    assert not below, 'API coverage fell:\n' + '\n'.join(below)


def test_signature_rules():
    """The comparison itself, on small cases (so a bug in it cannot hide gaps)."""
    def f(input, other, *, alpha=1, out=None): ...
    assert signature_difference([['input', 'other', '*', 'alpha=1', 'out=None']], f, 'function') is None
    assert 'alpha' in signature_difference([['input', 'other', '*', 'alpha=2', 'out=None']], f, 'function')
    assert "'out'" in signature_difference([['input', 'other', '*', 'alpha=1']], f, 'function')
    assert 'beta' in signature_difference([['input', 'other', '*', 'alpha=1', 'beta=2', 'out=None']], f, 'function')

    def view(input, *shape): ...
    assert signature_difference([['*shape'], ['dtype']], view, 'method') is None

    def reshape(input, *shape): ...
    assert 'keyword' in signature_difference([['input', 'shape']], reshape, 'function')

    def g(input, dim=None, keepdim=False, *, dtype=None): ...
    assert signature_difference([['input', '*', 'dtype=None'], ['input', 'dim', 'keepdim=False', '*', 'dtype=None']],
                                g, 'function') is None
    assert 'keepdim' in signature_difference([['input', 'dim', 'keepdim=True', '*', 'dtype=None']], g, 'function')

    def h(input, extra=3): ...
    assert "'extra'" in signature_difference([['input']], h, 'function')

    def m(input, dim=None, keepdim=False): ...
    assert signature_difference([['input', 'dim', 'keepdim=False'], ['input', 'other']], m, 'function') is None
    assert 'positional parameter 2' in signature_difference([['input', 'other', 'dim=None', 'keepdim=False']], m, 'function')

    def n(input, dim=None, keepdim=False, *, axis=None, keepdims=None): ...
    assert signature_difference([['input', 'dim=None', 'keepdim=False']], n, 'function', 'n', numpy_names=True) is None
    assert "'axis'" in signature_difference([['input', 'dim=None', 'keepdim=False']], n, 'function', 'n')

    def n2(input, dim=None, axis=None): ...      # a NumPy name taken positionally: PyTorch's parser never does
    assert "'axis'" in signature_difference([['input', 'dim=None']], n2, 'function', 'n2', numpy_names=True)

    def n3(input, dim=None, *, keepdims=None): ...
    assert "'keepdims'" in signature_difference([['input', 'dim=None']], n3, 'function', 'n3', numpy_names=True)

    def k(x, /, y): ...
    assert signature_difference([['a', '/', 'y']], k, 'function') is None
    assert 'positional parameter 1' in signature_difference([['a', 'y']], k, 'function')


# ---------------------------------------------------------------- the one-command update

def write_not_yet(allow_lower=False):
    states = survey()
    _, old_floors = read_not_yet()
    cov = coverage()
    floors, refused = {}, []
    for ns, counts in cov.items():
        percent = _percent(*counts)
        floor = TARGET if percent >= TARGET else math.floor(percent * 10) / 10
        if floor < old_floors.get(ns, 0.0) and not allow_lower:
            refused.append(f'{ns}: {percent:.1f} % < floor {old_floors[ns]} %')
        floors[ns] = floor
    if refused:
        raise SystemExit('coverage fell below the recorded floor (pass --lower-floors to accept):\n'
                         + '\n'.join(refused))
    lines = ['# PyTorch names ember does not provide yet, and signatures that still differ from PyTorch\'s.',
             '# Generated: python -m tests.test_api_coverage --update   (see tests/test_api_coverage.py)',
             '# floor <namespace> <percent>: coverage may not fall below it; 97 once a namespace reaches it.']
    lines += [f'floor {ns} {floors[ns]:g}' for ns in cov]
    for path, (_, state, detail) in sorted(states.items()):
        if state in ('missing', 'signature'):
            lines.append(f'{state} {path}' + (f'  # {detail}' if detail else ''))
    NOT_YET_FILE.write_text('\n'.join(lines) + '\n')


def main(argv):
    if '--update' in argv:
        write_not_yet(allow_lower='--lower-floors' in argv)
        print(f'wrote {NOT_YET_FILE}')
    print(coverage_table())


if __name__ == '__main__':
    main(sys.argv[1:])
