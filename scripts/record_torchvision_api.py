"""Record torchvision's public names per namespace into tests/fixtures/vision/torchvision_api.json.

Run under real torchvision:  python scripts/record_torchvision_api.py
A namespace's names are its ``__all__`` where it has one, otherwise every public attribute that is not
a module and was defined by torchvision (typing helpers and re-exported standard-library names are
left out, and so are private names even where ``__all__`` lists them). Weights enums also list their
members (``models.ResNet50_Weights.IMAGENET1K_V1``). Functions and classes also have their signatures
recorded (``signature_of``), which ember's must equal.
"""
import enum
import importlib
import inspect
import json
import pathlib
import types
import typing

NAMESPACES = ["datasets", "datasets.folder", "datasets.utils", "datasets.samplers", "io", "ops", "transforms", "transforms.functional", "transforms.v2",
              "transforms.v2.functional", "utils", "models", "models.detection", "models.segmentation",
              "models.video", "models.optical_flow", "models.quantization", "tv_tensors"]


def _defined_by_torchvision(obj):
    return getattr(obj, "__module__", "") and obj.__module__.startswith("torchvision")


def public_names(module):
    if hasattr(module, "__all__"):
        names = {name for name in module.__all__ if not name.startswith("_")}
    else:
        names = {name for name in dir(module) if not name.startswith("_")
                 and not isinstance(getattr(module, name), (types.ModuleType, typing.TypeVar))
                 and _defined_by_torchvision(getattr(module, name))}
    for name in list(names):
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and name.endswith("_Weights"):
            names.update(f"{name}.{member}" for member in obj.__members__)
    return sorted(names)


class _Shown:
    """A default value shown by a fixed text (functions by name: their reprs hold addresses)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def signature_of(obj):
    """A function's or class's (constructor's) signature as text, without annotations, e.g.
    ``(root, split='train', transform=None)``; None when there is no comparable signature (enums, builtins)."""
    if not callable(obj) or (isinstance(obj, type) and issubclass(obj, enum.Enum)):
        return None
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        default = p.default
        if default is not inspect.Parameter.empty:
            default = _Shown(f"<callable {getattr(default, '__name__', type(default).__name__)}>" if callable(default)
                             else repr(default))
        params.append(p.replace(annotation=inspect.Parameter.empty, default=default))
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def main():
    import torchvision
    namespaces = {ns: public_names(importlib.import_module("torchvision." + ns)) for ns in NAMESPACES}
    signatures = {}
    for ns, names in namespaces.items():
        module = importlib.import_module("torchvision." + ns)
        for name in names:
            if "." not in name and (sig := signature_of(getattr(module, name))) is not None:
                signatures[f"{ns}.{name}"] = sig
    record = {"torchvision_version": torchvision.__version__.split("+")[0], "namespaces": namespaces,
              "signatures": signatures}
    out = pathlib.Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "vision" / "torchvision_api.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {out}: " + ", ".join(f"{ns} {len(v)}" for ns, v in namespaces.items())
          + f"; {len(signatures)} signatures")


if __name__ == "__main__":
    main()
