"""ember.utils.tensorboard.SummaryWriter writes the event files PyTorch's writer writes."""
import json
import os

import numpy as np
import pytest

pytest.importorskip('tensorboard')

import ember  # noqa: E402
import ember.utils.tensorboard  # noqa: E402,F401
from ember.utils.tensorboard import SummaryWriter  # noqa: E402
from tests.fixtures.tensorboard.calls import read_events, write_events, write_figures  # noqa: E402

HERE = os.path.dirname(__file__)


def _recorded(name):
    with open(os.path.join(HERE, 'fixtures', 'tensorboard', 'expected.json')) as f:
        return json.load(f)[name]


def test_event_files_match_pytorch_recording(tmp_path):
    pytest.importorskip('PIL')
    write_events(ember, str(tmp_path))
    assert read_events(str(tmp_path)) == _recorded('calls')


def test_figures_match_pytorch_recording(tmp_path):
    pytest.importorskip('PIL')
    pytest.importorskip('matplotlib')
    write_figures(ember, str(tmp_path))
    assert read_events(str(tmp_path)) == _recorded('figures')


def test_event_accumulator_reads_images_and_hparams(tmp_path):
    pytest.importorskip('PIL')
    import io
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    img = ember.zeros(3, 2, 4)
    img[0] = 1.0  # pure red
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image('red', img, 7)
        w.add_hparams({'lr': 0.01}, {'final/acc': 0.9}, run_name='trial')
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    (event,) = acc.Images('red')
    assert (event.step, event.width, event.height) == (7, 4, 2)
    pixels = np.asarray(Image.open(io.BytesIO(event.encoded_image_string)))
    assert pixels.shape == (2, 4, 3) and (pixels == [255, 0, 0]).all()
    run = EventAccumulator(str(tmp_path / 'trial'))
    run.Reload()
    assert [e.value for e in run.Scalars('final/acc')] == [pytest.approx(0.9)]
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
    content = run.PluginTagToContent('hparams')
    assert set(content) == {'_hparams_/experiment', '_hparams_/session_start_info', '_hparams_/session_end_info'}
    start = HParamsPluginData.FromString(content['_hparams_/session_start_info']).session_start_info
    assert start.hparams['lr'].number_value == 0.01


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
        with pytest.raises(NotImplementedError, match='numpy array or ember tensor are expected'):
            w.add_scalar('a', [1.0], 0)
        with pytest.raises(AssertionError, match='size of input tensor and input format are different'):
            w.add_image('i', ember.zeros(2, 2), 0)
        with pytest.raises(TypeError, match='hparam_dict and metric_dict should be dictionary'):
            w.add_hparams([('lr', 1)], {})
        with pytest.raises(ValueError, match='value should be one of int, float, str, bool, or ember.Tensor'):
            w.add_hparams({'lr': [1]}, {})
        with pytest.raises(TypeError, match=r'hparam_domain_discrete\[lr\] should be a list of same type'):
            w.add_hparams({'lr': 0.1}, {}, hparam_domain_discrete={'lr': ['a']})
        with pytest.raises(AssertionError, match='#labels should equal with #data points'):
            w.add_embedding(ember.zeros(3, 2), metadata=['a'])
        with pytest.raises(AssertionError, match='mat should be 2D'):
            w.add_embedding(ember.zeros(3))
        with pytest.raises(ValueError, match='len\\(bucket_limits\\) != len\\(bucket_counts\\)'):
            w.add_histogram_raw('r', 0, 1, 2, 1, 1, [0.5, 1.0], [2], 0)
        with pytest.raises(AssertionError, match='Expected 3 tags, got 2'):
            w.add_custom_scalars_marginchart(['a', 'b'])
        with pytest.raises(AssertionError, match='input tensor should be 1 dimensional'):
            w.add_audio('a', ember.zeros(2, 3), 0)
    # nothing was written for the refused calls but the event file header
    assert [n for n in os.listdir(tmp_path) if not n.startswith('events')] == []


def test_embedding_twice_at_one_step_warns_and_rewrites(tmp_path, capsys):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_embedding(ember.eye(2), tag='e')
        w.add_embedding(ember.eye(2) * 2, tag='e')
    assert 'Embedding dir exists' in capsys.readouterr().out
    assert (tmp_path / '00000' / 'e' / 'tensors.tsv').read_text() == '2.0\t0.0\n0.0\t2.0\n'
    assert (tmp_path / 'projector_config.pbtxt').read_text().count('embeddings {') == 2


def test_flush_makes_events_readable_before_close(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    w = SummaryWriter(str(tmp_path), flush_secs=10_000)
    w.add_scalar('x', 3.0, 0)
    w.flush()
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert [e.value for e in acc.Scalars('x')] == [3.0]
    w.close()
    w.close()  # closing twice is harmless


def test_add_graph_draws_the_model_ops_grouped_by_module(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    import ember.nn as nn
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model.train()
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, ember.randn(5, 3))
    assert model.training  # put back in its mode
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    nodes = {n.name: n for n in acc.Graph().node}
    relu = nodes['Sequential/ReLU[1]/relu_2']
    assert relu.op == 'Relu' and list(relu.input) == ['Sequential/Linear[0]/addmm_1']
    assert [d.size for d in relu.attr['_output_shapes'].list.shape[0].dim] == [5, 4]
    assert nodes['Sequential/0.weight'].op == 'prim::GetAttr'
    assert list(nodes['Sequential/output.0'].input) == ['Sequential/Linear[2]/addmm_4']
    assert acc.RunMetadata('step1').step_stats.dev_stats[0].device == '/device:CPU:0'


def _images(logdir, tag):
    import io
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(logdir))
    acc.Reload()
    return [(e, np.asarray(Image.open(io.BytesIO(e.encoded_image_string)))) for e in acc.Images(tag)]


