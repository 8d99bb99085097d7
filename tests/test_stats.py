"""ember/ops/stats.py prints exactly what PyTorch 2.13 printed for the same cases (recorded in
tests/fixtures/stats_pytorch.txt by tests/fixtures/stats_cases.py): values, return types, errors."""
import contextlib
import io
import pathlib

import ember
from tests.fixtures import stats_cases

_RECORDED = pathlib.Path(__file__).parent / 'fixtures' / 'stats_pytorch.txt'


def test_stats_cases_print_what_pytorch_printed():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        stats_cases.run(ember)
    got = out.getvalue().replace('ember.', 'torch.').splitlines()
    expected = _RECORDED.read_text().splitlines()
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e
