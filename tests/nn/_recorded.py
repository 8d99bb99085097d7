"""Comparing a recording procedure's result on ember with what it gave under PyTorch (nested JSON)."""
import numpy as np


def same(got, want, rtol, atol, path=''):
    """Assert that ``got`` matches ``want``: floats within tolerance, everything else exactly."""
    if isinstance(want, dict):
        assert set(got) == set(want), path
        for k in want:
            same(got[k], want[k], rtol, atol, f'{path}/{k}')
    elif isinstance(want, list) and want and isinstance(want[0], (list, dict)):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, rtol, atol, f'{path}[{i}]')
    elif isinstance(want, list) and want and isinstance(want[0], float):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=path)
    else:
        assert got == want, path