def test_image_with_boxes_draws_what_pytorch_draws(tmp_path):
    pytest.importorskip('PIL')
    import hashlib
    img = ember.zeros(3, 20, 30)
    img[1] = 0.5
    boxes = ember.tensor([[2, 3, 12, 15], [10, 1, 28, 18.5]])
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image_with_boxes('b', img, boxes, 3)
        w.add_image_with_boxes('r', img, boxes, 4, rescale=2)
        w.add_image_with_boxes('wrong_labels', img, boxes, 5, labels=['only one'])
        w.add_image_with_boxes('labels', img, boxes, 6, labels=['cat', 'dog'])
    # the pixels of PyTorch's SummaryWriter for the same calls (recorded)
    (plain, px), = _images(tmp_path, 'b')
    assert (plain.step, plain.width, plain.height) == (3, 30, 20)
    assert hashlib.sha256(px.tobytes()).hexdigest() == '914afe205498a773f587a8fb42ba5ead90b40a9b170c0c8576e58ebced513040'
    (scaled, spx), = _images(tmp_path, 'r')
    assert (scaled.width, scaled.height, spx.shape) == (30, 20, (40, 60, 3))
    assert hashlib.sha256(spx.tobytes()).hexdigest() == 'effe69c129897b65a54beb2289bcf4dcce519212c4b339e4bc42f314ef9ee6ab'
    assert (px[3, 2:13] == [255, 0, 0]).all()                 # the first box's top edge is red
    (_, dropped), = _images(tmp_path, 'wrong_labels')
    assert (dropped == px).all()                               # a label list of the wrong length is dropped
    (_, labelled), = _images(tmp_path, 'labels')
    assert (labelled != px).any()


def test_video_is_an_animated_gif_of_the_videos_in_a_grid(tmp_path):
    pytest.importorskip('PIL')
    import io
    from PIL import Image, ImageSequence
    frames = ember.zeros(3, 4, 3, 8, 10)            # 3 videos of 4 frames
    frames[0, :, 0] = 1.0                            # video 0 red
    frames[1, 2, 2] = 1.0                            # video 1 blue in frame 2
    for k in range(4):
        frames[2, k, :, 0, k] = 1.0                  # video 2: a white dot moving right
    with SummaryWriter(str(tmp_path)) as w:
        w.add_video('v', frames, 9, fps=5)
    (event, _), = _images(tmp_path, 'v')
    # 3 videos padded to 4, in 2 ** floor(log2(3) / 2) = 1 row (PyTorch's layout): 8 x 40 pixels
    assert (event.step, event.width, event.height) == (9, 40, 8)
    gif = Image.open(io.BytesIO(event.encoded_image_string))
    decoded = [np.asarray(f.convert('RGB')) for f in ImageSequence.Iterator(gif)]
    assert len(decoded) == 4 and gif.info['duration'] == 200
    assert (decoded[0][:, :10] == [255, 0, 0]).all() and (decoded[0][:, 10:20] == 0).all()
    assert (decoded[2][:, 10:20] == [0, 0, 255]).all() and (decoded[1][:, 10:20] == 0).all()
    assert [tuple(np.argwhere(f[:, 20:30].any(-1))[0]) for f in decoded] == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert (decoded[3][:, 30:] == 0).all()                     # the padding video is black


def test_onnx_graph_is_pytorchs_graph_def(tmp_path, capsys):
    onnx = pytest.importorskip('onnx')
    from onnx import TensorProto, helper
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 4])
    w = helper.make_tensor('w', TensorProto.FLOAT, [3, 4], [0.5] * 12)
    graph = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['h']),
                               helper.make_node('LeakyRelu', ['h'], ['y'], alpha=0.2)], 'g', [x], [y], initializer=[w])
    path = str(tmp_path / 'model.onnx')
    onnx.save(helper.make_model(graph), path)
    with SummaryWriter(str(tmp_path / 'run')) as writer:
        writer.add_onnx_graph(path)
    assert capsys.readouterr().out == 'x\ny\nh\ny\n'          # PyTorch's writer prints the node names
    (event_file,) = (tmp_path / 'run').iterdir()
    graphs = [e.graph_def for e in EventFileLoader(str(event_file)).Load() if e.graph_def]
    # PyTorch's SummaryWriter wrote this GraphDef for the same model (recorded); compared parsed, as the
    # attribute maps of a protocol buffer serialise in no fixed order
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    assert [GraphDef.FromString(g) for g in graphs] == [GraphDef.FromString(bytes.fromhex(_ONNX_GRAPH_DEF))]


_ONNX_GRAPH_DEF = ('0a2f0a017812085661726961626c652a0b0a056474797065120230012a130a057368617065120a3a0812020802120208'
                   '030a2f0a017912085661726961626c652a0b0a056474797065120230012a130a057368617065120a3a08120208021202'
                   '08040a230a016812064d61744d756c1a01781a01772a100a0a706172616d6574657273120212000a420a017912094c65'
                   '616b7952656c751a01682a2f0a0a706172616d65746572731221121f616c706861203d20302e32303030303030303239'
                   '38303233323234203d203122020816')
