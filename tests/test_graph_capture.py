"""Graph capture (the recorder behind ONNX export and TensorBoard graphs) keeps working after a user's
runtime-checkable Protocol was checked against a tensor (which leaves an ``__annotations__`` dict on the
Tensor class: it crashed capture with "unhashable type: 'dict'")."""
import typing

import ember
from ember._trace import capture


@typing.runtime_checkable
class _HasStateDict(typing.Protocol):
    def state_dict(self):
        ...


def test_capture_after_a_protocol_check_on_a_tensor():
    assert not isinstance(ember.ones(1), _HasStateDict)
    graph, out = capture(lambda x: (x * 2).relu(), (ember.tensor([-1.0, 2.0]),))
    assert out.tolist() == [0.0, 4.0]
    assert [n.name for n in graph.nodes] == ['Mul', 'Relu']
