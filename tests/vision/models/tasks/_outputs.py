"""Inputs for a case and a flat view of a model's output (no PyTorch or ember import)."""
import zlib

import numpy as np


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
