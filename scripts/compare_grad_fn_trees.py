"""Compare ember's grad_fn trees (node names and next_functions, a few levels deep) with PyTorch's on every
differentiable op-table row's samples, side by side in one process. The tests pin the top node of every row
(tests/test_grad_fn_names.py) and whole trees of the rows that take index tensors (tests/test_grad_fn_edges.py);
this shows how far the other rows' trees are from PyTorch's.

Run from the repository root with a Python that has torch:
    python scripts/compare_grad_fn_trees.py [depth]        (default depth 3; a minute or two)

Prints the count of rows whose every sample matches, then one line per differing row: its first differing
sample, ember's tree, PyTorch's tree (null: no grad_fn; a list of trees: one per output of a call
returning several). Samples PyTorch refuses are left out.
"""
import json
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests._grad_fn_edges import output_tree  # noqa: E402
from tests._grad_fn_names import ember_inputs, recorded_call, row_keys, sample_key  # noqa: E402
from tests._op_harness import pick  # noqa: E402
from tests.fixtures.grad_fn_names.record import to_torch, torch_call  # noqa: E402
from tests.op_db import OPS  # noqa: E402


def _tree(call, args, kwargs, index, depth):
    try:
        return output_tree(pick(call(*args, **kwargs), index), depth)
    except Exception as e:        # a call one library refuses shows as its error
        return f'{type(e).__name__}: {e}'[:100]


def compare(depth):
    same, differing = [], []     # (rows none of whose samples PyTorch accepts are in neither)
    for key, info in zip(row_keys(OPS), OPS):
        theirs_fn = torch_call(info)
        if not info.grad or theirs_fn is None:
            continue
        compared = False
        for sample in info.samples(np.random.default_rng(2)):
            args, kwargs = ember_inputs(sample)
            theirs = _tree(theirs_fn, to_torch(args), {k: to_torch(v) for k, v in kwargs.items()},
                           info.output_index, depth)
            if isinstance(theirs, str):
                continue        # a sample PyTorch refuses pins nothing (as the recorders treat it)
            args, kwargs = ember_inputs(sample)
            ours = _tree(recorded_call(info), args, kwargs, info.output_index, depth)
            if ours != theirs:
                differing.append((key, sample_key(sample), ours, theirs))
                break
            compared = True
        else:
            if compared:
                same.append(key)
    return same, differing


if __name__ == '__main__':
    warnings.simplefilter('ignore')
    same, differing = compare(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(f'{len(same)} rows match on every sample, {len(differing)} differ')
    for key, sample, ours, theirs in differing:
        print(f'{key} {sample}\n  ember   {json.dumps(ours)}\n  PyTorch {json.dumps(theirs)}')
