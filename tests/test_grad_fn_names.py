"""Each op's output names its backward node as PyTorch's does (``grad_fn=<...>`` in printed tensors,
``grad_fn.name()``), checked against names recorded from PyTorch for every op-table row and sample
(tests/fixtures/grad_fn_names/record.py)."""
import json
import pathlib
import warnings

import numpy as np
import pytest

from tests._grad_fn_names import ember_inputs, node_name, row_keys, sample_key
from tests.op_db import OPS

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'grad_fn_names' / 'names.json').read_text())

# Rows whose recorded name ember does not reproduce, each with why.
SKIP = {
}


def _cases():
    for key, info in zip(row_keys(OPS), OPS):
        if key in RECORDED and info.grad:
            yield pytest.param(key, info, id=key,
                               marks=[pytest.mark.skip(reason=SKIP[key])] if key in SKIP else [])


@pytest.mark.parametrize('key,info', list(_cases()))
def test_grad_fn_name_matches_pytorch(key, info):
    recorded = RECORDED[key]
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for sample in info.samples(np.random.default_rng(2)):
            expected = recorded.get(sample_key(sample))
            if expected is None:
                continue  # a sample added after recording
            args, kwargs = ember_inputs(sample)
            got = node_name(info.op(*args, **kwargs), info.output_index)
            if got != expected:
                wrong.append(f'{sample_key(sample)}: {got} (PyTorch: {expected})')
    assert not wrong, '\n'.join(wrong)


def test_skip_list_names_recorded_rows():
    assert not set(SKIP) - set(RECORDED)
