"""ember.vision.ops speed (milliseconds per call), side by side with torchvision when it is importable.

    TORCH_PYTHON=/path/to/python-with-torchvision python benchmarks/bench_vision_ops.py

roi_align on a Faster R-CNN-sized head (2 images, 256 channels of 50x50, 512 boxes, 7x7 bins,
sampling ratio 2), forward and forward+backward; NMS of 2,000 boxes; box_iou of 1,000 x 1,000.
A measure that torchvision cannot run here (its compiled kernels missing) is left blank.
"""
import numpy as np

from _common import best, import_lib, side_by_side


def bench(lib_name):
    lib = import_lib(lib_name)
    if lib_name == 'ember':
        from ember.vision import ops
    else:
        from torchvision import ops
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((2, 256, 50, 50)).astype(np.float32), requires_grad=True)
    xy = rng.uniform(0, 600, (512, 2))
    rois = np.concatenate([rng.integers(0, 2, (512, 1)), xy, xy + rng.uniform(16, 200, (512, 2))], 1)
    rois = lib.tensor(rois.astype(np.float32))
    xy = rng.uniform(0, 1000, (2000, 2))
    boxes = lib.tensor(np.concatenate([xy, xy + rng.uniform(10, 100, (2000, 2))], 1).astype(np.float32))
    scores = lib.tensor(rng.uniform(0, 1, 2000).astype(np.float32))

    def forward():
        with lib.no_grad():
            ops.roi_align(x, rois, (7, 7), 1 / 16, 2)

    def forward_backward():
        ops.roi_align(x, rois, (7, 7), 1 / 16, 2).sum().backward()

    cases = {'roi_align fwd': forward, 'roi_align fwd+bwd': forward_backward,
             'nms 2000': lambda: ops.nms(boxes, scores, 0.5),
             'box_iou 1000x1000': lambda: ops.box_iou(boxes[:1000], boxes[1000:])}
    results = {}
    for name, fn in cases.items():
        try:
            results[name] = best(fn, 2, repeat=3) * 1e3
        except RuntimeError:  # torchvision without its compiled kernels
            pass
    return results


if __name__ == '__main__':
    side_by_side(__file__, bench, header='ms per call')
