"""Deterministic parameter values for a model's state_dict, generated with NumPy from the key names.

Both the recording script (for torchvision's model) and the tests (for ember's) fill every floating
tensor from here, so the fixtures store only the keys, shapes, dtypes, integer buffers, an input and
the logits rather than megabytes of weights. The values keep activations in a sane range: matrices
and kernels ~ N(0, 1/fan_in), norm scales and running variances in [0.5, 1.5], biases and everything
else ~ N(0, 0.1).
"""
import zlib

import numpy as np


# float buffers that a model derives from its configuration (recorded as they are, not generated)
COMPUTED = ("relative_coords_table",)


def _value(name, shape):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    leaf = name.rsplit(".", 1)[-1]
    if leaf == "running_var" or (leaf == "weight" and len(shape) == 1):
        return rng.uniform(0.5, 1.5, shape)
    if leaf == "weight" and len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        return rng.normal(0.0, 1.0 / np.sqrt(fan_in), shape)
    return rng.normal(0.0, 0.1, shape)


def generated_state_dict(spec, verbatim):
    """{name: array} for ``spec`` = [(name, shape, dtype name), ...]; names in ``verbatim`` take its values."""
    out = {}
    for name, shape, dtype in spec:
        if name in verbatim:
            out[name] = np.asarray(verbatim[name])
        else:
            assert dtype == "float32", (name, dtype)
            out[name] = _value(name, tuple(shape)).astype(np.float32)
    return out


def resolve(package, dotted):
    """Attribute ``dotted`` ('resnet.Bottleneck') of the models ``package``."""
    obj = package
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _materialise(package, value):
    # "models.X" -> attribute X; {"call": "X", "args": [...], "kwargs": {...}} -> X(*args, **kwargs)
    if isinstance(value, str) and value.startswith("models."):
        return resolve(package, value[len("models."):])
    if isinstance(value, dict) and "call" in value:
        return resolve(package, value["call"])(*_materialise(package, value.get("args", [])),
                                                **_materialise(package, value.get("kwargs", {})))
    if isinstance(value, dict):
        return {k: _materialise(package, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_materialise(package, v) for v in value]
    return value


def build(package, case):
    """The model of ``case`` from the models ``package`` (torchvision.models or ember.vision.models)."""
    return resolve(package, case["builder"])(**_materialise(package, case["kwargs"]))


def model_input(case):
    return np.random.default_rng(0).standard_normal(case["input"]).astype(np.float32)
