"""ember.onnx.export on the op families PyTorch's TorchScript exporter handles unevenly (recorded by
tests/fixtures/onnx/record_torch_linalg_refusals.py at opset 18): where PyTorch writes the op
(``det`` as ONNX ``Det``, ``unique`` as ``Unique``) ember writes the same nodes and onnxruntime computes ember's values;
where PyTorch refuses (inverse, solve, Cholesky, slogdet, erfinv, digamma, FFTs, bincount,
unique_consecutive, CTC loss, fractional pools) ember refuses too, with its exporter's error."""
import io
import json
import pathlib

import numpy as np
import pytest

import ember
from tests.fixtures.onnx.linalg_cases import CASES, module

_RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'onnx' /
                        'torch_linalg_refusals.json').read_text())

# refused while the graph is captured, before any op is translated: their results come from the data
# outside the recorded ops (bincount, unique_consecutive), or their lengths are constants the
# exporter sees change with the input (CTC loss)
_REFUSED_BEFORE_TRANSLATION = {'bincount', 'unique_consecutive', 'ctc_loss'}


@pytest.mark.parametrize('name', sorted(CASES))
def test_exports_what_pytorch_exports_and_refuses_the_rest(name):
    onnx = pytest.importorskip('onnx')
    ember.manual_seed(0)
    mod, args = module(ember, name)
    buf = io.BytesIO()
    recorded = _RECORDED[name]
    if 'error' in recorded:
        assert recorded['error'] == 'UnsupportedOperatorError'
        if name in _REFUSED_BEFORE_TRANSLATION:
            with pytest.raises((NotImplementedError, ember.onnx.OnnxExporterError), match='ember.onnx.export'):
                ember.onnx.export(mod, args, buf, opset_version=18)
            return
        with pytest.raises(ember.onnx.errors.UnsupportedOperatorError) as info:
            ember.onnx.export(mod, args, buf, opset_version=18)
        assert str(info.value) == recorded['message']    # PyTorch's words, naming the same operator
        return
    ember.onnx.export(mod, args, buf, opset_version=18)
    model = onnx.load_from_string(buf.getvalue())
    assert [n.op_type for n in model.graph.node] == recorded['nodes']
    ort = pytest.importorskip('onnxruntime')
    session = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
    got = session.run(None, {i.name: a.numpy() for i, a in zip(session.get_inputs(), args)})[0]
    np.testing.assert_allclose(got, mod(*args).numpy(), rtol=1e-5, atol=1e-6)
