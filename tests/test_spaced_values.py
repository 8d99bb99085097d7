"""linspace and logspace give PyTorch's values to the last bit (recorded by tests/fixtures/spaced/record.py)."""
import json
import os

import numpy as np
import pytest

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, 'fixtures', 'spaced', 'expected.json')) as f:
    EXPECTED = json.load(f)


def _hex(t):
    return np.ascontiguousarray(t.numpy()).tobytes().hex()


@pytest.mark.parametrize('row', EXPECTED, ids=lambda r: f"{r['start']:.3g}..{r['end']:.3g}x{r['steps']}")
def test_linspace_and_logspace_match_pytorch_bit_for_bit(row):
    s, e, n = row['start'], row['end'], row['steps']
    for key, want in row.items():
        if key.startswith('linspace_'):
            got = ember.linspace(s, e, n, dtype=getattr(ember, key[len('linspace_'):]))
        elif key == 'logspace_float32':
            got = ember.logspace(s / 5, e / 5, n)
        elif key == 'logspace_base2_float64':
            got = ember.logspace(s / 5, e / 5, n, base=2, dtype=ember.float64)
        else:
            continue
        assert _hex(got) == want, key


def test_negative_steps_are_refused():
    for fn in (ember.linspace, ember.logspace):
        with pytest.raises(RuntimeError, match='^number of steps must be non-negative$'):
            fn(0, 1, -1)
