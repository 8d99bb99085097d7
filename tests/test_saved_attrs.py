"""Backward nodes expose PyTorch's ``_saved_*`` attributes (what torchviz's ``show_saved`` draws): the same
names with the same values, checked against what PyTorch's nodes give for every op-table row and sample
(tests/fixtures/saved_attrs/record.py). Only samples whose node ember names as PyTorch does are compared."""
import collections
import functools
import json
import pathlib
import warnings

import numpy as np
import pytest

from tests._grad_fn_names import ember_inputs, row_keys, sample_key
from tests._op_harness import pick
from tests._saved_attrs import flat_tensors, saved_attrs
from tests.op_db import OPS

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'saved_attrs' / 'saved.json').read_text())
GAPS = set((pathlib.Path(__file__).parent / 'fixtures' / 'saved_attrs' / 'gaps.txt').read_text().split())


@functools.lru_cache(maxsize=1)
def _compared():
    """node name -> list of (row, sample, ember's attributes, PyTorch's attributes)."""
    by_node = collections.defaultdict(list)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for key, info in zip(row_keys(OPS), OPS):
            if key not in RECORDED or not info.grad:
                continue
            for sample in info.samples(np.random.default_rng(2)):
                rec = RECORDED[key].get(sample_key(sample))
                if rec is None:
                    continue
                args, kwargs = ember_inputs(sample)
                try:
                    out = pick(info.op(*args, **kwargs), info.output_index)
                except Exception:   # samples ember rejects are other tests' business
                    continue
                node = getattr(out, 'grad_fn', None)
                if node is None or node.name() != rec['node']:
                    continue
                got = saved_attrs(node, flat_tensors(list(args) + list(kwargs.values()), []), out)
                by_node[rec['node']].append((key, sample_key(sample), got, rec['saved']))
    return by_node


def _node_names():
    return sorted({e['node'] for row in RECORDED.values() for e in row.values()})


@pytest.mark.parametrize('node', [pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason='not yet described')]
                                               if n in GAPS else []) for n in _node_names()])
def test_saved_attributes_match_pytorch(node):
    cases = _compared().get(node)
    if not cases:
        pytest.skip('ember names no sample of this row as PyTorch does')
    wrong = [f'{key} {sample}: {got} (PyTorch: {want})' for key, sample, got, want in cases if got != want]
    assert not wrong, '\n'.join(wrong)
