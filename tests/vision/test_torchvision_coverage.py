"""ember.vision against torchvision's public names, as a ratchet.

``tests/fixtures/vision/torchvision_api.json`` (written by ``scripts/record_torchvision_api.py`` under
real torchvision) lists the public names of torchvision's namespaces, weights enums' members included.
Each ``torchvision.<ns>.<name>`` must exist as ``ember.vision.<ns>.<name>``, unless ``EXCLUDED`` below
gives a reason it never will, or ``tests/fixtures/vision/torchvision_not_yet.txt`` lists it as not yet
implemented. Where torchvision's function or class (its constructor) has a signature, ember's must be the
same (parameter names, kinds and defaults; annotations aside), or the list names it as ``signature <name>``;
a signature that is only ``(*args, **kwargs)`` is not compared, nor are ember's parameters named ``_...`` that
torchvision's lacks.
The list only shrinks: an entry that now exists (or agrees) fails the test until it is taken off.

    python -m tests.vision.test_torchvision_coverage            # prints what is missing per namespace
    python -m tests.vision.test_torchvision_coverage --update   # rewrites the not-yet list
"""
import importlib
import inspect
import json
import re
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vision"
API_FILE = FIXTURES / "torchvision_api.json"
NOT_YET_FILE = FIXTURES / "torchvision_not_yet.txt"

# Names ember.vision will not provide, each with its reason.
EXCLUDED = {
    "datasets.folder.accimage_loader": "accimage (Intel IPP's image library) is not an ember.vision backend: "
                                       "set_image_backend accepts only 'PIL', and default_loader reads with Pillow",
}

_ABSENT = object()


def recorded_names():
    record = json.loads(API_FILE.read_text())
    return [f"{ns}.{name}" for ns, names in record["namespaces"].items() for name in names]


def _resolve(qualified):
    """The ember.vision object for ``ns.name`` (``models.X_Weights.MEMBER`` included), or _ABSENT."""
    parts = qualified.split(".")
    # NOTE: the namespace is the longest importable prefix (transforms.v2.functional before transforms).
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module("ember.vision." + ".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part, _ABSENT)
            if obj is _ABSENT:
                return _ABSENT
        return obj
    return _ABSENT


def missing_names():
    return [name for name in recorded_names() if name not in EXCLUDED and _resolve(name) is _ABSENT]


def _signature_of(obj):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        from record_torchvision_api import signature_of
    finally:
        sys.path.pop(0)
    return signature_of(obj)


_UNCOMPARED = "(*args, **kwargs)"


def _ember_signature(obj, theirs=""):
    """ember's signature as text, leaving out parameters named ``_...`` (ember's own, internal ones) unless
    torchvision's signature ``theirs`` has them too."""
    if _signature_of(obj) is None:
        return None
    sig = inspect.signature(obj)
    shared = set(re.findall(r"\b_\w+", theirs))

    def stub():
        pass
    stub.__signature__ = sig.replace(parameters=[p for p in sig.parameters.values()
                                                 if not p.name.startswith("_") or p.name in shared])
    return _signature_of(stub)


def differing_signatures():
    """``signature <name>`` for each recorded signature that ember's existing object does not match."""
    out = []
    for name, theirs in json.loads(API_FILE.read_text())["signatures"].items():
        obj = _resolve(name)
        if name in EXCLUDED or obj is _ABSENT:
            continue
        theirs = re.sub(r"\btorch\.", "ember.", theirs)          # torch.float32 is ember.float32
        ours = _ember_signature(obj, theirs)
        if ours is not None and ours != theirs and _UNCOMPARED not in (ours, theirs):
            out.append(f"signature {name}")
    return out


def _gaps():
    return missing_names() + differing_signatures()


def not_yet_names():
    return [line for line in NOT_YET_FILE.read_text().splitlines() if line and not line.startswith("#")]


def test_every_torchvision_name_exists_or_is_listed():
    unlisted = sorted(set(missing_names()) - set(not_yet_names()))
    assert not unlisted, (f"missing from ember.vision and not on {NOT_YET_FILE.name}: {unlisted}")


def test_signatures_agree_or_are_listed():
    unlisted = sorted(set(differing_signatures()) - set(not_yet_names()))
    record = json.loads(API_FILE.read_text())["signatures"]
    details = [f"{entry[10:]}: torchvision {record[entry[10:]]}, ember {_ember_signature(_resolve(entry[10:]), record[entry[10:]])}"
               for entry in unlisted]
    assert not unlisted, "signatures differing from torchvision's and not listed:\n" + "\n".join(details)


def test_not_yet_list_only_shrinks():
    done = sorted(set(not_yet_names()) - set(_gaps()))
    assert not done, (f"now implemented (or excluded): take these off {NOT_YET_FILE.name} "
                      f"(python -m tests.vision.test_torchvision_coverage --update): {done}")


def test_exclusions_name_recorded_names_and_give_reasons():
    recorded = set(recorded_names())
    for name, reason in EXCLUDED.items():
        assert name in recorded, name
        assert isinstance(reason, str) and len(reason) > 20, name


def test_recording_matches_the_installed_torchvision():
    torchvision = pytest.importorskip("torchvision")
    record = json.loads(API_FILE.read_text())
    if torchvision.__version__.split("+")[0] != record["torchvision_version"]:
        pytest.skip(f"recorded from torchvision {record['torchvision_version']}")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        from record_torchvision_api import public_names
    finally:
        sys.path.pop(0)
    for ns, names in record["namespaces"].items():
        module = importlib.import_module("torchvision." + ns)
        assert public_names(module) == names, ns
        for name in names:
            if f"{ns}.{name}" in record["signatures"]:
                assert _signature_of(getattr(module, name)) == record["signatures"][f"{ns}.{name}"], name


def main(argv):
    missing = missing_names()
    if "--update" in argv:
        NOT_YET_FILE.write_text("# torchvision names ember.vision does not have yet, and signatures that differ "
                                "(generated: python -m tests.vision.test_torchvision_coverage --update)\n"
                                + "".join(name + "\n" for name in missing + differing_signatures()))
    record = json.loads(API_FILE.read_text())
    for ns, names in record["namespaces"].items():
        gone = [name for name in missing if name.startswith(ns + ".") and name[len(ns) + 1:] in names]
        counted = [name for name in names if f"{ns}.{name}" not in EXCLUDED]
        print(f"{ns}: {len(counted) - len(gone)}/{len(counted)}" + (f"  missing: {', '.join(gone)}" if gone else ""))
    differing = differing_signatures()
    listed = f"  ({', '.join(d[10:] for d in differing)})" if differing else ""
    print(f"signatures differing: {len(differing)}{listed}")


if __name__ == "__main__":
    main(sys.argv[1:])
