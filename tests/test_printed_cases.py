"""ember prints exactly what PyTorch 2.13 printed for the same calls: values, return types, error
types and texts ("ember" where PyTorch says "torch"). Each module of tests/fixtures/printed has a
``run(torch)`` function; its output under PyTorch is recorded next to it, with::

    python -m tests.fixtures.printed torch <case> > tests/fixtures/printed/<case>.txt
"""
import contextlib
import importlib
import io
import pathlib

import pytest

import ember

_DIR = pathlib.Path(__file__).parent / 'fixtures' / 'printed'
CASES = sorted(p.stem for p in _DIR.glob('*.py') if not p.stem.startswith('_'))


@pytest.mark.parametrize('case', CASES)
def test_prints_what_pytorch_printed(case):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        importlib.import_module(f'tests.fixtures.printed.{case}').run(ember)
    got = out.getvalue().replace('ember.', 'torch.').splitlines()
    expected = (_DIR / f'{case}.txt').read_text().splitlines()
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f'{case}.txt line {i + 1}'
    assert len(got) == len(expected)
