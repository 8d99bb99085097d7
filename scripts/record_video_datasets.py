"""Record torchvision's video clips, samplers and video datasets on tiny lossless videos into
tests/fixtures/vision/video_datasets.json (what tests/vision/datasets/test_video_datasets.py compares ember with).

Run under real torchvision with TorchCodec and PyAV installed:  python scripts/record_video_datasets.py

TorchCodec needs FFmpeg's shared libraries. The record in the repository was made with torchvision 0.28, torch
2.13 (CPU) and TorchCodec 0.17 using the FFmpeg 8 libraries bundled in PyAV's wheel (``av.libs``): symbolic links
named as TorchCodec asks (``libavcodec.so.62`` -> ``av.libs/libavcodec-<hash>.so.62...``, and so on), that folder and
``av.libs`` on ``LD_LIBRARY_PATH``, plus empty stand-ins for the CUDA libraries the PyPI wheel links against
(``libnvrtc.so.13``, ``libc10_cuda.so``, ``libtorch_cuda.so``; no CUDA code runs on the CPU path).
"""
import json
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torchvision  # noqa: E402
import torchvision.datasets.samplers  # noqa: E402,F401
import torchvision.datasets.video_utils  # noqa: E402,F401

from tests.vision.datasets._video_scenarios import run_scenarios  # noqa: E402


def main():
    with tempfile.TemporaryDirectory() as root:
        record = run_scenarios(torchvision, torch, root)
    record = {"torchvision_version": torchvision.__version__.split("+")[0], "scenarios": record}
    out = ROOT / "tests" / "fixtures" / "vision" / "video_datasets.json"
    text = json.dumps(record, indent=None, sort_keys=True)
    out.write_text(text.replace(root, "<root>") + "\n")
    print(f"wrote {out} ({len(text)} characters)")


if __name__ == "__main__":
    main()
