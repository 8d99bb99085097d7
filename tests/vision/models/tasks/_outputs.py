"""Inputs for a case and a flat view of a model's output (no PyTorch or ember import)."""
import importlib
import zlib

import numpy as np


def build(package, case):
    """The model of ``case`` (see tests/vision/models/_weights.py); a builder written ``"video.s3d:X"``
    names attribute X of that submodule (the function ``s3d`` hides the module ``s3d`` as an attribute)."""
    from tests.vision.models._weights import _materialise, build as build_by_name
    if "args" in case:  # positional arguments (nn.Sequential's modules)
        from tests.vision.models._weights import resolve
        return resolve(package, case["builder"])(*_materialise(package, case["args"]))
    if ":" not in case["builder"]:
        return build_by_name(package, case)
    module, attr = case["builder"].split(":")
    builder = getattr(importlib.import_module(f"{package.__name__}.{module}"), attr)
    return builder(**_materialise(package, case["kwargs"]))


def model_inputs(case):
    """Deterministic N(0, 1) float32 arrays of the case's input shapes."""
    return [np.random.default_rng(zlib.crc32(repr(shape).encode()) + i).standard_normal(shape).astype(np.float32)
            for i, shape in enumerate(case["inputs"])]


def flatten(output, prefix="out"):
    """{path: tensor} of a tensor or a (nested) dict/list/tuple of tensors."""
    if isinstance(output, dict):
        return {k: v for key, value in output.items() for k, v in flatten(value, f"{prefix}.{key}").items()}
    if isinstance(output, (list, tuple)):
        return {k: v for i, value in enumerate(output) for k, v in flatten(value, f"{prefix}.{i}").items()}
    return {prefix: output}
