"""How much of ember's public API is documented, per namespace, and a floor it may not fall below.

For every public function, class and method PyTorch lists (tests/fixtures/torch_api.json) that ember
provides, counts those with a docstring of their own and those whose docstring has a runnable
``>>>`` example (tests/test_doctests.py runs them). The floors in
tests/fixtures/docstring_floors.json only rise: regenerate them after documenting more with
``python -m tests.test_docstring_coverage --update``; run as a script to see the table.
"""
import inspect
import json
import os
import sys

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
API = os.path.join(HERE, 'fixtures', 'torch_api.json')
FLOORS = os.path.join(HERE, 'fixtures', 'docstring_floors.json')
CALLABLE_KINDS = ('function', 'class', 'method', 'builtin')


def _resolve(path):
    obj = ember
    for part in path.split('.')[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _own_doc(obj):
    doc = getattr(obj, '__doc__', None)
    if not doc or not doc.strip():
        return None
    if not inspect.isclass(obj) and doc is getattr(type(obj), '__doc__', None):
        return None             # an instance (a dtype, a partial) showing its class's docstring
    return doc


def coverage():
    """{namespace: [names provided, with a docstring, with an example]}."""
    with open(API) as f:
        entries = json.load(f)['entries']
    table = {}
    for name, kind, _signatures in entries:
        if kind not in CALLABLE_KINDS:
            continue
        obj = _resolve(name)
        if obj is None:
            continue
        row = table.setdefault(name.rsplit('.', 1)[0].replace('torch', 'ember', 1), [0, 0, 0])
        doc = _own_doc(obj)
        row[0] += 1
        row[1] += doc is not None
        row[2] += doc is not None and '>>>' in doc
    return table


def _percent(part, whole):
    return round(100.0 * part / whole, 1) if whole else 100.0


def _floors_from(table):
    return {ns: {'docstring': _percent(d, n), 'example': _percent(e, n)} for ns, (n, d, e) in sorted(table.items())}


def test_documentation_does_not_fall_below_its_floor():
    with open(FLOORS) as f:
        floors = json.load(f)
    now = _floors_from(coverage())
    fallen = [f'{ns}: {what} {now[ns][what]}% < floor {floor[what]}%'
              for ns, floor in floors.items() if ns in now for what in ('docstring', 'example')
              if now[ns][what] < floor[what]]
    assert not fallen, 'documentation coverage fell (document the new names):\n' + '\n'.join(fallen)


def test_only_an_object_s_own_docstring_counts():
    def bare(x):
        return x

    def documented(x):
        """Doubles x.

        >>> documented(2)
        4
        """
        return 2 * x

    assert _own_doc(bare) is None and _own_doc(documented).startswith('Doubles')
    assert _own_doc(ember.float32) is None            # an instance showing its class's docstring
    assert _own_doc(ember.nn.Linear) is not None
    provided, documented_count, with_example = coverage()['ember.optim']
    assert provided >= documented_count >= with_example > 0


def _main():
    table = coverage()
    if '--update' in sys.argv:
        with open(FLOORS, 'w') as f:
            json.dump(_floors_from(table), f, indent=1)
            f.write('\n')
    print(f"{'namespace':34} {'names':>6} {'docstring':>10} {'example':>8}")
    totals = [0, 0, 0]
    for ns, (n, d, e) in sorted(table.items()):
        totals = [t + x for t, x in zip(totals, (n, d, e))]
        print(f'{ns:34} {n:6} {_percent(d, n):9}% {_percent(e, n):7}%')
    n, d, e = totals
    print(f"{'all':34} {n:6} {_percent(d, n):9}% {_percent(e, n):7}%")


if __name__ == '__main__':
    _main()
