"""The events a profile shows for common functional calls carry PyTorch's names and nesting (relu's nested
aten::clamp_min, softmax's aten::_softmax, layer_norm's aten::native_layer_norm, ...). Recorded by
tests/fixtures/profiler_trees/record.py.

ember does not show PyTorch's allocations and views inside an op (aten::empty, aten::view, aten::resize_, ...)
nor the backend kernel below aten::_convolution (aten::mkldnn_convolution on this CPU build): those are left
out of PyTorch's record before comparing. cross_entropy is one op of ember's: its top event alone is compared.
In-place ops show as PyTorch's (aten::add_, aten::relu_ around aten::clamp_min_), and an optimizer's step and
zero_grad as its ranges (Optimizer.step#SGD.step).
"""
import importlib.util
import json
from pathlib import Path

import pytest

import ember
import ember.profiler

HERE = Path(__file__).parent.parent / 'fixtures' / 'profiler_trees'
_spec = importlib.util.spec_from_file_location('profiler_trees_record', HERE / 'record.py')
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)
RECORDED = json.loads((HERE / 'trees.json').read_text())

PYTORCH_INTERNALS = {'aten::empty', 'aten::empty_like', 'aten::empty_strided', 'aten::view', 'aten::as_strided',
                     'aten::as_strided_', 'aten::resize_', 'aten::mkldnn_convolution'}
# ember's single ops (cross_entropy), and in-place ops taking a Python number (PyTorch converts it to a tensor
# first, aten::to): their top event alone is compared
TOP_ONLY = {'cross_entropy', 'add_', 'mul_', 'clamp_',
            # the factories fill their arrays themselves (PyTorch's aten::zero_, aten::normal_... inside)
            'zeros', 'randn', 'full', 'arange', 'zeros_like', 'rand_like',
            # (PyTorch's reshapes and permutations inside these, ember's views)
            'rfft', 'unfold', 'index_tensor'}
# ops whose names ember's primitives gave otherwise (sum_dim, log1_p, avg_pool, ...): the top-level events are
# compared (PyTorch's dtype conversions and helper ops inside them are its own)
NAMES_ONLY = {'sum_dim', 'max_all', 'log1p', 'logsumexp', 'avg_pool2d', 'adaptive_max_pool2d', 'rsub', 'pow_scalar',
              'clamp_min_tensor', 'remainder'}


def _without_internals(tree):
    """``tree`` (depth, name) without PyTorch's internal events and what runs inside them."""
    kept, skipping_below = [], None
    for depth, name in tree:
        if skipping_below is not None and depth > skipping_below:
            continue
        skipping_below = None
        if name in PYTORCH_INTERNALS:
            skipping_below = depth
            continue
        kept.append([depth, name])
    return kept


@pytest.fixture(scope='module')
def ember_trees():
    return record.trees(ember, ember.profiler.profile)


@pytest.mark.parametrize('case', sorted(RECORDED))
def test_profile_tree_as_pytorchs(case, ember_trees):
    want = _without_internals(RECORDED[case])
    got = ember_trees[case]
    if case in TOP_ONLY:
        want, got = want[:1], got[:1]
    if case in NAMES_ONLY:
        want = [e for e in want if e[0] == 0]
        got = [e for e in got if e[0] == 0]
    if case == 'optimizer':     # a training step: its optimizer's ranges (its kernels are ember's own)
        want = [e for e in want if e[1].startswith('Optimizer.')]
        got = [e for e in got if e[1].startswith('Optimizer.')]
    assert got == want


def test_nested_event_times_and_table_rows():
    x = ember.randn(64, 64)
    with ember.profiler.profile() as prof:
        ember.relu(x)
    relu, clamp = prof.events()
    assert clamp.cpu_parent is relu and relu.cpu_children == [clamp]
    assert relu.start_us <= clamp.start_us <= clamp.end_us <= relu.end_us
    rows = {r.key: r for r in prof.key_averages()}
    assert set(rows) == {'aten::relu', 'aten::clamp_min'} and rows['aten::clamp_min'].count == 1
