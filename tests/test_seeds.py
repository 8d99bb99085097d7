"""The seeds' tensor/autograd snippets print exactly what PyTorch prints.

Each ``tests/seeds/seed*.py`` is a snippet as a PyTorch user writes it (``import torch``); the
``.out`` file beside it is what real PyTorch 2.13 printed, with 'torch' read as 'ember'.
The snippet runs with ``torch`` aliased to ember.
"""
import contextlib
import io
import pathlib
import re
import runpy
import sys
import warnings

import pytest

import ember

SEEDS = pathlib.Path(__file__).parent / 'seeds'
# snippets whose float32 results depend on last-ulp differences in sin/sum between
# NumPy and PyTorch kernels: compared number by number to a tolerance instead of byte for byte
APPROXIMATE = {'seed000_nonlinear'}


@contextlib.contextmanager
def torch_is_ember():
    names = {'torch': ember, 'torch.autograd': ember.autograd,
             'torch.autograd.functional': ember.autograd.functional}
    saved = {k: sys.modules.get(k) for k in names}
    sys.modules.update(names)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def run_snippet(path):
    out = io.StringIO()
    with torch_is_ember(), contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter('error')  # PyTorch printed no warnings for these snippets
        runpy.run_path(str(path), run_name='__main__')
    return out.getvalue()


@pytest.mark.parametrize('name', sorted(p.stem for p in SEEDS.glob('seed*.py')))
def test_seed_snippet_prints_what_pytorch_prints(name):
    got = run_snippet(SEEDS / f'{name}.py')
    expected = (SEEDS / f'{name}.out').read_text()
    if name not in APPROXIMATE:
        assert got == expected
        return
    number = r'-?\d+\.?\d*(?:e[+-]?\d+)?'
    assert re.sub(number, '#', got) == re.sub(number, '#', expected)  # same text and layout
    for a, b in zip(re.findall(number, got), re.findall(number, expected)):
        assert float(a) == pytest.approx(float(b), rel=2e-3, abs=2e-3)
