"""ember.utils.tensorboard.SummaryWriter writes the event files PyTorch's writer writes."""
import json
import os

import numpy as np
import pytest

pytest.importorskip('tensorboard')

import ember  # noqa: E402
import ember.utils.tensorboard  # noqa: E402,F401
from ember.utils.tensorboard import SummaryWriter  # noqa: E402
from tests.fixtures.tensorboard.calls import read_events, write_events  # noqa: E402

HERE = os.path.dirname(__file__)


def test_event_files_match_pytorch_recording(tmp_path):
    write_events(ember, str(tmp_path))
    with open(os.path.join(HERE, 'fixtures', 'tensorboard', 'expected.json')) as f:
        expected = json.load(f)
    assert read_events(str(tmp_path)) == expected


def test_event_accumulator_reads_scalars_and_histograms(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    with SummaryWriter(str(tmp_path)) as w:
        for step in range(3):
            w.add_scalar('loss', 1.0 / (step + 1), step)
        w.add_histogram('weights', ember.arange(10.0), 0)
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert [(e.step, e.value) for e in acc.Scalars('loss')] == [(0, 1.0), (1, 0.5), (2, float(np.float32(1 / 3)))]  # stored as float32
    (hist,) = acc.Histograms('weights')
    assert hist.histogram_value.num == 10 and hist.histogram_value.sum == 45.0
    assert sum(hist.histogram_value.bucket) == 10


def test_default_log_dir_and_comment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment='_lr0.1')
    w.close()
    (run,) = os.listdir(tmp_path / 'runs')
    assert run.endswith('_' + __import__('socket').gethostname() + '_lr0.1')
    assert w.get_logdir() == os.path.join('runs', run)


def test_writes_after_close_reopen_a_file(tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.add_scalar('a', 1.0, 0)
    w.close()
    w.add_scalar('a', 2.0, 1)
    w.close()
    assert len([n for n in os.listdir(tmp_path) if n.startswith('events')]) == 2


def test_bad_input_is_refused(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(AssertionError, match='Tensor should contain one element'):
            w.add_scalar('a', ember.ones(2), 0)
        with pytest.raises(ValueError, match='The input has no element'):
            w.add_histogram('h', np.zeros(0), 0)


def test_torch_alias_resolves_tensorboard():
    from ember import compat
    compat.install()
    try:
        from torch.utils.tensorboard import SummaryWriter as Aliased
    finally:
        compat.uninstall()
    assert Aliased is SummaryWriter
