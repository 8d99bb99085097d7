"""Record torchvision's public names per namespace into tests/fixtures/vision/torchvision_api.json.

Run under real torchvision:  python scripts/record_torchvision_api.py
A namespace's names are its ``__all__`` where it has one, otherwise every public attribute that is not
a module and was defined by torchvision (typing helpers and re-exported standard-library names are
left out, and so are private names even where ``__all__`` lists them). Weights enums also list their members (``models.ResNet50_Weights.IMAGENET1K_V1``).
"""
import enum
import importlib
import json
import pathlib
import types

import torchvision

NAMESPACES = ["datasets", "io", "ops", "transforms", "transforms.functional", "transforms.v2",
              "transforms.v2.functional", "utils", "models", "models.detection", "models.segmentation",
              "models.video", "models.optical_flow", "models.quantization", "tv_tensors"]


def _defined_by_torchvision(obj):
    return getattr(obj, "__module__", "") and obj.__module__.startswith("torchvision")


def public_names(module):
    if hasattr(module, "__all__"):
        names = {name for name in module.__all__ if not name.startswith("_")}
    else:
        names = {name for name in dir(module) if not name.startswith("_")
                 and not isinstance(getattr(module, name), types.ModuleType)
                 and _defined_by_torchvision(getattr(module, name))}
    for name in list(names):
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and name.endswith("_Weights"):
            names.update(f"{name}.{member}" for member in obj.__members__)
    return sorted(names)


def main():
    record = {"torchvision_version": torchvision.__version__.split("+")[0],
              "namespaces": {ns: public_names(importlib.import_module("torchvision." + ns)) for ns in NAMESPACES}}
    out = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "vision" / "torchvision_api.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {out}: " + ", ".join(f"{ns} {len(v)}" for ns, v in record["namespaces"].items()))


if __name__ == "__main__":
    main()
