"""What users read (docstrings, error and warning texts, command-line help: every string in ember's
code and in the examples) speaks to them, never of documents they do not have: the project's
seeds ("seed 003's picture"), its design notes or its issue tracker. Comments may."""
import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
INTERNAL = re.compile(r'\bseeds? \d{3}\b|\bDESIGN\.md\b|\bissue #?\d+\b|\bhelpers?\.md\b', re.IGNORECASE)


def _strings(path):
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _files():
    return sorted([*(ROOT / 'ember').rglob('*.py'), *(ROOT / 'examples').glob('*.py')])


def test_the_walk_reaches_ember_and_the_examples():
    names = {p.relative_to(ROOT).as_posix() for p in _files()}
    assert {'ember/cli.py', 'examples/mnist.py', 'ember/nn/modules/module.py'} <= names


@pytest.mark.parametrize('text', ["see seed 003's picture", 'as DESIGN.md says', 'fixed in issue 14'])
def test_the_pattern_catches_internal_references(text):
    assert INTERNAL.search(text)


def test_no_string_refers_to_internal_documents():
    found = [f'{path.relative_to(ROOT)}:{line}: {INTERNAL.search(text).group(0)!r}'
             for path in _files() for line, text in _strings(path) if INTERNAL.search(text)]
    assert not found, '\n'.join(found)
