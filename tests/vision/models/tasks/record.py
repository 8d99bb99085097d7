"""Records torchvision's eval-mode outputs for every case of _cases.py (see
tests/vision/models/fixtures/record_models.py: the same layout, weights from _weights.py). Outputs
that are dicts, tuples or lists are stored as a flat {name: tensor} dict. Run with torchvision installed:

    python tests/vision/models/tasks/record.py [case ...]
"""
import os
import sys

import torch
import torchvision.models as models

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", ".."))  # the repository, for tests.vision.models
from _cases import CASES  # noqa: E402
from _weights import COMPUTED, generated_state_dict  # noqa: E402
from _outputs import build, flatten, model_inputs  # noqa: E402


def record(name):
    case = CASES[name]
    torch.manual_seed(0)
    model = build(models, case)
    state = model.state_dict()
    spec = [(k, list(v.shape), str(v.dtype).replace("torch.", "")) for k, v in state.items()]
    verbatim = {k: v.clone() for k, v in state.items() if not v.is_floating_point() or k.endswith(COMPUTED)}
    values = generated_state_dict(spec, {k: v.numpy() for k, v in verbatim.items()})
    for k, v in values.items():
        state[k] = torch.from_numpy(v)
    model.load_state_dict(state, strict=True)
    model.eval()
    inputs = [torch.from_numpy(x) for x in model_inputs(case)]
    with torch.no_grad():
        outputs = flatten(model(*inputs, **case.get("forward_kwargs", {})))
    # large inputs are not stored: the tests regenerate them (NumPy, deterministic) from the case
    stored = inputs if sum(x.numel() for x in inputs) <= 100_000 else None
    torch.save({"spec": spec, "verbatim": verbatim, "inputs": stored, "outputs": outputs},
               os.path.join(HERE, "fixtures", f"{name}.pt"))
    print(name, {k: tuple(v.shape) for k, v in outputs.items()})


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    for name in sys.argv[1:] or CASES:
        record(name)
