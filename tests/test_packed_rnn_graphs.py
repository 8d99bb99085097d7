"""nn.RNN/GRU/LSTM over a PackedSequence record PyTorch's graph (recorded by
tests/fixtures/packed_rnn_trees/record.py): the packed output is the steps' outputs concatenated, each step
computed on the rows of the sequences still running, h_n the sequences' final states concatenated as they end;
values and the input's gradient agree with PyTorch's."""
import json
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.fixtures.packed_rnn_trees.cases import cases, run

HERE = Path(__file__).parent / 'fixtures' / 'packed_rnn_trees'
TREES = json.loads((HERE / 'trees.json').read_text())


@pytest.mark.parametrize('kind,index', cases())
def test_graph_values_and_gradient_match_pytorch(kind, index):
    values = np.load(HERE / 'values.npz')
    trees, out, h_n, grad = run(ember, kind, index)
    assert trees == TREES[f'{kind}/{index}']
    for name, got in (('out', out), ('h_n', h_n), ('grad', grad)):
        np.testing.assert_allclose(got, values[f'{kind}/{index}/{name}'], rtol=1e-5, atol=1e-5, err_msg=name)


def test_unrecorded_packed_run_gives_the_recorded_values():
    ember.manual_seed(0)
    lstm = ember.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    packed = ember.nn.utils.rnn.pack_padded_sequence(ember.randn(5, 3, 3), [5, 3, 2])
    with ember.no_grad():
        out_a, (h_a, c_a) = lstm(packed)
    out_b, (h_b, c_b) = lstm(packed)
    for a, b in ((out_a.data, out_b.data), (h_a, h_b), (c_a, c_b)):
        assert ember.allclose(a, b, atol=1e-6)
