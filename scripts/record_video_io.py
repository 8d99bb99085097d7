"""Record torchvision's read_video / read_video_timestamps / write_video on tiny lossless videos into
tests/fixtures/vision/video_io.json (what tests/vision/io/test_video.py compares ember with).

torchvision took these functions out of its public releases in 0.24, so the record comes from torchvision 0.23's
``torchvision/io/video.py`` (PyAV back end), run over the installed torch:

    pip download torchvision==0.23.0 --no-deps -d /tmp/tv23 && cd /tmp/tv23 && unzip -o torchvision-0.23.0-*.whl
    python scripts/record_video_io.py /tmp/tv23/torchvision/io
"""
import importlib.util
import json
import pathlib
import sys
import tempfile
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from tests.vision.io._video_io_scenarios import run_scenarios  # noqa: E402


def load_old_video_module(io_folder):
    """torchvision 0.23's io/video.py as a module ``tv023.io.video``, its few package imports stood in for."""
    package = types.ModuleType("tv023")
    package.__path__ = []
    utils = types.ModuleType("tv023.utils")
    utils._log_api_usage_once = lambda obj: None
    io = types.ModuleType("tv023.io")
    io.__path__ = [str(io_folder)]
    opt = types.ModuleType("tv023.io._video_opt")
    from fractions import Fraction
    opt.default_timebase = Fraction(0, 1)
    sys.modules.update({"tv023": package, "tv023.utils": utils, "tv023.io": io, "tv023.io._video_opt": opt})
    for name in ("_video_deprecation_warning", "video"):
        spec = importlib.util.spec_from_file_location(f"tv023.io.{name}", pathlib.Path(io_folder) / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["tv023.io.video"]


def main():
    video = load_old_video_module(sys.argv[1])
    with tempfile.TemporaryDirectory() as root:
        record = run_scenarios(video, torch, root)
    out = ROOT / "tests" / "fixtures" / "vision" / "video_io.json"
    out.write_text(json.dumps({"torchvision_version": "0.23.0", "scenarios": record}, sort_keys=True) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
