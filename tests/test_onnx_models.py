"""ember.onnx.export of whole vision models (each family's architecture code, at a small width and
depth so that a test stays fast): onnxruntime must compute ember's forward within 1e-4, at the traced
batch size and at another one (the batch axis is dynamic). Skipped without onnx/onnxruntime."""
import io

import numpy as np
import pytest

import ember
from ember.vision import models

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')


def _tiny_efficientnet():
    from ember.vision.models.efficientnet import EfficientNet, MBConvConfig
    stages = [MBConvConfig(1, 3, 1, 8, 8, 1), MBConvConfig(6, 3, 2, 8, 16, 2), MBConvConfig(6, 5, 2, 16, 24, 1)]
    return EfficientNet(stages, dropout=0.2, num_classes=10)


def _tiny_convnext():
    from ember.vision.models.convnext import CNBlockConfig, ConvNeXt
    return ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=10)


MODELS = {
    'resnet': lambda: models.ResNet(models.resnet.BasicBlock, [1, 1, 1, 1], num_classes=10),
    'mobilenet_v3_small': lambda: models.mobilenet_v3_small(num_classes=10),
    'efficientnet': _tiny_efficientnet,
    'vit': lambda: models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16,
                                            mlp_dim=32, num_classes=10),
    'swin': lambda: models.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1], num_heads=[2, 2],
                                           window_size=[2, 2], num_classes=10),
    'convnext': _tiny_convnext,
    'densenet': lambda: models.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, num_classes=10),
}


@pytest.mark.parametrize('name', sorted(MODELS))
def test_vision_model_matches_with_dynamic_batch(name):
    ember.manual_seed(0)
    model = MODELS[name]().eval()
    x = ember.randn(1, 3, 32, 32)
    buf = io.BytesIO()
    ember.onnx.export(model, (x,), buf, input_names=['image'], output_names=['logits'],
                      dynamic_axes={'image': {0: 'batch'}})
    proto = onnx.load_from_string(buf.getvalue())
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == 'batch'
    assert proto.graph.output[0].type.tensor_type.shape.dim[0].dim_param == 'batch'
    sess = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
    for batch in (x, ember.randn(3, 3, 32, 32)):
        got, = sess.run(None, {'image': batch.numpy()})
        with ember.no_grad():
            expected = model(batch).numpy()
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
