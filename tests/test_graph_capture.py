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


def test_capture_leaves_the_hook_numbering_as_it_found_it():
    # PyTorch's tracing registers no hooks: the next hook a program registers gets the id it would have
    # had without the capture (printed in hook dicts, as the pruning tutorial prints them)
    from ember._trace import capture
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU())
    before = model.register_forward_hook(lambda *a: None)
    before.remove()
    capture(model, (ember.randn(2, 3),), scopes=True)
    after = model.register_forward_hook(lambda *a: None)
    assert after.id == before.id + 1 and list(model._forward_hooks) == [after.id]
    after.remove()
