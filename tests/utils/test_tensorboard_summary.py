"""ember.utils.tensorboard.summary (torch.utils.tensorboard.summary) builds the protocol buffers
PyTorch builds, byte for byte (recorded in tests/fixtures/tensorboard/summary.json)."""
import base64
import json
import pathlib

import pytest

import ember

pytest.importorskip('tensorboard')
from tests.fixtures.tensorboard.summary_calls import calls  # noqa: E402

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'tensorboard' / 'summary.json').read_text())
GOT = {}


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_summary_protos_match_pytorchs(name):
    if not GOT:
        GOT.update(calls(ember))
    result = GOT[name]
    protos = result if isinstance(result, tuple) else (result,)
    if name != 'hparams':
        assert [base64.b64encode(p.SerializeToString()).decode() for p in protos] == RECORDED[name]
        return
    # the hparams map's order in the bytes varies from process to process (in PyTorch too): compare messages
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

    def content(proto):
        (value,) = proto.value
        return value.tag, HParamsPluginData.FromString(value.metadata.plugin_data.content)
    assert [content(p) for p in protos] == [content(Summary.FromString(base64.b64decode(r))) for r in RECORDED[name]]


def test_an_hparams_run_written_by_hand_reads_back(tmp_path):
    from ember.utils.tensorboard import SummaryWriter
    from ember.utils.tensorboard.summary import hparams
    writer = SummaryWriter(str(tmp_path))
    for proto in hparams({'lr': 0.1}, {'hparam/loss': 0.5}):
        writer.file_writer.add_summary(proto)
    writer.close()
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert acc.summary_metadata.keys() >= {'_hparams_/experiment', '_hparams_/session_start_info'}
    with pytest.raises(ValueError, match='collections is not supported'):
        ember.utils.tensorboard.summary.scalar('x', 1.0, collections=['c'])
